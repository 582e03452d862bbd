import { copyHandlerIdentity } from '../nest/route-capture.js';
import type { PlatformRouter } from './platform-router.js';
import type { RouteCandidate, RouteTarget } from '../routing/route-target.js';

/** Marks a route's Fastify config with its target; `Symbol.for` so that ESM and CJS builds agree. */
const CORS_ROUTE = Symbol.for('nestjs-cors-policy.route');

interface FindMyWayLike {
  find(
    method: string,
    path: string,
    constraints?: Record<string, unknown>,
  ): { store?: { config?: Record<PropertyKey, unknown> }; params?: Record<string, string> } | null;
  constrainer: {
    deriveSyncConstraints(req: unknown, ctx?: unknown): Record<string, unknown>;
    asyncStrategiesInUse: Set<string>;
  };
}

interface RouteOptionsLike {
  handler: Function;
  config?: Record<PropertyKey, unknown>;
  constraints?: Record<string, unknown> & { version?: unknown };
}

/** What a route of the module's does on Fastify where the request hook cannot (host-bound routes). */
export interface FastifyRouteHooks {
  /** Writes the headers of `target` for this request; a promise where an origin function is async. */
  enter(target: RouteTarget, request: unknown, reply: unknown): void | Promise<void>;
  /** Takes back the headers of an actual response. */
  removeActual(reply: unknown): void;
}

export interface FastifyInstanceLike {
  addHook(name: 'onRoute', hook: (options: RouteOptionsLike) => void): unknown;
  findRoute(options: { method: string; url: string }): unknown;
}

interface FastifyRequestLike {
  raw: { url?: string; headers: Record<string, unknown> };
  routeOptions: { config?: Record<PropertyKey, unknown> };
}

/**
 * Fastify routes before its `onRequest` hooks run, so an actual request's route is known in
 * the hook (`request.routeOptions.config`, which each route registered by the module carries its
 * target in). A preflight asks about another method: that question goes to the same
 * find-my-way instance that routes real requests, with the constraints (host, version) it
 * derives from the request itself, so its decoding, precedence and router options apply.
 */
export class FastifyRouter implements PlatformRouter {
  private readonly targets = new WeakMap<Function, RouteTarget>();
  /**
   * Values of the constraints other than the host that routes of the module's use: the version
   * under header, media-type or custom versioning, and constraints of the app's own. They are
   * derived from request headers a preflight does not carry.
   */
  private readonly constraintValues = new Map<string, Set<unknown>>();
  private pending: RouteTarget | undefined;

  private readonly router: FindMyWayLike | undefined;
  /** `@fastify/middie`'s flag, looked up once (`null`: not there). */
  private middieFlag: symbol | null | undefined;

  constructor(
    private readonly instance: FastifyInstanceLike,
    private readonly hooks: FastifyRouteHooks,
  ) {
    this.router = findMyWayOf(instance);
    instance.addHook('onRoute', (options) => {
      // Fastify adds the HEAD route of a GET route later, with the same handler.
      const target = this.pending ?? this.targets.get(options.handler);
      if (!target) return;
      this.targets.set(options.handler, target);
      options.config = { ...options.config, [CORS_ROUTE]: target };
      for (const [name, value] of Object.entries(options.constraints ?? {})) {
        if (name === 'host') continue; // a preflight carries the real Host
        const values = this.constraintValues.get(name) ?? new Set();
        this.constraintValues.set(name, values.add(value));
      }
    });
  }

  registerRoute(target: RouteTarget, handler: Function, register: (handler: Function) => unknown) {
    // Nest's adapter registers the route synchronously, so the `onRoute` hook runs in between.
    this.pending = target;
    try {
      return register(target.hostBound ? this.hostBoundRoute(target, handler) : handler);
    } finally {
      this.pending = undefined;
    }
  }

  /**
   * A host-bound route runs Nest's host filter before its handler, and for another host that
   * filter has no route to pass the request on to here: it throws its 404 at once (the handler
   * proxy, being async, never throws synchronously). So such a route writes its headers itself,
   * when the request reaches it (not in the request hook, so that a middleware's error for
   * another host carries none, as on Express), and takes them back on that 404.
   */
  private hostBoundRoute(target: RouteTarget, handler: Function): Function {
    const { hooks } = this;
    const route = function corsHostBoundRoute(this: unknown, request: unknown, reply: unknown) {
      const run = () => {
        try {
          return handler.call(this, request, reply);
        } catch (error) {
          hooks.removeActual(reply);
          throw error;
        }
      };
      const entered = hooks.enter(target, request, reply);
      return entered ? entered.then(run) : run();
    };
    copyHandlerIdentity(handler, route);
    return route;
  }

  registerMiddleware(callback: Function, register: (callback: Function) => unknown): unknown {
    // Nest middleware runs after the request hook, which already wrote the routed headers.
    return register(callback);
  }

