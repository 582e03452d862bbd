import { jest } from '@jest/globals';
import type { CorsPolicyOptions } from '../../lib/interfaces/cors-options.interface.js';
import { compilePolicy, disabledPolicy } from '../../lib/policy/compile-policy.js';
import {
  checkOrigin,
  checkPreflightRequest,
  decideActual,
  decidePreflight,
  preflightVary,
  type RequestFacts,
} from '../../lib/policy/decide.js';

const APP = 'https://app.example.com';
const TIMEOUT = 30;

function policy(options: CorsPolicyOptions) {
  return compilePolicy(options, 'test');
}

const facts = (origin: string | undefined, extra: Partial<RequestFacts> = {}): RequestFacts => ({
  method: 'GET',
  url: '/items',
  origin,
  requestMethod: undefined,
  requestHeaders: undefined,
  privateNetwork: false,
  request: {},
  ...extra,
});

const preflight = (origin: string, method: string, extra: Partial<RequestFacts> = {}) =>
  ({ ...facts(origin, { method: 'OPTIONS', requestMethod: method, ...extra }) }) as RequestFacts & {
    origin: string;
    requestMethod: string;
  };

const noFailure = () => {
  throw new Error('no origin function here');
};

describe('checkOrigin', () => {
  const request = { url: '/items' };

  describe('static rules', () => {
    it('allows synchronously', () => {
      const onFailure = jest.fn();
      expect(checkOrigin(policy({ origin: APP }), APP, request, onFailure)).toBe(true);
      expect(onFailure).not.toHaveBeenCalled();
    });

    it('denies with a reason', () => {
      expect(checkOrigin(policy({ origin: APP }), 'https://evil.example', request, jest.fn())).toBe(
        'origin not allowed',
      );
    });

    it('denies with a reason of its own when the policy allows no origin at all', () => {
      expect(checkOrigin(policy({}), APP, request, jest.fn())).toBe(
        'no origin is allowed by this policy',
      );
    });

    it("denies 'null' with '*'", () => {
      expect(checkOrigin(policy({ origin: '*' }), 'null', request, jest.fn())).toBe(
        'origin not allowed',
      );
    });
  });

  describe('origin functions', () => {
    it('is given the origin and the request, and allows on true', () => {
      const origin = jest.fn((_origin: string, _request: unknown) => true);
      expect(checkOrigin(policy({ origin }), APP, request, jest.fn())).toBe(true);
      expect(origin).toHaveBeenCalledTimes(1);
      expect(origin).toHaveBeenCalledWith(APP, request);
    });

    it('denies on false', () => {
      expect(checkOrigin(policy({ origin: () => false }), APP, request, jest.fn())).toBe(
        'origin function returned false',
      );
    });

    it.each([
      ['1', 1],
      ["'yes'", 'yes'],
      ['an object', {}],
      ["'true'", 'true'],
    ])('denies when a sync function returns %s instead of true', (_, answer) => {
      const origin = (() => answer) as unknown as () => boolean;
      expect(checkOrigin(policy({ origin }), APP, request, jest.fn())).toBe(
        'origin function returned false',
      );
    });

    it.each([
      ['1', 1],
      ["'yes'", 'yes'],
    ])('denies when an async function resolves %s instead of true', async (_, answer) => {
      const origin = (async () => answer) as unknown as () => Promise<boolean>;
      await expect(checkOrigin(policy({ origin }), APP, request, jest.fn())).resolves.toBe(
        'origin function returned false',
      );
    });

    it('allows when an async function resolves true', async () => {
      const onFailure = jest.fn();
      const verdict = checkOrigin(policy({ origin: async () => true }), APP, request, onFailure);
      expect(verdict).toBeInstanceOf(Promise);
      await expect(verdict).resolves.toBe(true);
      expect(onFailure).not.toHaveBeenCalled();
    });

    it('denies when an async function resolves false, without reporting a failure', async () => {
      const onFailure = jest.fn();
      await expect(
        checkOrigin(policy({ origin: async () => false }), APP, request, onFailure),
      ).resolves.toBe('origin function returned false');
      expect(onFailure).not.toHaveBeenCalled();
    });

    it('denies when the function throws, and reports the error', () => {
      const error = new Error('lookup failed');
      const onFailure = jest.fn();
      const origin = () => {
        throw error;
      };
      expect(checkOrigin(policy({ origin }), APP, request, onFailure)).toBe(
        'origin function threw',
      );
      expect(onFailure).toHaveBeenCalledTimes(1);
      expect(onFailure).toHaveBeenCalledWith(error);
    });

    it('denies when the promise rejects, and reports the error', async () => {
      const error = new Error('database down');
      const onFailure = jest.fn();
      const origin = () => Promise.reject(error);
      await expect(checkOrigin(policy({ origin }), APP, request, onFailure)).resolves.toBe(
        'origin function rejected',
      );
      expect(onFailure).toHaveBeenCalledTimes(1);
      expect(onFailure).toHaveBeenCalledWith(error);
    });

    describe("a function in the 'cors' package's style, (origin, callback)", () => {
      const OUR_SIGNATURE = '(origin, request) => boolean | Promise<boolean>';
      const failureOf = (onFailure: jest.Mock) => onFailure.mock.calls[0][0] as Error;

      it('denies when it calls the request as its callback, and names both signatures', () => {
        const onFailure = jest.fn();
        const origin = (o: string, callback: (e: null, ok: boolean) => void) =>
          callback(null, o === APP);
        expect(checkOrigin(policy({ origin: origin as never }), APP, request, onFailure)).toBe(
          'origin function threw',
        );
        expect(onFailure).toHaveBeenCalledTimes(1);
        expect(failureOf(onFailure)).toBeInstanceOf(TypeError);
        expect(failureOf(onFailure).message).toContain(OUR_SIGNATURE);
        expect(failureOf(onFailure).message).toContain("'cors' package");
        expect(failureOf(onFailure).message).toMatch(/is not a function/);
      });

      it('denies when it answers nothing (it meant to call back later), and says why', () => {
        const onFailure = jest.fn();
        const origin = (_o: string, _callback: unknown) => undefined;
        expect(checkOrigin(policy({ origin: origin as never }), APP, request, onFailure)).toBe(
          'origin function returned false',
        );
        expect(failureOf(onFailure).message).toMatch(/^it returned nothing\. .*cors/);
      });

      it('explains an async one that rejects with the TypeError', async () => {
        const onFailure = jest.fn();
        const origin = async (_o: string, callback: (e: null, ok: boolean) => void) =>
          callback(null, true);
        await expect(
          checkOrigin(policy({ origin: origin as never }), APP, request, onFailure),
        ).resolves.toBe('origin function rejected');
        expect(failureOf(onFailure).message).toContain(OUR_SIGNATURE);
      });

      it('leaves the failures of our own one-parameter functions as they are', () => {
        const onFailure = jest.fn();
        const error = new TypeError('x is not a function');
        const origin = (_o: string) => {
          throw error;
        };
        checkOrigin(policy({ origin }), APP, request, onFailure);
        expect(onFailure).toHaveBeenCalledWith(error);
        const silent = jest.fn();
        checkOrigin(policy({ origin: (() => undefined) as never }), APP, request, silent);
        expect(silent).not.toHaveBeenCalled();
      });
    });

    it('denies after originTimeout when the promise never settles, and reports it', async () => {
      const onFailure = jest.fn();
      const origin = () => new Promise<boolean>(() => undefined);
      const started = Date.now();
      await expect(
        checkOrigin(policy({ origin, originTimeout: TIMEOUT }), APP, request, onFailure),
      ).resolves.toBe(`origin function did not answer within ${TIMEOUT} ms`);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 5);
      expect(elapsed).toBeLessThan(1000);
      expect(onFailure).toHaveBeenCalledTimes(1);
      expect(onFailure).toHaveBeenCalledWith(expect.any(Error));
    });

    it('denies an answer that comes after originTimeout', async () => {
      const origin = () =>
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), TIMEOUT * 4));
      await expect(
        checkOrigin(policy({ origin, originTimeout: TIMEOUT }), APP, request, jest.fn()),
      ).resolves.toMatch(/did not answer within/);
    });

    it('is not asked about a malformed origin', () => {
      const origin = jest.fn(() => true);
      expect(
        checkOrigin(policy({ origin }), 'https://a.example, https://b.example', request, jest.fn()),
      ).toBe('origin is malformed');
      expect(checkOrigin(policy({ origin }), 'x'.repeat(2000), request, jest.fn())).toBe(
        'origin is malformed',
      );
      expect(origin).not.toHaveBeenCalled();
    });

    it("is asked about 'null', which only a function can allow", () => {
      const origin = jest.fn((value: string) => value === 'null');
      expect(checkOrigin(policy({ origin }), 'null', request, jest.fn())).toBe(true);
      expect(origin).toHaveBeenCalledWith('null', request);
    });
  });
});

