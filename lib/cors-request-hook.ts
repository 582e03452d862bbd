import { METHODS } from 'node:http';
import type { CorsResponder, Preflight } from './cors-responder.js';
import type { HttpPlatform } from './platform/http-platform.js';
import type { PlatformRouter } from './platform/platform-router.js';
import type { PathPolicies } from './routing/path-policies.js';
import { type RouteResolution, resolveRoute } from './routing/route-target.js';

type Done = (error?: unknown) => void;

/**
 * Node's HTTP parser accepts these methods only, exactly as written: a preflight for any other
 * (`delete`, `GET, POST`) asks about a request that can never reach a handler.
 */
const DELIVERABLE_METHODS: ReadonlySet<string> = new Set(METHODS);

/**
 * The request hook (`setOnRequestHook`), which runs for every request before Nest middleware,
 * guards and handlers, on both platforms. It answers preflights with the policy of the handler
 * the platform's router would run for the requested method. Where the router already picked
 * the route (Fastify routes before this hook), it writes that route's headers at once, so that
 * responses ending early (a middleware's error, a guard's 401) carry them; on Express the route
 * writes them itself when it runs (see `ExpressRouter`). A request that no handler of the module
 * serves gets the policy of its path from `forRoot({ paths })`, if one matches.
 */
export function createCorsRequestHook(
  router: PlatformRouter,
  responder: CorsResponder,
  platform: HttpPlatform,
  routes: { readonly ownOptionsWithoutCors: boolean },
  paths?: PathPolicies,
) {
  return function corsRequestHook(request: unknown, response: unknown, done: Done): void {
    const facts = platform.factsOf(request);
    if (
      facts.method === 'OPTIONS' &&
      facts.origin !== undefined &&
      facts.requestMethod !== undefined
    ) {
      const route = routePreflight(router, request, facts.requestMethod, facts.url, routes, paths);
      if (route === UNDELIVERABLE) {
        responder.refusePreflight(facts as Preflight, response, UNDELIVERABLE_REASON);
        return;
      }
      if (route !== OWN_OPTIONS_ROUTE) {
        // A route the module does not own answers its preflights itself.
        if (route.kind === 'unowned') return done();
        responder.answerPreflight(route, facts as Preflight, response)?.catch(done);
        return;
      }
    }
    const target = router.routedTarget(request);
    const onNode = router.needsNodeResponse();
    let applied: void | Promise<void>;
    if (target) applied = responder.applyActual(target, facts, response, onNode);
    else {
      // No handler of the module (Fastify), or not routed yet (Express, where a route of the
      // module that the request reaches takes the path policy's headers back).
      const path = paths?.match(facts.url);
      if (!path) return done();
      applied =
        target === undefined
          ? responder.applyBeforeRouting(path, request as Record<PropertyKey, unknown>, response)
          : responder.applyActual(path, facts, response, onNode);
    }
    if (applied) applied.then(() => done(), done);
    else done();
  };
}

export const UNDELIVERABLE = 'undeliverable';
export const UNDELIVERABLE_REASON =
  'Access-Control-Request-Method is not a method this server accepts';
/** An `@Options()` handler with CORS off answers preflights itself, as an actual request. */
export const OWN_OPTIONS_ROUTE = 'own-options-route';

/**
 * Whose answer a preflight gets, asking `router` about `request`: refused before any route
 * (`UNDELIVERABLE`), handled as an actual request by its own `@Options()` route
 * (`OWN_OPTIONS_ROUTE`), or the route resolution of its requested method, where no handler of
 * the module serves it, that of its path policy (`forRoot({ paths })`), if one matches `url`.
 * The request hook and `CorsInspector.check()` both decide through here.
 */
export function routePreflight(
  router: PlatformRouter,
  request: unknown,
  requestMethod: string,
  url: string,
  routes: { readonly ownOptionsWithoutCors: boolean },
  paths?: PathPolicies,
): RouteResolution | typeof UNDELIVERABLE | typeof OWN_OPTIONS_ROUTE {
  if (!DELIVERABLE_METHODS.has(requestMethod)) return UNDELIVERABLE;
  // Only an app with an `@Options()` handler whose CORS is off pays for this question.
  if (routes.ownOptionsWithoutCors && answeredByOwnOptionsRoute(router, request)) {
    return OWN_OPTIONS_ROUTE;
  }
  const resolution = resolveRoute(router.candidatesFor(request, requestMethod));
  if (resolution.kind !== 'none' && resolution.kind !== 'unowned') return resolution;
  const path = paths?.match(url);
  return path ? { kind: 'target', target: path } : resolution;
}

/** An `@Options()` handler with CORS off answers preflights itself. */
function answeredByOwnOptionsRoute(router: PlatformRouter, request: unknown): boolean {
  const resolution = resolveRoute(router.candidatesFor(request, 'OPTIONS'));
  return resolution.kind === 'target' && !resolution.target.policy.enabled;
}
