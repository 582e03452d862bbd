import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { INestApplication } from '@nestjs/common';
import {
  ADMIN_HOST,
  addPlatformRoute,
  APP,
  catchAllModule,
  CREDENTIALED_SHAPE,
  EVIL,
  HostBoundModule,
  ItemsOrSlugModule,
  OFF,
  OpenModule,
  type PolicyShape,
  RegexParamModule,
  restFirstModule,
  SemicolonModule,
  StaticSegmentModule,
  ThingsModule,
  WILDCARD,
} from '../fixtures/router-truth/app.module.js';
import {
  expectActual,
  expectPreflight,
  preflightHeaders,
  type Reply,
  type Served,
  serve,
} from '../fixtures/router-truth/http.js';
import { adapters, createApp } from './adapters.js';

/**
 * Issue 8's table, row by row: every CORS answer belongs to the handler the platform's router
 * really runs. Each handler returns its own name; the test reads it from the body and asserts
 * the CORS headers of that handler's policy, so a row holds whichever handler a platform picks.
 */

/** The policy of each handler of these fixtures, by the name its body carries. */
const POLICIES: Readonly<Record<string, PolicyShape>> = {
  items: OFF,
  slug: CREDENTIALED_SHAPE,
  settings: CREDENTIALED_SHAPE,
  page: OFF,
  rest: OFF,
  list: CREDENTIALED_SHAPE,
  byId: OFF,
  removeById: OFF,
  byName: CREDENTIALED_SHAPE,
  removeByName: CREDENTIALED_SHAPE,
  catchAll: CREDENTIALED_SHAPE,
  adminItems: CREDENTIALED_SHAPE,
};

function policyOf(reply: Reply): PolicyShape {
  expect(reply.status).toBe(200);
  expect(Object.keys(POLICIES)).toContain(reply.body);
  return POLICIES[reply.body];
}

/**
 * Sends the actual request and its preflight from EVIL (allowed by the credentialed policy
 * only) and asserts both against the policy of the handler the actual request reached.
 */
async function expectRouterTruth(
  served: Served,
  target: string,
  method = 'GET',
  extra: Record<string, string> = {},
): Promise<string> {
  const actual = await served.send(method, target, { origin: EVIL, ...extra });
  const shape = policyOf(actual);
  expectActual(actual, shape, EVIL, `${method} ${target} ran ${actual.body}`);
  const preflight = await served.send('OPTIONS', target, {
    ...preflightHeaders(EVIL, method),
    ...extra,
  });
  expectPreflight(preflight, shape, EVIL, `preflight ${method} ${target} (${actual.body})`);
  return actual.body;
}

const fastifyWith = (routerOptions: Record<string, unknown>) => () =>
  new FastifyAdapter({ routerOptions });

