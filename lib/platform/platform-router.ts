import type { RouteCandidate, RouteTarget } from '../routing/route-target.js';

/**
 * What the module asks of a platform's router. Each platform answers from its own router:
 * Fastify's find-my-way instance, Express's router stack. Nothing here matches a path itself.
 */
export interface PlatformRouter {
  /**
   * Registers one route of a controller handler through `register`, so that the router can
   * later tell that route's target. Returns what `register` returned.
   */
  registerRoute(
    target: RouteTarget,
    handler: Function,
    register: (handler: Function) => unknown,
  ): unknown;
  /** Registers one Nest middleware through `register` (see `ExpressRouter`). */
  registerMiddleware(callback: Function, register: (callback: Function) => unknown): unknown;
  /** Mounts Nest's own not-found and exception handlers (`setNotFoundHandler`, ...). */
  registerNestLayers(
    name: string,
    args: unknown[],
    register: (args: unknown[]) => unknown,
  ): unknown;
  /** Throws, naming what is missing, when the router cannot be asked. Called at startup. */
  verify(): void;
  /**
   * The target of the route the router picked for this request, `null` for a route the module
   * does not own or none, and `undefined` where routing has not happened yet (Express runs the
   * request hook before routing; the route itself tells, see `registerRoute`).
   */
  routedTarget(request: unknown): RouteTarget | null | undefined;
  /**
   * The routes a request with `method` and this request's target and host would reach, in the
   * order the router tries them (see `resolveRoute`): what a preflight asks about.
   */
  candidatesFor(request: unknown, method: string): readonly RouteCandidate[];
  /**
   * Whether the headers of actual requests must go on the Node.js response, since a response
   * may be sent past the framework's own reply object (Fastify: see `FastifyRouter`).
   */
  needsNodeResponse(): boolean;
  /**
   * A request object that this router's lookups and the platform's `factsOf` read as they read
   * a real one, built from a described request (`CorsInspector.check()`): nothing is sent.
   * `headers` have lower-case names.
   */
  describedRequest(method: string, url: string, headers: Record<string, string>): unknown;
}
