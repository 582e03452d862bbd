import type { EffectivePolicy } from './compile-policy.js';

/**
 * The effective policy of a route as a reviewer reads it: where it was declared and what it
 * allows. `false`: CORS is off for the route.
 *
 * @example
 * const summary: CorsPolicySummary = {
 *   source: "policy 'partners' on OrdersController",
 *   origins: ['https://*.partner.example'],
 *   originFunction: false,
 *   credentials: true,
 *   methods: 'routed',
 *   allowedHeaders: 'requested',
 *   exposedHeaders: ['x-request-id'],
 *   maxAge: 600,
 * };
 */
export type CorsPolicySummary =
  | false
  | {
      /** Where the policy was declared: `global`, `OrdersController`, `policy 'partners' on ...`. */
      readonly source: string;
      /** Exact origins, then subdomain patterns, then RegExps (as `/.../`); `['*']` for any origin. */
      readonly origins: readonly string[];
      /** An origin function decides the origins not listed. */
      readonly originFunction: boolean;
      readonly credentials: boolean;
      /** Methods a preflight may ask for, or `'routed'`: the methods routed at the path. */
      readonly methods: readonly string[] | 'routed';
      /** Request headers a preflight may ask for: a list, `'*'`, or `'requested'` (any it asks for). */
      readonly allowedHeaders: readonly string[] | '*' | 'requested';
      /** Response headers exposed to the page, lower-case. */
      readonly exposedHeaders: readonly string[];
      /** `Access-Control-Max-Age`, in seconds. */
      readonly maxAge: number;
    };

/** Summarises a compiled policy, for `CorsInspector.routes()` and the startup table. */
export function summarizePolicy(policy: EffectivePolicy): CorsPolicySummary {
  if (!policy.enabled) return false;
  const { origin } = policy;
  const allowed = policy.allowedHeaders;
  return Object.freeze({
    source: policy.source,
    origins: Object.freeze(
      origin.any
        ? ['*']
        : [...origin.exact, ...origin.patterns, ...origin.regExps.map((regExp) => String(regExp))],
    ),
    originFunction: origin.predicate !== undefined,
    credentials: policy.credentials,
    methods: policy.methods ? Object.freeze([...policy.methods]) : 'routed',
    allowedHeaders:
      allowed === undefined
        ? 'requested'
        : allowed.has('*') && allowed.size === 1
          ? '*'
          : Object.freeze([...allowed]),
    exposedHeaders: Object.freeze(policy.exposeHeaders ? policy.exposeHeaders.split(', ') : []),
    maxAge: Number(policy.maxAge),
  });
}