describe.each(adapters)('router truth on %s', (platform, makeAdapter) => {
  describe('percent-encoded unreserved characters (`/it%65ms`, `/%69tems` vs `:slug`)', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(ItemsOrSlugModule, makeAdapter);
    });
    afterAll(() => served.close());

    it.each(['/it%65ms', '/%69tems', '/items', '/%69%74%65%6D%73', '/other'])(
      'GET %s gets the policy of the handler that ran',
      async (target) => {
        const ran = await expectRouterTruth(served, target);
        // The two routers decode differently: find-my-way decodes before matching.
        if (target === '/items' || platform === 'fastify') {
          expect(ran).toBe(target === '/other' ? 'slug' : 'items');
        }
      },
    );
    it('GET / (an empty `:slug`, which Nest answers as not found) gets no CORS header', async () => {
      // find-my-way matches `/:slug` with an empty slug; Nest's Fastify adapter then sends the
      // request to the not-found handler, as Express's router would never match it.
      const actual = await served.send('GET', '/', { origin: EVIL });
      expect(actual.status).toBe(404);
      expectActual(actual, null, EVIL, 'GET / reached no handler');
      const preflight = await served.send('OPTIONS', '/', preflightHeaders(EVIL, 'GET'));
      expectPreflight(preflight, 'refused', EVIL, 'preflight GET / (no handler)');
    });
  });

  describe('static segment precedence (`admin/:page` off vs earlier `:org/settings`)', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(StaticSegmentModule, makeAdapter);
    });
    afterAll(() => served.close());

    it('GET /admin/settings gets the policy of the handler that ran', async () => {
      const ran = await expectRouterTruth(served, '/admin/settings');
      // Fastify: the static segment wins; Express: the first registered route matching wins.
      expect(ran).toBe(platform === 'fastify' ? 'page' : 'settings');
    });

    it('GET /acme/settings and /admin/overview reach their own handlers', async () => {
      expect(await expectRouterTruth(served, '/acme/settings')).toBe('settings');
      expect(await expectRouterTruth(served, '/admin/overview')).toBe('page');
    });
  });

  describe('a wildcard (`{*rest}`) registered before `@Get()` on the same controller path', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(restFirstModule(WILDCARD[platform]), makeAdapter);
    });
    afterAll(() => served.close());

    it.each(['/items/', '/items', '/items/x', '/items/x/y'])(
      'GET %s gets the policy of the handler that ran',
      async (target) => {
        const ran = await expectRouterTruth(served, target);
        if (platform === 'express' && target === '/items/') expect(ran).toBe('rest');
      },
    );
  });

  describe('a route registered on the platform beside a credentialed catch-all', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(catchAllModule(WILDCARD[platform]), makeAdapter, (app) =>
        addPlatformRoute(app, '/internal/metrics', 'metrics'),
      );
    });
    afterAll(() => served.close());

    it('GET /internal/metrics gets no CORS header', async () => {
      const actual = await served.send('GET', '/internal/metrics', { origin: EVIL });
      expect(actual.status).toBe(200);
      expect(actual.body).toBe('metrics');
      expectActual(actual, null, EVIL);
    });

    it('the preflight of /internal/metrics is passed on untouched', async () => {
      const preflight = await served.send(
        'OPTIONS',
        '/internal/metrics',
        preflightHeaders(EVIL, 'GET'),
      );
      expectPreflight(preflight, 'passed-on', EVIL);
    });

    it('the catch-all still answers with its credentialed policy elsewhere', async () => {
      expect(await expectRouterTruth(served, '/internal/other')).toBe('catchAll');
    });
  });

  describe('a host-bound controller beside a CORS-off `:slug`', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(HostBoundModule, makeAdapter);
    });
    afterAll(() => served.close());

    it('GET /items reaches the handler of its host, with its policy', async () => {
      const admin = await served.send('GET', '/items', { origin: EVIL, host: ADMIN_HOST });
      expect(admin.body).toBe('adminItems');
      expectActual(admin, CREDENTIALED_SHAPE, EVIL);
    });

    it('GET /items with another Host gets the policy of what answers it', async () => {
      const other = await served.send('GET', '/items', { origin: EVIL, host: 'other.test' });
      if (platform === 'express') {
        // Nest's host filter passes the request on to the next route, `:slug`.
        expect(other.body).toBe('slug');
      } else {
        // Fastify has no `next`: Nest's host filter answers 404 as if no route matched.
        expect(other.status).toBe(404);
      }
      expectActual(other, OFF, EVIL);
    });

    it('OPTIONS /items with another Host: refused on Express, the route answers on Fastify', async () => {
      const preflight = await served.send('OPTIONS', '/items', {
        ...preflightHeaders(EVIL, 'GET'),
        host: 'other.test',
      });
      // Express: the host filter passes the request on to the CORS-off `:slug`, which a
      // preflight cannot rule out. Fastify: the router runs `adminItems`'s route for any host,
      // and for another host it answers 404 itself, its handler never running (and its 404
      // carries no CORS header, above): the route's policy answers the preflight.
      expectPreflight(preflight, platform === 'fastify' ? CREDENTIALED_SHAPE : 'refused', EVIL);
    });

    it('OPTIONS /items with the bound Host: its handler on Fastify, refused on Express', async () => {
      const preflight = await served.send('OPTIONS', '/items', {
        ...preflightHeaders(EVIL, 'GET'),
        host: ADMIN_HOST,
      });
      // On Express the host filter passes requests on to `:slug`, which a preflight cannot
      // rule out: refused. On Fastify the bound host reaches `adminItems` alone.
      expectPreflight(preflight, platform === 'fastify' ? CREDENTIALED_SHAPE : 'refused', EVIL);
    });
  });

  describe("`origin: '*'` answers everyone alike", () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(OpenModule, makeAdapter);
    });
    afterAll(() => served.close());

    it.each([
      ['no Origin', undefined],
      ['Origin: null', 'null'],
      ['a malformed Origin', 'not a url'],
      ['an origin', APP],
    ])('with %s: `*` and no `Vary: Origin`', async (_label, origin) => {
      const reply = await served.send('GET', '/open', origin === undefined ? {} : { origin });
      expect(reply.body).toBe('open');
      expect(reply.headers['access-control-allow-origin']).toBe('*');
      expect(reply.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(reply.headers.vary ?? '').toLowerCase()).not.toContain('origin');
    });
  });

  describe('startup fails when route capture misses routes', () => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close().catch(() => undefined);
      app = undefined;
    });

    const ownProperties = (methods: string[]) => (nest: INestApplication) => {
      app = nest;
      const adapter = nest.getHttpAdapter() as unknown as Record<string, Function>;
      // An own property is what another registration path looks like: capture leaves it be.
      for (const method of methods) adapter[method] = adapter[method].bind(adapter);
    };

    it('refuses to start when it sees no route registered', async () => {
      const methods = ['get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'all'];
      await expect(createApp(ThingsModule, makeAdapter, ownProperties(methods))).rejects.toThrow(
        /ThingsController\.list was never seen registered.*ThingsController\.create was never seen registered/,
      );
    });

    it('refuses to start when it misses one method, and names it alone', async () => {
      const failure = createApp(ThingsModule, makeAdapter, ownProperties(['post']));
      await expect(failure).rejects.toThrow(/ThingsController\.create was never seen registered/);
      await expect(failure).rejects.not.toThrow(/ThingsController\.list/);
    });
  });
});

