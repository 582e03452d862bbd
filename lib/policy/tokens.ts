/** RFC 9110 `token`: the syntax of method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Methods a browser never lets a page send, and which no CORS policy may allow. */
export const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** The longest `Access-Control-Request-Headers` a preflight may send; longer ones are denied unread. */
export const MAX_REQUEST_HEADERS_LENGTH = 8 * 1024;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** 1 for the lower-case token characters of a header name (RFC 9110 tchar, no A-Z). */
const LOWER_TCHAR = new Uint8Array(128);
for (const char of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz") {
  LOWER_TCHAR[char.charCodeAt(0)] = 1;
}

/**
 * Whether `Access-Control-Request-Headers` is already in the form browsers send: lower-case
 * names joined by `,`, no white space, no empty item. One pass over the characters and no
 * allocation, so that the common preflight needs no parsing at all.
 */
export function isCanonicalRequestHeaders(value: string): boolean {
  if (value.length === 0 || value.length > MAX_REQUEST_HEADERS_LENGTH) return false;
  let atItemStart = true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 44) {
      if (atItemStart) return false;
      atItemStart = true;
    } else if (code < 128 && LOWER_TCHAR[code] === 1) {
      atItemStart = false;
    } else {
      return false;
    }
  }
  return !atItemStart;
}

/**
 * Parses `Access-Control-Request-Headers` into lower-case names.
 * Returns `undefined` for a value that is too long or holds anything but a comma list of tokens,
 * so that a hostile list is refused after one bounded pass.
 */
export function parseRequestHeaders(value: string): string[] | undefined {
  if (value.length > MAX_REQUEST_HEADERS_LENGTH) return undefined;
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = trimWhiteSpace(part);
    if (name === '') continue;
    if (!TOKEN.test(name)) return undefined;
    names.push(name.toLowerCase());
  }
  return names;
}

/**
 * Removes HTTP's optional white space (space and tab, RFC 9110) around a list item. Not
 * `String.prototype.trim()`, which also removes U+00A0 and others, so that `x-foo\xa0` would
 * pass as the token `x-foo`. A loop, not a regex: `/[ \t]+$/` is quadratic on long runs of spaces.
 */
function trimWhiteSpace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value[start] === ' ' || value[start] === '\t')) start += 1;
  while (end > start && (value[end - 1] === ' ' || value[end - 1] === '\t')) end -= 1;
  return value.slice(start, end);
}

/**
 * Request headers a page can never set (Fetch, "forbidden request-header"), so a preflight never
 * asks for them; `proxy-*` and `sec-*` names are forbidden as well.
 */
const FORBIDDEN_REQUEST_HEADERS: ReadonlySet<string> = new Set([
  'accept-charset',
  'accept-encoding',
  'access-control-request-headers',
  'access-control-request-method',
  'access-control-request-private-network',
  'connection',
  'content-length',
  'cookie',
  'cookie2',
  'date',
  'dnt',
  'expect',
  'host',
  'keep-alive',
  'origin',
  'referer',
  'set-cookie',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'via',
]);

/** Headers of a CORS response, which a server sends and a page has no reason to. */
const CORS_RESPONSE_HEADERS: ReadonlySet<string> = new Set([
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-allow-private-network',
  'access-control-expose-headers',
  'access-control-max-age',
]);

/** Why a name in `allowedHeaders` can never be asked for by a browser's preflight, if so. */
export function neverSentReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (
    FORBIDDEN_REQUEST_HEADERS.has(lower) ||
    lower.startsWith('proxy-') ||
    lower.startsWith('sec-')
  ) {
    return `'${name}' is a forbidden request header: browsers set it themselves and never let a page send it, so a preflight never asks for it`;
  }
  if (CORS_RESPONSE_HEADERS.has(lower)) {
    return `'${name}' is a CORS response header: the server sends it, a page does not; a client sending it is mistaken, and allowing it only hides that`;
  }
  return undefined;
}

/** Why a name in `exposedHeaders` is never shown to a page, if so. */
export function neverExposedReason(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === 'set-cookie' || lower === 'set-cookie2') {
    return `'${name}' is a forbidden response header: browsers never expose it to a page, whatever Access-Control-Expose-Headers says`;
  }
  if (lower.startsWith('access-control-request-') || lower === 'origin') {
    return `'${name}' is a request header of CORS: responses do not carry it, so there is nothing to expose`;
  }
  return undefined;
}
