import fc from 'fast-check';
import type { CorsOrigin } from '../../lib/index.js';
import { parseConfiguredOrigin } from '../../lib/policy/origin.js';
import { allowsOrigin, compileGlobal } from './policy-harness.js';

/*
 * The compiled origin matcher against a reference definition written as plainly as possible.
 *
 * Reference: a request's Origin is allowed when it is byte for byte equal to a configured exact
 * origin, or when, for a configured pattern `scheme://*.d[:port]`, it is
 * `scheme://` + one or more labels + `.d` + the same port (or no port when the pattern has none).
 * A label is one or more of `a-z`, `0-9` and `-`: what a browser sends (lower case, punycode).
 * An anchored RegExp allows what it matches.
 */

type Pattern = { scheme: string; domain: string; port: string };

const LABEL = /^[a-z0-9-]+$/;

function referencePatternMatch(pattern: Pattern, origin: string): boolean {
  const prefix = `${pattern.scheme}://`;
  const ending = `.${pattern.domain}${pattern.port}`;
  if (origin.length < prefix.length + ending.length) return false;
  if (!origin.startsWith(prefix) || !origin.endsWith(ending)) return false;
  const subdomain = origin.slice(prefix.length, origin.length - ending.length);
  // One or more labels in place of the `*`; `''.split('.')` is `['']`, which is not a label.
  return subdomain.split('.').every((label) => LABEL.test(label));
}

// Small alphabets make the generated origins collide with the configured ones often.
const label = fc.constantFrom('a', 'b', 'ab', 'a-b', '0', 'www', 'api', 'evil');
const tld = fc.constantFrom('example', 'test', 'com');
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 2 }), tld)
  .map(([labels, top]) => [...labels, top].join('.'));
const scheme = fc.constantFrom('https', 'http');
/** Ports a configuration may name: never the scheme's default port, which config validation refuses. */
const configPort = fc.constantFrom('', ':8080', ':8443');
const pattern: fc.Arbitrary<Pattern> = fc.record({ scheme, domain, port: configPort });
const exactOrigin = fc
  .tuple(scheme, fc.array(label, { maxLength: 2 }), domain, configPort)
  .map(([s, sub, d, p]) => `${s}://${[...sub, d].join('.')}${p}`);

/**
 * Candidate request Origins near a pattern: mostly its own scheme, domain and port, each part
 * sometimes swapped or mangled, with subdomain labels in front and junk behind.
 */
function originNear(p: Pattern): fc.Arbitrary<string> {
  const sometimes = <T>(own: T, other: fc.Arbitrary<T>) =>
    fc.oneof({ weight: 9, arbitrary: fc.constant(own) }, { weight: 1, arbitrary: other });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          sometimes(
            p.scheme,
            fc.constantFrom('https', 'http', 'HTTPS', 'wss', 'https:/', 'https:/'),
          ),
          fc.array(
            fc.oneof(
              { weight: 12, arbitrary: label },
              fc.constantFrom('', 'A', 'Www', 'a_b', '*', 'xn--bcher-kva', '%61', 'a b'),
            ),
            { maxLength: 3 },
          ),
          sometimes('', fc.constantFrom('-', 'evil-', 'evil.', 'evil')),
          sometimes(p.domain, domain),
          sometimes(p.port, fc.constantFrom('', ':8080', ':8443', ':443', ':80', ':', ':08080')),
          sometimes(
            '',
            fc.constantFrom(
              '.',
              '/',
              '/path',
              '?',
              '#',
              ' ',
              '\t',
              '\n',
              ',https://a.com',
              '.evil.net',
            ),
          ),
        )
        .map(
          ([s, sub, glue, d, port, tail]) =>
            `${s}://${[...sub, `${glue}${d}`].join('.')}${port}${tail}`,
        ),
    },
    // The registrable domain as a prefix or suffix of someone else's host.
    fc
      .constantFrom('.evil.net', 'evil.net', '-evil.net')
      .map((evil) => `${p.scheme}://${p.domain}${evil}${p.port}`),
    fc.constant(`${p.scheme}://evil${p.domain}${p.port}`),
    fc.constant(`${p.scheme}://${p.domain}${p.port}`),
  );
}
const patternAndOrigin = pattern.chain((p) => fc.tuple(fc.constant(p), originNear(p)));
const requestOrigin = pattern.chain(originNear);

