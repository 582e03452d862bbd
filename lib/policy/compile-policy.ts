import type { CorsOrigin, CorsPolicyOptions } from '../interfaces/cors-options.interface.js';
import type { CorsConfigurationIssue } from './configuration-issue.js';
import { type OriginMatcher, parseConfiguredOrigin, regExpProblem } from './origin.js';
import { FORBIDDEN_METHODS, isToken } from './tokens.js';

/**
 * Documented defaults of every policy field.
 *
 * @example
 * POLICY_DEFAULTS.maxAge; // 600 seconds
 */
export const POLICY_DEFAULTS = Object.freeze({
  credentials: false,
  exposedHeaders: [] as string[],
  maxAge: 600,
  allowPrivateNetwork: false,
  optionsSuccessStatus: 204,
  originTimeout: 1000,
});

const MAX_AGE_LIMIT = 86400;
const POLICY_FIELDS: ReadonlySet<string> = new Set([
  'origin',
  'credentials',
  'exposedHeaders',
  'allowedHeaders',
  'methods',
  'maxAge',
  'allowPrivateNetwork',
  'optionsSuccessStatus',
  'originTimeout',
]);

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

/**
 * Checks the fields one level of configuration sets (module, named policy, decorator), adding a
 * problem for each. Cross-field rules are checked on the merged result by `checkCombination`.
 */
export function checkPolicyFields(
  options: unknown,
  path: string,
  issues: CorsConfigurationIssue[],
  extraFields: readonly string[] = [],
): void {
  const add = (field: string, message: string) =>
    issues.push({ path: `${path}.${field}`, message });
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    issues.push({
      path,
      message: `expected an object of policy fields, a policy name or false, got ${describe(options)}`,
    });
    return;
  }
  const fields = options as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!POLICY_FIELDS.has(key) && !extraFields.includes(key)) {
      issues.push({ path, message: `unknown option '${key}'` });
    }
  }
  if (fields.origin !== undefined) checkOrigin(fields.origin, (m) => add('origin', m));
  for (const flag of ['credentials', 'allowPrivateNetwork'] as const) {
    if (fields[flag] !== undefined && typeof fields[flag] !== 'boolean') {
      add(flag, `expected true or false, got ${describe(fields[flag])}`);
    }
  }
  checkNames(fields.exposedHeaders, 'exposedHeaders', add, false);
  checkNames(fields.allowedHeaders, 'allowedHeaders', add, true);
  if (fields.methods !== undefined) {
    checkNames(fields.methods, 'methods', add, false);
    if (Array.isArray(fields.methods)) {
      for (const method of fields.methods) {
        if (typeof method === 'string' && FORBIDDEN_METHODS.has(method.toUpperCase())) {
          add(
            'methods',
            `method '${method}' is forbidden by the Fetch standard and can never be allowed`,
          );
        }
      }
    }
  }
  checkInteger(fields.maxAge, 0, MAX_AGE_LIMIT, (m) => add('maxAge', m));
  checkInteger(fields.optionsSuccessStatus, 200, 299, (m) => add('optionsSuccessStatus', m));
  checkInteger(fields.originTimeout, 1, 60000, (m) => add('originTimeout', m));
}

/** Rules that involve several fields, checked on a merged policy at the level that set them. */
export function checkCombination(
  merged: CorsPolicyOptions,
  path: string,
  issues: CorsConfigurationIssue[],
): void {
  if (!merged.credentials) return;
  const origins = Array.isArray(merged.origin) ? merged.origin : [merged.origin];
  if (origins.includes('*')) {
    issues.push({
      path,
      message:
        "origin '*' together with credentials: browsers refuse it, and reflecting any origin instead would let every site read credentialed responses",
    });
  }
  for (const origin of origins) {
    if (typeof origin !== 'string') continue;
    const parsed = parseConfiguredOrigin(origin);
    if (parsed.kind === 'pattern' && parsed.insecure) {
      issues.push({
        path,
        message: `pattern '${origin}' is plain http together with credentials: anyone on the network can pose as such a subdomain`,
      });
    }
  }
  if (merged.allowedHeaders === '*' || merged.allowedHeaders?.includes('*')) {
    issues.push({
      path,
      message:
        "allowedHeaders '*' together with credentials: browsers then read '*' as a header literally named '*'; list the headers",
    });
  }
  if (merged.exposedHeaders?.includes('*')) {
    issues.push({
      path,
      message:
        "exposedHeaders '*' together with credentials: browsers then read '*' as a header literally named '*'; list the headers",
    });
  }
}

