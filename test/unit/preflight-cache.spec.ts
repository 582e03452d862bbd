import type { CorsPolicyOptions } from '../../lib/interfaces/cors-options.interface.js';
import { compilePolicy } from '../../lib/policy/compile-policy.js';
import { decidePreflight, type RequestFacts } from '../../lib/policy/decide.js';
import {
  PREFLIGHT_CACHE_BYTES,
  PREFLIGHT_CACHE_ENTRIES,
  preflightCacheOf,
} from '../../lib/policy/preflight-cache.js';

const APP = 'https://app.example.com';

type Preflight = RequestFacts & { origin: string; requestMethod: string };
const preflight = (origin: string, method = 'POST', extra: Partial<RequestFacts> = {}) =>
  ({
    method: 'OPTIONS',
    url: '/items',
    origin,
    requestMethod: method,
    requestHeaders: undefined,
    privateNetwork: false,
    request: {},
    ...extra,
  }) as Preflight;

const noFailure = () => {
  throw new Error('no origin function here');
};

function compiled(options: CorsPolicyOptions) {
  const policy = compilePolicy(options, 'test');
  const decide = (facts: Preflight) => decidePreflight(policy, facts, noFailure);
  return { policy, decide, cache: () => preflightCacheOf(policy)! };
}

describe('the preflight answer cache', () => {
  it('answers the same values alike the second time, from the cache', () => {
    const { decide, cache } = compiled({ origin: APP, allowedHeaders: ['content-type'] });
    const facts = preflight(APP, 'PUT', { requestHeaders: 'content-type' });
    const first = decide(facts);
    const second = decide({ ...facts, request: { another: true } });
    expect(second).toEqual(first);
    expect(second).toMatchObject({ allowed: true, allowOrigin: APP, allowMethods: 'PUT' });
    expect(cache().size).toBe(1);
  });

  it('tells apart every value the answer depends on', () => {
    const { decide } = compiled({
      origin: [APP, 'https://*.example.org'],
      allowedHeaders: ['content-type', 'x-a'],
      allowPrivateNetwork: true,
    });
    expect(decide(preflight(APP))).toMatchObject({ allowOrigin: APP, allowMethods: 'POST' });
    expect(decide(preflight('https://a.example.org'))).toMatchObject({
      allowOrigin: 'https://a.example.org',
    });
    expect(decide(preflight(APP, 'PATCH'))).toMatchObject({ allowMethods: 'PATCH' });
    expect(decide(preflight(APP, 'POST', { requestHeaders: 'x-a' }))).toMatchObject({
      allowHeaders: 'x-a',
    });
    expect(decide(preflight(APP, 'POST', { requestHeaders: 'x-b' }))).toMatchObject({
      allowed: false,
    });
    expect(decide(preflight(APP, 'POST', { privateNetwork: true }))).toMatchObject({
      allowPrivateNetwork: true,
    });
    expect(decide(preflight(APP))).toMatchObject({ allowPrivateNetwork: false, allowHeaders: '' });
  });

  it('keeps no denied answer, so hostile values never reach it', () => {
    const { decide, cache } = compiled({ origin: APP });
    const hostile = [
      preflight(`https://${'a'.repeat(1 << 20)}.example.com`),
      preflight('https://evil.example'),
      preflight(APP, 'GET, POST'),
      preflight(APP, 'POST', { requestHeaders: 'x-a, '.repeat(10_000) }),
    ];
    for (const facts of hostile) expect(decide(facts)).toMatchObject({ allowed: false });
    expect(cache().size).toBe(0);
  });

  it('is bounded in entries, evicting nothing: the first answers stay', () => {
    const { decide, cache } = compiled({ origin: 'https://*.example.com' });
    const origin = (i: number) => `https://t${i}.example.com`;
    for (let i = 0; i < PREFLIGHT_CACHE_ENTRIES + 100; i++) decide(preflight(origin(i)));
    expect(cache().size).toBe(PREFLIGHT_CACHE_ENTRIES);
    expect(cache().get(origin(0), 'POST', undefined, false)).toMatchObject({
      allowOrigin: origin(0),
    });
    expect(cache().get(origin(PREFLIGHT_CACHE_ENTRIES + 50), 'POST', undefined, false)).toBe(
      undefined,
    );
    // Answers past the bound are still right, only not kept.
    expect(decide(preflight(origin(PREFLIGHT_CACHE_ENTRIES + 50)))).toMatchObject({
      allowed: true,
      allowOrigin: origin(PREFLIGHT_CACHE_ENTRIES + 50),
    });
  });

  it('is bounded in bytes', () => {
    const { decide, cache } = compiled({ origin: 'https://*.example.com' });
    const long = (i: number) => `https://${'x'.repeat(900)}${i}.example.com`;
    for (let i = 0; i < PREFLIGHT_CACHE_ENTRIES; i++) decide(preflight(long(i)));
    expect(cache().size).toBeGreaterThan(0);
    expect(cache().size).toBeLessThan(PREFLIGHT_CACHE_BYTES / 1800);
  });

  it('never keeps the answers of an origin function, which is asked every time', () => {
    let asked = 0;
    const policy = compilePolicy(
      {
        origin: (origin: string) => {
          asked++;
          return origin === APP;
        },
      },
      'test',
    );
    expect(preflightCacheOf(policy)).toBeUndefined();
    for (let i = 0; i < 3; i++) {
      expect(decidePreflight(policy, preflight(APP), noFailure)).toMatchObject({ allowed: true });
    }
    expect(asked).toBe(3);
  });

  it('starts empty for a policy compiled anew from the same options', () => {
    const options = { origin: APP };
    const first = compiled(options);
    first.decide(preflight(APP));
    const second = compiled(options);
    expect(first.cache().size).toBe(1);
    expect(second.cache().size).toBe(0);
  });
});
