import { Logger } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import type { RouteTarget } from './cors-registry.js';
import { isLogLevelEnabled } from './nest/log-levels.js';
import type { HttpPlatform } from './platform/http-platform.js';
import { pathnameOf } from './platform/http-platform.js';
import type { CompiledPolicy, EffectivePolicy } from './policy/compile-policy.js';
import {
  checkOrigin,
  checkPreflightRequest,
  preflightVary,
  type Verdict,
  writeActualVary,
  writeAllowedActual,
  writeAllowedPreflight,
} from './policy/decide.js';
import type { PathRoutes } from './routing/route-table.js';

/** Set on a request once a policy's headers were written, so that no layer writes them twice. */
const APPLIED_POLICY = Symbol('nestjs-cors-policy:applied');
const CORS_RESPONSE_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Credentials',
  'Access-Control-Expose-Headers',
];
const FORBIDDEN = 403;

type Request = Record<PropertyKey, any>;

/**
 * Writes a policy's answer to a request on one HTTP platform: the headers of an actual request,
 * or the whole answer to a preflight. Denials leave the CORS headers out; their reason is only
 * logged, at debug level (or at log level with `debug: true`), never sent.
 */
export class CorsResponder {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  private readonly warnedPolicies = new WeakSet<CompiledPolicy>();
  // The HTTP platform is known only once the application initialises (see CorsModule).
  private platform!: HttpPlatform;
  /** Only the interceptor reads which policy a request got; without it, nothing is recorded. */
  private recordsApplied = false;

  constructor(private readonly debug: boolean) {}

  attach(platform: HttpPlatform, interceptorBound: boolean): void {
    this.platform = platform;
    this.recordsApplied = interceptorBound;
  }

  /** The policy whose headers are already on this request's response, if any. */
  appliedPolicy(request: Request): EffectivePolicy | undefined {
    return request[APPLIED_POLICY];
  }

  /**
   * Writes the CORS headers of an actual request. Returns a promise only when an origin
   * function answers asynchronously; the headers are written when it settles.
   */
  applyActual(target: RouteTarget, request: Request, response: unknown): void | Promise<void> {
    const { policy } = target;
    if (this.recordsApplied) {
      const previous = request[APPLIED_POLICY];
      request[APPLIED_POLICY] = policy;
      if (previous !== undefined) {
        for (const name of CORS_RESPONSE_HEADERS) this.platform.remove(response, name);
      }
    }
    if (!policy.enabled) {
      if (this.platform.headersOf(request).origin !== undefined)
        this.explain(request, target.name, policy.source, 'CORS disabled on this handler');
      return;
    }
    writeActualVary(policy, response, this.platform);
    const origin = this.platform.headersOf(request).origin;
    if (origin === undefined) return;
    const verdict = checkOrigin(policy, origin, request, (error) =>
      this.originFunctionFailed(policy, error),
    );
    if (verdict === true) return writeAllowedActual(policy, origin, response, this.platform);
    if (typeof verdict === 'string')
      return this.explain(request, target.name, policy.source, verdict);
    return verdict.then((settled) => {
      if (settled === true) writeAllowedActual(policy, origin, response, this.platform);
      else this.explain(request, target.name, policy.source, settled);
    });
  }

  /** Keeps `Origin` in `Vary` after a handler's `@Header('Vary', ...)` replaced the value. */
  keepVary(policy: EffectivePolicy, response: unknown): void {
    if (policy.enabled) writeActualVary(policy, response, this.platform);
  }

  /**
   * Answers a preflight with the policy of the handler its actual request would reach:
   * the policy's success status and headers, or 403 with no CORS headers.
   */
  answerPreflight(
    routes: PathRoutes<RouteTarget>,
    request: Request,
    response: unknown,
    origin: string,
    method: string,
  ): void | Promise<void> {
    const targets = routes.forMethod(method);
    const target = targets?.[0];
    const path = pathnameOf(this.platform.urlOf(request));
    if (!target)
      return this.deny(
        request,
        response,
        undefined,
        path,
        `no handler serves ${clip(method)} at this path`,
      );
    if (targets.length > 1 && targets.some((other) => other.policy !== target.policy)) {
      return this.deny(
        request,
        response,
        undefined,
        target.name,
        `several handlers with different CORS policies serve ${method} here (host or version routing)`,
      );
    }
    const { policy } = target;
    if (!policy.enabled)
      return this.deny(request, response, policy, target.name, 'CORS disabled on this handler');
    const headers = this.platform.headersOf(request);
    const asked = checkPreflightRequest(
      policy,
      method,
      headerValue(headers['access-control-request-headers']),
    );
    if ('denied' in asked) return this.deny(request, response, policy, target.name, asked.denied);

    const allow = (verdict: Verdict) => {
      if (verdict !== true) return this.deny(request, response, policy, target.name, verdict);
      this.platform.preflight.appendVary(response, preflightVary(policy));
      const privateNetwork = headers['access-control-request-private-network'] === 'true';
      writeAllowedPreflight(
        policy,
        origin,
        method,
        asked.allowHeaders,
        privateNetwork,
        response,
        this.platform.preflight,
      );
      this.platform.end(response, policy.successStatus);
    };
    const verdict = checkOrigin(policy, origin, request, (error) =>
      this.originFunctionFailed(policy, error),
    );
    return verdict === true || typeof verdict === 'string' ? allow(verdict) : verdict.then(allow);
  }

  private deny(
    request: Request,
    response: unknown,
    policy: EffectivePolicy | undefined,
    handler: string,
    reason: string,
  ): void {
    this.platform.preflight.appendVary(
      response,
      preflightVary(policy?.enabled ? policy : undefined),
    );
    this.platform.end(response, FORBIDDEN);
    this.explain(request, handler, policy?.source ?? 'none', reason);
  }

  private explain(request: Request, handler: string, source: string, reason: string): void {
    if (!this.debug && !isLogLevelEnabled('debug')) return;
    const method = clip(this.platform.methodOf(request));
    const path = clip(pathnameOf(this.platform.urlOf(request)));
    const origin = clip(String(this.platform.headersOf(request).origin ?? '(none)'));
    const line = `Denied ${method} ${path} from ${origin} for ${handler} (policy: ${source}): ${reason}`;
    if (this.debug) this.logger.log(line);
    else this.logger.debug(line);
  }

  private originFunctionFailed(policy: CompiledPolicy, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (this.warnedPolicies.has(policy)) {
      this.logger.debug(`origin function of ${policy.source} failed again: ${message}`);
      return;
    }
    this.warnedPolicies.add(policy);
    this.logger.warn(
      `origin function of ${policy.source} failed, so the request was denied: ${message} (further failures are logged at debug level)`,
    );
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** Request data in a log line: bounded, and with control characters escaped. */
function clip(value: string): string {
  const short = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return JSON.stringify(short).slice(1, -1);
}
