import type { CompiledPolicy, EffectivePolicy } from './compile-policy.js';
import { staticOriginMatch } from './origin.js';
import { originFunctionFailure } from './origin-function.js';
import { preflightCacheOf } from './preflight-cache.js';
import { isCanonicalRequestHeaders, isToken, parseRequestHeaders } from './tokens.js';
import { VARY_ACTUAL, VARY_PREFLIGHT, VARY_PREFLIGHT_PRIVATE_NETWORK } from './vary.js';

/** `true` when allowed, otherwise the reason it was denied (never sent to the client). */
export type Verdict = true | string;

/** Not a serialized origin (`scheme://host[:port]`, lower case), or over 1 KiB. */
const MALFORMED_ORIGIN = 'origin is malformed';

/**
 * Decides whether `origin` is allowed. Static rules answer synchronously; an origin function may
 * answer with a promise. Never throws and never allows on failure: a function that throws,
 * rejects or outlives `originTimeout` denies the request, and `onFailure` hears about it.
 */
export function checkOrigin(
  policy: CompiledPolicy,
  origin: string,
  request: unknown,
  onFailure: (error: unknown) => void,
): Verdict | Promise<Verdict> {
  const matcher = policy.origin;
  const match = staticOriginMatch(matcher, origin);
  if (match === 'match') return true;
  // 'null' is no serialized origin, but only a function may be asked about it.
  const malformed = match === 'malformed' && origin !== 'null';
  if (!matcher.predicate) {
    if (matcher.none) return 'no origin is allowed by this policy';
    return malformed ? MALFORMED_ORIGIN : 'origin not allowed';
  }
  if (malformed) return MALFORMED_ORIGIN;
  const predicate = matcher.predicate;
  let answer: boolean | Promise<boolean>;
  try {
    answer = predicate(origin, request);
  } catch (error) {
    onFailure(originFunctionFailure(predicate, error));
    return 'origin function threw';
  }
  if (answer === undefined) {
    const failure = originFunctionFailure(predicate, undefined);
    if (failure !== undefined) onFailure(failure);
  }
  if (!isPromiseLike(answer)) return answer === true ? true : 'origin function returned false';
  return withTimeout(Promise.resolve(answer), policy.originTimeout).then(
    (allowed) => (allowed === true ? true : 'origin function returned false'),
    (error: unknown) => {
      onFailure(originFunctionFailure(predicate, error));
      return error instanceof OriginTimeoutError ? error.message : 'origin function rejected';
    },
  );
}

/**
 * Checks the method and headers a preflight asks for: either the value for
 * `Access-Control-Allow-Headers` (the requested names, lower-case; possibly empty), or why not.
 */
export function checkPreflightRequest(
  policy: CompiledPolicy,
  method: string,
  requestHeaders: string | undefined,
): { allowHeaders: string } | { denied: string } {
  if (!isToken(method)) return { denied: 'Access-Control-Request-Method is not a method token' };
  if (policy.methods && !policy.methods.has(method))
    return { denied: `method ${method} not allowed` };
  if (requestHeaders === undefined || requestHeaders === '') return { allowHeaders: '' };
  const requested = isCanonicalRequestHeaders(requestHeaders)
    ? requestHeaders
    : parseRequestHeaders(requestHeaders)?.join(',');
  if (requested === undefined) {
    return { denied: 'Access-Control-Request-Headers is malformed or over 8 KiB' };
  }
  const allowed = policy.allowedHeaders;
  if (allowed && requested !== '') {
    for (const name of requested.split(',')) {
      const covered = allowed.has(name) || (allowed.has('*') && name !== 'authorization');
      if (!covered) return { denied: `header ${name} not allowed` };
    }
  }
  return { allowHeaders: requested };
}

/** What the engine reads of a request, read once per request by the platform file. */
export interface RequestFacts {
  readonly method: string;
  /** The request target as received (for denial logs only). */
  readonly url: string;
  readonly origin: string | undefined;
  /** `Access-Control-Request-Method`: with `OPTIONS` and an Origin, the request is a preflight. */
  readonly requestMethod: string | undefined;
  /** `Access-Control-Request-Headers`, several lines joined with `,`. */
  readonly requestHeaders: string | undefined;
  /** `Access-Control-Request-Private-Network: true` was sent. */
  readonly privateNetwork: boolean;
  /** The framework's request object, handed to origin functions. */
  readonly request: unknown;
}

/**
 * The CORS part of an actual response: `vary` is written either way; the other headers only
 * when `allowed`. `reason` says why not (logged, never sent); `undefined` when the request is
 * not a CORS request at all (no Origin), so there is nothing to explain.
 */
export type ActualAnswer =
  | {
      readonly allowed: true;
      readonly vary: string | undefined;
      readonly allowOrigin: string;
      readonly allowCredentials: boolean;
      readonly exposeHeaders: string | undefined;
    }
  | { readonly allowed: false; readonly vary: string | undefined; readonly reason?: string };

/** The whole answer to a preflight: the status, and the headers to send with it. */
export type PreflightAnswer =
  | {
      readonly allowed: true;
      readonly status: number;
      readonly vary: string;
      readonly allowOrigin: string;
      readonly allowCredentials: boolean;
      readonly allowMethods: string;
      /** Empty when the preflight asked for no header. */
      readonly allowHeaders: string;
      readonly maxAge: string;
      readonly allowPrivateNetwork: boolean;
    }
  | {
      readonly allowed: false;
      readonly status: number;
      readonly vary: string;
      readonly reason: string;
    };