describe('checkPreflightRequest', () => {
  it.each(['', 'GE T', 'GET\r\n', 'GET,POST', 'PÜT'])(
    'denies a method that is not a token: %j',
    (method) => {
      expect(checkPreflightRequest(policy({}), method, undefined)).toEqual({
        denied: 'Access-Control-Request-Method is not a method token',
      });
    },
  );

  it('allows any method token when the policy sets no methods', () => {
    expect(checkPreflightRequest(policy({}), 'PURGE', undefined)).toEqual({ allowHeaders: '' });
  });

  it('allows only the methods the policy lists, compared case-sensitively', () => {
    const restricted = policy({ methods: ['get', 'PUT', 'patch'] });
    expect(checkPreflightRequest(restricted, 'GET', undefined)).toEqual({ allowHeaders: '' });
    expect(checkPreflightRequest(restricted, 'PUT', undefined)).toEqual({ allowHeaders: '' });
    expect(checkPreflightRequest(restricted, 'patch', undefined)).toEqual({ allowHeaders: '' });
    expect(checkPreflightRequest(restricted, 'DELETE', undefined)).toEqual({
      denied: 'method DELETE not allowed',
    });
    expect(checkPreflightRequest(restricted, 'PATCH', undefined)).toEqual({
      denied: 'method PATCH not allowed',
    });
  });

  it('allows no headers when none or an empty list is requested', () => {
    const strict = policy({ allowedHeaders: [] });
    expect(checkPreflightRequest(strict, 'PUT', undefined)).toEqual({ allowHeaders: '' });
    expect(checkPreflightRequest(strict, 'PUT', '')).toEqual({ allowHeaders: '' });
    expect(checkPreflightRequest(strict, 'PUT', ' , ')).toEqual({ allowHeaders: '' });
  });

  it('reflects the requested headers, lower-case, when the policy lists none', () => {
    expect(checkPreflightRequest(policy({}), 'PUT', 'X-Custom, Content-Type')).toEqual({
      allowHeaders: 'x-custom,content-type',
    });
    expect(checkPreflightRequest(policy({}), 'PUT', 'Authorization')).toEqual({
      allowHeaders: 'authorization',
    });
  });

  it("reads allowedHeaders '*' as any header but Authorization, which must be named", () => {
    const star = policy({ allowedHeaders: '*' });
    expect(checkPreflightRequest(star, 'PUT', 'X-Custom,X-Other')).toEqual({
      allowHeaders: 'x-custom,x-other',
    });
    expect(checkPreflightRequest(star, 'PUT', 'X-Custom,Authorization')).toEqual({
      denied: 'header authorization not allowed',
    });
    const named = policy({ allowedHeaders: ['*', 'Authorization'] });
    expect(checkPreflightRequest(named, 'PUT', 'X-Custom,Authorization')).toEqual({
      allowHeaders: 'x-custom,authorization',
    });
  });

  it('allows listed headers in any case', () => {
    const listed = policy({ allowedHeaders: ['X-Custom', 'content-type'] });
    expect(checkPreflightRequest(listed, 'PUT', 'content-type,X-CUSTOM')).toEqual({
      allowHeaders: 'content-type,x-custom',
    });
  });

  it('denies a header the policy does not list, naming it', () => {
    const listed = policy({ allowedHeaders: ['X-Custom', 'content-type'] });
    expect(checkPreflightRequest(listed, 'PUT', 'Content-Type, X-Other')).toEqual({
      denied: 'header x-other not allowed',
    });
    expect(checkPreflightRequest(listed, 'PUT', 'Authorization')).toEqual({
      denied: 'header authorization not allowed',
    });
  });

  it('checks the method before the headers', () => {
    const restricted = policy({ methods: ['PUT'], allowedHeaders: [] });
    expect(checkPreflightRequest(restricted, 'POST', 'x-other')).toEqual({
      denied: 'method POST not allowed',
    });
  });

  it.each([
    ['a non-token', 'x-custom, x y'],
    ['a quoted name', '"x-custom"'],
    ['a value over 8 KiB', `x-${'a'.repeat(8 * 1024)}`],
  ])('denies a malformed header list: %s', (_, value) => {
    expect(checkPreflightRequest(policy({}), 'PUT', value)).toEqual({
      denied: 'Access-Control-Request-Headers is malformed or over 8 KiB',
    });
  });
});

