import { RequestMethod } from '@nestjs/common';

/**
 * Nest has no public API that hands the routes it registers, with their handlers, to a module.
 * This file is the one place that sees them, from two behaviours of Nest's router that its own
 * Fastify adapter relies on (it reads route options from the registered handler):
 *  - every route is registered through the HTTP adapter's method of the same name
 *    (`adapter.get(path, handler)`, `adapter.post(...)`, `adapter.all(...)`), and every Nest
 *    middleware through the function `adapter.createMiddlewareFactory()` returns;
 *  - the registered handler carries a copy of the metadata of the controller method.
 * So a marker defined on each controller method arrives on the handler of each of its routes.
 */
const ROUTE_MARKER = 'nestjs-cors-policy:route-marker';

/** The marker of a controller method: one object per function, shared by every app. */
export function routeMarkerOf(method: Function): object {
  let marker = Reflect.getOwnMetadata(ROUTE_MARKER, method) as object | undefined;
  if (!marker) {
    marker = Object.freeze({});
    Reflect.defineMetadata(ROUTE_MARKER, marker, method);
  }
  return marker;
}

/** One route Nest is registering; `register` passes it (or a handler in its place) on. */
export interface RouteRegistration {
  /** Upper-case method, or `ALL`. */
  readonly method: string;
  readonly path: string;
  readonly handler: Function;
  /** The marker of the controller method, when the handler is one (see `routeMarkerOf`). */
  readonly marker: object | undefined;
  register(handler: Function): unknown;
}

export interface CaptureListener {
  route(registration: RouteRegistration): unknown;
  middleware(callback: Function, register: (callback: Function) => unknown): unknown;
  /** Nest's own not-found and exception layers, mounted by `register` (after the routes). */
  nestLayers(register: () => unknown): unknown;
}

/** Adapter methods through which Nest mounts its not-found and exception handlers. */
const NEST_LAYER_METHODS = ['setNotFoundHandler', 'setErrorHandler'];

const ROUTE_METHODS = Object.keys(RequestMethod).filter((key) => Number.isNaN(Number(key)));

/**
 * Hands every route and middleware registered on `adapter` to `listener` until the returned
 * function is called, which restores the adapter.
 */
export function captureRoutes(adapter: object, listener: CaptureListener): () => void {
  const target = adapter as Record<string, unknown>;
  const wrapped: string[] = [];
  const wrap = (name: string, replacement: (original: Function) => Function) => {
    const original = target[name];
    if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(target, name))
      return;
    target[name] = replacement(original);
    wrapped.push(name);
  };
  for (const method of ROUTE_METHODS) {
    wrap(
      method.toLowerCase(),
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const path = args[0];
          const handler = args[args.length - 1];
          if (args.length !== 2 || typeof path !== 'string' || typeof handler !== 'function') {
            return original.apply(this, args);
          }
          return listener.route({
            method,
            path,
            handler,
            marker: Reflect.getMetadata(ROUTE_MARKER, handler) as object | undefined,
            register: (registered) => original.call(this, path, registered),
          });
        },
    );
  }
  wrap(
    'createMiddlewareFactory',
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        const wrapFactory =
          (factory: Function) =>
          (path: unknown, callback: Function, ...rest: unknown[]) =>
            listener.middleware(callback, (registered) => factory(path, registered, ...rest));
        const factory = original.apply(this, args) as Function | Promise<Function>;
        return factory instanceof Promise ? factory.then(wrapFactory) : wrapFactory(factory);
      },
  );
  const restore = () => {
    for (const name of wrapped) delete target[name];
  };
  // Nest mounts these once, after the routes (and after `onModuleInit`): each wrapper goes as
  // soon as it has run.
  for (const name of NEST_LAYER_METHODS) {
    const original = target[name];
    if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(target, name))
      continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      delete target[name];
      return listener.nestLayers(() => original.apply(this, args));
    };
  }
  return restore;
}
