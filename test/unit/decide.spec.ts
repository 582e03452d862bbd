import { jest } from '@jest/globals';
import type { CorsPolicyOptions } from '../../lib/interfaces/cors-options.interface.js';
import { compilePolicy } from '../../lib/policy/compile-policy.js';
import {
  type HeaderWriter,
  checkOrigin,
  checkPreflightRequest,
  preflightVary,
  writeActualVary,
  writeAllowedActual,
  writeAllowedPreflight,
} from '../../lib/policy/decide.js';

const APP = 'https://app.example.com';
const TIMEOUT = 30;

function policy(options: CorsPolicyOptions) {
  return compilePolicy(options, 'test');
}

type Call = [kind: 'set' | 'vary', response: object, ...args: string[]];

/** A HeaderWriter that records each call, in order. */
function recordingWriter(): { writer: HeaderWriter<object>; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    writer: {
      set: (response, name, value) => calls.push(['set', response, name, value]),
      appendVary: (response, names) => calls.push(['vary', response, names]),
    },
  };
}

/** The headers `set` on `response`, as a name -> value record. */
function headersSet(calls: Call[], response: object): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [kind, target, name, value] of calls) {
    expect(target).toBe(response);
    if (kind === 'set') headers[name] = value;
  }
  return headers;
}

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

describe('writeAllowedActual', () => {
  const response = { id: 'response' };

  it('writes the request origin, and nothing else by default', () => {
    const { writer, calls } = recordingWriter();
    writeAllowedActual(policy({ origin: APP }), APP, response, writer);
    expect(calls).toEqual([['set', response, 'Access-Control-Allow-Origin', APP]]);
  });

  it("writes '*' for a policy whose origin is '*'", () => {
    const { writer, calls } = recordingWriter();
    writeAllowedActual(policy({ origin: '*' }), APP, response, writer);
    expect(headersSet(calls, response)).toEqual({ 'Access-Control-Allow-Origin': '*' });
  });

  it('writes credentials and exposed headers when the policy has them', () => {
    const { writer, calls } = recordingWriter();
    writeAllowedActual(
      policy({ origin: APP, credentials: true, exposedHeaders: ['X-Request-Id', 'ETag'] }),
      APP,
      response,
      writer,
    );
    expect(headersSet(calls, response)).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Credentials': 'true',
      'Access-Control-Expose-Headers': 'x-request-id, etag',
    });
    expect(calls).toHaveLength(3);
  });

  it('does not touch Vary', () => {
    const { writer, calls } = recordingWriter();
    writeAllowedActual(policy({ origin: APP }), APP, response, writer);
    expect(calls.some(([kind]) => kind === 'vary')).toBe(false);
  });
});

describe('writeAllowedPreflight', () => {
  const response = { id: 'response' };

  function preflight(
    options: CorsPolicyOptions,
    allowHeaders: string,
    privateNetworkRequested: boolean,
  ) {
    const { writer, calls } = recordingWriter();
    writeAllowedPreflight(
      policy(options),
      APP,
      'PUT',
      allowHeaders,
      privateNetworkRequested,
      response,
      writer,
    );
    expect(calls.every(([kind]) => kind === 'set')).toBe(true);
    return headersSet(calls, response);
  }

  it('writes origin, method, headers and max age', () => {
    expect(preflight({ origin: APP }, 'x-custom, content-type', false)).toEqual({
      'Access-Control-Allow-Origin': APP,
      'Access-Control-Allow-Methods': 'PUT',
      'Access-Control-Allow-Headers': 'x-custom, content-type',
      'Access-Control-Max-Age': '600',
    });
  });

  it('leaves out Allow-Headers when no header was requested', () => {
    expect(preflight({ origin: APP }, '', false)).not.toHaveProperty(
      'Access-Control-Allow-Headers',
    );
  });

  it("writes '*', credentials and the policy's max age", () => {
    expect(preflight({ origin: '*', maxAge: 0 }, '', false)).toMatchObject({
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Max-Age': '0',
    });
    expect(preflight({ origin: APP, credentials: true }, '', false)).toMatchObject({
      'Access-Control-Allow-Credentials': 'true',
    });
  });

  it('does not send exposed headers, which only concern actual responses', () => {
    expect(preflight({ origin: APP, exposedHeaders: ['x-a'] }, '', false)).not.toHaveProperty(
      'Access-Control-Expose-Headers',
    );
  });

  it.each([
    [false, false, false],
    [true, false, false],
    [false, true, false],
    [true, true, true],
  ])(
    'private network requested: %s, allowed: %s -> Allow-Private-Network sent: %s',
    (requested, allowed, sent) => {
      const headers = preflight({ origin: APP, allowPrivateNetwork: allowed }, '', requested);
      if (sent) expect(headers['Access-Control-Allow-Private-Network']).toBe('true');
      else expect(headers).not.toHaveProperty('Access-Control-Allow-Private-Network');
    },
  );
});

describe('writeActualVary', () => {
  const response = { id: 'response' };

  it.each([
    ['an exact origin', APP],
    ['a pattern', 'https://*.example.com'],
    ['a function', () => true],
  ] as const)('appends Vary: Origin for %s', (_, origin) => {
    const { writer, calls } = recordingWriter();
    writeActualVary(policy({ origin }), response, writer);
    expect(calls).toEqual([['vary', response, 'Origin']]);
  });

  it.each([
    ["'*'", '*'],
    ['no origin', undefined],
  ] as const)('writes nothing for %s', (_, origin) => {
    const { writer, calls } = recordingWriter();
    writeActualVary(policy({ origin }), response, writer);
    expect(calls).toEqual([]);
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
