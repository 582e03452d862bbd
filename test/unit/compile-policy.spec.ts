import type { CorsPolicyOptions } from '../../lib/interfaces/cors-options.interface.js';
import type { CorsConfigurationIssue } from '../../lib/policy/configuration-issue.js';
import {
  POLICY_DEFAULTS,
  checkCombination,
  checkPolicyFields,
  compilePolicy,
  disabledPolicy,
} from '../../lib/policy/compile-policy.js';

function fieldIssues(options: unknown, extraFields?: readonly string[]): CorsConfigurationIssue[] {
  const issues: CorsConfigurationIssue[] = [];
  checkPolicyFields(options, 'P', issues, extraFields);
  return issues;
}

function combinationIssues(merged: CorsPolicyOptions): CorsConfigurationIssue[] {
  const issues: CorsConfigurationIssue[] = [];
  checkCombination(merged, 'P', issues);
  return issues;
}

describe('checkPolicyFields', () => {
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
    expect(fieldIssues(options)).toEqual([
      { path: 'P', message: expect.stringMatching(/^expected an object of policy fields/) },
    ]);
  });

  it('reports each unknown key at the path itself', () => {
    expect(fieldIssues({ orign: '*', maxage: 5 })).toEqual([
      { path: 'P', message: "unknown option 'orign'" },
      { path: 'P', message: "unknown option 'maxage'" },
    ]);
  });

  it('accepts the extra fields it is told about', () => {
    expect(fieldIssues({ policies: {}, debug: true }, ['policies', 'debug'])).toEqual([]);
    expect(fieldIssues({ policies: {} })).toEqual([
      { path: 'P', message: "unknown option 'policies'" },
    ]);
  });

  it.each([
    ['credentials', 'true', "'true'"],
    ['credentials', 1, '1'],
    ['credentials', null, 'null'],
    ['allowPrivateNetwork', 'yes', "'yes'"],
    ['allowPrivateNetwork', {}, 'an object'],
  ])('refuses %s = %j', (field, value, described) => {
    expect(fieldIssues({ [field]: value })).toEqual([
      { path: `P.${field}`, message: `expected true or false, got ${described}` },
    ]);
  });

  it.each([
    [1.5, '1.5'],
    [-1, '-1'],
    [86401, '86401'],
    ['600', "'600'"],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('refuses maxAge %j', (value, described) => {
    expect(fieldIssues({ maxAge: value })).toEqual([
      { path: 'P.maxAge', message: `expected an integer from 0 to 86400, got ${described}` },
    ]);
  });

  it.each([199, 300, 204.5, '204'])('refuses optionsSuccessStatus %j', (value) => {
    expect(fieldIssues({ optionsSuccessStatus: value })).toEqual([
      {
        path: 'P.optionsSuccessStatus',
        message: expect.stringMatching(/^expected an integer from 200 to 299, got /),
      },
    ]);
  });

  it.each([0, 60001, 1.5])('refuses originTimeout %j', (value) => {
    expect(fieldIssues({ originTimeout: value })).toEqual([
      {
        path: 'P.originTimeout',
        message: expect.stringMatching(/^expected an integer from 1 to 60000/),
      },
    ]);
  });

  it('reports each invalid method token', () => {
    expect(fieldIssues({ methods: ['GET', 'BAD METHOD', 'GET\n', 42, ''] })).toEqual([
      { path: 'P.methods', message: "'BAD METHOD' is not a valid method name" },
      { path: 'P.methods', message: "'GET\n' is not a valid method name" },
      { path: 'P.methods', message: '42 is not a valid method name' },
      { path: 'P.methods', message: "'' is not a valid method name" },
    ]);
  });

  it.each(['CONNECT', 'TRACE', 'TRACK', 'connect', 'trace', 'Track'])(
    'refuses the forbidden method %j',
    (method) => {
      expect(fieldIssues({ methods: ['GET', method] })).toEqual([
        {
          path: 'P.methods',
          message: `method '${method}' is forbidden by the Fetch standard and can never be allowed`,
        },
      ]);
    },
  );

  it('refuses methods that are not an array', () => {
    expect(fieldIssues({ methods: 'GET' })).toEqual([
      { path: 'P.methods', message: "expected an array of names, got 'GET'" },
    ]);
  });

  it('reports each invalid header token, in both header fields', () => {
    expect(
      fieldIssues({ exposedHeaders: ['x-ok', 'x bad'], allowedHeaders: ['a:b', 'x-ok', 7] }),
    ).toEqual([
      { path: 'P.exposedHeaders', message: "'x bad' is not a valid header name" },
      { path: 'P.allowedHeaders', message: "'a:b' is not a valid header name" },
      { path: 'P.allowedHeaders', message: '7 is not a valid header name' },
    ]);
  });

  it("refuses header fields that are neither an array nor (for allowedHeaders) '*'", () => {
    expect(fieldIssues({ exposedHeaders: '*', allowedHeaders: 'x-custom' })).toEqual([
      { path: 'P.exposedHeaders', message: "expected an array of names, got '*'" },
      { path: 'P.allowedHeaders', message: "expected an array of names or '*', got 'x-custom'" },
    ]);
  });

  it('reports each bad origin item with its reason', () => {
    const issues = fieldIssues({
      origin: [
        'https://ok.example',
        'https://app.example.com/',
        'null',
        'https://*.com',
        /example\.com$/,
        42,
        null,
      ],
    });
    expect(issues.map((issue) => issue.path)).toEqual(Array(6).fill('P.origin'));
    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(/'https:\/\/app\.example\.com\/' has a path/),
      expect.stringMatching(/'null' is sent by sandboxed iframes/),
      expect.stringMatching(/covers the public suffix 'com'/),
      expect.stringMatching(/is not anchored/),
      'expected an origin string, a RegExp or a function, got 42',
      'expected an origin string, a RegExp or a function, got null',
    ]);
  });

  it("refuses '*' as an item of a list", () => {
    expect(fieldIssues({ origin: ['https://app.example.com', '*'] })).toEqual([
      { path: 'P.origin', message: "'*' must be the whole origin option, not an item of a list" },
    ]);
  });

  it('refuses an origin that is neither a string, a RegExp, a list nor a function', () => {
    expect(fieldIssues({ origin: true })).toEqual([
      { path: 'P.origin', message: 'expected an origin string, a RegExp or a function, got true' },
    ]);
  });

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
});

