import { Logger } from '@nestjs/common';
import { CORS_LOGGER_CONTEXT } from './cors.constants.js';
import { isLogLevelEnabled } from './nest/log-levels.js';
import type { HttpPlatform } from './platform/http-platform.js';
import type { CompiledPolicy } from './policy/compile-policy.js';
import {
  type ActualAnswer,
  decideActual,
  decidePreflight,
  denyPreflight,
  type PreflightAnswer,
  type RequestFacts,
} from './policy/decide.js';
import type { RouteResolution, RouteTarget } from './routing/route-target.js';

/** On Express, what was decided and written for a request so far (see `enter`). */
const APPLIED = Symbol('nestjs-cors-policy.applied');
interface Applied {
  readonly target: RouteTarget;
  readonly answer: ActualAnswer;
  written: boolean;
  /** Written by the request hook for a path policy, before routing (see `applyBeforeRouting`). */
  readonly beforeRouting?: boolean;
}

type Request = Record<PropertyKey, any>;
export type Preflight = RequestFacts & { readonly origin: string; readonly requestMethod: string };

/** A preflight's answer, with the handler (`null`: none) and policy source it names. */
export interface DecidedPreflight {
  readonly handler: string | null;
  readonly source: string;
  readonly answer: PreflightAnswer;
}

/**
 * Writes the engine's answers on one HTTP platform: the headers of an actual request, or the
 * whole answer to a preflight. Denials leave the CORS headers out; their reason is only logged,
 * at debug level (or at log level with `debug: true`), never sent.
 */
export class CorsResponder {
  private readonly logger = new Logger(CORS_LOGGER_CONTEXT);
  private readonly warnedPolicies = new WeakSet<CompiledPolicy>();

  constructor(
    private readonly platform: HttpPlatform,
    private readonly debug: boolean,
  ) {}

  /**
   * Writes the CORS headers of `target`'s policy for an actual request (on the Node.js response
   * when `onNode`, see `HttpPlatform.writeActual`). Returns a promise only when an origin
   * function answers asynchronously; the headers are written when it settles.
   */
  applyActual(
    target: RouteTarget,
    facts: RequestFacts,
    response: unknown,
    onNode: boolean,
  ): void | Promise<void> {
    const answer = this.decideActual(target, facts);
    if (!isPromise(answer)) return this.platform.writeActual(response, answer, onNode);
    return answer.then((settled) => this.platform.writeActual(response, settled, onNode));
  }

  /**
   * Express: the request reached a route (or a Nest middleware on its way to one) of `target`.
   * Its answer is decided once per request and target, and written again after `leave`.
   */
  enter(target: RouteTarget, request: Request, response: unknown): void | Promise<void> {
    const applied = request[APPLIED] as Applied | undefined;
    if (applied?.target === target) {
      if (!applied.written) this.write(request, response, target, applied.answer);
      return;
    }
    // Another route than the one the request was heading to: its headers go.
    if (applied?.written) this.platform.removeActual(response);
    const answer = this.decideActual(target, this.platform.factsOf(request));
    if (!isPromise(answer)) return this.write(request, response, target, answer);
    return answer.then((settled) => this.write(request, response, target, settled));
  }

  /**
   * Express: the headers of a path policy, written before routing. A route of the module that
   * the request reaches takes them back (`enter`); a middleware passing it on does not (`leave`).
   */
  applyBeforeRouting(
    target: RouteTarget,
    request: Request,
    response: unknown,
  ): void | Promise<void> {
    const answer = this.decideActual(target, this.platform.factsOf(request));
    if (!isPromise(answer)) return this.write(request, response, target, answer, true);
    return answer.then((settled) => this.write(request, response, target, settled, true));
  }

  /** Express: the request was passed on without an answer; what `enter` wrote goes. */
  leave(request: Request, response: unknown): void {
    const applied = request[APPLIED] as Applied | undefined;
    if (!applied?.written || applied.beforeRouting) return;
    this.platform.removeActual(response);
    applied.written = false;
  }

  /** Refuses a preflight before any route is asked about it. */
  refusePreflight(facts: Preflight, response: unknown, reason: string): void {
    // No handler to name: the log names the path instead.
    this.sendPreflight(facts, response, null, 'none', denyPreflight(reason, undefined));
  }

