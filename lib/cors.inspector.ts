import { Injectable } from '@nestjs/common';
import { CorsExplorer, type CorsRuntime } from './cors.explorer.js';
import {
  OWN_OPTIONS_ROUTE,
  routePreflight,
  UNDELIVERABLE,
  UNDELIVERABLE_REASON,
} from './cors-request-hook.js';
import type { Preflight } from './cors-responder.js';
import type { ActualAnswer, PreflightAnswer, RequestFacts } from './policy/decide.js';
import { denyPreflight } from './policy/decide.js';
import { type CorsPolicySummary, summarizePolicy } from './policy/policy-summary.js';
import { type RouteTarget, resolveRoute } from './routing/route-target.js';

/**
 * One route as Nest registered it, with its effective policy.
 *
 * @example
 * const report: CorsRouteReport = {
 *   method: 'GET',
 *   path: '/api/v1/orders/:id',
 *   handler: 'OrdersController.find',
 *   policy: false,
 * };
 */
export interface CorsRouteReport {
  /** Upper-case, or `ALL` for `@All()`. */
  readonly method: string;
  /** The path Nest registered: global prefix, `RouterModule` path, URI version included. */
  readonly path: string;
  /** `Controller.method`; `null` for a path policy of `forRoot({ paths })` (method `ALL`). */
  readonly handler: string | null;
  readonly policy: CorsPolicySummary;
}

/**
 * A request described for `CorsInspector.check()`. It is a preflight when `method` is
 * `OPTIONS` and both `origin` and `requestMethod` are given.
 *
 * @example
 * const preflight: CorsCheckRequest = {
 *   method: 'OPTIONS',
 *   path: '/orders/7',
 *   origin: 'https://a.partner.example',
 *   requestMethod: 'DELETE',
 *   requestHeaders: ['content-type'],
 * };
 */
export interface CorsCheckRequest {
  readonly method: string;
  /** The request target as a client sends it: path and query, e.g. `/api/orders/7?x=1`. */
  readonly path: string;
  /** The `Origin` header; leave out for a request without one. */
  readonly origin?: string;
  /** `Access-Control-Request-Method`, for a preflight. */
  readonly requestMethod?: string;
  /** `Access-Control-Request-Headers`, as names. */
  readonly requestHeaders?: readonly string[];
  /** The `Host` header, for host-bound controllers. Default `localhost`. */
  readonly host?: string;
  /** Other request headers (a version header, a cookie an origin function reads), by name. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The module's answer to a described request, as the HTTP path would give it.
 *
 * @example
 * const result: CorsCheckResult = {
 *   handler: 'OrdersController.remove',
 *   allowed: true,
 *   status: 204,
 *   headers: { 'access-control-allow-origin': 'https://a.partner.example' },
 * };
 */
export interface CorsCheckResult {
  /** The handler whose policy decided, `Controller.method`; `null` when none did. */
  readonly handler: string | null;
  /** Whether the browser may read the response (actual request) or send the request (preflight). */
  readonly allowed: boolean;
  /** A preflight's status as the module answers it; absent for actual requests (the handler sets it) and for preflights the module passes on. */
  readonly status?: number;
  /** The `Access-Control-*` and `Vary` headers the module writes, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Why it was not allowed (the reason a denial log line ends with). */
  readonly reason?: string;
}

/**
 * Answers "which routes can this origin read, and how?" for a running app: the route table with
 * every route's effective policy, and a dry run of the module's decision for a described
 * request, through the same router lookup and the same decision code as real requests.
 *
 * @example
 * const inspector = app.get(CorsInspector);
 * expect(inspector.routes()).toMatchSnapshot();
 * const result = await inspector.check({ method: 'GET', path: '/orders', origin: 'https://a.partner.example' });
 * expect(result.allowed).toBe(true);
 */
@Injectable()
export class CorsInspector {
  constructor(private readonly explorer: CorsExplorer) {}

  /**
   * Every route Nest registered for a controller handler, one per path and method, in
   * registration order, with its effective policy now (updates included).
   *
   * @example
   * inspector.routes().filter((route) => route.policy && route.policy.credentials);
   */
  routes(): readonly CorsRouteReport[] {
    const report = (method: string, path: string, handler: string | null, target: RouteTarget) =>
      Object.freeze({ method, path, handler, policy: summarizePolicy(target.policy) });
    return Object.freeze([
      ...this.explorer.routes.map(({ method, path, target }) =>
        report(method, path, target.name, target),
      ),
      // Then one entry per path policy, for requests no handler of the module serves.
      ...(this.explorer.pathPolicies?.entries() ?? []).map(({ key, target }) =>
        report('ALL', key, null, target),
      ),
    ]);
  }

