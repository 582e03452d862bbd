import request from 'supertest';
import { CacheAppModule, handlerRuns, ORIGIN_A, ORIGIN_B } from '../fixtures/cache/app.module.js';
import { listen, PLATFORMS, type RunningApp } from '../helpers/listen.js';
import { findNginx, type RunningNginx, startNginx } from '../helpers/nginx.js';

/*
 * Cache safety behind a real shared cache: Debian's nginx with `proxy_cache`, started by the test
 * on loopback in front of the app, on both platforms.
 *
 * Why nginx and not Varnish: nginx honours `Vary` when caching. Since 1.7.7 ("now nginx takes
 * into account the Vary header line in a backend response while caching") it stores one variant
 * per value of the request headers that `Vary` names and serves a request only the variant that
 * matches it. Its limits, which this library stays within: a `Vary` value of at most 128
 * characters is cached (42 before 1.11.10; longer ones are not cached at all, which is safe), and
 * before 1.23.0 only the last of several `Vary` lines was used (the library writes one merged
 * line). `Vary: *` is never cached. The test below shows all of it with the installed version:
 * the control route, which reflects the Origin without `Vary`, does leak through this very cache,
 * and so does our route through a location with `proxy_ignore_headers Vary`.
 *
 * nginx is installed by `.ci/run` when missing. Outside CI the suite is skipped, with one line
 * saying so; with CI=true a missing nginx fails.
 */

const nginxBinary = findNginx();
const inCi = process.env.CI === 'true';

if (!nginxBinary) {
  if (inCi) {
    it('needs nginx (CI=true): install it with apt-get install nginx', () => {
      throw new Error('nginx not found (looked at $NGINX_BIN, /usr/sbin/nginx and the PATH)');
    });
  } else {
    process.stdout.write(
      'Skipping the nginx cache test: nginx is not installed (apt-get install nginx).\n',
    );
  }
}

// Same app, same nginx, but this location drops Vary from the cache's view: what a cache that
// ignores Vary (or an app that omits it) does to a per-origin answer.
const IGNORE_VARY_LOCATION = `
    location /ignore-vary/ {
      proxy_pass http://app/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache cors;
      proxy_ignore_headers Vary;
      add_header X-Cache-Status $upstream_cache_status always;
    }`;

let unique = 0;

