import type { CorsPolicyOptions } from '../interfaces/cors-options.interface.js';
import { type CheckedFields, type CheckedOrigin, checkFields } from './check-fields.js';
import type { CorsConfigurationIssue } from './configuration-issue.js';
import type { OriginMatcher } from './origin.js';

/**
 * Documented defaults of every policy field. Frozen all the way down.
 *
 * @example
 * POLICY_DEFAULTS.maxAge; // 600 seconds
 */
export const POLICY_DEFAULTS = Object.freeze({
  credentials: false,
  exposedHeaders: Object.freeze([]) as readonly string[],
  maxAge: 600,
  allowPrivateNetwork: false,
  optionsSuccessStatus: 204,
  originTimeout: 1000,
});

/** A policy ready to decide requests: validated, normalised and frozen, built once at startup. */
export interface CompiledPolicy {
  readonly enabled: true;
  /** Where the policy was declared, for diagnostics: `global`, `policy "partners"`, `controller ...`. */
  readonly source: string;
  readonly origin: OriginMatcher;
  /** Whether responses depend on the Origin header, so that they need `Vary: Origin`. */
  readonly varyOnOrigin: boolean;
  readonly credentials: boolean;
  readonly exposeHeaders: string | undefined;
  /** Methods a preflight may ask for; `undefined`: any method routed at the path. */
  readonly methods: ReadonlySet<string> | undefined;
  /**
   * Lower-case request headers a preflight may ask for; `undefined`: any. A `*` in the set
   * stands for any header but `authorization`, which must be named, as in the Fetch standard.
   */
  readonly allowedHeaders: ReadonlySet<string> | undefined;
  readonly maxAge: string;
  readonly allowPrivateNetwork: boolean;
  readonly successStatus: number;
  readonly originTimeout: number;
}

/** CORS switched off with `@CorsPolicy(false)`: no CORS header is ever sent. */
export interface DisabledPolicy {
  readonly enabled: false;
  readonly source: string;
}

export type EffectivePolicy = CompiledPolicy | DisabledPolicy;

/** Rules that involve several fields, checked on the merged fields of the level that set them. */
export function checkCombination(merged: CheckedFields, path: string): CorsConfigurationIssue[] {
  if (!merged.credentials) return [];
  const issues: CorsConfigurationIssue[] = [];
  const wildcard = (field: string, value: unknown, message: string) =>
    issues.push({ path, code: 'credentials-with-wildcard', message, value: { [field]: value } });
  if (merged.origin?.any) {
    wildcard(
      'origin',
      '*',
      "origin '*' together with credentials: browsers refuse it, and reflecting any origin instead would let every site read credentialed responses",
    );
  }
  for (const pattern of merged.origin?.patterns ?? []) {
    if (!pattern.insecure) continue;
    issues.push({
      path,
      code: 'credentials-with-insecure-pattern',
      message: `pattern '${pattern.written}' is plain http together with credentials: anyone on the network can pose as such a subdomain`,
      value: pattern.written,
    });
  }
  if (merged.allowedHeaders === '*' || merged.allowedHeaders?.includes('*')) {
    wildcard(
      'allowedHeaders',
      '*',
      "allowedHeaders '*' together with credentials: browsers then read '*' as a header literally named '*'; list the headers",
    );
  }
  if (merged.exposedHeaders?.includes('*')) {
    wildcard(
      'exposedHeaders',
      '*',
      "exposedHeaders '*' together with credentials: browsers then read '*' as a header literally named '*'; list the headers",
    );
  }
  return issues;
}

/** Compiles merged, checked fields into a frozen policy. */
export function compileChecked(fields: CheckedFields, source: string): CompiledPolicy {
  const origin = compileOrigin(fields.origin);
  const exposed = fields.exposedHeaders ?? POLICY_DEFAULTS.exposedHeaders;
  const allowed = fields.allowedHeaders;
  return Object.freeze({
    enabled: true,
    source,
    origin,
    varyOnOrigin: !origin.any && !origin.none,
    credentials: fields.credentials ?? POLICY_DEFAULTS.credentials,
    exposeHeaders: exposed.length > 0 ? exposed.map((h) => h.toLowerCase()).join(', ') : undefined,
    methods: fields.methods ? new Set(fields.methods.map(normaliseMethod)) : undefined,
    allowedHeaders:
      allowed === undefined
        ? undefined
        : new Set(allowed === '*' ? ['*'] : allowed.map((h) => h.toLowerCase())),
    maxAge: String(fields.maxAge ?? POLICY_DEFAULTS.maxAge),
    allowPrivateNetwork: fields.allowPrivateNetwork ?? POLICY_DEFAULTS.allowPrivateNetwork,
    successStatus: fields.optionsSuccessStatus ?? POLICY_DEFAULTS.optionsSuccessStatus,
    originTimeout: fields.originTimeout ?? POLICY_DEFAULTS.originTimeout,
  });
}

/**
 * Checks and compiles one set of options on its own (tests, benchmarks). Fields with a problem
 * are left out; `PolicyCompiler` is what reports them.
 */
export function compilePolicy(options: CorsPolicyOptions, source: string): CompiledPolicy {
  return compileChecked(checkFields(options, source).fields, source);
}

export function disabledPolicy(source: string): DisabledPolicy {
  return Object.freeze({ enabled: false, source });
}

/** Browsers upper-case these six methods (Fetch "normalize"); any other method is case-sensitive. */
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
function normaliseMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALISED_METHODS.has(upper) ? upper : method;
}

/**
 * Matchers already compiled, by the checked origin option they come from: policies that share
 * an origin list (see `OriginListCache`) share one matcher, its sets built once.
 */
const compiledOrigins = new WeakMap<CheckedOrigin, OriginMatcher>();

function compileOrigin(origin: CheckedOrigin | undefined): OriginMatcher {
  if (!origin) return buildOriginMatcher(undefined);
  let matcher = compiledOrigins.get(origin);
  if (!matcher) {
    matcher = buildOriginMatcher(origin);
    compiledOrigins.set(origin, matcher);
  }
  return matcher;
}

function buildOriginMatcher(origin: CheckedOrigin | undefined): OriginMatcher {
  const any = origin?.any ?? false;
  const exact = new Set(origin?.exact);
  const patterns = new Set(origin?.patterns.map((pattern) => pattern.key));
  const regExps = Object.freeze([...(origin?.regExps ?? [])]);
  const predicate = origin?.predicate;
  const none =
    !any && !predicate && exact.size === 0 && patterns.size === 0 && regExps.length === 0;
  return Object.freeze({ any, exact, patterns, regExps, predicate, none });
}
