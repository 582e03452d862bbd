// The e2e test a user writes in an app made by the Nest CLI, copied into each app of the
// compatibility matrix (scripts/compat.mjs). Jest and Vitest (globals) run it unchanged.
import { INestApplication, Module } from '@nestjs/common';
import { CorsConfigurationError, CorsModule } from 'nestjs-cors-policy';
import request from 'supertest';
import { AppModule } from './../src/app.module';
import { adapters, createApp } from './adapters';

describe.each(adapters)('CORS on %s', (_platform, makeAdapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(AppModule, makeAdapter);
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers a preflight allowed by the controller policy', async () => {
    const response = await request(app.getHttpServer())
      .options('/things')
      .set('Origin', 'https://partner.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('https://partner.example');
    expect(response.headers['access-control-allow-credentials']).toBe('true');
  });

  it('denies a preflight from an origin the controller policy replaced', async () => {
    const response = await request(app.getHttpServer())
      .options('/things')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds the headers to an actual request, and none where the handler turned CORS off', async () => {
    const server = app.getHttpServer();
    const allowed = await request(server).get('/things').set('Origin', 'https://partner.example');
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual(['ok']);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://partner.example');
    const off = await request(server)
      .get('/things/internal')
      .set('Origin', 'https://partner.example');
    expect(off.status).toBe(200);
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a configuration a browser would reject, at startup', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: '*', credentials: true })] })
    class BadModule {}
    await expect(createApp(BadModule, makeAdapter)).rejects.toBeInstanceOf(CorsConfigurationError);
  });
});