  /**
   * Answers a preflight with the policy of the handler its actual request would reach:
   * the policy's success status and headers, or 403 with no CORS headers.
   */
  answerPreflight(
    resolution: RouteResolution & { kind: 'none' | 'target' | 'ambiguous' },
    facts: Preflight,
    response: unknown,
  ): void | Promise<void> {
    const decided = this.decidePreflight(resolution, facts);
    const send = ({ handler, source, answer }: DecidedPreflight) =>
      this.sendPreflight(facts, response, handler, source, answer);
    return isPromise(decided) ? decided.then(send) : send(decided);
  }

  /**
   * The answer to a preflight, without sending it (`answerPreflight`, and `CorsInspector.check`).
   * The target's policy is read once, so that an update in between cannot mix two policies.
   */
  decidePreflight(
    resolution: RouteResolution & { kind: 'none' | 'target' | 'ambiguous' },
    facts: Preflight,
  ): DecidedPreflight | Promise<DecidedPreflight> {
    if (resolution.kind === 'none') {
      const reason = `no handler serves ${clip(facts.requestMethod)} at this path`;
      return { handler: null, source: 'none', answer: denyPreflight(reason, undefined) };
    }
    if (resolution.kind === 'ambiguous') {
      const names = resolution.targets.map((target) => target?.name ?? 'a route of the app');
      const reason = `the request decides between routes with different CORS policies (${[...new Set(names)].join(', ')}), which a preflight cannot show`;
      return { handler: null, source: 'none', answer: denyPreflight(reason, undefined) };
    }
    const { name: handler } = resolution.target;
    const { policy } = resolution.target;
    const answer = decidePreflight(policy, facts, (error) =>
      this.originFunctionFailed(policy as CompiledPolicy, error),
    );
    const decided = (settled: PreflightAnswer) => ({
      handler,
      source: policy.source,
      answer: settled,
    });
    return isPromise(answer) ? answer.then(decided) : decided(answer);
  }

  /** The answer to an actual request under `target`'s policy, without writing or logging it. */
  actualAnswer(target: RouteTarget, facts: RequestFacts): ActualAnswer | Promise<ActualAnswer> {
    const { policy } = target;
    return decideActual(policy, facts, (error) =>
      this.originFunctionFailed(policy as CompiledPolicy, error),
    );
  }

  private decideActual(
    target: RouteTarget,
    facts: RequestFacts,
  ): ActualAnswer | Promise<ActualAnswer> {
    const { source } = target.policy;
    const answer = this.actualAnswer(target, facts);
    const explain = (settled: ActualAnswer) => {
      if (!settled.allowed && settled.reason !== undefined)
        this.explain(facts, target.name, source, settled.reason);
      return settled;
    };
    return isPromise(answer) ? answer.then(explain) : explain(answer);
  }

  private write(
    request: Request,
    response: unknown,
    target: RouteTarget,
    answer: ActualAnswer,
    beforeRouting = false,
  ) {
    request[APPLIED] = { target, answer, written: true, beforeRouting } satisfies Applied;
    this.platform.writeActual(response, answer);
  }

  private sendPreflight(
    facts: RequestFacts,
    response: unknown,
    handler: string | null,
    source: string,
    answer: PreflightAnswer,
  ): void {
    this.platform.sendPreflight(response, answer);
    if (!answer.allowed) this.explain(facts, handler, source, answer.reason);
  }

  private explain(
    facts: RequestFacts,
    handler: string | null,
    source: string,
    reason: string,
  ): void {
    if (!this.debug && !isLogLevelEnabled('debug')) return;
    const method = clip(facts.method);
    const path = clip(pathnameOf(facts.url));
    const origin = clip(String(facts.origin ?? '(none)'));
    const line = `Denied ${method} ${path} from ${origin} for ${handler ?? path} (policy: ${source}): ${reason}`;
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

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The path of a request target, without the query string (for log lines). */
function pathnameOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** Request data in a log line: bounded, and with control characters escaped. */
function clip(value: string): string {
  const short = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return JSON.stringify(short).slice(1, -1);
}
