import { getPublicSuffix } from 'tldts';
import type { CorsIssueCode } from './configuration-issue.js';
import { regExpBacktrackingProblem } from './regexp-safety.js';

/** Longest Origin header looked at; longer values are denied without further work. */
export const MAX_ORIGIN_LENGTH = 1024;

/**
 * A serialized origin as browsers send it: lower-case scheme and host, punycode, optional port.
 * Linear (no nested quantifiers), and only run on values already bounded by MAX_ORIGIN_LENGTH.
 */
const SERIALIZED_ORIGIN =
  /^[a-z][a-z0-9+.-]*:\/\/(?:[a-z0-9._~!$&'()*+,;=%-]+|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;
const HOST_LABELS = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*$/;

/** An origin from the configuration, normalised, or the reason it was refused. */
export type ConfiguredOrigin =
  | { kind: 'exact'; origin: string }
  | {
      kind: 'pattern';
      scheme: string;
      suffix: string;
      port: string;
      key: string;
      insecure: boolean;
    }
  | { kind: 'invalid'; code: CorsIssueCode; message: string };

/**
 * Normalises one origin string from the configuration: an exact origin or a subdomain pattern
 * `scheme://*.domain[:port]`. Lower-cases scheme and host and converts IDN hosts to punycode,
 * so that the request's Origin can then be compared byte for byte.
 */
export function parseConfiguredOrigin(value: string): ConfiguredOrigin {
  const invalid = (
    message: string,
    code: CorsIssueCode = 'origin-not-serialized',
  ): ConfiguredOrigin => ({
    kind: 'invalid',
    code,
    message,
  });
  if (value === 'null') {
    return invalid(
      "the origin 'null' is sent by sandboxed iframes, file: pages and some redirects; trusting it lets any page in",
      'origin-null',
    );
  }
  if (value === '') return invalid('origin is empty');
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  if (/[\s\\\x00-\x1f\x7f]/.test(value)) {
    return invalid(
      `origin ${JSON.stringify(value)} has white space, a backslash or a control character`,
    );
  }
  if (value.length > MAX_ORIGIN_LENGTH) {
    return invalid(
      `origin is longer than ${MAX_ORIGIN_LENGTH} characters; requests with such an Origin are denied unread`,
    );
  }
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(value);
  if (!schemeMatch)
    return invalid(`origin '${value}' has no scheme; write it as 'https://host[:port]'`);
  const [, scheme, rest] = schemeMatch;
  if (/[/?#]/.test(rest)) {
    return invalid(
      `origin '${value}' has a path, a trailing slash, a query or a fragment; an origin is 'scheme://host[:port]' only`,
    );
  }
  if (rest.includes('@'))
    return invalid(`origin '${value}' has userinfo; an origin is 'scheme://host[:port]' only`);
  if (rest.endsWith(':')) return invalid(`origin '${value}' has an empty port`);
  const isPattern = rest.startsWith('*.');
  if (isPattern && /^\*\.(?:[0-9.]*|\[.*\])(?::\d+)?$/.test(rest)) {
    return invalid(
      `pattern '${value}' covers an IP address or nothing; wildcards apply to domain names only`,
    );
  }
  if ((isPattern ? rest.slice(1) : rest).includes('*')) {
    return invalid(
      `origin '${value}' has a wildcard that is not the whole leftmost label; the only pattern is 'https://*.example.com'`,
    );
  }
  let url: URL;
  try {
    url = new URL(`${scheme}://${isPattern ? `x${rest.slice(1)}` : rest}`);
  } catch {
    return invalid(`origin '${value}' is not a valid origin`);
  }
  if (url.hostname === '') return invalid(`origin '${value}' has no host`);
  const explicitPort = /:(\d+)$/.exec(rest)?.[1];
  if (explicitPort !== undefined && url.port === '') {
    return invalid(
      `origin '${value}' names the default port :${explicitPort}; browsers never send it, so it would never match`,
    );
  }
  const protocol = url.protocol;
  const port = url.port === '' ? '' : `:${url.port}`;
  if (!isPattern) return { kind: 'exact', origin: `${protocol}//${url.host}` };

  const domain = url.hostname.slice(2);
  if (domain !== 'localhost' && getPublicSuffix(domain, { allowPrivateDomains: true }) === domain) {
    return invalid(
      `pattern '${value}' covers the public suffix '${domain}', so it matches sites of anyone`,
      'wildcard-over-public-suffix',
    );
  }
  const suffix = `.${domain}`;
  const key = `${protocol}//*${suffix}${port}`;
  return {
    kind: 'pattern',
    scheme: `${protocol}//`,
    suffix,
    port,
    key,
    insecure: protocol === 'http:' || protocol === 'ws:',
  };
}

/**
 * A RegExp can only be trusted with origins when it is anchored at both ends, stateless, and
 * free of super-linear backtracking.
 */
export function regExpProblem(re: RegExp): { code: CorsIssueCode; message: string } | undefined {
  const { source, flags } = re;
  if (!source.startsWith('^') || !endsWithAnchor(source)) {
    return {
      code: 'regexp-unanchored',
      message: `RegExp ${re} is not anchored with ^ and $, so it also matches look-alike origins such as 'https://example.com.evil.net'`,
    };
  }
  if (hasTopLevelAlternation(source)) {
    return {
      code: 'regexp-unanchored',
      message: `RegExp ${re} has a top-level | that leaves each alternative anchored on one side only; write ^(?:a|b)$`,
    };
  }
  if (flags.includes('g') || flags.includes('y')) {
    return {
      code: 'regexp-stateful',
      message: `RegExp ${re} has the ${flags.includes('g') ? 'g' : 'y'} flag, which makes test() depend on the previous call`,
    };
  }
  const backtracking = regExpBacktrackingProblem(re);
  return backtracking === undefined ? undefined : { code: 'regexp-redos', message: backtracking };
}

/** Whether the final `$` is an anchor, not an escaped dollar (an odd run of backslashes). */
function endsWithAnchor(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Whether `|` appears outside every group and character class. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    if (char === '\\') i++;
    else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) return true;
  }
  return false;
}

/** Compiled origin rules of one policy. Frozen; shared by every request. */
export interface OriginMatcher {
  readonly any: boolean;
  readonly exact: ReadonlySet<string>;
  /** Pattern keys `scheme://*.suffix:port`, looked up per label of the request's host. */
  readonly patterns: ReadonlySet<string>;
  readonly regExps: readonly RegExp[];
  readonly predicate:
    ((origin: string, request: unknown) => boolean | Promise<boolean>) | undefined;
  /** Nothing can ever match: no origin work is done at all. */
  readonly none: boolean;
}

export function isSerializedOrigin(origin: string): boolean {
  return origin.length <= MAX_ORIGIN_LENGTH && SERIALIZED_ORIGIN.test(origin);
}

/** How a request's Origin fares against the static rules. */
export type OriginMatch = 'match' | 'miss' | 'malformed';

/**
 * Matches a request's Origin against the static rules: exact, `*`, pattern, RegExp. A value
 * that is not a serialized origin (or is `null`) only matches an exact rule, which never holds it.
 */
export function staticOriginMatch(matcher: OriginMatcher, origin: string): OriginMatch {
  if (matcher.exact.has(origin)) return 'match';
  if (!isSerializedOrigin(origin)) return 'malformed';
  if (matcher.any) return 'match';
  if (matcher.patterns.size > 0 && matchesPattern(matcher.patterns, origin)) return 'match';
  for (const re of matcher.regExps) {
    if (re.test(origin)) return 'match';
  }
  return 'miss';
}

/** Whether a request's Origin matches the static rules. */
export function matchStaticOrigin(matcher: OriginMatcher, origin: string): boolean {
  return staticOriginMatch(matcher, origin) === 'match';
}

/** Looks up `scheme://*.<suffix>:port` for each suffix of the host that leaves at least one label. */
function matchesPattern(patterns: ReadonlySet<string>, origin: string): boolean {
  const hostStart = origin.indexOf('://') + 3;
  const portStart = origin.indexOf(':', hostStart);
  const hostEnd = portStart === -1 ? origin.length : portStart;
  const host = origin.slice(hostStart, hostEnd);
  if (!HOST_LABELS.test(host)) return false;
  const scheme = origin.slice(0, hostStart);
  const port = origin.slice(hostEnd);
  for (let dot = host.indexOf('.'); dot > 0; dot = host.indexOf('.', dot + 1)) {
    if (patterns.has(`${scheme}*${host.slice(dot)}${port}`)) return true;
  }
  return false;
}
