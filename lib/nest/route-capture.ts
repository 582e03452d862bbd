import { RequestMethod } from '@nestjs/common';

/**
 * Nest has no public API that lists the routes it registered with their handlers. This file is
 * the one place that learns them, from two behaviours of Nest's router that its own Fastify
 * adapter relies on (it reads route config metadata from the registered handler):
 *  - every route is registered through the HTTP adapter's method of the same name
 *    (`adapter.get(path, handler)`, `adapter.post(...)`, `adapter.all(...)`);
 *  - the registered handler carries a copy of the metadata of the controller method.
 * So a marker defined on each controller method arrives on the handler of each of its routes,
 * with the exact path Nest computed (global prefix and exclusions, versions, RouterModule).
 */
const ROUTE_MARKER = 'nestjs-cors-policy:route-marker';

/** One route Nest registered: upper-case method (or `ALL`), path, and the marker of its method. */
export interface CapturedRoute {
  readonly method: string;
  readonly path: string;
  readonly marker: object | undefined;
}

/** The marker of a controller method: one object per function, shared by every app. */
export function routeMarkerOf(method: Function): object {
  let marker = Reflect.getOwnMetadata(ROUTE_MARKER, method) as object | undefined;
  if (!marker) {
    marker = Object.freeze({});
    Reflect.defineMetadata(ROUTE_MARKER, marker, method);
  }
  return marker;
}

const ROUTE_METHODS = Object.keys(RequestMethod).filter((key) => Number.isNaN(Number(key)));

/**
 * Records the routes registered on `adapter` until the returned function is called, which
 * restores the adapter and returns them in registration order.
 */
export function captureRoutes(adapter: object): () => CapturedRoute[] {
  const routes: CapturedRoute[] = [];
  const target = adapter as Record<string, unknown>;
  const wrapped: string[] = [];
  for (const method of ROUTE_METHODS) {
    const name = method.toLowerCase();
    const original = target[name];
    if (typeof original !== 'function' || Object.prototype.hasOwnProperty.call(target, name))
      continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const path = args[0];
      const handler = args[args.length - 1];
      if (typeof path === 'string' && typeof handler === 'function') {
        routes.push({
          method,
          path,
          marker: Reflect.getMetadata(ROUTE_MARKER, handler) as object | undefined,
        });
      }
      return original.apply(this, args);
    };
    wrapped.push(name);
  }
  return () => {
    for (const name of wrapped) delete target[name];
    return routes;
  };
}
