import type { CompiledPolicy } from './compile-policy.js';
import type { PreflightAnswer } from './decide.js';

/** Most answers kept per policy. */
export const PREFLIGHT_CACHE_ENTRIES = 512;
/** Most bytes (UTF-16 code units of the keys and answers, counted once) kept per policy. */
export const PREFLIGHT_CACHE_BYTES = 128 * 1024;
/** Longest `Access-Control-Request-Headers` value an answer is kept for. */
const MAX_CACHED_REQUEST_HEADERS = 1024;

type Allowed = PreflightAnswer & { allowed: true };
type ByHeaders = Map<string, Allowed>;
type ByMethod = Map<string, ByHeaders>;

/**
 * Allowed preflight answers of one policy, by the exact values of Origin,
 * Access-Control-Request-Method and Access-Control-Request-Headers (and whether a private
 * network was asked for): browsers send the same few combinations again and again.
 *
 * - Only answers that were allowed are kept, so a hostile value (malformed, over-long, an
 *   origin or header the policy refuses) is denied before it reaches the cache, every time.
 * - Bounded in entries and bytes. When full, new combinations are answered without the cache
 *   and nothing is evicted, so no request can push the useful entries out.
 * - A hit allocates nothing: nested maps looked up with the request's own strings, and the
 *   answer object kept whole.
 * - Policies with an origin function are never cached (the caller checks): its answer may
 *   change from one request to the next.
 * - It lives with its `CompiledPolicy` object (a WeakMap keyed by the policy), so a policy
 *   compiled anew, e.g. when policies are replaced at runtime, starts with an empty cache, and
 *   a policy that is dropped takes its cache with it.
 */
export class PreflightCache {
  private readonly answers = new Map<string, ByMethod>();
  private readonly privateNetworkAnswers = new Map<string, ByMethod>();
  private entries = 0;
  private bytes = 0;

  get(
    origin: string,
    method: string,
    requestHeaders: string | undefined,
    privateNetwork: boolean,
  ): Allowed | undefined {
    const byOrigin = privateNetwork ? this.privateNetworkAnswers : this.answers;
    return byOrigin
      .get(origin)
      ?.get(method)
      ?.get(requestHeaders ?? '');
  }

  set(
    origin: string,
    method: string,
    requestHeaders: string | undefined,
    privateNetwork: boolean,
    answer: Allowed,
  ): void {
    const headers = requestHeaders ?? '';
    if (headers.length > MAX_CACHED_REQUEST_HEADERS) return;
    const size =
      origin.length + method.length + headers.length * 2 + answer.allowOrigin.length + 64;
    if (this.entries >= PREFLIGHT_CACHE_ENTRIES || this.bytes + size > PREFLIGHT_CACHE_BYTES) {
      return;
    }
    const byOrigin = privateNetwork ? this.privateNetworkAnswers : this.answers;
    let byMethod = byOrigin.get(origin);
    if (!byMethod) byOrigin.set(origin, (byMethod = new Map()));
    let byHeaders = byMethod.get(method);
    if (!byHeaders) byMethod.set(method, (byHeaders = new Map()));
    if (byHeaders.has(headers)) return;
    byHeaders.set(headers, answer);
    this.entries++;
    this.bytes += size;
  }

  get size(): number {
    return this.entries;
  }
}

const caches = new WeakMap<CompiledPolicy, PreflightCache>();

/**
 * The preflight cache of `policy`, created on first use; `undefined` for a policy with an
 * origin function, which is never cached.
 */
export function preflightCacheOf(policy: CompiledPolicy): PreflightCache | undefined {
  if (policy.origin.predicate) return undefined;
  let cache = caches.get(policy);
  if (!cache) caches.set(policy, (cache = new PreflightCache()));
  return cache;
}
