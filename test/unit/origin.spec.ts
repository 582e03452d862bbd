import type { CorsOrigin } from '../../lib/interfaces/cors-options.interface.js';
import { compilePolicy } from '../../lib/policy/compile-policy.js';
import {
  MAX_ORIGIN_LENGTH,
  matchStaticOrigin,
  parseConfiguredOrigin,
  regExpProblem,
} from '../../lib/policy/origin.js';

/** Whether a policy with this `origin` option lets a request with this Origin header through. */
function allows(origin: CorsOrigin | undefined, requestOrigin: string): boolean {
  return matchStaticOrigin(compilePolicy({ origin }, 'test').origin, requestOrigin);
}

/** An `https://aaa…a.example` origin of exactly `length` characters. */
function originOfLength(length: number): string {
  const fixed = 'https://'.length + '.example'.length;
  return `https://${'a'.repeat(length - fixed)}.example`;
}

describe('parseConfiguredOrigin', () => {
  describe('exact origins', () => {
    it.each([
      ['https://app.example.com', 'https://app.example.com'],
      ['http://localhost', 'http://localhost'],
      ['HTTPS://APP.EXAMPLE.COM', 'https://app.example.com'],
      ['Https://App.Example.Com', 'https://app.example.com'],
      ['https://bücher.example', 'https://xn--bcher-kva.example'],
      ['https://BÜCHER.example', 'https://xn--bcher-kva.example'],
      ['https://app.example.com:8443', 'https://app.example.com:8443'],
      ['http://localhost:3000', 'http://localhost:3000'],
      ['http://example.com:443', 'http://example.com:443'],
      ['https://example.com:80', 'https://example.com:80'],
      ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
      ['https://[::1]:8443', 'https://[::1]:8443'],
    ])('normalises %j to %j', (configured, normalised) => {
      expect(parseConfiguredOrigin(configured)).toEqual({ kind: 'exact', origin: normalised });
    });
  });

  describe('refused origins', () => {
    it.each([
      [
        'https://app.example.com/',
        'origin-not-serialized',
        /a path, a trailing slash, a query or a fragment/,
      ],
      [
        'https://app.example.com/api',
        'origin-not-serialized',
        /a path, a trailing slash, a query or a fragment/,
      ],
      [
        'https://app.example.com?x=1',
        'origin-not-serialized',
        /a path, a trailing slash, a query or a fragment/,
      ],
      [
        'https://app.example.com#top',
        'origin-not-serialized',
        /a path, a trailing slash, a query or a fragment/,
      ],
      [
        'https://app.example.com:8443/',
        'origin-not-serialized',
        /a path, a trailing slash, a query or a fragment/,
      ],
      ['https://user@app.example.com', 'origin-not-serialized', /userinfo/],
      ['https://user:secret@app.example.com', 'origin-not-serialized', /userinfo/],
      ['https://app.example.com:443', 'origin-not-serialized', /default port :443/],
      ['http://app.example.com:80', 'origin-not-serialized', /default port :80/],
      ['https://*.example.com:443', 'origin-not-serialized', /default port :443/],
      ['app.example.com', 'origin-not-serialized', /has no scheme/],
      ['//app.example.com', 'origin-not-serialized', /has no scheme/],
      ['localhost:3000', 'origin-not-serialized', /has no scheme/],
      ['*.example.com', 'origin-not-serialized', /has no scheme/],
      ['null', 'origin-null', /'null' is sent by sandboxed iframes/],
      ['', 'origin-not-serialized', /is empty/],
      [' https://app.example.com', 'origin-not-serialized', /white space/],
      ['https://app.example.com ', 'origin-not-serialized', /white space/],
      ['\thttps://app.example.com', 'origin-not-serialized', /white space/],
      ['https://app.example.com\n', 'origin-not-serialized', /white space/],
      ['https://app .example.com', 'origin-not-serialized', /white space/],
      [
        'https://a*.example.com',
        'origin-not-serialized',
        /wildcard that is not the whole leftmost label/,
      ],
      [
        'https://*example.com',
        'origin-not-serialized',
        /wildcard that is not the whole leftmost label/,
      ],
      [
        'https://x.*.example.com',
        'origin-not-serialized',
        /wildcard that is not the whole leftmost label/,
      ],
      [
        'https://*.*.example.com',
        'origin-not-serialized',
        /wildcard that is not the whole leftmost label/,
      ],
      [
        'https://example.*',
        'origin-not-serialized',
        /wildcard that is not the whole leftmost label/,
      ],
      ['https://*', 'origin-not-serialized', /wildcard that is not the whole leftmost label/],
      ['https://*.com', 'wildcard-over-public-suffix', /covers the public suffix 'com'/],
      ['https://*.co.uk', 'wildcard-over-public-suffix', /covers the public suffix 'co\.uk'/],
      [
        'https://*.github.io',
        'wildcard-over-public-suffix',
        /covers the public suffix 'github\.io'/,
      ],
      ['http://*.com', 'wildcard-over-public-suffix', /covers the public suffix 'com'/],
      ['https://:8443', 'origin-not-serialized', /is not a valid origin/],
    ])('refuses %j with the code %j', (configured, code, reason) => {
      const parsed = parseConfiguredOrigin(configured);
      expect(parsed.kind).toBe('invalid');
      expect(parsed).toEqual({ kind: 'invalid', code, message: expect.stringMatching(reason) });
    });

    it('names the refused value in the message', () => {
      const parsed = parseConfiguredOrigin('https://app.example.com/api');
      expect(parsed).toEqual({
        kind: 'invalid',
        code: 'origin-not-serialized',
        message: expect.stringContaining("'https://app.example.com/api'"),
      });
    });

    it.each(['https://*.127.0.0.1', 'https://*.0.0.1', 'https://*.[::1]'])(
      'refuses a wildcard over an IP address: %j',
      (configured) => {
        expect(parseConfiguredOrigin(configured).kind).toBe('invalid');
      },
    );

    it('says why a wildcard over an IP address is refused', () => {
      expect(parseConfiguredOrigin('https://*.127.0.0.1')).toEqual({
        kind: 'invalid',
        code: 'origin-not-serialized',
        message: expect.stringMatching(/IP address/),
      });
    });

    it.each(['https://app.\nexample.com', 'https://app.\rexample.com'])(
      'refuses white space inside the value: %j',
      (configured) => {
        expect(parseConfiguredOrigin(configured).kind).toBe('invalid');
      },
    );

    it('refuses a tab inside the value', () => {
      expect(parseConfiguredOrigin('https://app.exa\tmple.com').kind).toBe('invalid');
    });

    it.each(['https://app.example.com\\api', 'https://app.example.com\\'])(
      'refuses a path written with a backslash: %j',
      (configured) => {
        expect(parseConfiguredOrigin(configured).kind).toBe('invalid');
      },
    );

    it('refuses an empty port', () => {
      expect(parseConfiguredOrigin('https://app.example.com:').kind).toBe('invalid');
    });

    it('refuses a wildcard over nothing', () => {
      expect(parseConfiguredOrigin('https://*.').kind).toBe('invalid');
    });
  });

  describe('patterns', () => {
    it('parses scheme, suffix and no port', () => {
      expect(parseConfiguredOrigin('https://*.example.com')).toEqual({
        kind: 'pattern',
        scheme: 'https://',
        suffix: '.example.com',
        port: '',
        key: 'https://*.example.com',
        insecure: false,
      });
    });

    it('keeps a non-default port', () => {
      expect(parseConfiguredOrigin('https://*.example.com:8443')).toMatchObject({
        kind: 'pattern',
        suffix: '.example.com',
        port: ':8443',
        key: 'https://*.example.com:8443',
      });
    });

    it('normalises case and IDN in the suffix', () => {
      expect(parseConfiguredOrigin('HTTPS://*.Bücher.Example')).toMatchObject({
        kind: 'pattern',
        scheme: 'https://',
        suffix: '.xn--bcher-kva.example',
        key: 'https://*.xn--bcher-kva.example',
      });
    });

    it('marks plain http patterns as insecure', () => {
      expect(parseConfiguredOrigin('http://*.example.com')).toMatchObject({
        kind: 'pattern',
        scheme: 'http://',
        insecure: true,
      });
    });

    it('accepts a pattern over a registrable domain below a public suffix', () => {
      expect(parseConfiguredOrigin('https://*.example.co.uk')).toMatchObject({
        kind: 'pattern',
        suffix: '.example.co.uk',
      });
      expect(parseConfiguredOrigin('https://*.myapp.github.io')).toMatchObject({
        kind: 'pattern',
        suffix: '.myapp.github.io',
      });
    });

    it('accepts a pattern over localhost', () => {
      expect(parseConfiguredOrigin('http://*.localhost:3000')).toMatchObject({
        kind: 'pattern',
        suffix: '.localhost',
        port: ':3000',
      });
    });
  });
});

