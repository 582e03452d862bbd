import type {
  CorsConfigurationIssue,
  CorsConfigurationWarning,
  CorsIssueCode,
} from './configuration-issue.js';
import { parseConfiguredOrigin, regExpProblem } from './origin.js';
import { FORBIDDEN_METHODS, isToken, neverExposedReason, neverSentReason } from './tokens.js';

/** An origin function: our signature, `(origin, request) => boolean | Promise<boolean>`. */
export type OriginPredicate = (origin: string, request: unknown) => boolean | Promise<boolean>;

/** The origin option of one declaration, parsed once: every later step reads this. */
export interface CheckedOrigin {
  /** `'*'`, alone or in a list. */
  readonly any: boolean;
  /** Normalised exact origins. */
  readonly exact: readonly string[];
  /** Subdomain patterns: their lookup key, and whether the scheme is plain http or ws. */
  readonly patterns: readonly {
    readonly key: string;
    readonly written: string;
    readonly insecure: boolean;
  }[];
  readonly regExps: readonly RegExp[];
  readonly predicate: OriginPredicate | undefined;
}

/**
 * The fields one level of configuration sets (module, named policy, decorator), checked and
 * normalised. A field with a problem is left out, so that compiling never meets a wrong type.
 */
export interface CheckedFields {
  readonly origin?: CheckedOrigin;
  readonly credentials?: boolean;
  readonly exposedHeaders?: readonly string[];
  readonly allowedHeaders?: readonly string[] | '*';
  readonly methods?: readonly string[];
  readonly maxAge?: number;
  readonly allowPrivateNetwork?: boolean;
  readonly optionsSuccessStatus?: number;
  readonly originTimeout?: number;
}

/** The result of checking one declaration: what can be compiled, and what was wrong with it. */
export interface CheckedDeclaration {
  readonly fields: CheckedFields;
  readonly issues: CorsConfigurationIssue[];
  readonly warnings: CorsConfigurationWarning[];
}

/** Firefox's cap on `Access-Control-Max-Age`; a larger value is refused. */
export const MAX_AGE_LIMIT = 86400;
/** Chromium's cap: a larger value works, but only for 7200 seconds. */
export const MAX_AGE_BROWSER_CAP = 7200;