  /**
   * The module's answer to a described request, without sending one: the router is asked which
   * handler it reaches, and that handler's policy decides, as for a real request. Origin
   * functions are called, with a request object built from the description.
   *
   * @example
   * const { allowed, status } = await inspector.check({
   *   method: 'OPTIONS', path: '/orders/7', origin: 'https://a.partner.example', requestMethod: 'DELETE',
   * });
   */
  async check(described: CorsCheckRequest): Promise<CorsCheckResult> {
    const runtime = this.explorer.runtime;
    if (!runtime) {
      throw new Error(
        'CorsInspector.check() needs an initialised HTTP application (await app.init())',
      );
    }
    const { router, platform } = runtime;
    const request = router.describedRequest(described.method, described.path, headersOf(described));
    const facts = platform.factsOf(request);
    if (
      facts.method === 'OPTIONS' &&
      facts.origin !== undefined &&
      facts.requestMethod !== undefined
    ) {
      const preflight = facts as Preflight;
      const route = routePreflight(
        router,
        request,
        preflight.requestMethod,
        facts.url,
        this.explorer,
        this.explorer.pathPolicies,
      );
      if (route === UNDELIVERABLE) {
        return preflightResult(runtime, null, denyPreflight(UNDELIVERABLE_REASON, undefined));
      }
      if (route !== OWN_OPTIONS_ROUTE) {
        if (route.kind === 'unowned') {
          return { handler: null, allowed: false, headers: {}, reason: UNOWNED_REASON };
        }
        const decided = await runtime.responder.decidePreflight(route, preflight);
        return preflightResult(runtime, decided.handler, decided.answer);
      }
    }
    return this.checkActual(runtime, request, facts);
  }

  private async checkActual(
    runtime: CorsRuntime,
    request: unknown,
    facts: RequestFacts,
  ): Promise<CorsCheckResult> {
    const { router, responder, platform } = runtime;
    // Fastify has routed the request already; on Express, its router is asked as for a preflight.
    const routed = router.routedTarget(request);
    const resolution =
      routed !== undefined
        ? resolveRoute(routed ? [routed] : [])
        : resolveRoute(router.candidatesFor(request, facts.method));
    if (resolution.kind === 'none') {
      return {
        handler: null,
        allowed: false,
        headers: {},
        reason: 'no handler serves this request',
      };
    }
    if (resolution.kind === 'unowned') {
      return { handler: null, allowed: false, headers: {}, reason: UNOWNED_REASON };
    }
    if (resolution.kind === 'ambiguous') {
      return {
        handler: null,
        allowed: false,
        headers: {},
        reason:
          'the request reaches one of several routes by its host or version, which check() does not evaluate',
      };
    }
    const { target } = resolution;
    const answer: ActualAnswer = await responder.actualAnswer(target, facts);
    const response = recordingResponse();
    platform.writeActual(response, answer);
    return {
      handler: target.name,
      allowed: answer.allowed,
      headers: response.corsHeaders(),
      ...(answer.allowed || answer.reason === undefined ? {} : { reason: answer.reason }),
    };
  }
}

const UNOWNED_REASON =
  'a route the module does not own (static files, GraphQL, a platform route) answers it';

function preflightResult(
  runtime: CorsRuntime,
  handler: string | null,
  answer: PreflightAnswer,
): CorsCheckResult {
  const response = recordingResponse();
  runtime.platform.sendPreflight(response, answer);
  return {
    handler,
    allowed: answer.allowed,
    status: answer.status,
    headers: response.corsHeaders(),
    ...(answer.allowed ? {} : { reason: answer.reason }),
  };
}

function headersOf(described: CorsCheckRequest): Record<string, string> {
  const headers: Record<string, string> = { host: described.host ?? 'localhost' };
  for (const [name, value] of Object.entries(described.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  if (described.origin !== undefined) headers.origin = described.origin;
  if (described.requestMethod !== undefined) {
    headers['access-control-request-method'] = described.requestMethod;
  }
  if (described.requestHeaders !== undefined) {
    headers['access-control-request-headers'] = described.requestHeaders.join(',');
  }
  return headers;
}

/**
 * A response object the platform's own write functions accept on Express (a Node.js response)
 * and on Fastify (a reply, with the Node.js response in `raw`); it only records.
 */
function recordingResponse() {
  const headers = new Map<string, string>();
  const response = {
    statusCode: 200,
    getHeader: (name: string) => headers.get(name.toLowerCase()),
    setHeader: (name: string, value: string) => void headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
    header(name: string, value: string) {
      headers.set(name.toLowerCase(), String(value));
      return response;
    },
    code(status: number) {
      response.statusCode = status;
      return response;
    },
    send: () => response,
    end: () => undefined,
    get raw() {
      return response;
    },
    corsHeaders: () =>
      Object.freeze(
        Object.fromEntries(
          [...headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'),
        ),
      ),
  };
  return response;
}