  /**
   * A response can be sent past the request's reply, which would lose what `reply.header()`
   * wrote: the error response of a throwing Nest middleware (Nest's exception layer answers it
   * through a new reply around the Node.js response), or a middleware that ends the Node.js
   * response itself. So the headers go on the Node.js response when the app has any
   * middleware, and through `reply.header()`, the cheapest, otherwise. Whether it has any is
   * read from `@fastify/middie`, which Nest registers for every app and which runs them all
   * (Nest's and `app.use()`'s): its own flag, a second private detail read here; where it cannot
   * be found, some are assumed. Handlers' own responses (`@Sse()` included) and the errors of
   * guards, pipes and handlers go through the request's reply.
   */
  needsNodeResponse(): boolean {
    // Looked up on the first request, when Nest has registered middie; never again per request.
    const flag = (this.middieFlag ??=
      Object.getOwnPropertySymbols(this.instance).find(
        (symbol) => symbol.description === 'fastify-middie-has-middlewares',
      ) ?? null);
    return flag === null || (this.instance as unknown as Record<symbol, unknown>)[flag] !== false;
  }

  registerNestLayers(
    name: string,
    args: unknown[],
    register: (args: unknown[]) => unknown,
  ): unknown {
    const [handler] = args;
    if (name !== 'setNotFoundHandler' || typeof handler !== 'function') return register(args);
    // A request the router matched can still end in the not-found handler, which Nest's adapter
    // calls for an empty route parameter: no handler of ours ran, so the headers written for
    // the matched route go.
    const { removeActual } = this.hooks;
    return register([
      function corsNotFound(this: unknown, request: unknown, reply: unknown) {
        removeActual(reply);
        return handler.call(this, request, reply);
      },
      ...args.slice(1),
    ]);
  }

  verify(): void {
    if (!this.router) {
      throw new Error(
        "CorsModule cannot reach Fastify's router (find-my-way) to answer preflights: this Fastify version is not supported",
      );
    }
  }

  describedRequest(method: string, url: string, headers: Record<string, string>): unknown {
    // What the module reads of a Fastify request: its own fields, the Node.js request in `raw`
    // (from which find-my-way derives its host and version constraints), and the config of the
    // route find-my-way picks for it, as Fastify does before its hooks run.
    const raw = { method, url, headers };
    const router = this.router!;
    const found = router.find(method, url, router.constrainer.deriveSyncConstraints(raw));
    return { method, url, headers, raw, routeOptions: { config: found?.store?.config } };
  }

  routedTarget(request: unknown): RouteTarget | null {
    const target = targetOf((request as FastifyRequestLike).routeOptions.config);
    // A host-bound route writes its headers itself (see `hostBoundRoute`).
    return target?.hostBound ? null : target;
  }

  candidatesFor(request: unknown, method: string): readonly RouteCandidate[] {
    const router = this.router!;
    const raw = (request as FastifyRequestLike).raw;
    const url = raw.url ?? '';
    // Async constraint strategies cannot be asked synchronously: no answer, so nobody's policy.
    if (router.constrainer.asyncStrategiesInUse.size > 0) return [];
    const constraints = router.constrainer.deriveSyncConstraints(raw);
    const found = router.find(method, url, constraints);
    const candidates: RouteCandidate[] = [];
    const add = (match: typeof found) => {
      if (!match || !reachesHandler(match.params)) return;
      const target = targetOf(match.store?.config);
      candidates.push(target);
    };
    add(found);
    // A preflight carries no version header (nor the app's own constraint headers): ask the
    // router for each value the app's routes serve; they must agree.
    for (const [name, values] of this.constraintValues) {
      for (const value of values) add(router.find(method, url, { ...constraints, [name]: value }));
    }
    return candidates;
  }
}

/**
 * Nest's Fastify adapter sends a request whose route parameter (other than the wildcard) is
 * empty to the not-found handler (`requireNonEmptyParams`), so the route's handler never runs.
 */
function reachesHandler(params: Record<string, string> | undefined): boolean {
  for (const name in params) if (params[name] === '' && name !== '*') return false;
  return true;
}

function targetOf(config: Record<PropertyKey, unknown> | undefined): RouteTarget | null {
  return (config?.[CORS_ROUTE] as RouteTarget | undefined) ?? null;
}

/**
 * Fastify's public `findRoute()` runs find-my-way's lookup but returns neither the route's
 * store nor anything that tells routes apart (its `handler` is Fastify's one dispatcher for all
 * routes). So the router instance is reached through two private details, here alone: the
 * not-found router (`Symbol(fastify.404)`), a find-my-way instance whose prototype the main
 * router shares, and one call of `findRoute()` while that prototype's `find` records its
 * receiver. It runs at startup, before Fastify compiles its routes; the e2e suites fail if a
 * Fastify upgrade breaks it, and `verify()` fails the startup.
 */
function findMyWayOf(instance: FastifyInstanceLike): FindMyWayLike | undefined {
  const notFound = Object.getOwnPropertySymbols(instance).find(
    (symbol) => symbol.description === 'fastify.404',
  );
  const notFoundRouter = notFound
    ? (instance as unknown as Record<symbol, { router?: object }>)[notFound]?.router
    : undefined;
  const prototype = notFoundRouter
    ? (Object.getPrototypeOf(notFoundRouter) as { find?: Function })
    : undefined;
  const find = prototype?.find;
  if (!prototype || typeof find !== 'function') return undefined;
  let receiver: FindMyWayLike | undefined;
  prototype.find = function (this: FindMyWayLike, ...args: unknown[]) {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the receiver is what is sought
    receiver ??= this;
    return find.apply(this, args);
  };
  try {
    instance.findRoute({ method: 'GET', url: '/' });
  } finally {
    prototype.find = find;
  }
  if (
    typeof receiver?.find !== 'function' ||
    typeof receiver.constrainer?.deriveSyncConstraints !== 'function'
  ) {
    return undefined;
  }
  return receiver;
}
