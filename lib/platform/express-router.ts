import { copyHandlerIdentity } from '../nest/route-capture.js';
import type { PlatformRouter } from './platform-router.js';
import type { RouteCandidate, RouteTarget } from '../routing/route-target.js';

/** One entry of Express 5's router stack (the `router` package's `Layer`). */
interface Layer {
  handle: Function;
  route?: {
    stack: { handle: Function; method?: string }[];
    _handlesMethod(method: string): boolean;
  };
  /** Mounted with `use()` at `/`: it sees every path. */
  slash?: boolean;
  match(path: string): boolean;
}

interface ExpressAppLike {
  router?: { stack?: Layer[] };
  /** The prototype of the app's requests, whose `path` getter runs Express's own `parseurl`. */
  request?: object;
}

interface ExpressRequestLike {
  url: string;
  originalUrl?: string;
  /** Express's own reading of the request path (`parseurl`), which its router matches. */
  readonly path: string;
}

type Next = (error?: unknown) => void;

/**
 * What the module does when a request meets a route or a middleware of its own on Express.
 * `enter` writes the headers of `target` (and may answer asynchronously); `leave` takes them
 * back when the request is passed on without an answer.
 */
export interface ExpressRouteHooks {
  enter(target: RouteTarget, request: unknown, response: unknown): void | Promise<void>;
  leave(request: unknown, response: unknown): void;
}

/**
 * Express routes while the request goes through its stack, after the request hook: the route
 * that really runs tells its target itself (its handler is wrapped when Nest registers it).
 * Questions about a request before it gets there (a preflight asks about another method; a
 * Nest middleware that throws ends the request before any route) go to the same router: its
 * stack of layers, tried in order with each layer's own `match()`, and each route's own
 * `_handlesMethod()`, so its decoding, case and strict-routing options apply as they are.
 * `app.router.stack` and those two methods are the router package's internals, used here alone.
 */
export class ExpressRouter implements PlatformRouter {
  private readonly targets = new WeakMap<Function, RouteTarget>();
  /** Layers that pass requests on: Nest middleware, and Nest's not-found and exception layers. */
  private readonly passing = new WeakSet<Function>();

  constructor(
    private readonly app: ExpressAppLike,
    private readonly hooks: ExpressRouteHooks,
  ) {}

  registerRoute(target: RouteTarget, handler: Function, register: (handler: Function) => unknown) {
    const { hooks } = this;
    const run = (self: unknown, req: unknown, res: unknown, next: Next) => {
      // A filter that passes the request on (host, version) must take the headers back.
      const onward: Next = target.passesOn
        ? (error) => {
            hooks.leave(req, res);
            next(error);
          }
        : next;
      return handler.call(self, req, res, onward);
    };
    // Three parameters: Express takes a function of four for an error handler.
    const route = function corsRoute(this: unknown, req: unknown, res: unknown, next: Next) {
      const entered = hooks.enter(target, req, res);
      return entered ? entered.then(() => run(this, req, res, next)) : run(this, req, res, next);
    };
    copyHandlerIdentity(handler, route);
    this.targets.set(route, target);
    return register(route);
  }

  registerMiddleware(callback: Function, register: (callback: Function) => unknown): unknown {
    const { hooks } = this;
    const heading = (request: unknown) => this.heading(request);
    // Before a Nest middleware runs, the headers of the route the request is heading to, so
    // that the middleware's error response carries them; taken back when it passes the
    // request on, since the route (or an endpoint the module does not own) answers then.
    const middleware = function corsMiddleware(
      this: unknown,
      req: unknown,
      res: unknown,
      next: Next,
    ) {
      const onward: Next = (error) => {
        if (error === undefined) hooks.leave(req, res);
        next(error);
      };
      const target = heading(req);
      const entered = target ? hooks.enter(target, req, res) : undefined;
      return entered
        ? entered.then(() => callback.call(this, req, res, onward))
        : callback.call(this, req, res, onward);
    };
    copyHandlerIdentity(callback, middleware);
    this.passing.add(middleware);
    return register(middleware);
  }

  registerNestLayers(
    _name: string,
    args: unknown[],
    register: (args: unknown[]) => unknown,
  ): unknown {
    // Nest mounts its not-found handler (a router at the global prefix) and its exception
    // layers last: a request that reaches them reached no route.
    const stack = this.app.router?.stack ?? [];
    const before = stack.length;
    const result = register(args);
    for (const layer of stack.slice(before)) {
      this.passing.add(layer.handle);
      // `instance.all(excludedPath, notFound)`: a route, whose handlers are in its own stack.
      for (const handler of layer.route?.stack ?? []) this.passing.add(handler.handle);
    }
    return result;
  }

  verify(): void {
    const stack = this.app.router?.stack;
    const probe = stack?.[0];
    if (!Array.isArray(stack) || typeof probe?.match !== 'function') {
      throw new Error(
        "CorsModule cannot read Express's router (app.router.stack) to answer preflights: this Express version is not supported",
      );
    }
  }

  routedTarget(): undefined {
    return undefined;
  }

  /** Express has the Node.js response only. */
  needsNodeResponse(): boolean {
    return true;
  }

  describedRequest(method: string, url: string, headers: Record<string, string>): unknown {
    // Express's own request prototype, so that `req.path` (and an origin function's
    // `req.get()`) work as on a real request.
    const request = Object.create(this.app.request ?? null) as Record<string, unknown>;
    Object.assign(request, { method, url, originalUrl: url, headers });
    return request;
  }

  /** The target of the route a request with its own method would reach, if it is ours alone. */
  heading(request: unknown): RouteTarget | undefined {
    const candidates = this.candidatesFor(request, (request as { method: string }).method);
    const [first] = candidates;
    return candidates.length === 1 && first ? first : undefined;
  }

  candidatesFor(request: unknown, method: string): readonly RouteCandidate[] {
    const path = pathOf(request as ExpressRequestLike);
    const candidates: RouteCandidate[] = [];
    for (const layer of this.app.router?.stack ?? []) {
      let matched: boolean;
      try {
        matched = layer.match(path);
      } catch {
        return candidates; // a malformed parameter: the router answers 400 itself
      }
      if (!matched) continue;
      const { route } = layer;
      if (!route) {
        // Error handlers only run for errors; Nest middleware and middleware mounted at `/`
        // (body parsers, helmet, ...) pass requests on. Anything else mounted at this path
        // (GraphQL, static files) is an endpoint the module does not own.
        if (layer.handle.length > 3 || layer.slash || this.passing.has(layer.handle)) continue;
        candidates.push(null);
        return candidates;
      }
      if (!route._handlesMethod(method)) continue;
      const handle = route.stack[0]?.handle;
      if (handle && this.passing.has(handle)) continue;
      const target = handle && route.stack.length === 1 ? this.targets.get(handle) : undefined;
      candidates.push(target ?? null);
      if (!target?.passesOn) return candidates;
    }
    return candidates;
  }
}

/**
 * The path Express's router matches: `req.path` (its own `parseurl`) of the URL as received.
 * Inside a middleware mounted at a path, `req.url` is cut, so the original is read for a moment.
 */
function pathOf(request: ExpressRequestLike): string {
  const { url, originalUrl } = request;
  if (originalUrl === undefined || originalUrl === url) return request.path;
  request.url = originalUrl;
  try {
    return request.path;
  } finally {
    request.url = url;
  }
}
