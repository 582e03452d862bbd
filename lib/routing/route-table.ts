import { pathToRegexp } from 'path-to-regexp';

/** One route as the HTTP platform registered it. `method` is upper-case, or `ALL`. */
export interface RegisteredRoute<T> {
  readonly method: string;
  readonly path: string;
  readonly target: T;
}

/** How the platform's router matches paths (Nest's `getRouteMatchingOptions()`, plus order). */
export interface RouteMatching {
  readonly caseSensitive: boolean;
  readonly ignoreTrailingSlash: boolean;
  /** Express serves the first registered match; Fastify prefers static over parametric paths. */
  readonly orderSensitive: boolean;
}

/** The routes that serve one request path, by method: what a preflight for that path may reach. */
export interface PathRoutes<T> {
  /** Targets of the route that serves `method` (several where hosts or versions split it). */
  forMethod(method: string): readonly T[] | undefined;
}

interface PathPattern<T> {
  readonly regexp: RegExp | undefined;
  readonly byMethod: Map<string, T[]>;
}

const DYNAMIC_SYNTAX = /[:*{}()\\]/;

/**
 * Finds the routes a request path reaches, the way the platform's router would, so that a
 * preflight is answered with the policy of the handler its actual request would reach.
 * Static paths are precompiled into one map lookup; parametric paths are tested in order.
 */
export class RouteTable<T> {
  private readonly statics = new Map<string, PathRoutes<T>>();
  private readonly dynamics: PathPattern<T>[] = [];

  constructor(
    routes: readonly RegisteredRoute<T>[],
    private readonly matching: RouteMatching,
  ) {
    const patterns = new Map<string, PathPattern<T> & { isStatic: boolean; path: string }>();
    for (const route of routes) {
      let pattern = patterns.get(route.path);
      if (!pattern) {
        const isStatic = !DYNAMIC_SYNTAX.test(route.path);
        pattern = {
          path: route.path,
          isStatic,
          regexp: isStatic ? undefined : this.compile(route.path),
          byMethod: new Map(),
        };
        patterns.set(route.path, pattern);
      }
      const targets = pattern.byMethod.get(route.method) ?? [];
      if (!targets.includes(route.target)) targets.push(route.target);
      pattern.byMethod.set(route.method, targets);
    }
    let ordered = [...patterns.values()];
    if (!matching.orderSensitive) {
      const rank = (p: { isStatic: boolean; path: string }) =>
        p.isStatic ? 0 : p.path.includes('*') ? 2 : 1;
      ordered = ordered.sort((a, b) => rank(a) - rank(b));
    }
    for (const pattern of ordered) {
      if (!pattern.isStatic && pattern.regexp) this.dynamics.push(pattern);
    }
    for (const pattern of ordered) {
      if (!pattern.isStatic) continue;
      const key = this.key(pattern.path);
      if (this.statics.has(key)) continue;
      // Every pattern that also matches this path, in the order the router tries them.
      const reaching = ordered.filter((p) =>
        p.isStatic ? this.key(p.path) === key : p.regexp?.test(pattern.path),
      );
      this.statics.set(key, routesOf(reaching));
    }
  }

  /** The routes reaching `pathname` (no query string), or `undefined` when no route matches it. */
  lookup(pathname: string): PathRoutes<T> | undefined {
    const found = this.statics.get(this.key(pathname));
    if (found) return found;
    let reaching: PathPattern<T>[] | undefined;
    for (const pattern of this.dynamics) {
      if (pattern.regexp!.test(pathname)) (reaching ??= []).push(pattern);
    }
    return reaching && routesOf(reaching);
  }

  private key(path: string): string {
    let key = this.matching.caseSensitive ? path : path.toLowerCase();
    if (this.matching.ignoreTrailingSlash && key.length > 1 && key.endsWith('/'))
      key = key.slice(0, -1);
    return key;
  }

  private compile(path: string): RegExp | undefined {
    try {
      return pathToRegexp(path, {
        sensitive: this.matching.caseSensitive,
        trailing: this.matching.ignoreTrailingSlash,
      }).regexp;
    } catch {
      // A path in a syntax path-to-regexp does not read (a platform's own wildcard): preflights
      // for it go on to the platform, and the interceptor still applies the handler's policy.
      return undefined;
    }
  }
}

function routesOf<T>(patterns: readonly PathPattern<T>[]): PathRoutes<T> {
  const serve = (method: string) => {
    for (const pattern of patterns) {
      const targets = pattern.byMethod.get(method) ?? pattern.byMethod.get('ALL');
      if (targets) return targets;
    }
    return undefined;
  };
  return {
    // HEAD is served by the GET route where there is no HEAD route, on both platforms.
    forMethod: (method) => serve(method) ?? (method === 'HEAD' ? serve('GET') : undefined),
  };
}