describe('regExpProblem', () => {
  it.each([
    /^https:\/\/app\.example\.com$/,
    /^https:\/\/[a-z0-9-]+\.example\.com$/,
    /^https:\/\/app\.example\.com$/i,
    /^https:\/\/(a|b)\.example\.com$/,
  ])('accepts %s', (re) => {
    expect(regExpProblem(re)).toBeUndefined();
  });

  it.each([
    ['unanchored', /https:\/\/app\.example\.com/],
    ['anchored with ^ only', /^https:\/\/app\.example\.com/],
    ['anchored with $ only', /https:\/\/app\.example\.com$/],
    ['ending in an escaped \\$', /^https:\/\/app\.example\.com\$/],
    ['suffix-matching like the express README', /example\.com$/],
  ])('refuses a RegExp %s', (_, re) => {
    expect(regExpProblem(re)?.code).toBe('regexp-unanchored');
    expect(regExpProblem(re)?.message).toContain(String(re));
  });

  it('refuses the g flag', () => {
    expect(regExpProblem(/^https:\/\/app\.example\.com$/g)).toEqual({
      code: 'regexp-stateful',
      message: expect.stringMatching(/has the g flag/),
    });
  });

  it('refuses the y flag', () => {
    expect(regExpProblem(/^https:\/\/app\.example\.com$/y)).toEqual({
      code: 'regexp-stateful',
      message: expect.stringMatching(/has the y flag/),
    });
  });

  it('refuses a RegExp whose top-level alternation is not anchored on each side', () => {
    const re = /^https:\/\/a\.example\.com|https:\/\/b\.example\.com$/;
    expect(re.test('https://a.example.com.evil.net')).toBe(true);
    expect(regExpProblem(re)?.code).toBe('regexp-unanchored');
  });
});

