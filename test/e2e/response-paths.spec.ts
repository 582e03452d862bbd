import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { APP, ResponsePathsModule } from '../fixtures/response-paths/app.module.js';
import { adapters, corsHeadersOf, createApp } from './adapters.js';

type NodeMiddleware = (
  req: { url?: string },
  res: { statusCode: number; end(body?: string): void },
  next: (error?: unknown) => void,
) => void;

/**
 * On Fastify the module writes the headers of actual requests with `reply.header()` unless a
 * response can be sent past the reply (middleware, `@Sse()`): these apps cover both sides, so
 * that every way a response leaves carries the headers of its route, on both platforms.
 */
describe.each(adapters)('CORS headers on every response path, on %s', (_platform, makeAdapter) => {
  describe('an app with no middleware', () => {
    let app: INestApplication;
    let http: ReturnType<typeof request>;
    beforeAll(async () => {
      app = await createApp(ResponsePathsModule, makeAdapter);
      http = request(app.getHttpServer());
    });
    afterAll(() => app.close());

    it.each([
      ['a handler answering', '/paths', 200],
      ["a guard's 401", '/paths/guarded', 401],
      ["a pipe's 400", '/paths/validated?page=abc', 400],
      ['a handler throwing', '/paths/throws', 400],
    ])('%s carries them', async (_case, path, status) => {
      const res = await http.get(path).set('Origin', APP).expect(status);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.headers['vary']).toBe('Origin');
    });

    it('server-sent events, written to the Node.js response, carry them', async () => {
      const res = await http.get('/paths/events').set('Origin', APP).expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
      expect(res.text).toContain('data: hello');
    });

    it('a disallowed origin gets none, with Vary', async () => {
      const res = await http.get('/paths/guarded').set('Origin', 'https://evil.example');
      expect(res.status).toBe(401);
      expect(corsHeadersOf(res.headers)).toEqual({});
      expect(res.headers['vary']).toBe('Origin');
    });

    it('a path no route serves gets none', async () => {
      const res = await http.get('/nowhere').set('Origin', APP).expect(404);
      expect(corsHeadersOf(res.headers)).toEqual({});
    });
  });

  // On Express, plain middleware mounted at `/` runs before any route, so before the module
  // knows the route (README, FAQ): its own responses carry no CORS headers there.
  // Registered on Fastify only (not skipped on Express, so that no run counts skipped tests).
  const onFastify = _platform === 'fastify' ? describe : () => undefined;
  onFastify('an app with app.use() middleware', () => {
    let app: INestApplication;
    let http: ReturnType<typeof request>;
    beforeAll(async () => {
      const limiter: NodeMiddleware = (req, res, next) => {
        if (!req.url?.startsWith('/paths/guarded')) return next();
        res.statusCode = 429;
        res.end('slow down');
      };
      const failing: NodeMiddleware = (req, _res, next) =>
        next(req.url?.startsWith('/paths/throws') ? new BadRequest() : undefined);
      app = await createApp(ResponsePathsModule, makeAdapter, (created) => {
        created.use(limiter);
        created.use(failing);
      });
      http = request(app.getHttpServer());
    });
    afterAll(() => app.close());

    it('a response the middleware ends itself carries them', async () => {
      const res = await http.get('/paths/guarded').set('Origin', APP).expect(429);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });

    it("the middleware's error carries them", async () => {
      const res = await http.get('/paths/throws').set('Origin', APP);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });

    it('a handler answering after it carries them', async () => {
      const res = await http.get('/paths').set('Origin', APP).expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });
  });
});

class BadRequest extends Error {
  readonly status = 400;
}