describe('checkCombination', () => {
  it("refuses origin '*' with credentials", () => {
    expect(combinationIssues({ origin: '*', credentials: true })).toEqual([
      { path: 'P', message: expect.stringMatching(/^origin '\*' together with credentials/) },
    ]);
  });

  it("refuses allowedHeaders '*' with credentials", () => {
    expect(
      combinationIssues({
        origin: 'https://app.example.com',
        credentials: true,
        allowedHeaders: '*',
      }),
    ).toEqual([
      {
        path: 'P',
        message: expect.stringMatching(/^allowedHeaders '\*' together with credentials/),
      },
    ]);
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
      combinationIssues({
        origin: 'https://app.example.com',
        credentials: true,
        exposedHeaders: ['x-request-id', '*'],
      }),
    ).toEqual([
      {
        path: 'P',
        message: expect.stringMatching(/^exposedHeaders '\*' together with credentials/),
      },
    ]);
  });

  it('refuses a plain http wildcard pattern with credentials', () => {
    expect(
      combinationIssues({
        origin: ['https://app.example.com', 'http://*.example.com'],
        credentials: true,
      }),
    ).toEqual([
      {
        path: 'P',
        message: expect.stringMatching(
          /^pattern 'http:\/\/\*\.example\.com' is plain http together with credentials/,
        ),
      },
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
    const issues: CorsConfigurationIssue[] = [];
    checkCombination({ origin: '*', credentials: true }, 'CorsModule.forRoot.policies.a', issues);
    checkCombination({ origin: '*', credentials: true }, 'CorsModule.forRoot.policies.b', issues);
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
