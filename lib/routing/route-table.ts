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

/** The routes registered with one method at one path, in the order the router tries them. */
interface RouteGroup<T> {
  readonly method: string;
  readonly path: string;
  readonly isStatic: boolean;
  readonly regexp: RegExp | undefined;
  readonly targets: T[];
}

const DYNAMIC_SYNTAX = /[:*{}()\\]/;

/**
 * Finds the routes a request path reaches, the way the platform's router would, so that a
 * preflight is answered with the policy of the handler its actual request would reach.
 * Static paths are resolved with one map lookup; parametric paths are tested in order.
 */
export class RouteTable<T> {
  private readonly statics = new Map<string, PathRoutes<T>>();
  private readonly dynamics: RouteGroup<T>[] = [];
  /** Routes this table cannot find: `METHOD path` of each path path-to-regexp does not read. */
  readonly unreadable: string[] = [];
  /** Each method and path served by several targets (host or version routing, duplicates). */
  readonly shared: { method: string; path: string; targets: readonly T[] }[] = [];

  constructor(
    routes: readonly RegisteredRoute<T>[],
    private readonly matching: RouteMatching,
  ) {
    const groups = new Map<string, RouteGroup<T>>();
    for (const { method, path, target } of routes) {
      const id = `${method} ${path}`;
      let group = groups.get(id);
      if (!group) {
        const isStatic = !DYNAMIC_SYNTAX.test(path);
        group = {
          method,
          path,
          isStatic,
          regexp: isStatic ? undefined : this.compile(path),
          targets: [],
        };
        groups.set(id, group);
      }
      if (!group.targets.includes(target)) group.targets.push(target);
    }
    let ordered = [...groups.values()];
    if (!matching.orderSensitive) {
      // find-my-way prefers static paths, then parameters, then wildcards, whatever the order.
      const rank = (g: RouteGroup<T>) => (g.isStatic ? 0 : g.path.includes('*') ? 2 : 1);
      ordered = ordered.sort((a, b) => rank(a) - rank(b));
    }
    for (const group of ordered) {
      if (!group.isStatic && group.regexp) this.dynamics.push(group);
      if (!group.isStatic && !group.regexp) this.unreadable.push(`${group.method} ${group.path}`);
      if (group.targets.length > 1) this.shared.push(group);
    }
    for (const group of ordered) {
      if (!group.isStatic) continue;
      const key = this.key(group.path);
      if (this.statics.has(key)) continue;
      const reaching = ordered.filter((other) =>
        other.isStatic ? this.key(other.path) === key : other.regexp?.test(group.path),
      );
      this.statics.set(key, routesOf(reaching));
    }
  }

  /** The routes reaching `pathname` (no query string), or `undefined` when no route matches it. */
  lookup(pathname: string): PathRoutes<T> | undefined {
    const found = this.statics.get(this.key(pathname));
    if (found) return found;
    let reaching: RouteGroup<T>[] | undefined;
    for (const group of this.dynamics) {
      if (group.regexp!.test(pathname)) (reaching ??= []).push(group);
    }
    return reaching && routesOf(reaching);
  }

  private key(path: string): string {
    let key = this.matching.caseSensitive ? path : path.toLowerCase();
    if (this.matching.ignoreTrailingSlash && key.length > 1 && key.endsWith('/')) {
      key = key.slice(0, -1);
    }
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

/** The first group, in the router's order, that serves `method` (itself or as `ALL`). */
function routesOf<T>(groups: readonly RouteGroup<T>[]): PathRoutes<T> {
  const serve = (method: string) => {
    for (const group of groups) {
      if (group.method === method || group.method === 'ALL') return group.targets;
    }
    return undefined;
  };
  return {
    // HEAD is served by the GET route where there is no HEAD route, on both platforms.
    forMethod: (method) => serve(method) ?? (method === 'HEAD' ? serve('GET') : undefined),
  };
}
