// The README's @nestjs/throttler recipe: the page can read the rate-limit headers, also on the
// guard's 429. Runs in the apps of the compatibility matrix that can load the CommonJS throttler.
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { CorsModule } from 'nestjs-cors-policy';
import request from 'supertest';
import { adapters, createApp } from './adapters';

const APP = 'https://app.example.com';
const RATE_LIMIT_HEADERS = [
  'Retry-After',
  'X-RateLimit-Limit',
  'X-RateLimit-Remaining',
  'X-RateLimit-Reset',
];

@Controller('articles')
class ArticlesController {
  @Get() list() {
    return [];
  }
}

@Module({
  imports: [
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: 1 }]),
    CorsModule.forRoot({ origin: APP, exposedHeaders: RATE_LIMIT_HEADERS }),
  ],
  controllers: [ArticlesController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
class ThrottledModule {}

const exposed = (headers: Record<string, string>) =>
  (headers['access-control-expose-headers'] ?? '').toLowerCase().split(/\s*,\s*/);

describe.each(adapters)('@nestjs/throttler recipe on %s', (_platform, makeAdapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(ThrottledModule, makeAdapter);
  });

  afterAll(async () => {
    await app.close();
  });

  it("exposes the rate-limit headers, also on the guard's 429", async () => {
    const server = app.getHttpServer();
    const first = await request(server).get('/articles').set('Origin', APP);
    expect(first.status).toBe(200);
    expect(first.headers['access-control-allow-origin']).toBe(APP);
    expect(first.headers['x-ratelimit-remaining']).toBe('0');
    expect(exposed(first.headers)).toEqual(expect.arrayContaining(['x-ratelimit-remaining']));

    const limited = await request(server).get('/articles').set('Origin', APP);
    expect(limited.status).toBe(429);
    expect(limited.headers['access-control-allow-origin']).toBe(APP);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(exposed(limited.headers)).toEqual(
      expect.arrayContaining(RATE_LIMIT_HEADERS.map((name) => name.toLowerCase())),
    );
  });
});