describe('matchStaticOrigin (through compilePolicy)', () => {
  describe('exact origins', () => {
    it('allows the origin byte for byte', () => {
      expect(allows('https://app.example.com', 'https://app.example.com')).toBe(true);
    });

    it.each([
      'https://APP.example.com',
      'HTTPS://app.example.com',
      'https://app.example.com/',
      'https://app.example.com:443',
      'http://app.example.com',
      'https://app.example.com.evil.net',
      'https://evil.app.example.com',
      ' https://app.example.com',
      'https://app.example.com, https://app.example.com',
      'null',
      '',
    ])('does not fold or trim at request time: denies %j', (requestOrigin) => {
      expect(allows('https://app.example.com', requestOrigin)).toBe(false);
    });

    it('matches the normalised form of a configured origin, and only that', () => {
      expect(allows('HTTPS://App.Example.COM', 'https://app.example.com')).toBe(true);
      expect(allows('HTTPS://App.Example.COM', 'HTTPS://App.Example.COM')).toBe(false);
    });

    it('matches an IDN origin in punycode, as browsers send it', () => {
      expect(allows('https://bücher.example', 'https://xn--bcher-kva.example')).toBe(true);
      expect(allows('https://bücher.example', 'https://bücher.example')).toBe(false);
    });

    it('requires the same port', () => {
      expect(allows('http://localhost:3000', 'http://localhost:3000')).toBe(true);
      expect(allows('http://localhost:3000', 'http://localhost:3001')).toBe(false);
      expect(allows('http://localhost:3000', 'http://localhost')).toBe(false);
    });
  });

  describe("'*'", () => {
    it.each([
      'https://app.example.com',
      'http://localhost:8080',
      'http://127.0.0.1:3000',
      'https://[::1]:8443',
      'https://xn--bcher-kva.example',
      'chrome-extension://abcdefghijklmnop',
    ])('allows %j', (requestOrigin) => {
      expect(allows('*', requestOrigin)).toBe(true);
    });

    it.each([
      'null',
      '',
      'https://a.example, https://b.example',
      'https://a.example,https://b.example',
      ' https://a.example',
      'https://a.example ',
      'https://a.example/',
      'https://a.example/path',
      'https://user@a.example',
      'HTTPS://A.EXAMPLE',
      'a.example',
      'https://a.example\r\nX-Injected: 1',
      'https://bücher.example',
    ])('never matches the malformed value %j', (requestOrigin) => {
      expect(allows('*', requestOrigin)).toBe(false);
    });

    it('allows a value of exactly 1 KiB and denies one a byte longer', () => {
      expect(MAX_ORIGIN_LENGTH).toBe(1024);
      expect(allows('*', originOfLength(1024))).toBe(true);
      expect(allows('*', originOfLength(1025))).toBe(false);
    });
  });

  describe('patterns', () => {
    const pattern = 'https://*.example.com';

    it.each([
      'https://a.example.com',
      'https://a.b.example.com',
      'https://a.b.c.d.example.com',
      'https://x-1.example.com',
      'https://0.example.com',
    ])('allows the subdomain %j', (requestOrigin) => {
      expect(allows(pattern, requestOrigin)).toBe(true);
    });

    it.each([
      ['the apex', 'https://example.com'],
      ['a look-alike suffix', 'https://evil-example.com'],
      ['a look-alike prefix', 'https://example.com.evil.net'],
      ['a subdomain used as a prefix', 'https://a.example.com.evil.net'],
      ['a label glued to the domain', 'https://aexample.com'],
      ['another scheme', 'http://a.example.com'],
      ['an explicit port', 'https://a.example.com:8443'],
      ['an empty label', 'https://.example.com'],
      ['two dots', 'https://a..example.com'],
      ['upper case', 'https://A.example.com'],
      ['a trailing slash', 'https://a.example.com/'],
      ['null', 'null'],
    ])('denies %s: %j', (_, requestOrigin) => {
      expect(allows(pattern, requestOrigin)).toBe(false);
    });

    it('requires the pattern port', () => {
      const withPort = 'https://*.example.com:8443';
      expect(allows(withPort, 'https://a.example.com:8443')).toBe(true);
      expect(allows(withPort, 'https://a.example.com')).toBe(false);
      expect(allows(withPort, 'https://a.example.com:8444')).toBe(false);
      expect(allows(withPort, 'https://example.com:8443')).toBe(false);
    });

    it('matches IDN subdomains in punycode', () => {
      expect(allows('https://*.bücher.example', 'https://shop.xn--bcher-kva.example')).toBe(true);
      expect(allows('https://*.bücher.example', 'https://xn--bcher-kva.example')).toBe(false);
    });

    it('denies a subdomain origin over 1 KiB', () => {
      const long = `https://${'a'.repeat(1024)}.example.com`;
      expect(allows(pattern, long)).toBe(false);
      expect(allows(pattern, 'https://aaaa.example.com')).toBe(true);
    });
  });

  describe('RegExp', () => {
    const preview = /^https:\/\/pr-\d+\.preview\.example$/;

    it('matches as written', () => {
      expect(allows(preview, 'https://pr-12.preview.example')).toBe(true);
      expect(allows(preview, 'https://pr-x.preview.example')).toBe(false);
      expect(allows(preview, 'https://pr-12.preview.example.evil.net')).toBe(false);
    });

    it('never matches null, even when written to', () => {
      expect(allows(/^(null|https:\/\/a\.example)$/, 'null')).toBe(false);
      expect(allows(/^.*$/, 'null')).toBe(false);
      expect(allows(/^(null|https:\/\/a\.example)$/, 'https://a.example')).toBe(true);
    });

    it('never matches a malformed value, even when written to', () => {
      const anything = /^.*$/s;
      expect(allows(anything, 'https://a.example')).toBe(true);
      expect(allows(anything, 'https://a.example, https://b.example')).toBe(false);
      expect(allows(anything, 'HTTPS://A.EXAMPLE')).toBe(false);
      expect(allows(anything, originOfLength(1025))).toBe(false);
    });
  });

  describe('arrays', () => {
    const mixed: CorsOrigin = [
      'https://app.example.com',
      'HTTP://LOCALHOST:3000',
      'https://*.partner.example',
      /^https:\/\/pr-\d+\.preview\.example$/,
    ];

    it.each([
      'https://app.example.com',
      'http://localhost:3000',
      'https://a.partner.example',
      'https://a.b.partner.example',
      'https://pr-7.preview.example',
    ])('allows %j', (requestOrigin) => {
      expect(allows(mixed, requestOrigin)).toBe(true);
    });

    it.each([
      'https://partner.example',
      'https://evil.example',
      'http://localhost:3001',
      'https://pr-7.preview.example.evil.net',
      'null',
    ])('denies %j', (requestOrigin) => {
      expect(allows(mixed, requestOrigin)).toBe(false);
    });
  });

  describe('no origin option', () => {
    it('allows nothing and marks the matcher as none', () => {
      const matcher = compilePolicy({}, 'test').origin;
      expect(matcher.none).toBe(true);
      expect(matchStaticOrigin(matcher, 'https://app.example.com')).toBe(false);
      expect(allows([], 'https://app.example.com')).toBe(false);
    });
  });

  it('denies a value over 1 KiB even when it is configured as an exact origin', () => {
    const long = originOfLength(1100);
    expect(allows(long, long)).toBe(false);
  });
});
