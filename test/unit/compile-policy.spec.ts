import type { CorsPolicyOptions } from '../../lib/interfaces/cors-options.interface.js';
import type { CorsConfigurationIssue } from '../../lib/policy/configuration-issue.js';
import { checkFields } from '../../lib/policy/check-fields.js';
import { codesOf } from '../helpers/issues.js';
import {
  POLICY_DEFAULTS,
  checkCombination,
  compilePolicy,
  disabledPolicy,
} from '../../lib/policy/compile-policy.js';

function fieldIssues(options: unknown, extraFields?: readonly string[]): CorsConfigurationIssue[] {
  return checkFields(options, 'P', extraFields).issues;
}

function combinationIssues(merged: CorsPolicyOptions): CorsConfigurationIssue[] {
  return checkCombination(checkFields(merged, 'P').fields, 'P');
}

describe('checkFields', () => {
  it('finds nothing wrong with a complete, valid policy', () => {
    expect(
      fieldIssues({
        origin: ['https://app.example.com', 'https://*.example.org', /^https:\/\/a\.example$/],
        credentials: true,
        exposedHeaders: ['X-Request-Id'],
        allowedHeaders: ['Content-Type', 'X-Custom'],
        methods: ['GET', 'post', 'PATCH', 'PURGE'],
        maxAge: 0,
        allowPrivateNetwork: false,
        optionsSuccessStatus: 200,
        originTimeout: 500,
      }),
    ).toEqual([]);
  });

  it('accepts the edges of every range', () => {
    expect(fieldIssues({ maxAge: 86400, optionsSuccessStatus: 299, originTimeout: 60000 })).toEqual(
      [],
    );
    expect(fieldIssues({ maxAge: 0, optionsSuccessStatus: 200, originTimeout: 1 })).toEqual([]);
  });

  it("accepts origin '*', a function, allowedHeaders '*' and exposedHeaders ['*']", () => {
    expect(fieldIssues({ origin: '*', allowedHeaders: '*', exposedHeaders: ['*'] })).toEqual([]);
    expect(fieldIssues({ origin: () => true })).toEqual([]);
  });

  it.each([
    ['null', null],
    ['a string', 'partners'],
    ['an array', []],
    ['a number', 5],
    ['true', true],
  ])('refuses %s instead of an object, at the path itself', (_, options) => {
    expect(codesOf(fieldIssues(options))).toEqual([
      { path: 'P', code: 'invalid-type', value: options },
    ]);
  });

  it('reports each unknown key at the path itself', () => {
    expect(codesOf(fieldIssues({ orign: '*', maxage: 5 }))).toEqual([
      { path: 'P', code: 'unknown-option', value: 'orign' },
      { path: 'P', code: 'unknown-option', value: 'maxage' },
    ]);
  });

  it('accepts the extra fields it is told about', () => {
    expect(fieldIssues({ policies: {}, debug: true }, ['policies', 'debug'])).toEqual([]);
    expect(codesOf(fieldIssues({ policies: {} }))).toEqual([
      { path: 'P', code: 'unknown-option', value: 'policies' },
    ]);
  });

  it.each([
    ['credentials', 'true'],
    ['credentials', 1],
    ['credentials', null],
    ['allowPrivateNetwork', 'yes'],
    ['allowPrivateNetwork', {}],
  ])('refuses %s = %j as invalid-type', (field, value) => {
    expect(codesOf(fieldIssues({ [field]: value }))).toEqual([
      { path: `P.${field}`, code: 'invalid-type', value },
    ]);
  });

  it.each([
    [1.5, 'out-of-range'],
    [-1, 'out-of-range'],
    [86401, 'out-of-range'],
    [Number.NaN, 'out-of-range'],
    [Number.POSITIVE_INFINITY, 'out-of-range'],
    ['600', 'invalid-type'],
    [null, 'invalid-type'],
  ])('refuses maxAge %j as %s', (value, code) => {
    expect(codesOf(fieldIssues({ maxAge: value }))).toEqual([{ path: 'P.maxAge', code, value }]);
  });

  it('says the range in the message', () => {
    expect(fieldIssues({ maxAge: -1 })[0].message).toBe(
      'expected an integer from 0 to 86400, got -1',
    );
  });

  it.each([
    [199, 'out-of-range'],
    [300, 'out-of-range'],
    [204.5, 'out-of-range'],
    ['204', 'invalid-type'],
  ])('refuses optionsSuccessStatus %j as %s', (value, code) => {
    expect(codesOf(fieldIssues({ optionsSuccessStatus: value }))).toEqual([
      { path: 'P.optionsSuccessStatus', code, value },
    ]);
  });

  it.each([0, 60001, 1.5])('refuses originTimeout %j', (value) => {
    expect(codesOf(fieldIssues({ originTimeout: value }))).toEqual([
      { path: 'P.originTimeout', code: 'out-of-range', value },
    ]);
  });

  it('reports each invalid method token', () => {
    expect(codesOf(fieldIssues({ methods: ['GET', 'BAD METHOD', 'GET\n', 42, ''] }))).toEqual([
      { path: 'P.methods', code: 'invalid-name', value: 'BAD METHOD' },
      { path: 'P.methods', code: 'invalid-name', value: 'GET\n' },
      { path: 'P.methods', code: 'invalid-type', value: 42 },
      { path: 'P.methods', code: 'invalid-name', value: '' },
    ]);
  });

  it.each(['CONNECT', 'TRACE', 'TRACK', 'connect', 'trace', 'Track'])(
    'refuses the forbidden method %j',
    (method) => {
      expect(codesOf(fieldIssues({ methods: ['GET', method] }))).toEqual([
        { path: 'P.methods', code: 'forbidden-method', value: method },
      ]);
    },
  );

  it.each([
    ['methods', 'GET,POST'],
    ['exposedHeaders', 'X-Id'],
    ['allowedHeaders', 'x-custom'],
    ['methods', null],
    ['exposedHeaders', 5],
    ['allowedHeaders', { 0: 'x-a' }],
  ])('refuses %s = %j (not a list) as invalid-type', (field, value) => {
    expect(codesOf(fieldIssues({ [field]: value }))).toEqual([
      { path: `P.${field}`, code: 'invalid-type', value },
    ]);
  });

  it('shows how to write a comma-separated string as a list', () => {
    expect(fieldIssues({ methods: 'GET,POST' })[0].message).toBe(
      "expected an array of method names, got 'GET,POST'; write ['GET', ...]",
    );
  });

  it('reports each invalid header token, in both header fields', () => {
    expect(
      codesOf(
        fieldIssues({ exposedHeaders: ['x-ok', 'x bad'], allowedHeaders: ['a:b', 'x-ok', 7] }),
      ),
    ).toEqual([
      { path: 'P.exposedHeaders', code: 'invalid-name', value: 'x bad' },
      { path: 'P.allowedHeaders', code: 'invalid-name', value: 'a:b' },
      { path: 'P.allowedHeaders', code: 'invalid-type', value: 7 },
    ]);
  });

  it.each([
    'Connection',
    'Sec-Foo',
    'Proxy-Foo',
    'Cookie',
    'Host',
    'Origin',
    'Content-Length',
    'Access-Control-Request-Method',
    'Access-Control-Allow-Origin',
    'Access-Control-Allow-Credentials',
  ])('refuses %j in allowedHeaders: a browser never sends it', (name) => {
    expect(codesOf(fieldIssues({ allowedHeaders: ['x-ok', name] }))).toEqual([
      { path: 'P.allowedHeaders', code: 'header-never-sent', value: name },
    ]);
  });

  it.each(['Set-Cookie', 'set-cookie2', 'Access-Control-Request-Headers', 'Origin'])(
    'refuses %j in exposedHeaders: a page never sees it',
    (name) => {
      expect(codesOf(fieldIssues({ exposedHeaders: [name] }))).toEqual([
        { path: 'P.exposedHeaders', code: 'header-never-exposed', value: name },
      ]);
    },
  );

  it('gives the reason a header name can never work', () => {
    expect(fieldIssues({ allowedHeaders: ['Sec-Foo'] })[0].message).toMatch(
      /forbidden request header/,
    );
    expect(fieldIssues({ allowedHeaders: ['Access-Control-Allow-Origin'] })[0].message).toMatch(
      /CORS response header/,
    );
    expect(fieldIssues({ exposedHeaders: ['Set-Cookie'] })[0].message).toMatch(/never expose it/);
  });

  it('accepts request headers a page may send, and response headers it may read', () => {
    expect(
      fieldIssues({
        allowedHeaders: ['Authorization', 'Content-Type', 'X-Sec', 'Security-Token', 'X-Proxy'],
        exposedHeaders: ['Content-Disposition', 'X-Request-Id', 'Cache-Control'],
      }),
    ).toEqual([]);
  });

  it('reports each bad origin item with its code and value', () => {
    const unanchored = /example\.com$/;
    const issues = fieldIssues({
      origin: [
        'https://ok.example',
        'https://app.example.com/',
        'null',
        'https://*.com',
        unanchored,
        42,
        null,
      ],
    });
    expect(codesOf(issues)).toEqual([
      { path: 'P.origin', code: 'origin-not-serialized', value: 'https://app.example.com/' },
      { path: 'P.origin', code: 'origin-null', value: 'null' },
      { path: 'P.origin', code: 'wildcard-over-public-suffix', value: 'https://*.com' },
      { path: 'P.origin', code: 'regexp-unanchored', value: unanchored },
      { path: 'P.origin', code: 'invalid-type', value: 42 },
      { path: 'P.origin', code: 'invalid-type', value: null },
    ]);
  });

  it("accepts '*' as an item of a list: any origin, as alone", () => {
    expect(fieldIssues({ origin: ['https://app.example.com', '*'] })).toEqual([]);
    expect(compilePolicy({ origin: ['https://app.example.com', '*'] }, 'P').origin.any).toBe(true);
  });

  it.each([true, null, 5, {}])(
    'refuses an origin that is neither a string, a RegExp, a list nor a function: %j',
    (origin) => {
      expect(codesOf(fieldIssues({ origin }))).toEqual([
        { path: 'P.origin', code: 'invalid-type', value: origin },
      ]);
    },
  );

  it('collects every problem of one level at once', () => {
    const issues = fieldIssues({
      origin: 'https://app.example.com:443',
      credentials: 'no',
      maxAge: -1,
      optionsSuccessStatus: 300,
      methods: ['TRACE'],
      exposedHeaders: ['x y'],
      bogus: 1,
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual([
      'P',
      'P.credentials',
      'P.exposedHeaders',
      'P.maxAge',
      'P.methods',
      'P.optionsSuccessStatus',
      'P.origin',
    ]);
  });

  it('leaves out every field with a problem, so that compiling never meets a wrong type', () => {
    const { fields } = checkFields(
      { methods: 'GET,POST', exposedHeaders: 'X-Id', maxAge: '5', credentials: true },
      'P',
    );
    expect(fields).toEqual({ credentials: true });
  });

  it('warns, without refusing, about a maxAge above Chromium’s cap of 7200', () => {
    const checked = checkFields({ maxAge: 86400 }, 'P');
    expect(checked.issues).toEqual([]);
    expect(codesOf(checked.warnings)).toEqual([
      { path: 'P.maxAge', code: 'max-age-over-browser-cap', value: 86400 },
    ]);
    expect(checkFields({ maxAge: 7200 }, 'P').warnings).toEqual([]);
  });
});

describe('checkCombination', () => {
  it("refuses origin '*' with credentials", () => {
    expect(codesOf(combinationIssues({ origin: '*', credentials: true }))).toEqual([
      { path: 'P', code: 'credentials-with-wildcard', value: { origin: '*' } },
    ]);
  });

  it("refuses allowedHeaders '*' with credentials", () => {
    expect(
      codesOf(
        combinationIssues({
          origin: 'https://app.example.com',
          credentials: true,
          allowedHeaders: '*',
        }),
      ),
    ).toEqual([{ path: 'P', code: 'credentials-with-wildcard', value: { allowedHeaders: '*' } }]);
  });

  it("refuses allowedHeaders containing '*' as an item with credentials", () => {
    expect(
      combinationIssues({
        origin: 'https://app.example.com',
        credentials: true,
        allowedHeaders: ['content-type', '*'],
      }).map((issue) => issue.message),
    ).toEqual([expect.stringMatching(/^allowedHeaders '\*' together with credentials/)]);
  });

  it("refuses exposedHeaders containing '*' with credentials", () => {
    expect(
      codesOf(
        combinationIssues({
          origin: 'https://app.example.com',
          credentials: true,
          exposedHeaders: ['x-request-id', '*'],
        }),
      ),
    ).toEqual([{ path: 'P', code: 'credentials-with-wildcard', value: { exposedHeaders: '*' } }]);
  });

  it('refuses a plain http wildcard pattern with credentials', () => {
    expect(
      codesOf(
        combinationIssues({
          origin: ['https://app.example.com', 'http://*.example.com'],
          credentials: true,
        }),
      ),
    ).toEqual([
      { path: 'P', code: 'credentials-with-insecure-pattern', value: 'http://*.example.com' },
    ]);
  });

  it('accepts an https pattern and an exact http origin with credentials', () => {
    expect(
      combinationIssues({
        origin: ['https://*.example.com', 'http://localhost:3000'],
        credentials: true,
      }),
    ).toEqual([]);
  });

  it('accepts a function origin with credentials', () => {
    expect(combinationIssues({ origin: () => true, credentials: true })).toEqual([]);
  });

  it('finds nothing when credentials are off', () => {
    const open: CorsPolicyOptions = {
      origin: ['*', 'http://*.example.com'],
      allowedHeaders: '*',
      exposedHeaders: ['*'],
    };
    expect(combinationIssues(open)).toEqual([]);
    expect(combinationIssues({ ...open, credentials: false })).toEqual([]);
  });

  it('reports several problems of one policy together', () => {
    expect(
      combinationIssues({
        origin: '*',
        credentials: true,
        allowedHeaders: '*',
        exposedHeaders: ['*'],
      }).map((issue) => issue.message.split(' together')[0]),
    ).toEqual(["origin '*'", "allowedHeaders '*'", "exposedHeaders '*'"]);
  });

  it('lists a problem once per place it is checked at', () => {
    const merged = checkFields({ origin: '*', credentials: true }, 'P').fields;
    const issues = [
      ...checkCombination(merged, 'CorsModule.forRoot.policies.a'),
      ...checkCombination(merged, 'CorsModule.forRoot.policies.b'),
    ];
    expect(issues.map((issue) => issue.path)).toEqual([
      'CorsModule.forRoot.policies.a',
      'CorsModule.forRoot.policies.b',
    ]);
  });
});

describe('compilePolicy', () => {
  it('fills in the documented defaults', () => {
    const policy = compilePolicy({}, 'global');
    expect(policy).toMatchObject({
      enabled: true,
      source: 'global',
      varyOnOrigin: false,
      credentials: false,
      exposeHeaders: undefined,
      methods: undefined,
      allowedHeaders: undefined,
      maxAge: '600',
      allowPrivateNetwork: false,
      successStatus: 204,
      originTimeout: 1000,
    });
    expect(policy.origin.none).toBe(true);
    expect(POLICY_DEFAULTS).toMatchObject({ maxAge: 600, optionsSuccessStatus: 204 });
  });

  it('freezes the documented defaults all the way down', () => {
    expect(Object.isFrozen(POLICY_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(POLICY_DEFAULTS.exposedHeaders)).toBe(true);
    expect(() => (POLICY_DEFAULTS.exposedHeaders as string[]).push('x-leak')).toThrow(TypeError);
    expect(compilePolicy({}, 'global').exposeHeaders).toBeUndefined();
  });

  it('freezes the compiled policy and its origin matcher', () => {
    const policy = compilePolicy({ origin: ['https://a.example', /^https:\/\/b\.example$/] }, 's');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.origin)).toBe(true);
    expect(Object.isFrozen(policy.origin.regExps)).toBe(true);
  });

  it('keeps the values it is given', () => {
    const policy = compilePolicy(
      {
        origin: 'https://a.example',
        credentials: true,
        maxAge: 0,
        allowPrivateNetwork: true,
        optionsSuccessStatus: 200,
        originTimeout: 30,
      },
      'PartnersController',
    );
    expect(policy).toMatchObject({
      source: 'PartnersController',
      credentials: true,
      maxAge: '0',
      allowPrivateNetwork: true,
      successStatus: 200,
      originTimeout: 30,
    });
  });

  it.each([
    ["'*'", '*', false],
    ['no origin', undefined, false],
    ['an empty list', [], false],
    ['an exact origin', 'https://a.example', true],
    ['a pattern', 'https://*.example.com', true],
    ['a RegExp', /^https:\/\/a\.example$/, true],
    ['a list', ['https://a.example', 'https://b.example'], true],
    ['a function', () => true, true],
  ] as const)('varies on Origin for %s: %s', (_, origin, vary) => {
    expect(compilePolicy({ origin: origin as CorsPolicyOptions['origin'] }, 's').varyOnOrigin).toBe(
      vary,
    );
  });

  it('joins exposed headers in lower case', () => {
    expect(compilePolicy({ exposedHeaders: ['X-Request-Id', 'ETag'] }, 's').exposeHeaders).toBe(
      'x-request-id, etag',
    );
    expect(compilePolicy({ exposedHeaders: [] }, 's').exposeHeaders).toBeUndefined();
  });

  it('upper-cases the six methods browsers normalise and keeps the case of any other', () => {
    const policy = compilePolicy(
      { methods: ['get', 'Post', 'put', 'delete', 'head', 'options', 'patch', 'PURGE', 'Link'] },
      's',
    );
    expect([...policy.methods!]).toEqual([
      'GET',
      'POST',
      'PUT',
      'DELETE',
      'HEAD',
      'OPTIONS',
      'patch',
      'PURGE',
      'Link',
    ]);
    expect(policy.methods!.has('PATCH')).toBe(false);
  });

  it('lower-cases allowed headers, and keeps * as an item', () => {
    expect([
      ...compilePolicy({ allowedHeaders: ['X-Custom', 'Content-Type'] }, 's').allowedHeaders!,
    ]).toEqual(['x-custom', 'content-type']);
    expect([...compilePolicy({ allowedHeaders: '*' }, 's').allowedHeaders!]).toEqual(['*']);
    expect(compilePolicy({}, 's').allowedHeaders).toBeUndefined();
    expect(compilePolicy({ allowedHeaders: [] }, 's').allowedHeaders?.size).toBe(0);
  });

  it('sorts origins into exact, patterns, RegExps, * and function', () => {
    const re = /^https:\/\/pr-\d+\.example$/;
    const mixed = compilePolicy(
      { origin: ['HTTPS://Bücher.Example', 'https://*.Example.com:8443', re] },
      's',
    ).origin;
    expect([...mixed.exact]).toEqual(['https://xn--bcher-kva.example']);
    expect([...mixed.patterns]).toEqual(['https://*.example.com:8443']);
    expect(mixed.regExps.map(String)).toEqual([String(re)]);
    expect(mixed.any).toBe(false);
    expect(mixed.predicate).toBeUndefined();
    expect(mixed.none).toBe(false);

    expect(compilePolicy({ origin: '*' }, 's').origin).toMatchObject({ any: true, none: false });
    const predicate = () => true;
    expect(compilePolicy({ origin: predicate }, 's').origin).toMatchObject({
      predicate,
      none: false,
    });
  });

  it('copies RegExps, so that the caller cannot change them afterwards', () => {
    const re = /^https:\/\/a\.example$/;
    const matcher = compilePolicy({ origin: re }, 's').origin;
    expect(matcher.regExps[0]).not.toBe(re);
    expect(matcher.regExps[0].source).toBe(re.source);
  });
});

describe('disabledPolicy', () => {
  it('is a frozen, disabled policy naming its source', () => {
    const policy = disabledPolicy('PartnersController.remove');
    expect(policy).toEqual({ enabled: false, source: 'PartnersController.remove' });
    expect(Object.isFrozen(policy)).toBe(true);
  });
});