(nginxBinary ? describe.each(PLATFORMS) : describe.skip.each(PLATFORMS))(
  'nginx proxy_cache in front of %s',
  (platform) => {
    let app: RunningApp;
    let nginx: RunningNginx;
    let http: ReturnType<typeof request>;

    beforeAll(async () => {
      app = await listen(CacheAppModule, platform);
      nginx = await startNginx(nginxBinary!, app.port, IGNORE_VARY_LOCATION);
      http = request(`http://127.0.0.1:${nginx.port}`);
    });
    afterAll(async () => {
      await nginx?.stop();
      await app?.close();
    });

    /** The cache statuses nginx logged for `url`, once it logged `count` requests. */
    async function cacheStatusesOf(url: string, count: number): Promise<string[]> {
      const deadline = Date.now() + 2000;
      for (;;) {
        const lines = nginx.accessLog().filter((line) => line.startsWith(`${url} `));
        if (lines.length >= count || Date.now() > deadline) {
          return lines.map((line) => line.slice(line.lastIndexOf('cache=') + 6));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    /** A URL no earlier request cached. */
    const fresh = (path: string) => `${path}?case=${platform}-${++unique}`;
    const get = (url: string, origin?: string) => {
      const req = http.get(url);
      return origin === undefined ? req : req.set('Origin', origin);
    };

    it('serves each origin its own Access-Control-Allow-Origin: A, then B, then no Origin', async () => {
      const url = fresh('/cached');
      const runs = handlerRuns.cached;

      const fromA = await get(url, ORIGIN_A).expect(200);
      expect(fromA.headers['x-cache-status']).toBe('MISS');
      expect(fromA.headers['access-control-allow-origin']).toBe(ORIGIN_A);
      expect(fromA.headers['vary']).toBe('Origin');

      const fromB = await get(url, ORIGIN_B).expect(200);
      expect(fromB.headers['x-cache-status']).toBe('MISS');
      expect(fromB.headers['access-control-allow-origin']).toBe(ORIGIN_B);

      const withoutOrigin = await get(url).expect(200);
      expect(withoutOrigin.headers['x-cache-status']).toBe('MISS');
      expect(withoutOrigin.headers['access-control-allow-origin']).toBeUndefined();

      // The cache is really in use: each variant is now served from it, still the right one.
      for (const [origin, expected] of [
        [ORIGIN_A, ORIGIN_A],
        [ORIGIN_B, ORIGIN_B],
        [undefined, undefined],
      ] as const) {
        const again = await get(url, origin).expect(200);
        expect(again.headers['x-cache-status']).toBe('HIT');
        expect(again.headers['access-control-allow-origin']).toBe(expected);
      }
      // A disallowed origin is a variant of its own: no header, first from the app, then cached.
      for (const status of ['MISS', 'HIT']) {
        const evil = await get(url, 'https://evil.example').expect(200);
        expect(evil.headers['x-cache-status']).toBe(status);
        expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      }
      // A, B, no Origin and the disallowed origin reached the handler; the repeats did not.
      expect(handlerRuns.cached - runs).toBe(4);
      // And nginx logged it so: the proxy really was in the path.
      const statuses = await cacheStatusesOf(url, 8);
      expect(statuses).toEqual(['MISS', 'MISS', 'MISS', 'HIT', 'HIT', 'HIT', 'MISS', 'HIT']);
    });

    it('keeps the no-Origin answer apart too (no Origin first, then A, then B)', async () => {
      const url = fresh('/cached');
      const first = await get(url).expect(200);
      expect(first.headers['access-control-allow-origin']).toBeUndefined();
      expect(first.headers['vary']).toBe('Origin');
      const fromA = await get(url, ORIGIN_A).expect(200);
      expect(fromA.headers['x-cache-status']).toBe('MISS');
      expect(fromA.headers['access-control-allow-origin']).toBe(ORIGIN_A);
      const fromB = await get(url, ORIGIN_B).expect(200);
      expect(fromB.headers['access-control-allow-origin']).toBe(ORIGIN_B);
      const noneAgain = await get(url).expect(200);
      expect(noneAgain.headers['x-cache-status']).toBe('HIT');
      expect(noneAgain.headers['access-control-allow-origin']).toBeUndefined();
    });

    it("shares one cached copy of a '*' answer, which is the same for everyone", async () => {
      const url = fresh('/public');
      const runs = handlerRuns.public;
      const fromA = await get(url, ORIGIN_A).expect(200);
      expect(fromA.headers['access-control-allow-origin']).toBe('*');
      expect(fromA.headers['vary']).toBeUndefined();
      const fromB = await get(url, ORIGIN_B).expect(200);
      expect(fromB.headers['x-cache-status']).toBe('HIT');
      expect(fromB.headers['access-control-allow-origin']).toBe('*');
      expect(handlerRuns.public - runs).toBe(1);
    });

    describe('controls: without Vary the same cache does leak (so the tests above can fail)', () => {
      it('a route that reflects the Origin without Vary serves A its answer to B', async () => {
        const url = fresh('/naive');
        const fromA = await get(url, ORIGIN_A).expect(200);
        expect(fromA.headers['access-control-allow-origin']).toBe(ORIGIN_A);
        expect(fromA.headers['vary']).toBeUndefined();
        const fromB = await get(url, ORIGIN_B).expect(200);
        expect(fromB.headers['x-cache-status']).toBe('HIT');
        expect(fromB.headers['access-control-allow-origin']).toBe(ORIGIN_A); // the leak
        const withoutOrigin = await get(url).expect(200);
        expect(withoutOrigin.headers['access-control-allow-origin']).toBe(ORIGIN_A);
      });

      it('our route through a location that ignores Vary serves A its answer to B', async () => {
        const url = fresh('/ignore-vary/cached');
        const fromA = await get(url, ORIGIN_A).expect(200);
        expect(fromA.headers['access-control-allow-origin']).toBe(ORIGIN_A);
        const fromB = await get(url, ORIGIN_B).expect(200);
        expect(fromB.headers['x-cache-status']).toBe('HIT');
        expect(fromB.headers['access-control-allow-origin']).toBe(ORIGIN_A); // the leak
      });
    });
  },
);
