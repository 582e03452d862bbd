import type { PlatformRouter } from './platform-router.js';
import type { RouteCandidate, RouteTarget } from '../routing/route-target.js';

/** Marks a route's Fastify config with its target; `Symbol.for` so that ESM and CJS builds agree. */
const CORS_ROUTE = Symbol.for('nestjs-cors-policy.route');

interface FindMyWayLike {
  find(
    method: string,
    path: string,
    constraints?: Record<string, unknown>,
  ): { store?: { config?: Record<PropertyKey, unknown> } } | null;
  constrainer: {
    deriveSyncConstraints(req: unknown, ctx?: unknown): Record<string, unknown>;
    asyncStrategiesInUse: Set<string>;
  };
}

interface RouteOptionsLike {
  handler: Function;
  config?: Record<PropertyKey, unknown>;
  constraints?: { version?: unknown };
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
  /** Versions of routes under header, media-type or custom versioning (find-my-way constraints). */
  private readonly versions = new Set<unknown>();
  private pending: RouteTarget | undefined;
  private readonly router: FindMyWayLike | undefined;

  constructor(instance: FastifyInstanceLike) {
    this.router = findMyWayOf(instance);
    instance.addHook('onRoute', (options) => {
      // Fastify adds the HEAD route of a GET route later, with the same handler.
      const target = this.pending ?? this.targets.get(options.handler);
      if (!target) return;
      this.targets.set(options.handler, target);
      options.config = { ...options.config, [CORS_ROUTE]: target };
      const version = options.constraints?.version;
      if (version !== undefined) this.versions.add(version);
    });
  }

  registerRoute(target: RouteTarget, handler: Function, register: (handler: Function) => unknown) {
    // Nest's adapter registers the route synchronously, so the `onRoute` hook runs in between.
    this.pending = target;
    try {
      return register(handler);
    } finally {
      this.pending = undefined;
    }
  }

  registerMiddleware(callback: Function, register: (callback: Function) => unknown): unknown {
    // Nest middleware runs after the request hook, which already wrote the routed headers.
    return register(callback);
  }

  registerNestLayers(register: () => unknown): unknown {
    // Fastify's not-found and error handlers are no routes: the router never reaches them.
    return register();
  }

  verify(): void {
    if (!this.router) {
      throw new Error(
        "CorsModule cannot reach Fastify's router (find-my-way) to answer preflights: this Fastify version is not supported",
      );
    }
  }

  routedTarget(request: unknown): RouteTarget | null {
    return targetOf((request as FastifyRequestLike).routeOptions.config);
  }

  candidatesFor(request: unknown, method: string): readonly RouteCandidate[] {
    const router = this.router!;
    const raw = (request as FastifyRequestLike).raw;
    const url = raw.url ?? '';
    // Async constraint strategies cannot be asked synchronously: no answer, so nobody's policy.
    if (router.constrainer.asyncStrategiesInUse.size > 0) return [];
    const constraints = router.constrainer.deriveSyncConstraints(raw);
    const found = router.find(method, url, constraints);
    const first: RouteCandidate | undefined = found ? targetOf(found.store?.config) : undefined;
    if (this.versions.size === 0) return first === undefined ? [] : [first];
    // A preflight carries no version header: ask the router for each version the app serves.
    const candidates: RouteCandidate[] = first === undefined ? [] : [first];
    for (const version of this.versions) {
      const versioned = router.find(method, url, { ...constraints, version });
      if (versioned) candidates.push(targetOf(versioned.store?.config));
    }
    return candidates;
  }
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
