import type { EffectivePolicy } from '../policy/compile-policy.js';

/** A controller handler as the router sees it: its name and its effective policy. */
export interface RouteTarget {
  /** `Controller.method`, for diagnostics. */
  readonly name: string;
  /**
   * Its effective policy. Replaced whole, in one assignment, when `CorsPolicies` updates a
   * policy it involves (never mutated: a compiled policy is frozen, and whatever lives with it
   * goes with it). A decision reads it once, so a request sees the old or the new policy.
   */
  policy: EffectivePolicy;
  /**
   * Its route may pass a request on to the next matching route without answering: Nest wraps
   * the handler of a host-bound controller, or of a version under header, media-type or custom
   * versioning, in a filter that calls `next()` where the adapter has one (Express).
   */
  readonly passesOn: boolean;
  /** Its controller is bound to hosts: on Fastify, where Nest's filter cannot pass a request on, a request for another host gets a 404 from the route itself. */
  readonly hostBound: boolean;
}

/** What the platform's router answered: a route the module does not own is `null`. */
export type RouteCandidate = RouteTarget | null;

/**
 * The one answer to "whose policy is this?": no route at all, a route the module does not own,
 * a target, or several with no way to tell.
 */
export type RouteResolution =
  | { readonly kind: 'none' }
  | { readonly kind: 'unowned' }
  | { readonly kind: 'target'; readonly target: RouteTarget }
  | { readonly kind: 'ambiguous'; readonly targets: readonly RouteCandidate[] };

const NONE: RouteResolution = Object.freeze({ kind: 'none' });
const UNOWNED: RouteResolution = Object.freeze({ kind: 'unowned' });

/**
 * Decides whose policy answers, from the routes the platform's router would try, in its order.
 * Several candidates mean the request itself decides between them in a way a preflight cannot
 * show (a host or version filter passing on, a version header a preflight does not carry): they
 * must agree, or nobody answers. A route the module does not own (`null`) has no CORS at all,
 * which agrees only with other such routes.
 */
export function resolveRoute(candidates: readonly RouteCandidate[]): RouteResolution {
  if (candidates.length === 0) return NONE;
  const [first] = candidates;
  for (let i = 1; i < candidates.length; i++) {
    const other = candidates[i];
    if (other === first) continue;
    if (other === null || first === null || other.policy !== first.policy) {
      return { kind: 'ambiguous', targets: candidates };
    }
  }
  return first === null ? UNOWNED : { kind: 'target', target: first };
}