describe('decideActual', () => {
  it('allows the request origin, and sends nothing else by default', () => {
    expect(decideActual(policy({ origin: APP }), facts(APP), noFailure)).toEqual({
      allowed: true,
      vary: 'Origin',
      allowOrigin: APP,
      allowCredentials: false,
      exposeHeaders: undefined,
    });
  });

  it('answers credentials and exposed headers when the policy has them', () => {
    const answer = decideActual(
      policy({ origin: APP, credentials: true, exposedHeaders: ['X-Request-Id', 'ETag'] }),
      facts(APP),
      noFailure,
    );
    expect(answer).toMatchObject({ allowCredentials: true, exposeHeaders: 'x-request-id, etag' });
  });

  it("answers '*' to every requester alike, with no Vary", () => {
    for (const origin of [APP, 'null', 'nonsense', undefined]) {
      expect(decideActual(policy({ origin: '*' }), facts(origin), noFailure)).toEqual({
        allowed: true,
        vary: undefined,
        allowOrigin: '*',
        allowCredentials: false,
        exposeHeaders: undefined,
      });
    }
  });

  it('varies on Origin without one, with no CORS header and nothing to explain', () => {
    expect(decideActual(policy({ origin: APP }), facts(undefined), noFailure)).toEqual({
      allowed: false,
      vary: 'Origin',
    });
  });

  it('denies another origin, with Vary and the reason', () => {
    expect(decideActual(policy({ origin: APP }), facts('https://evil.example'), noFailure)).toEqual(
      { allowed: false, vary: 'Origin', reason: 'origin not allowed' },
    );
  });

  it('never varies where no origin is allowed', () => {
    expect(decideActual(policy({}), facts(APP), noFailure)).toEqual({
      allowed: false,
      vary: undefined,
      reason: 'no origin is allowed by this policy',
    });
  });

  it('explains a disabled policy only to CORS requests', () => {
    const disabled = disabledPolicy('off');
    expect(decideActual(disabled, facts(APP), noFailure)).toEqual({
      allowed: false,
      vary: undefined,
      reason: 'CORS disabled on this handler',
    });
    expect(decideActual(disabled, facts(undefined), noFailure)).toEqual({
      allowed: false,
      vary: undefined,
    });
  });

  it('waits for an async origin function', async () => {
    const answer = decideActual(policy({ origin: async () => true }), facts(APP), noFailure);
    await expect(answer).resolves.toMatchObject({ allowed: true, allowOrigin: APP });
  });
});

