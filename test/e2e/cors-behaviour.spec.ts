import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { APP, BasicAppModule, calls, OTHER, PARTNER } from '../fixtures/basic/app.module.js';
import { adapters, corsHeadersOf, createApp } from './adapters.js';

const PREFLIGHT_VARY = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';

describe.each(adapters)('CORS behaviour on %s', (_platform, makeAdapter) => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await createApp(BasicAppModule, makeAdapter);
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());
  beforeEach(() => {
    calls.length = 0;
  });

  const preflight = (path: string, origin: string, method: string, headers?: string) => {
    const req = http
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', method);
    return headers === undefined ? req : req.set('Access-Control-Request-Headers', headers);
  };

  describe('actual requests', () => {
    it('allows an allowed origin, with Vary: Origin', async () => {
      const res = await http.get('/items').set('Origin', APP).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['vary']).toBe('Origin');
      expect(res.body).toEqual([{ id: 1 }]);
    });

    it('leaves every CORS header out for a disallowed origin, and still handles the request', async () => {
      const res = await http.post('/items').set('Origin', 'https://evil.example').expect(201);
      expect(corsHeadersOf(res.headers)).toEqual({});
      expect(res.headers['vary']).toBe('Origin');
      expect(calls).toEqual(['items.create']);
    });

    it('sends Vary: Origin on responses to requests with no Origin', async () => {
      const res = await http.get('/items').expect(200);
      expect(corsHeadersOf(res.headers)).toEqual({});
      expect(res.headers['vary']).toBe('Origin');
    });

    it('sends credentials and exposed headers of a named policy', async () => {
      const res = await http.get('/partners').set('Origin', PARTNER).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-expose-headers']).toBe('x-request-id');
    });

    it('lets a handler override one field and inherit the rest from its controller', async () => {
      const res = await http.get('/partners/public').set('Origin', PARTNER).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['access-control-expose-headers']).toBe('x-request-id');
      const app = await http.get('/partners/public').set('Origin', APP).expect(200);
      expect(corsHeadersOf(app.headers)).toEqual({});
    });

    it("answers '*' with '*' and no Vary", async () => {
      const res = await http.get('/public').set('Origin', 'https://anyone.example').expect(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['access-control-expose-headers']).toBe('x-request-id');
      expect(res.headers['vary']).toBeUndefined();
    });

    it("answers '*' to every requester alike, so that no Vary is needed", async () => {
      for (const origin of ['null', 'not an origin', undefined]) {
        const req = http.get('/public');
        const res = await (origin === undefined ? req : req.set('Origin', origin)).expect(200);
        expect(res.headers['access-control-allow-origin']).toBe('*');
        expect(res.headers['vary']).toBeUndefined();
      }
    });

    it('lets a handler allow an origin its controller does not', async () => {
      const partner = await http.get('/mixed/override').set('Origin', PARTNER).expect(200);
      expect(partner.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(partner.headers['access-control-expose-headers']).toBe('x-total');
      const app = await http.get('/mixed/override').set('Origin', APP).expect(200);
      expect(corsHeadersOf(app.headers)).toEqual({});
    });

    it('sends nothing where a handler is marked false, even for a globally allowed origin', async () => {
      const res = await http.delete('/mixed').set('Origin', APP).expect(200);
      expect(corsHeadersOf(res.headers)).toEqual({});
      expect(res.headers['vary']).toBeUndefined();
    });

    it('sends nothing under a controller marked false, unless the handler has its own policy', async () => {
      const closed = await http.get('/closed').set('Origin', APP).expect(200);
      expect(corsHeadersOf(closed.headers)).toEqual({});
      const reopened = await http.get('/closed/reopened').set('Origin', OTHER).expect(200);
      expect(reopened.headers['access-control-allow-origin']).toBe(OTHER);
      const global = await http.get('/closed/reopened').set('Origin', APP).expect(200);
      expect(corsHeadersOf(global.headers)).toEqual({});
    });

    it('sends no CORS headers on routes no handler serves', async () => {
      const res = await http.get('/nowhere').set('Origin', APP).expect(404);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });
  });

  describe('origin matching', () => {
    it.each([
      ['https://a.example.com', true],
      ['https://deep.a.example.com', true],
      ['https://example.com', false],
      ['https://evil-example.com', false],
      ['https://example.com.evil.net', false],
      ['http://a.example.com', false],
      ['https://a.example.com:8443', false],
      ['https://A.example.com', false],
      ['https://pr-42.preview.test', true],
      ['https://pr-42.preview.test.evil', false],
      ['https://xn--bcher-kva.example', true],
      ['null', false],
    ])('%s allowed: %s', async (origin, allowed) => {
      const res = await http.get('/patterns').set('Origin', origin).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(allowed ? origin : undefined);
      expect(res.headers['vary']).toBe('Origin');
    });

    it('asks an async origin function, and denies what it refuses', async () => {
      const yes = await http
        .get('/async-origin')
        .set('Origin', 'https://async.example')
        .expect(200);
      expect(yes.headers['access-control-allow-origin']).toBe('https://async.example');
      const no = await http.get('/async-origin').set('Origin', APP).expect(200);
      expect(corsHeadersOf(no.headers)).toEqual({});
    });

    it.each([
      ['a list', `${APP}, ${PARTNER}`],
      ['white space inside', 'https:// app.example'],
      ['upper case', APP.toUpperCase()],
      ['a value over 1 KiB', `https://${'a'.repeat(1100)}.example`],
      ['a trailing slash', `${APP}/`],
    ])('treats %s as not allowed', async (_case, origin) => {
      const res = await http.get('/items').set('Origin', origin).expect(200);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });
  });

  describe('preflights', () => {
    it('answers with the policy of the handler the actual request would reach', async () => {
      const res = await preflight('/items/7', APP, 'DELETE', 'Content-Type, Authorization').expect(
        204,
      );
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['access-control-allow-methods']).toBe('DELETE');
      expect(res.headers['access-control-allow-headers']).toBe('content-type,authorization');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers['vary']).toBe(PREFLIGHT_VARY);
      expect(res.text).toBe('');
      expect(calls).toEqual([]);
    });

    it('sends credentials on a preflight of a credentialed policy', async () => {
      const res = await preflight('/partners', PARTNER, 'GET', 'X-Custom').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('refuses a disallowed origin with 403 and no CORS headers', async () => {
      const res = await preflight('/items', 'https://evil.example', 'POST').expect(403);
      expect(corsHeadersOf(res.headers)).toEqual({});
      expect(res.headers['vary']).toBe(PREFLIGHT_VARY);
    });

    it('routes each method of a path to its own handler', async () => {
      await preflight('/mixed', APP, 'GET').expect(204);
      const purge = await preflight('/mixed', APP, 'DELETE').expect(403);
      expect(corsHeadersOf(purge.headers)).toEqual({});
      await preflight('/mixed/override', PARTNER, 'GET').expect(204);
      await preflight('/mixed/override', APP, 'GET').expect(403);
    });

    it('refuses a preflight for a method no handler serves at a routed path', async () => {
      const res = await preflight('/items', APP, 'PATCH').expect(403);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });

    it('refuses a method or header the policy does not allow', async () => {
      await preflight('/private', APP, 'PUT', 'content-type').expect(200);
      await preflight('/private', APP, 'DELETE').expect(403);
      const header = await preflight('/private', APP, 'PUT', 'X-Not-Allowed').expect(403);
      expect(corsHeadersOf(header.headers)).toEqual({});
    });

    it('uses optionsSuccessStatus and maxAge, and allows private network access only when asked', async () => {
      const plain = await preflight('/private', APP, 'GET').expect(200);
      expect(plain.headers['access-control-max-age']).toBe('120');
      expect(plain.headers['access-control-allow-private-network']).toBeUndefined();
      const pna = await preflight('/private', APP, 'GET')
        .set('Access-Control-Request-Private-Network', 'true')
        .expect(200);
      expect(pna.headers['access-control-allow-private-network']).toBe('true');
      expect(pna.headers['vary']).toContain('Access-Control-Request-Private-Network');
      const notAllowed = await preflight('/items', APP, 'GET')
        .set('Access-Control-Request-Private-Network', 'true')
        .expect(204);
      expect(notAllowed.headers['access-control-allow-private-network']).toBeUndefined();
    });

    it('answers HEAD preflights with the GET handler', async () => {
      await preflight('/items', APP, 'HEAD').expect(204);
    });

    it('is answered before guards run: a guarded route still gets its preflight', async () => {
      const res = await preflight('/items/guarded', APP, 'GET', 'Authorization').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(calls).toEqual([]);
    });

    it('asks an async origin function for preflights too', async () => {
      await preflight('/async-origin', 'https://async.example', 'GET').expect(204);
      await preflight('/async-origin', APP, 'GET').expect(403);
    });

    it('passes an OPTIONS request that is not a preflight on to Nest', async () => {
      const onlyOrigin = await http.options('/items').set('Origin', APP);
      expect(onlyOrigin.status).toBe(404);
      const onlyMethod = await http.options('/items').set('Access-Control-Request-Method', 'POST');
      expect(onlyMethod.status).toBe(404);
      expect(corsHeadersOf(onlyMethod.headers)).toEqual({});
    });

    it('refuses a preflight to a path no route matches: no policy allows it', async () => {
      const res = await preflight('/nowhere', APP, 'GET').expect(403);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });

    it('leaves preflights to an @Options() handler that has CORS off', async () => {
      const res = await preflight('/manual', APP, 'GET').expect(299);
      expect(res.text).toBe('handled by the app');
    });

    it('refuses preflights to a handler marked false', async () => {
      await preflight('/closed', APP, 'GET').expect(403);
      await preflight('/closed/reopened', OTHER, 'GET').expect(204);
    });
  });

  describe('early errors carry the CORS headers of their route', () => {
    it("a guard's 401", async () => {
      const res = await http.get('/items/guarded').set('Origin', APP).expect(401);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['vary']).toBe('Origin');
      expect(res.body.message).toBe('sign in first');
      expect(calls).toEqual([]);
    });

    it("a pipe's 400", async () => {
      const res = await http.get('/items/validated?page=abc').set('Origin', APP).expect(400);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });

    it("the app's own middleware throwing", async () => {
      const res = await http.get('/items/middleware-fails').set('Origin', APP).expect(400);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.body.message).toBe('middleware says no');
    });

    it('a handler throwing', async () => {
      const res = await http.get('/items/throws').set('Origin', APP).expect(400);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });

    it('and not for disallowed origins', async () => {
      const res = await http
        .get('/items/guarded')
        .set('Origin', 'https://evil.example')
        .expect(401);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });
  });

  it('writes no header twice', async () => {
    const res = await http.get('/partners').set('Origin', PARTNER).expect(200);
    // Node folds repeated headers in `headers`; the raw list shows every line that was sent.
    const rawHeaders: string[] = (res as unknown as { res: { rawHeaders: string[] } }).res
      .rawHeaders;
    const names = rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase());
    expect(names.filter((name) => name === 'access-control-allow-origin')).toHaveLength(1);
    expect(names.filter((name) => name === 'vary')).toHaveLength(1);
  });
});
