import { type INestApplication, VersioningType } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import request from 'supertest';
import {
  ADMIN,
  APP,
  HeaderVersioningAppModule,
  OwnVaryAppModule,
  RoutingAppModule,
} from '../fixtures/routing/app.module.js';
import { adapters, corsHeadersOf, createApp } from './adapters.js';

describe.each(adapters)('preflight routing on %s', (_platform, makeAdapter) => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await createApp(RoutingAppModule, makeAdapter, (nest) => {
      nest.setGlobalPrefix('api', { exclude: ['health'] });
      nest.enableVersioning({ type: VersioningType.URI });
    });
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const preflight = (path: string, origin: string, method: string) =>
    http.options(path).set('Origin', origin).set('Access-Control-Request-Method', method);

  it('follows the global prefix', async () => {
    await preflight('/api/v1/cats', APP, 'GET').expect(204);
    await preflight('/v1/cats', APP, 'GET').expect(403);
  });

  it('follows global prefix exclusions', async () => {
    const res = await preflight('/health', 'https://anyone.example', 'GET').expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    await preflight('/api/health', APP, 'GET').expect(403);
  });

  it('tells URI versions apart', async () => {
    await preflight('/api/v1/cats', ADMIN, 'GET').expect(403);
    const v2 = await preflight('/api/v2/cats', ADMIN, 'GET').expect(204);
    expect(v2.headers['access-control-allow-origin']).toBe(ADMIN);
    await preflight('/api/v3/cats', ADMIN, 'POST').expect(204);
    // No POST route at v2: the router has no handler, so no policy allows it.
    const noRoute = await preflight('/api/v2/cats', ADMIN, 'POST').expect(403);
    expect(corsHeadersOf(noRoute.headers)).toEqual({});
  });

  it('follows RouterModule paths and route parameters', async () => {
    const res = await preflight('/api/admin/users/42', ADMIN, 'DELETE').expect(204);
    expect(res.headers['access-control-allow-methods']).toBe('DELETE');
    await preflight('/api/admin/users/42', APP, 'DELETE').expect(403);
    await preflight('/api/users/42', ADMIN, 'DELETE').expect(403);
  });

  it('applies the right policy to actual requests on each path', async () => {
    const v1 = await http.get('/api/v1/cats').set('Origin', ADMIN).expect(200);
    expect(corsHeadersOf(v1.headers)).toEqual({});
    const v2 = await http.get('/api/v2/cats').set('Origin', ADMIN).expect(200);
    expect(v2.headers['access-control-allow-origin']).toBe(ADMIN);
    const user = await http.get('/api/admin/users/7').set('Origin', ADMIN).expect(200);
    expect(user.headers['access-control-allow-origin']).toBe(ADMIN);
  });
});

describe.each(adapters)('header versioning on %s', (_platform, makeAdapter) => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await createApp(HeaderVersioningAppModule, makeAdapter, (nest) =>
      nest.enableVersioning({ type: VersioningType.HEADER, header: 'X-Api-Version' }),
    );
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  it('applies the policy of the handler Nest picked, once', async () => {
    const v1 = await http.get('/dogs').set('X-Api-Version', '1').set('Origin', APP).expect(200);
    expect(v1.body).toEqual(['v1']);
    expect(v1.headers['access-control-allow-origin']).toBe(APP);
    expect(v1.headers['access-control-expose-headers']).toBeUndefined();
    const v2 = await http.get('/dogs').set('X-Api-Version', '2').set('Origin', ADMIN).expect(200);
    expect(v2.body).toEqual(['v2']);
    expect(v2.headers['access-control-allow-origin']).toBe(ADMIN);
    expect(v2.headers['access-control-expose-headers']).toBe('x-version');
    expect(v2.headers['vary']).toBe('Origin');
    const wrong = await http.get('/dogs').set('X-Api-Version', '2').set('Origin', APP).expect(200);
    expect(corsHeadersOf(wrong.headers)).toEqual({});
  });

  it('refuses a preflight it cannot route to one policy', async () => {
    const res = await http
      .options('/dogs')
      .set('Origin', APP)
      .set('Access-Control-Request-Method', 'GET')
      .expect(403);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });
});

describe.each(adapters)("an app's own request hook on %s", (_platform, makeAdapter) => {
  it('still runs, after the CORS hook', async () => {
    const seen: string[] = [];
    const app = await createApp(RoutingAppModule, makeAdapter, (nest) => {
      nest.enableVersioning({ type: VersioningType.URI });
      const adapter = nest.getHttpAdapter() as AbstractHttpAdapter;
      adapter.setOnRequestHook((req: { url: string }, _res: unknown, done: () => void) => {
        seen.push(req.url);
        done();
      });
    });
    const res = await request(app.getHttpServer()).get('/health').set('Origin', APP).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(seen).toEqual(['/health']);
    await app.close();
  });
});

describe.each(adapters)("a handler's own Vary on %s", (_platform, makeAdapter) => {
  it('keeps it, with Origin appended once', async () => {
    const app = await createApp(OwnVaryAppModule, makeAdapter);
    const res = await request(app.getHttpServer()).get('/reports').set('Origin', APP).expect(200);
    expect(res.headers['vary']).toBe('Accept-Encoding, Origin');
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    const none = await request(app.getHttpServer()).get('/reports').expect(200);
    expect(none.headers['vary']).toBe('Accept-Encoding, Origin');
    await app.close();
  });
});
