import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { CorsPolicyOptions } from '../../lib/index.js';
import { checkPreflightRequest } from '../../lib/policy/decide.js';
import {
  answerPreflight,
  compileGlobal,
  corsHeaders,
  newResponse,
  responderFor,
} from './policy-harness.js';
import { type Case, preflightCase, reference } from './preflight-reference.js';

/*
 * Preflights with random methods and random `Access-Control-Request-Headers` lists are allowed
 * exactly when the policy allows every item; the reference definition is in
 * `preflight-reference.ts`.
 */

beforeAll(() => Logger.overrideLogger(false));

function optionsOf(c: Case): CorsPolicyOptions {
  const options: CorsPolicyOptions = { origin: 'https://app.example.com' };
  if (c.methods) options.methods = c.methods;
  if (c.allowedHeaders) options.allowedHeaders = c.allowedHeaders;
  return options;
}

describe('preflights are allowed exactly when the policy allows every item', () => {
  it('in the engine (checkPreflightRequest, methods set or left to the routes)', () => {
    const seen = { allowed: 0, denied: 0 };
    fc.assert(
      fc.property(preflightCase, (c) => {
        const policy = compileGlobal(optionsOf(c));
        const expected = reference(c);
        seen[expected === 'denied' ? 'denied' : 'allowed'] += 1;
        const actual = checkPreflightRequest(policy, c.method, c.requestHeaders);
        // The engine checks `methods`; the routes' methods are checked by the responder.
        const routed = c.routed.includes(c.method);
        if (expected === 'denied') {
          if (routed) expect(actual).toHaveProperty('denied');
        } else {
          expect(actual).toEqual(expected);
        }
      }),
      { numRuns: 5000 },
    );
    expect(seen.allowed).toBeGreaterThan(500);
    expect(seen.denied).toBeGreaterThan(500);
  });

  it('through the responder: 2xx with exactly the answered headers, or 403 with no CORS header', () => {
    fc.assert(
      fc.property(preflightCase, (c) => {
        // A method no route serves never reaches the responder: the router has no policy for it.
        if (!c.routed.includes(c.method)) return;
        const policy = compileGlobal(optionsOf(c));
        const headers: Record<string, string> = {
          origin: 'https://app.example.com',
          'access-control-request-method': c.method,
        };
        if (c.requestHeaders !== undefined) {
          headers['access-control-request-headers'] = c.requestHeaders;
        }
        const res = newResponse();
        const request = { headers, method: 'OPTIONS', url: '/items' };
        const answered = answerPreflight(responderFor(), policy, request, res);
        expect(answered).toBeUndefined();
        const expected = reference(c);
        if (expected === 'denied') {
          expect(res.status).toBe(403);
          expect(corsHeaders(res)).toEqual({});
        } else {
          expect(res.status).toBe(204);
          const answer: Record<string, string> = {
            'access-control-allow-origin': 'https://app.example.com',
            'access-control-allow-methods': c.method,
            'access-control-max-age': '600',
          };
          if (expected.allowHeaders !== '') {
            answer['access-control-allow-headers'] = expected.allowHeaders;
          }
          expect(corsHeaders(res)).toEqual(answer);
        }
        expect(res.headers.get('vary')).toBe(
          'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
        );
      }),
      { numRuns: 5000 },
    );
  });
});