const FORBIDDEN = 403;
const NOT_A_CORS_REQUEST: ActualAnswer = Object.freeze({ allowed: false, vary: undefined });
/** No Origin on a route whose answer depends on it: no CORS header, but `Vary` for caches. */
const NO_ORIGIN: ActualAnswer = Object.freeze({ allowed: false, vary: VARY_ACTUAL });

/**
 * Decides the CORS headers of an actual (non-preflight) request under `policy`. A policy with
 * `origin: '*'` answers every request alike, with or without an Origin, so it needs no `Vary`.
 */
export function decideActual(
  policy: EffectivePolicy,
  facts: RequestFacts,
  onOriginFunctionFailure: (error: unknown) => void,
): ActualAnswer | Promise<ActualAnswer> {
  if (!policy.enabled) {
    return facts.origin === undefined
      ? NOT_A_CORS_REQUEST
      : { allowed: false, vary: undefined, reason: 'CORS disabled on this handler' };
  }
  const vary = policy.varyOnOrigin ? VARY_ACTUAL : undefined;
  if (policy.origin.any) return allowActual(policy, '*', vary);
  const origin = facts.origin;
  if (origin === undefined) return vary === undefined ? NOT_A_CORS_REQUEST : NO_ORIGIN;
  const verdict = checkOrigin(policy, origin, facts.request, onOriginFunctionFailure);
  const settle = (settled: Verdict): ActualAnswer =>
    settled === true
      ? allowActual(policy, origin, vary)
      : { allowed: false, vary, reason: settled };
  return typeof verdict === 'object' ? verdict.then(settle) : settle(verdict);
}

/**
 * Decides a preflight under the policy of the handler its actual request would reach: the
 * method, then the headers, then the origin (the only step that may be asynchronous). An
 * allowed answer is kept in the policy's `PreflightCache`, which answers the same values next
 * time without deciding again.
 */
export function decidePreflight(
  policy: EffectivePolicy,
  facts: RequestFacts & { readonly origin: string; readonly requestMethod: string },
  onOriginFunctionFailure: (error: unknown) => void,
): PreflightAnswer | Promise<PreflightAnswer> {
  if (!policy.enabled) return denyPreflight('CORS disabled on this handler', undefined);
  const cache = preflightCacheOf(policy);
  if (cache) {
    const { origin, requestMethod, requestHeaders, privateNetwork } = facts;
    const known = cache.get(origin, requestMethod, requestHeaders, privateNetwork);
    if (known) return known;
    const answer = decideUncached(policy, facts, onOriginFunctionFailure) as PreflightAnswer;
    if (answer.allowed) cache.set(origin, requestMethod, requestHeaders, privateNetwork, answer);
    return answer;
  }
  return decideUncached(policy, facts, onOriginFunctionFailure);
}

/** `decidePreflight` without the cache. Synchronous unless the policy has an origin function. */
function decideUncached(
  policy: CompiledPolicy,
  facts: RequestFacts & { readonly origin: string; readonly requestMethod: string },
  onOriginFunctionFailure: (error: unknown) => void,
): PreflightAnswer | Promise<PreflightAnswer> {
  const asked = checkPreflightRequest(policy, facts.requestMethod, facts.requestHeaders);
  if ('denied' in asked) return denyPreflight(asked.denied, policy);
  const { origin, requestMethod } = facts;
  const settle = (verdict: Verdict): PreflightAnswer => {
    if (verdict !== true) return denyPreflight(verdict, policy);
    return Object.freeze({
      allowed: true,
      status: policy.successStatus,
      vary: preflightVary(policy),
      allowOrigin: policy.origin.any ? '*' : origin,
      allowCredentials: policy.credentials,
      allowMethods: requestMethod,
      allowHeaders: asked.allowHeaders,
      maxAge: policy.maxAge,
      allowPrivateNetwork: facts.privateNetwork && policy.allowPrivateNetwork,
    });
  };
  if (policy.origin.any) return settle(true);
  const verdict = checkOrigin(policy, origin, facts.request, onOriginFunctionFailure);
  return typeof verdict === 'object' ? verdict.then(settle) : settle(verdict);
}

/** A refused preflight: 403 with no CORS header but `Vary`, and the reason for the log. */
export function denyPreflight(
  reason: string,
  policy: CompiledPolicy | undefined,
): PreflightAnswer & { allowed: false } {
  return { allowed: false, status: FORBIDDEN, vary: preflightVary(policy), reason };
}

/** `Vary` of every preflight response, allowed or denied. */
export function preflightVary(policy: CompiledPolicy | undefined): string {
  return policy?.allowPrivateNetwork ? VARY_PREFLIGHT_PRIVATE_NETWORK : VARY_PREFLIGHT;
}

function allowActual(
  policy: CompiledPolicy,
  allowOrigin: string,
  vary: string | undefined,
): ActualAnswer {
  return {
    allowed: true,
    vary,
    allowOrigin,
    allowCredentials: policy.credentials,
    exposeHeaders: policy.exposeHeaders,
  };
}

class OriginTimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OriginTimeoutError(`origin function did not answer within ${ms} ms`)),
      ms,
    );
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function isPromiseLike<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