/** Compiles merged, already checked options into a frozen policy. */
export function compilePolicy(options: CorsPolicyOptions, source: string): CompiledPolicy {
  const origin = compileOrigin(options.origin);
  const exposed = options.exposedHeaders ?? POLICY_DEFAULTS.exposedHeaders;
  const allowed = options.allowedHeaders;
  return Object.freeze({
    enabled: true,
    source,
    origin,
    varyOnOrigin: !origin.any && !origin.none,
    credentials: options.credentials ?? POLICY_DEFAULTS.credentials,
    exposeHeaders: exposed.length > 0 ? exposed.map((h) => h.toLowerCase()).join(', ') : undefined,
    methods: options.methods ? new Set(options.methods.map(normaliseMethod)) : undefined,
    allowedHeaders:
      allowed === undefined
        ? undefined
        : new Set(allowed === '*' ? ['*'] : allowed.map((h) => h.toLowerCase())),
    maxAge: String(options.maxAge ?? POLICY_DEFAULTS.maxAge),
    allowPrivateNetwork: options.allowPrivateNetwork ?? POLICY_DEFAULTS.allowPrivateNetwork,
    successStatus: options.optionsSuccessStatus ?? POLICY_DEFAULTS.optionsSuccessStatus,
    originTimeout: options.originTimeout ?? POLICY_DEFAULTS.originTimeout,
  });
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

function compileOrigin(origin: CorsOrigin | undefined): OriginMatcher {
  const exact = new Set<string>();
  const patterns = new Set<string>();
  const regExps: RegExp[] = [];
  let any = false;
  let predicate: OriginMatcher['predicate'];
  const add = (item: string | RegExp) => {
    if (item instanceof RegExp) {
      regExps.push(new RegExp(item.source, item.flags));
    } else if (item === '*') {
      any = true;
    } else {
      const parsed = parseConfiguredOrigin(item);
      if (parsed.kind === 'exact') exact.add(parsed.origin);
      else if (parsed.kind === 'pattern') patterns.add(parsed.key);
    }
  };
  if (typeof origin === 'function') predicate = origin;
  else if (Array.isArray(origin)) origin.forEach(add);
  else if (origin !== undefined) add(origin);
  const none =
    !any && !predicate && exact.size === 0 && patterns.size === 0 && regExps.length === 0;
  return Object.freeze({ any, exact, patterns, regExps: Object.freeze(regExps), predicate, none });
}

function checkOrigin(origin: unknown, add: (message: string) => void): void {
  if (typeof origin === 'function') return;
  const items = Array.isArray(origin) ? origin : [origin];
  for (const item of items) {
    if (item instanceof RegExp) {
      const problem = regExpProblem(item);
      if (problem) add(problem);
    } else if (typeof item === 'string') {
      if (item === '*' && Array.isArray(origin)) {
        add("'*' must be the whole origin option, not an item of a list");
        continue;
      }
      if (item === '*') continue;
      const parsed = parseConfiguredOrigin(item);
      if (parsed.kind === 'invalid') add(parsed.message);
    } else {
      add(`expected an origin string, a RegExp or a function, got ${describe(item)}`);
    }
  }
}

function checkNames(
  value: unknown,
  field: string,
  add: (field: string, message: string) => void,
  starAllowed: boolean,
): void {
  if (value === undefined || (starAllowed && value === '*')) return;
  if (!Array.isArray(value)) {
    add(field, `expected an array of names${starAllowed ? " or '*'" : ''}, got ${describe(value)}`);
    return;
  }
  for (const name of value) {
    if (typeof name !== 'string' || !isToken(name)) {
      add(
        field,
        `${describe(name)} is not a valid ${field === 'methods' ? 'method' : 'header'} name`,
      );
    }
  }
}

function checkInteger(
  value: unknown,
  min: number,
  max: number,
  add: (message: string) => void,
): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    add(`expected an integer from ${min} to ${max}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
