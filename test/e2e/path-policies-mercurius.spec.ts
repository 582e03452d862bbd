import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { CorsModule } from '../../lib/index.js';
import { HelloResolver } from '../fixtures/paths/app.module.js';
import { corsHeadersOf } from './adapters.js';

const PARTNER = 'https://a.partner.example';
const OTHER = 'https://other.example';

@Module({
  imports: [
    CorsModule.forRoot({
      paths: { '/graphql': { origin: 'https://*.partner.example', credentials: true } },
    }),
    GraphQLModule.forRoot<MercuriusDriverConfig>({ driver: MercuriusDriver, autoSchemaFile: true }),
  ],
  providers: [HelloResolver],
})
class MercuriusAppModule {}

// Mercurius is a Fastify plugin: there is no Express driver.
describe('path policies with @nestjs/mercurius on fastify', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    app = await NestFactory.create(MercuriusAppModule, new FastifyAdapter(), { logger: false });
    await app.init();
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
    http = request(app.getHttpServer());
  });
  afterAll(() => app.close());

  const graphql = (origin: string, query: string) =>
    http
      .post('/graphql')
      .set('Origin', origin)
      .set('Content-Type', 'application/json')
      .send({ query });

  it('gives an allowed origin the path policy, with credentials', async () => {
    const res = await graphql(PARTNER, '{ hello }').expect(200);
    expect(res.body).toEqual({ data: { hello: 'world' } });
    expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
  });

  it('puts the headers on errors of a resolver and of the GraphQL layer', async () => {
    const failed = await graphql(PARTNER, '{ broken }');
    expect(failed.body.errors[0].message).toBe('the resolver failed');
    expect(failed.headers['access-control-allow-origin']).toBe(PARTNER);
    const invalid = await graphql(PARTNER, '{ nope');
    expect(invalid.status).toBe(400);
    expect(invalid.headers['access-control-allow-origin']).toBe(PARTNER);
  });

  it('leaves the headers out for another origin', async () => {
    const res = await graphql(OTHER, '{ hello }').expect(200);
    expect(corsHeadersOf(res.headers)).toEqual({});
  });

  it('answers the preflight itself: 204 for the allowed origin, 403 for another', async () => {
    const allowed = await http
      .options('/graphql')
      .set('Origin', PARTNER)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type')
      .expect(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(PARTNER);
    expect(allowed.headers['access-control-allow-methods']).toBe('POST');
    const denied = await http
      .options('/graphql')
      .set('Origin', OTHER)
      .set('Access-Control-Request-Method', 'POST')
      .expect(403);
    expect(corsHeadersOf(denied.headers)).toEqual({});
  });
});
