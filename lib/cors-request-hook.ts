import type { CorsRegistry, RouteTarget } from './cors-registry.js';
import type { CorsResponder } from './cors-responder.js';
import { type HttpPlatform, pathnameOf } from './platform/http-platform.js';
import type { PathRoutes } from './routing/route-table.js';

type Done = (error?: unknown) => void;

/**
 * The pre-routing hook: it runs for every request before Nest routes it, on both platforms.
 * It answers preflights (guards, pipes and handlers never see them), and writes the CORS headers
 * of actual requests early, so that responses ending before the interceptor (a guard's 401,
 * a middleware's or a pipe's exception) carry them too.
 */
export function createCorsRequestHook(
  registry: CorsRegistry,
  responder: CorsResponder,
  platform: HttpPlatform,
) {
  return function corsRequestHook(request: any, response: unknown, done: Done): void {
    const routes = registry.routesOf(pathnameOf(platform.urlOf(request)));
    if (!routes) return done();
    const method = platform.methodOf(request);
    if (method === 'OPTIONS') {
      const headers = platform.headersOf(request);
      const origin = headers.origin;
      const requestedMethod = headers['access-control-request-method'];
      if (
        origin !== undefined &&
        requestedMethod !== undefined &&
        !servedByOwnOptionsHandler(routes)
      ) {
        responder.answerPreflight(routes, request, response, origin, requestedMethod)?.catch(done);
        return;
      }
    }
    const target = soleTarget(routes.forMethod(method));
    // No route, or several handlers with different policies: the interceptor, which knows the
    // handler Nest picked, applies its policy.
    if (!target) return done();
    const applied = responder.applyActual(target, request, response);
    if (applied) applied.then(() => done(), done);
    else done();
  };
}

/** An `@Options()` handler with CORS off answers preflights itself. */
function servedByOwnOptionsHandler(routes: PathRoutes<RouteTarget>): boolean {
  return routes.forMethod('OPTIONS')?.some((target) => !target.policy.enabled) ?? false;
}

function soleTarget(targets: readonly RouteTarget[] | undefined): RouteTarget | undefined {
  if (!targets) return undefined;
  const [first] = targets;
  if (targets.length === 1) return first;
  return targets.every((target) => target.policy === first.policy) ? first : undefined;
}