describe('router truth on fastify only', () => {
  describe('`routerOptions.useSemicolonDelimiter: true`', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(SemicolonModule, fastifyWith({ useSemicolonDelimiter: true }));
    });
    afterAll(() => served.close());

    it.each(['/api/items;a=b', '/api/items', '/api/other;a=b', '/api/items;'])(
      'GET %s gets the policy of the handler that ran',
      async (target) => {
        const ran = await expectRouterTruth(served, target);
        expect(ran).toBe(target.startsWith('/api/items') ? 'items' : 'slug');
      },
    );
  });

  describe('a regular-expression parameter `:id(^\\d+$)` off beside `:name` credentialed', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(RegexParamModule, () => new FastifyAdapter());
    });
    afterAll(() => served.close());

    it('OPTIONS /users/42 for DELETE is refused: DELETE would run the CORS-off `:id`', async () => {
      const actual = await served.send('DELETE', '/users/42', { origin: EVIL });
      expect(actual.body).toBe('removeById');
      expect(await expectRouterTruth(served, '/users/42', 'DELETE')).toBe('removeById');
    });

    it.each([
      ['/users/42', 'GET', 'byId'],
      ['/users/bob', 'GET', 'byName'],
      ['/users/bob', 'DELETE', 'removeByName'],
      ['/users/4%32', 'DELETE', 'removeById'],
    ])('%s for %s reaches %s, with its policy', async (target, method, handler) => {
      expect(await expectRouterTruth(served, target, method)).toBe(handler);
    });
  });
});
