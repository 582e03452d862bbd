import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import {
  APP,
  OTHER,
  PARTNER,
  pathsAppModule,
  setupSwagger,
  TOOLS,
} from '../fixtures/paths/app.module.js';
import { type AdapterFactory, adapters, corsHeadersOf } from './adapters.js';
import { CorsInspector, CorsPolicies } from '../../lib/index.js';

const QUERY = { query: '{ hello }' };

/**
 * With `NestFactory`, as in a real app: `@nestjs/serve-static` picks its loader from the HTTP
 * adapter while the module is built, which a testing module compiled first does not have.
 */
async function createPathsApp(makeAdapter: AdapterFactory): Promise<INestApplication> {
  const app = await NestFactory.create(pathsAppModule(), makeAdapter(), { logger: false });
  setupSwagger(app);
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  await instance.ready?.();
  return app;
}

describe.each(adapters)('path policies on %s', (_platform, makeAdapter) => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await createPathsApp(makeAdapter);
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  it('are listed by CorsInspector.routes() after the routes, one entry per key', () => {
    const paths = app
      .get(CorsInspector)
      .routes()
      .filter((route) => route.handler === null)
      .map(({ method, path, policy }) => ({
        method,
        path,
        origins: policy && policy.origins,
        credentials: policy && policy.credentials,
      }));
    expect(paths).toEqual([
      {
        method: 'ALL',
        path: '/graphql',
        origins: ['https://*.partner.example'],
        credentials: true,
      },
      { method: 'ALL', path: '/static/{*file}', origins: ['*'], credentials: false },
      { method: 'ALL', path: '/docs-json', origins: [TOOLS], credentials: false },
      { method: 'ALL', path: '/closed', origins: false, credentials: false },
    ]);
  });

  it('switch with runtime updates of the named policy they use', async () => {
    const policies = app.get(CorsPolicies);
    const before = policies.get('partners')!;
    const graphql = () => preflight('/graphql', OTHER, 'POST', 'content-type');
    await graphql().expect(403);
    await policies.update('partners', { origin: ['https://*.partner.example', OTHER] });
    try {
      const res = await graphql().expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(OTHER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    } finally {
      await policies.update('partners', before);
    }
    await graphql().expect(403);
  });

  const preflight = (path: string, origin: string, method: string, headers?: string) => {
    const req = http
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', method);
    return headers === undefined ? req : req.set('Access-Control-Request-Headers', headers);
  };
  const graphql = (origin: string, body: object = QUERY, path = '/graphql') =>
    http.post(path).set('Origin', origin).set('Content-Type', 'application/json').send(body);

  describe('GraphQL (Apollo)', () => {
    it('gives an allowed origin the named policy, with credentials', async () => {
      const res = await graphql(PARTNER).expect(200);
      expect(res.body).toEqual({ data: { hello: 'world' } });
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['vary']).toContain('Origin');
    });

    it('leaves the CORS headers out for another origin, even the module default', async () => {
      const res = await graphql(APP).expect(200);
      expect(corsHeadersOf(res.headers)).toEqual({});
      const other = await graphql(OTHER).expect(200);
      expect(corsHeadersOf(other.headers)).toEqual({});
    });

    it('answers the preflight itself, instead of Apollo', async () => {
      const res = await preflight('/graphql', PARTNER, 'POST', 'content-type').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-methods']).toBe('POST');
      expect(res.headers['access-control-allow-headers']).toBe('content-type');
    });

    it('refuses the preflight of another origin with 403', async () => {
      const res = await preflight('/graphql', OTHER, 'POST', 'content-type').expect(403);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });

    it('puts the headers on errors thrown by a resolver and on errors of the GraphQL layer', async () => {
      const failed = await graphql(PARTNER, { query: '{ broken }' }).expect(200);
      expect(failed.body.errors[0].message).toBe('the resolver failed');
      expect(failed.headers['access-control-allow-origin']).toBe(PARTNER);
      const invalid = await graphql(PARTNER, { query: '{ nope' }).expect(400);
      expect(invalid.body.errors).toHaveLength(1);
      expect(invalid.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(invalid.headers['access-control-allow-credentials']).toBe('true');
    });
  });

  describe('static files and Swagger', () => {
    it("serves a static file with '*'", async () => {
      const res = await http.get('/static/hello.txt').set('Origin', OTHER).expect(200);
      expect(res.text).toBe('hello from a static file\n');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('answers the preflight of a static file', async () => {
      const res = await preflight('/static/hello.txt', OTHER, 'GET', 'x-trace').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-headers']).toBe('x-trace');
    });

    it("gives Swagger's JSON document its own policy", async () => {
      const res = await http.get('/docs-json').set('Origin', TOOLS).expect(200);
      expect(res.body.info.title).toBe('paths');
      expect(res.headers['access-control-allow-origin']).toBe(TOOLS);
      const other = await http.get('/docs-json').set('Origin', APP).expect(200);
      expect(corsHeadersOf(other.headers)).toEqual({});
    });

    it('refuses every cross-origin request to a path whose policy is false', async () => {
      await preflight('/closed', APP, 'GET').expect(403);
    });
  });

  describe('a controller route under a key', () => {
    it("answers with the handler's policy, not the path's", async () => {
      const res = await http.get('/static/info').set('Origin', OTHER).expect(200);
      expect(res.body).toEqual({ served: 'by a controller' });
      expect(corsHeadersOf(res.headers)).toEqual({});
      const app_ = await http.get('/static/info').set('Origin', APP).expect(200);
      expect(app_.headers['access-control-allow-origin']).toBe(APP);
    });

    it("answers its preflight with the handler's policy", async () => {
      await preflight('/static/info', OTHER, 'GET', 'x-trace').expect(403);
      const res = await preflight('/static/info', APP, 'GET', 'x-trace').expect(204);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });
  });

  describe('matching fails closed', () => {
    it.each(['/GRAPHQL', '/graphql/', '/%67raphql', '/graphql;x'])(
      'gives %s no CORS header, and passes its preflight on',
      async (path) => {
        const res = await graphql(PARTNER, QUERY, path);
        expect(corsHeadersOf(res.headers)).toEqual({});
        const pre = await preflight(path, PARTNER, 'POST', 'content-type');
        expect(pre.status).not.toBe(204);
        expect(corsHeadersOf(pre.headers)).toEqual({});
      },
    );

    it('answers hostile paths under a key without a 500: a bad escape, a long path, an absolute URL', async () => {
      for (const path of ['/static/%E0%A4%A', `/static/${'a/'.repeat(4000)}x`]) {
        const res = await http.get(path).set('Origin', OTHER);
        expect(res.status).toBeLessThan(500);
      }
      const res = await preflight(`/static/${'%2e%2e/'.repeat(1000)}`, OTHER, 'GET');
      expect(res.status).toBeLessThan(500);
    });

    it('gives a path that matches no key no CORS header', async () => {
      const res = await http.get('/elsewhere.txt').set('Origin', APP).expect(404);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });
  });
});