describe('decidePreflight', () => {
  it('answers origin, method, headers and max age with the success status', () => {
    const answer = decidePreflight(
      policy({ origin: APP }),
      preflight(APP, 'PUT', { requestHeaders: 'X-Trace,Content-Type' }),
      noFailure,
    );
    expect(answer).toEqual({
      allowed: true,
      status: 204,
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      allowOrigin: APP,
      allowCredentials: false,
      allowMethods: 'PUT',
      allowHeaders: 'x-trace,content-type',
      maxAge: '600',
      allowPrivateNetwork: false,
    });
  });

  it("answers '*', credentials off, and the policy's status and max age", () => {
    const answer = decidePreflight(
      policy({ origin: '*', maxAge: 60, optionsSuccessStatus: 200 }),
      preflight('null', 'GET'),
      noFailure,
    );
    expect(answer).toMatchObject({ allowed: true, status: 200, allowOrigin: '*', maxAge: '60' });
  });

  it('answers Private Network Access only when asked and allowed', () => {
    const asked = preflight(APP, 'GET', { privateNetwork: true });
    const allowed = policy({ origin: APP, allowPrivateNetwork: true });
    expect(decidePreflight(allowed, asked, noFailure)).toMatchObject({ allowPrivateNetwork: true });
    expect(decidePreflight(allowed, preflight(APP, 'GET'), noFailure)).toMatchObject({
      allowPrivateNetwork: false,
    });
    expect(decidePreflight(policy({ origin: APP }), asked, noFailure)).toMatchObject({
      allowPrivateNetwork: false,
    });
  });

  it('denies with 403, Vary and the reason: method, headers, origin, disabled', () => {
    const strict = policy({ origin: APP, methods: ['GET'], allowedHeaders: ['x-a'] });
    const denied = (answer: unknown) => answer as { status: number; reason: string };
    expect(denied(decidePreflight(strict, preflight(APP, 'PUT'), noFailure))).toMatchObject({
      allowed: false,
      status: 403,
      reason: 'method PUT not allowed',
    });
    expect(
      denied(decidePreflight(strict, preflight(APP, 'GET', { requestHeaders: 'x-b' }), noFailure)),
    ).toMatchObject({ status: 403, reason: 'header x-b not allowed' });
    expect(
      denied(decidePreflight(strict, preflight('https://evil.example', 'GET'), noFailure)),
    ).toMatchObject({ status: 403, reason: 'origin not allowed' });
    expect(
      denied(decidePreflight(disabledPolicy('off'), preflight(APP, 'GET'), noFailure)),
    ).toEqual({
      allowed: false,
      status: 403,
      vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      reason: 'CORS disabled on this handler',
    });
  });
});

describe('preflightVary', () => {
  it('varies on Origin and both request headers', () => {
    expect(preflightVary(policy({ origin: APP }))).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
    expect(preflightVary(undefined)).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
    );
  });

  it('also varies on Access-Control-Request-Private-Network when the policy answers it', () => {
    expect(preflightVary(policy({ origin: APP, allowPrivateNetwork: true }))).toBe(
      'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
    );
  });
});