describe('origin matching agrees with the reference definition', () => {
  it('matches `scheme://*.d[:port]` exactly for hosts ending in `.d` with one more label or more', () => {
    const seen = { hits: 0, misses: 0 };
    fc.assert(
      fc.property(patternAndOrigin, ([p, origin]) => {
        const configured = `${p.scheme}://*.${p.domain}${p.port}`;
        expect(parseConfiguredOrigin(configured).kind).toBe('pattern');
        const policy = compileGlobal({ origin: configured });
        const expected = referencePatternMatch(p, origin);
        seen[expected ? 'hits' : 'misses'] += 1;
        expect(allowsOrigin(policy, origin)).toBe(expected);
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: the generator reaches both sides of the definition, many times each.
    expect(seen.hits).toBeGreaterThan(300);
    expect(seen.misses).toBeGreaterThan(300);
  });

  it('agrees for lists that mix exact origins, patterns and anchored RegExps', () => {
    const regExps = [/^https:\/\/pr-[0-9]+\.preview\.example$/, /^http:\/\/localhost:[0-9]{4}$/];
    const preview = fc
      .tuple(fc.nat(999), fc.constantFrom('', '', '.', 'x', '/'))
      .map(([n, tail]) => `https://pr-${n}.preview.example${tail}`);
    const localhost = fc
      .constantFrom('', ':3000', ':80', ':3000/', ':30000', ':abcd')
      .map((port) => `http://localhost${port}`);
    const config = fc.record({
      exact: fc.array(exactOrigin, { maxLength: 3 }),
      patterns: fc.array(pattern, { maxLength: 3 }),
      res: fc.subarray(regExps),
    });
    const configAndOrigin = config.chain((c) => {
      const candidates: fc.Arbitrary<string>[] = [requestOrigin, preview, localhost];
      if (c.exact.length > 0) {
        const own = fc.constantFrom(...c.exact);
        candidates.push(
          own,
          own.map((o) => `${o}.`),
          own.map((o) => o.toUpperCase()),
        );
      }
      if (c.patterns.length > 0) candidates.push(fc.constantFrom(...c.patterns).chain(originNear));
      return fc.tuple(fc.constant(c), fc.oneof(...candidates));
    });
    const seen = { hits: 0, misses: 0 };
    fc.assert(
      fc.property(configAndOrigin, ([{ exact, patterns, res }, origin]) => {
        const configured: CorsOrigin = [
          ...exact,
          ...patterns.map((p) => `${p.scheme}://*.${p.domain}${p.port}`),
          ...res,
        ];
        const policy = compileGlobal({ origin: configured });
        const expected =
          exact.includes(origin) ||
          patterns.some((p) => referencePatternMatch(p, origin)) ||
          res.some((re) => re.test(origin));
        seen[expected ? 'hits' : 'misses'] += 1;
        expect(allowsOrigin(policy, origin)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
    expect(seen.hits).toBeGreaterThan(200);
    expect(seen.misses).toBeGreaterThan(200);
  });

  it('never lets a pattern match the bare domain, a look-alike or a longer registrable domain', () => {
    fc.assert(
      fc.property(pattern, label, (p, sub) => {
        const policy = compileGlobal({ origin: `${p.scheme}://*.${p.domain}${p.port}` });
        const base = `${p.scheme}://`;
        expect(allowsOrigin(policy, `${base}${sub}.${p.domain}${p.port}`)).toBe(true);
        expect(allowsOrigin(policy, `${base}${p.domain}${p.port}`)).toBe(false);
        expect(allowsOrigin(policy, `${base}${sub}-${p.domain}${p.port}`)).toBe(false);
        expect(allowsOrigin(policy, `${base}${sub}${p.domain}${p.port}`)).toBe(false);
        expect(allowsOrigin(policy, `${base}${sub}.${p.domain}.evil.net${p.port}`)).toBe(false);
        expect(allowsOrigin(policy, `${base}${sub}.${p.domain}${p.port}.evil.net`)).toBe(false);
        const otherScheme = p.scheme === 'https' ? 'http' : 'https';
        expect(allowsOrigin(policy, `${otherScheme}://${sub}.${p.domain}${p.port}`)).toBe(false);
        const otherPort = p.port === ':8080' ? ':8443' : ':8080';
        expect(allowsOrigin(policy, `${base}${sub}.${p.domain}${otherPort}`)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('normalises configured origins, then compares the request byte for byte', () => {
    fc.assert(
      fc.property(exactOrigin, fc.context(), (origin, ctx) => {
        // Upper-case scheme and host in the configuration still match what a browser sends...
        const shouted = origin.replace(/^[a-z]+:\/\/[^:]+/, (s) => s.toUpperCase());
        ctx.log(shouted);
        const policy = compileGlobal({ origin: shouted });
        expect(allowsOrigin(policy, origin)).toBe(true);
        // ...but an upper-case request Origin is not what a browser sends, and is refused.
        if (shouted !== origin) expect(allowsOrigin(policy, shouted)).toBe(false);
      }),
      { numRuns: 300 },
    );
    const idn = compileGlobal({ origin: 'https://bücher.example' });
    expect(allowsOrigin(idn, 'https://xn--bcher-kva.example')).toBe(true);
    expect(allowsOrigin(idn, 'https://bücher.example')).toBe(false);
  });

  it("never matches 'null' with '*', a pattern, a RegExp or any mix of them", () => {
    const permissive = [/^.*$/, /^[^]*$/, /^n.*$/];
    fc.assert(
      fc.property(
        fc.array(pattern, { maxLength: 2 }),
        fc.subarray(permissive, { minLength: 1 }),
        (patterns, res) => {
          const list = compileGlobal({
            origin: [...patterns.map((p) => `${p.scheme}://*.${p.domain}${p.port}`), ...res],
          });
          expect(allowsOrigin(list, 'null')).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
    expect(allowsOrigin(compileGlobal({ origin: '*' }), 'null')).toBe(false);
  });
});