export const POLICY_FIELDS: ReadonlySet<string> = new Set([
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

const INTEGER_RANGES = {
  maxAge: [0, MAX_AGE_LIMIT],
  optionsSuccessStatus: [200, 299],
  originTimeout: [1, 60000],
} as const;

/**
 * Checks the fields of one declaration and parses them into their checked form, once. Rules
 * that involve several fields are checked on the merged result by `checkCombination`.
 */
export function checkFields(
  options: unknown,
  path: string,
  extraFields: readonly string[] = [],
  origins?: OriginListCache,
): CheckedDeclaration {
  const issues: CorsConfigurationIssue[] = [];
  const warnings: CorsConfigurationWarning[] = [];
  if (!isPlainObject(options)) {
    issues.push({
      path,
      code: 'invalid-type',
      message: `expected an object of policy fields, a policy name or false, got ${describe(options)}`,
      value: options,
    });
    return { fields: {}, issues, warnings };
  }
  for (const key of Object.keys(options)) {
    if (!POLICY_FIELDS.has(key) && !extraFields.includes(key)) {
      issues.push({ path, code: 'unknown-option', message: `unknown option '${key}'`, value: key });
    }
  }
  const fields: Record<string, unknown> = {};
  for (const key of POLICY_FIELDS) {
    const value = options[key];
    if (value === undefined) continue;
    const found: CorsConfigurationIssue[] = [];
    const add = (code: CorsIssueCode, message: string, offending: unknown = value) =>
      found.push({ path: `${path}.${key}`, code, message, value: offending });
    const checked =
      key === 'origin' && origins ? origins.check(value, add) : checkField(key, value, add);
    issues.push(...found);
    if (found.length === 0) fields[key] = checked;
  }
  const maxAge = fields.maxAge as number | undefined;
  if (maxAge !== undefined && maxAge > MAX_AGE_BROWSER_CAP) {
    warnings.push({
      path: `${path}.maxAge`,
      code: 'max-age-over-browser-cap',
      message: `maxAge ${maxAge} is above Chromium's cap of ${MAX_AGE_BROWSER_CAP} seconds: Chromium caches preflights for ${MAX_AGE_BROWSER_CAP} seconds, Firefox for up to ${MAX_AGE_LIMIT}`,
      value: maxAge,
    });
  }
  return { fields: fields as CheckedFields, issues, warnings };
}

type Add = (code: CorsIssueCode, message: string, offending?: unknown) => void;

function checkField(key: string, value: unknown, add: Add): unknown {
  switch (key) {
    case 'origin':
      return checkOrigin(value, add);
    case 'credentials':
    case 'allowPrivateNetwork':
      if (typeof value !== 'boolean')
        add('invalid-type', `expected true or false, got ${describe(value)}`);
      return value;
    case 'exposedHeaders':
      return checkNames(value, 'header', add, false, neverExposedReason, 'header-never-exposed');
    case 'allowedHeaders':
      return value === '*'
        ? value
        : checkNames(value, 'header', add, true, neverSentReason, 'header-never-sent');
    case 'methods':
      return checkNames(value, 'method', add, false, forbiddenMethodReason, 'forbidden-method');
    default: {
      const [min, max] = INTEGER_RANGES[key as keyof typeof INTEGER_RANGES];
      if (typeof value !== 'number') {
        add('invalid-type', `expected an integer from ${min} to ${max}, got ${describe(value)}`);
      } else if (!Number.isInteger(value) || value < min || value > max) {
        add('out-of-range', `expected an integer from ${min} to ${max}, got ${describe(value)}`);
      }
      return value;
    }
  }
}

/**
 * Origin options already checked, so that an origin list declared on many controllers is parsed
 * once, not once per controller: by the identity of the array (or function), and for strings and
 * lists of strings also by their content, since apps often build the same list anew for each
 * controller. Content is compared item by item (no key string is built), within a bucket of
 * lists of the same length and first item. The problems found are kept without their path and
 * reported again for each declaration. One cache lives as long as one `PolicyCompiler`.
 */
export class OriginListCache {
  private readonly byIdentity = new WeakMap<object, CheckedOriginList>();
  private readonly byContent = new Map<string, CheckedOriginList[]>();

  check(origin: unknown, add: Add): CheckedOrigin {
    const isObject =
      origin !== null && (typeof origin === 'object' || typeof origin === 'function');
    let known = isObject ? this.byIdentity.get(origin as object) : undefined;
    const items = known ? undefined : stringItems(origin);
    const bucketKey = items && `${items.length}\n${items[0] ?? ''}`;
    const bucket = bucketKey === undefined ? undefined : this.byContent.get(bucketKey);
    known ??= bucket?.find((list) => sameItems(list.items!, items!));
    if (!known) {
      const problems: Parameters<Add>[] = [];
      const checked = checkOrigin(origin, (...problem) => problems.push(problem));
      known = { checked, problems, items: items && [...items] };
      if (bucketKey !== undefined) {
        if (bucket) bucket.push(known);
        else this.byContent.set(bucketKey, [known]);
      }
    }
    if (isObject) this.byIdentity.set(origin as object, known);
    for (const problem of known.problems) add(...problem);
    return known.checked;
  }
}

interface CheckedOriginList {
  readonly checked: CheckedOrigin;
  readonly problems: readonly Parameters<Add>[];
  /** The strings it was checked from, when it is a string or a list of strings only. */
  readonly items: readonly string[] | undefined;
}

/**
 * The strings of an origin option that is a string or a list of strings only (one string is
 * checked exactly as a list of it).
 */
function stringItems(origin: unknown): readonly string[] | undefined {
  if (typeof origin === 'string') return [origin];
  if (!Array.isArray(origin)) return undefined;
  for (const item of origin) if (typeof item !== 'string') return undefined;
  return origin as string[];
}

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function checkOrigin(origin: unknown, add: Add): CheckedOrigin {
  const checked = {
    any: false,
    exact: [] as string[],
    patterns: [] as { key: string; written: string; insecure: boolean }[],
    regExps: [] as RegExp[],
    predicate: undefined as OriginPredicate | undefined,
  };
  if (typeof origin === 'function') {
    checked.predicate = origin as OriginPredicate;
    return checked;
  }
  for (const item of Array.isArray(origin) ? origin : [origin]) {
    if (item instanceof RegExp) {
      const problem = regExpProblem(item);
      if (problem) add(problem.code, problem.message, item);
      else checked.regExps.push(new RegExp(item.source, item.flags));
    } else if (item === '*') {
      checked.any = true;
    } else if (typeof item === 'string') {
      const parsed = parseConfiguredOrigin(item);
      if (parsed.kind === 'invalid') add(parsed.code, parsed.message, item);
      else if (parsed.kind === 'exact') checked.exact.push(parsed.origin);
      else checked.patterns.push({ key: parsed.key, written: item, insecure: parsed.insecure });
    } else {
      add(
        'invalid-type',
        `expected an origin string, a RegExp${Array.isArray(origin) ? '' : ', a list of them or a function'}, got ${describe(item)}`,
        item,
      );
    }
  }
  return checked;
}

function checkNames(
  value: unknown,
  kind: 'header' | 'method',
  add: Add,
  starAllowed: boolean,
  neverWorks: (name: string) => string | undefined,
  neverWorksCode: CorsIssueCode,
): unknown {
  if (!Array.isArray(value)) {
    const hint = typeof value === 'string' ? `; write ['${value.split(',')[0].trim()}', ...]` : '';
    add(
      'invalid-type',
      `expected an array of ${kind} names${starAllowed ? " or '*'" : ''}, got ${describe(value)}${hint}`,
    );
    return value;
  }
  for (const name of value) {
    if (typeof name !== 'string') {
      add('invalid-type', `${describe(name)} is not a ${kind} name`, name);
    } else if (!isToken(name)) {
      add('invalid-name', `${describe(name)} is not a valid ${kind} name`, name);
    } else {
      const reason = neverWorks(name);
      if (reason) add(neverWorksCode, reason, name);
    }
  }
  return value;
}

function forbiddenMethodReason(method: string): string | undefined {
  return FORBIDDEN_METHODS.has(method.toUpperCase())
    ? `method '${method}' is forbidden by the Fetch standard and can never be allowed`
    : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol' || typeof value === 'bigint') return `a ${typeof value}`;
  return typeof value === 'object' ? 'an object' : String(value);
}
