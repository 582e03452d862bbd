import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { CorsPolicyOptions } from '../../lib/index.js';
import {
  answerPreflight,
  applyActual,
  compileGlobal,
  corsHeaders,
  newResponse,
  responderFor,
} from './policy-harness.js';
import { ALLOWED_ORIGINS, hostileOrigin } from './hostile-values.js';

/*
 * Hostile Origin values never produce an `Access-Control-*` header unless the value is exactly an
 * allowed origin. Driven through `CorsResponder` (the code that writes the headers) on a fake
 * platform; `test/e2e/hostile-origin-app.spec.ts` sends a sample through real servers.
 */

beforeAll(() => Logger.overrideLogger(false));

function actualResponse(options: CorsPolicyOptions, origin: string) {
  const policy = compileGlobal(options);
  const res = newResponse();
  const applied = applyActual(
    responderFor(),
    policy,
    { headers: { origin }, method: 'GET', url: '/items' },
    res,
  );
  expect(applied).toBeUndefined(); // static rules answer synchronously
  return res;
}

describe('hostile Origin values', () => {
  it('get no CORS header from a list of exact origins unless they equal one byte for byte', () => {
    let allowed = 0;
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        const res = actualResponse({ origin: [...ALLOWED_ORIGINS] }, origin);
        const headers = corsHeaders(res);
        if (ALLOWED_ORIGINS.includes(origin)) {
          allowed += 1;
          expect(headers).toEqual({ 'access-control-allow-origin': origin });
        } else {
          expect(headers).toEqual({});
        }
        // Vary: Origin is always there, so a cache never mixes the two answers up.
        expect(res.headers.get('vary')).toBe('Origin');
      }),
      { numRuns: 3000 },
    );
    expect(allowed).toBeGreaterThan(50);
  });

  it('get no CORS header from a subdomain pattern unless they are a plain subdomain', () => {
    // Written independently of the library: lower-case labels, then the pattern's domain.
    const plainSubdomain = /^https:\/\/(?:[a-z0-9-]+\.)+partner\.example$/;
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        const headers = corsHeaders(
          actualResponse({ origin: 'https://*.partner.example' }, origin),
        );
        if (plainSubdomain.test(origin) && origin.length <= 1024) {
          expect(headers).toEqual({ 'access-control-allow-origin': origin });
        } else {
          expect(headers).toEqual({});
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("are answered with the literal '*' by '*', never reflected, whatever they are", () => {
    // '*' answers every requester alike, so that no cache needs Vary: Origin.
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        const res = actualResponse({ origin: '*' }, origin);
        expect(corsHeaders(res)).toEqual({ 'access-control-allow-origin': '*' });
        expect(res.headers.get('vary')).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it('reach an origin function only when they have the form of an origin', () => {
    const seen: string[] = [];
    const options: CorsPolicyOptions = {
      origin: (origin) => {
        seen.push(origin);
        return ALLOWED_ORIGINS.includes(origin);
      },
    };
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        const headers = corsHeaders(actualResponse(options, origin));
        if (ALLOWED_ORIGINS.includes(origin)) {
          expect(headers).toEqual({ 'access-control-allow-origin': origin });
        } else {
          expect(headers).toEqual({});
        }
      }),
      { numRuns: 2000 },
    );
    // A user's function never has to cope with CR/LF, control characters, spaces, commas of
    // several values, or megabytes: those are refused before it is called ('null' is passed on,
    // for the function to refuse).
    expect(seen.length).toBeGreaterThan(0);
    for (const origin of seen) {
      if (origin === 'null') continue;
      expect(origin).toMatch(/^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/);
      expect(origin.length).toBeLessThanOrEqual(1024);
    }
  });

  it('never add a header to an allowed preflight but the ones the policy answers', () => {
    // A preflight from a hostile Origin is refused with 403 and no CORS header at all.
    const policy = compileGlobal({ origin: [...ALLOWED_ORIGINS] });
    fc.assert(
      fc.property(hostileOrigin, (origin) => {
        const res = newResponse();
        const request = {
          headers: { origin, 'access-control-request-method': 'GET' },
          method: 'OPTIONS',
          url: '/items',
        };
        const answered = answerPreflight(responderFor(), policy, request, res);
        expect(answered).toBeUndefined();
        if (ALLOWED_ORIGINS.includes(origin)) {
          expect(res.status).toBe(204);
          expect(corsHeaders(res)['access-control-allow-origin']).toBe(origin);
        } else {
          expect(res.status).toBe(403);
          expect(corsHeaders(res)).toEqual({});
        }
      }),
      { numRuns: 2000 },
    );
  });
});
