import { Controller, Get, Module } from '@nestjs/common';
import request from 'supertest';
import { CorsModule, CorsPolicy } from '../../lib/index.js';
import { listen, PLATFORMS, type RunningApp } from '../helpers/listen.js';

const APP = 'https://app.example.com';

@Controller('defaults')
class DefaultsController {
  @Get()
  plain() {
    return 'plain';
  }

  @CorsPolicy({ origin: APP })
  @Get('opted-in')
  optedIn() {
    return 'opted-in';
  }
}

/** `forRoot()` with no argument at all: the secure default, no origin allowed. */
@Module({ imports: [CorsModule.forRoot()], controllers: [DefaultsController] })
class NoOptionsModule {}

describe.each(PLATFORMS)('CorsModule.forRoot() without options on %s', (platform) => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await listen(NoOptionsModule, platform);
  });
  afterAll(() => server?.close());

  it('boots and allows no origin where no policy says so', async () => {
    const http = request(server.app.getHttpServer());
    const res = await http.get('/defaults').set('Origin', APP).expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const denied = await http
      .options('/defaults')
      .set('Origin', APP)
      .set('Access-Control-Request-Method', 'GET')
      .expect(403);
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a decorator opt a handler in', async () => {
    const http = request(server.app.getHttpServer());
    const res = await http.get('/defaults/opted-in').set('Origin', APP).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
  });
});
