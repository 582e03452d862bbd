import type { CompiledPolicy } from './compile-policy.js';
import { staticOriginMatch } from './origin.js';
import { originFunctionFailure } from './origin-function.js';
import { isCanonicalRequestHeaders, isToken, parseRequestHeaders } from './tokens.js';
import { VARY_ACTUAL, VARY_PREFLIGHT, VARY_PREFLIGHT_PRIVATE_NETWORK } from './vary.js';

/** How headers reach a response; one implementation per HTTP platform, none of it here. */
export interface HeaderWriter<Res> {
  set(response: Res, name: string, value: string): void;
  appendVary(response: Res, names: string): void;
}

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

/** Headers of an actual (non-preflight) response from an allowed origin. */
export function writeAllowedActual<Res>(
  policy: CompiledPolicy,
  origin: string,
  response: Res,
  writer: HeaderWriter<Res>,
): void {
  writeAllowOrigin(policy, origin, response, writer);
  if (policy.exposeHeaders)
    writer.set(response, 'Access-Control-Expose-Headers', policy.exposeHeaders);
}

/** `Vary` of every actual response of a route whose answer depends on the Origin. */
export function writeActualVary<Res>(
  policy: CompiledPolicy,
  response: Res,
  writer: HeaderWriter<Res>,
): void {
  if (policy.varyOnOrigin) writer.appendVary(response, VARY_ACTUAL);
}

/** `Vary` of every preflight response, allowed or denied. */
export function preflightVary(policy: CompiledPolicy | undefined): string {
  return policy?.allowPrivateNetwork ? VARY_PREFLIGHT_PRIVATE_NETWORK : VARY_PREFLIGHT;
}

/** Headers of a successful preflight. */
export function writeAllowedPreflight<Res>(
  policy: CompiledPolicy,
  origin: string,
  method: string,
  allowHeaders: string,
  privateNetworkRequested: boolean,
  response: Res,
  writer: HeaderWriter<Res>,
): void {
  writeAllowOrigin(policy, origin, response, writer);
  writer.set(response, 'Access-Control-Allow-Methods', method);
  if (allowHeaders !== '') writer.set(response, 'Access-Control-Allow-Headers', allowHeaders);
  writer.set(response, 'Access-Control-Max-Age', policy.maxAge);
  if (privateNetworkRequested && policy.allowPrivateNetwork) {
    writer.set(response, 'Access-Control-Allow-Private-Network', 'true');
  }
}

function writeAllowOrigin<Res>(
  policy: CompiledPolicy,
  origin: string,
  response: Res,
  writer: HeaderWriter<Res>,
): void {
  writer.set(response, 'Access-Control-Allow-Origin', policy.origin.any ? '*' : origin);
  if (policy.credentials) writer.set(response, 'Access-Control-Allow-Credentials', 'true');
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
