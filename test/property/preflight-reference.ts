import fc from 'fast-check';

/*
 * Preflights with random methods and random `Access-Control-Request-Headers` lists are allowed
 * exactly when the policy allows every item, by this reference definition:
 *  - the method is a token, a route serves it, and it is in `methods` when that is set
 *    (compared case-sensitively: browsers upper-case the six standard methods themselves, and the
 *    configuration's `get` means `GET`);
 *  - the header list is at most 8 KiB; split on commas, each item with the HTTP white space
 *    around it (space and tab) removed, every non-empty item is a token and, when
 *    `allowedHeaders` is a list, one of its names, compared case-insensitively; when it is `'*'`,
 *    any name but `authorization`.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const STANDARD = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];

export interface Case {
  routed: string[];
  methods: string[] | undefined;
  allowedHeaders: string[] | '*' | undefined;
  method: string;
  requestHeaders: string | undefined;
}

export function reference(c: Case): { allowHeaders: string } | 'denied' {
  if (!TOKEN.test(c.method) || !c.routed.includes(c.method)) return 'denied';
  if (c.methods) {
    const normalised = c.methods.map((m) =>
      STANDARD.includes(m.toUpperCase()) ? m.toUpperCase() : m,
    );
    if (!normalised.includes(c.method)) return 'denied';
  }
  if (c.requestHeaders === undefined) return { allowHeaders: '' };
  if (c.requestHeaders.length > 8 * 1024) return 'denied';
  const names = c.requestHeaders
    .split(',')
    .map((item) => item.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((item) => item !== '');
  if (!names.every((name) => TOKEN.test(name))) return 'denied';
  const lower = names.map((name) => name.toLowerCase());
  if (Array.isArray(c.allowedHeaders)) {
    const allowed = c.allowedHeaders.map((name) => name.toLowerCase());
    if (!lower.every((name) => allowed.includes(name))) return 'denied';
  } else if (c.allowedHeaders === '*' && lower.includes('authorization')) {
    // The Fetch standard's `*` never covers Authorization: it must be named.
    return 'denied';
  }
  return { allowHeaders: lower.join(',') };
}

const configMethod = fc.constantFrom('GET', 'get', 'POST', 'PATCH', 'patch', 'DELETE', 'PURGE');
const routedMethod = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'PURGE', 'patch');
export const requestMethod = fc.oneof(
  routedMethod,
  fc.constantFrom('get', 'Post', 'HEAD', 'OPTIONS', 'SEARCH', 'purge', 'X-CUSTOM'),
  fc.constantFrom('', 'GE T', ' GET', 'GET ', 'GET,POST', '(GET)', 'G\u00c9T', 'GET\x00', 'GET\t'),
  fc.string({ unit: 'binary-ascii', maxLength: 8 }),
);
const headerName = fc.constantFrom(
  'content-type',
  'Content-Type',
  'X-API-KEY',
  'x-api-key',
  'x-requested-with',
  'authorization',
  'Authorization',
  'x-other',
  'cookie',
);
const badItem = fc.constantFrom(
  'x foo',
  'x:foo',
  'x-api-key\u00a0',
  '\u00a0x-api-key',
  'x-\u00e9',
  '"x"',
  'x/y',
  'x;y',
  '\v',
  '\x00',
  '@',
);
const item = fc.oneof(
  { weight: 8, arbitrary: headerName },
  { weight: 1, arbitrary: badItem },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t') },
);
const separator = fc.constantFrom(',', ',', ', ', ' ,', ' , ', ',\t', ',,');
const headerList = fc
  .array(fc.tuple(item, separator), { maxLength: 6 })
  .map((pairs) => pairs.map(([name, sep], i) => (i === 0 ? name : `${sep}${name}`)).join(''));
const hugeList = fc.oneof(
  // Just under and just over the 8 KiB bound, all valid names.
  fc.constantFrom(819, 820).map((n) => Array(n).fill('x-api-key').join(',')),
  fc.integer({ min: 8000, max: 9000 }).map((n) => 'a'.repeat(n)),
  fc.constant(Array(10_000).fill('a').join(',')),
);
export const requestHeaders = fc.option(
  fc.oneof({ weight: 12, arbitrary: headerList }, { weight: 1, arbitrary: hugeList }),
  { nil: undefined },
);

export const preflightCase: fc.Arbitrary<Case> = fc
  .record({
    routed: fc.uniqueArray(routedMethod, { minLength: 1, maxLength: 4 }),
    methods: fc.option(fc.uniqueArray(configMethod, { minLength: 1, maxLength: 4 }), {
      nil: undefined,
    }),
    allowedHeaders: fc.option(
      fc.oneof(
        fc.constant('*' as const),
        fc.uniqueArray(fc.constantFrom('Content-Type', 'x-api-key', 'X-Requested-With'), {
          maxLength: 3,
        }),
      ),
      { nil: undefined },
    ),
    requestHeaders,
  })
  .chain((c) =>
    fc
      .oneof(
        // mostly a method some route serves, so that the header list decides
        { weight: 3, arbitrary: fc.constantFrom(...(c.methods ?? c.routed)) },
        { weight: 1, arbitrary: requestMethod },
      )
      .map((method) => ({ ...c, method })),
  );
