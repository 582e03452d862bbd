import { Controller, Get, Module } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import request from 'supertest';
import { CorsModule } from '../../lib/index.js';
import { adapters, createApp } from '../e2e/adapters.js';

/**
 * What the README's recipes promise, on real apps. The @nestjs/throttler recipe runs in the
 * compatibility matrix (test/compat/app/test/throttler.e2e-spec.ts): the CommonJS throttler cannot
 * load ESM-only Nest 12 in this suite's Jest ESM mode on Node.js 20.
 */
const APP = 'https://app.example.com';

@Controller('articles')
class ArticlesController {
  @Get() list() {
    return [];
  }
}

describe('recipes on express', () => {
  it('helmet alongside: its headers on responses, preflights answered as before', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [ArticlesController] })
    class HelmetModule {}
    const app = await createApp(HelmetModule, adapters[0][1], (nest) =>
      (nest as NestExpressApplication).use(helmet()),
    );
    try {
      const server = app.getHttpServer();
      const actual = await request(server).get('/articles').set('Origin', APP).expect(200);
      expect(actual.headers['access-control-allow-origin']).toBe(APP);
      expect(actual.headers['x-content-type-options']).toBe('nosniff');
      const preflight = await request(server)
        .options('/articles')
        .set('Origin', APP)
        .set('Access-Control-Request-Method', 'GET')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(APP);
    } finally {
      await app.close();
    }
  });
});
