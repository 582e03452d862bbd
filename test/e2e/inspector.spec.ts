import type { INestApplication } from '@nestjs/common';
import { VersioningType } from '@nestjs/common';
import {
  CorsConfigurationError,
  type CorsCheckRequest,
  CorsInspector,
  CorsPolicies,
  type CorsRouteReport,
} from '../../lib/index.js';
import { CapturingLogger } from '../helpers/capture-logger.js';
import {
  APP,
  FUNCTION_ORIGIN,
  InspectorAppModule,
  NEW_CUSTOMER,
  originFunctionCalls,
  PARTNER,
} from '../fixtures/inspector/app.module.js';
import { type Reply, type Served, serve } from '../fixtures/router-truth/http.js';
import { adapters, createApp } from './adapters.js';

const setup = (app: INestApplication) => {
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI });
};

const partners = {
  source: "policy 'partners' on OrdersController",
  origins: ['https://*.partner.example'],
  originFunction: false,
  credentials: true,
  methods: ['GET', 'POST'],
  allowedHeaders: 'requested',
  exposedHeaders: [],
  maxAge: 600,
} as const;
const global = {
  source: 'global',
  origins: [APP],
  originFunction: false,
  credentials: false,
  methods: 'routed',
  allowedHeaders: 'requested',
  exposedHeaders: [],
  maxAge: 600,
} as const;
const dynamic = {
  ...global,
  source: "policy 'dynamic' on WidgetsController",
  origins: [],
  originFunction: true,
} as const;

/** The fixture's report, written out: global prefix, URI versions and a RouterModule path. */
const EXPECTED_ROUTES: CorsRouteReport[] = [
  { method: 'GET', path: '/api/v1/orders', handler: 'OrdersController.list', policy: partners },
  { method: 'GET', path: '/api/v1/orders/:id', handler: 'OrdersController.find', policy: partners },
  {
    method: 'DELETE',
    path: '/api/v1/orders/:id',
    handler: 'OrdersController.remove',
    policy: {
      ...partners,
      source: 'OrdersController.remove',
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['content-type'],
    },
  },
  {
    method: 'POST',
    path: '/api/v1/orders/import',
    handler: 'OrdersController.import',
    policy: false,
  },
  {
    method: 'GET',
    path: '/api/v2/reports',
    handler: 'ReportsController.list',
    policy: {
      ...global,
      source: "policy 'reports' on ReportsController.list",
      origins: [APP, PARTNER, '/^https:\\/\\/pr-\\d+\\.preview\\.example$/'],
      exposedHeaders: ['x-report-id'],
      maxAge: 60,
    },
  },
  {
    method: 'PUT',
    path: '/api/v2/reports/:id',
    handler: 'ReportsController.replace',
    policy: global,
  },
  { method: 'GET', path: '/api/widgets', handler: 'WidgetsController.list', policy: dynamic },
  {
    method: 'POST',
    path: '/api/widgets',
    handler: 'WidgetsController.create',
    policy: { ...dynamic, source: 'WidgetsController.create', allowedHeaders: '*' },
  },
  { method: 'OPTIONS', path: '/api/widgets', handler: 'WidgetsController.options', policy: false },
  {
    method: 'GET',
    path: '/api/catalog',
    handler: 'CatalogController.list',
    policy: { ...global, source: "policy 'open' on CatalogController.list", origins: ['*'] },
  },
  {
    method: 'GET',
    path: '/api/admin/users/:id',
    handler: 'AdminUsersController.one',
    policy: { ...global, source: 'AdminUsersController.one', origins: ['*'] },
  },
];

/** What a browser (or cache) reads of a response: its CORS headers and `Vary`. */
function corsPartOf(headers: Reply['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
      .map(([name, value]) => [name, String(value)]),
  );
}

function headersOfRequest(request: CorsCheckRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  if (request.origin !== undefined) headers.origin = request.origin;
  if (request.requestMethod !== undefined)
    headers['access-control-request-method'] = request.requestMethod;
  if (request.requestHeaders?.length)
    headers['access-control-request-headers'] = request.requestHeaders.join(',');
  return headers;
}

/** A generated set of requests: every origin, path, method and requested header combination. */
function generatedRequests(): CorsCheckRequest[] {
  const origins = [
    APP,
    PARTNER,
    NEW_CUSTOMER,
    FUNCTION_ORIGIN,
    'https://pr-12.preview.example',
    'https://evil.example',
    undefined,
  ];
  const paths = [
    '/api/v1/orders',
    '/api/v1/orders/7',
    '/api/v1/orders/7?expand=1',
    '/api/v1/orders/import',
    '/api/v2/reports',
    '/api/v2/reports/3',
    '/api/v1/reports',
    '/api/widgets',
    '/api/admin/users/1',
    '/api/nothing',
  ];
  const requests: CorsCheckRequest[] = [];
  for (const origin of origins) {
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE'])
        requests.push({ method, path, origin });
      if (origin === undefined) continue;
      for (const requestMethod of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']) {
        for (const requestHeaders of [[], ['content-type'], ['authorization', 'x-trace']]) {
          requests.push({ method: 'OPTIONS', path, origin, requestMethod, requestHeaders });
        }
      }
    }
  }
  return requests;
}

describe.each(adapters)('CorsInspector and CorsPolicies on %s', (_name, makeAdapter) => {
  describe('routes()', () => {
    let app: INestApplication;
    beforeAll(async () => {
      app = await createApp(InspectorAppModule, makeAdapter, setup);
    });
    afterAll(() => app.close());

    it('lists every registered route and method with its effective policy, in registration order', () => {
      expect(app.get(CorsInspector).routes()).toEqual(EXPECTED_ROUTES);
    });
  });

  describe('debug: true', () => {
    it('logs the route table once at startup', async () => {
      const { CorsModule } = await import('../../lib/index.js');
      const { Module, Controller, Get } = await import('@nestjs/common');
      @Controller('things')
      class ThingsController {
        @Get() list() {
          return [];
        }
      }
      @Module({
        imports: [CorsModule.forRoot({ origin: APP, debug: true })],
        controllers: [ThingsController],
      })
      class DebugModule {}
      const logger = new CapturingLogger(['log', 'warn', 'error']);
      const { Test } = await import('@nestjs/testing');
      const moduleRef = await Test.createTestingModule({ imports: [DebugModule] }).compile();
      const app = moduleRef.createNestApplication(makeAdapter(), { logger });
      await app.init();
      await app.close();
      expect(logger.cors().map((entry) => entry.message)).toEqual([
        'CORS policy of 1 route:',
        `GET /things -> ThingsController.list: origins ${APP}, no credentials, methods as routed, headers requested, max-age 600 (global)`,
      ]);
    });
  });

  describe('check() against real HTTP answers', () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(InspectorAppModule, makeAdapter, setup);
    });
    afterAll(() => served.close());

    it('gives the status and CORS headers a real request gets, for a generated set of requests', async () => {
      const inspector = served.app.get(CorsInspector);
      const requests = generatedRequests();
      const disagreements: unknown[] = [];
      let preflightsAnswered = 0;
      let allowed = 0;
      for (const request of requests) {
        const [reply, result] = await Promise.all([
          served.send(request.method, request.path, headersOfRequest(request)),
          inspector.check(request),
        ]);
        expect(reply.status).toBeLessThan(500);
        const http = { headers: corsPartOf(reply.headers), status: reply.status };
        const checked = {
          headers: result.headers,
          status: result.status ?? http.status,
        };
        if (result.status !== undefined) preflightsAnswered++;
        if (result.allowed) allowed++;
        const browserAllows = 'access-control-allow-origin' in http.headers;
        if (JSON.stringify(http) !== JSON.stringify(checked) || browserAllows !== result.allowed) {
          disagreements.push({ request, http, result });
        }
      }
      expect(disagreements.slice(0, 5)).toEqual([]);
      // The set covers both answers, preflights and actual requests.
      expect(preflightsAnswered).toBeGreaterThan(300);
      expect(allowed).toBeGreaterThan(50);
      expect(requests.length - allowed).toBeGreaterThan(50);
    }, 120_000);

    it('names the handler, the reason and calls origin functions as a real request does', async () => {
      const inspector = served.app.get(CorsInspector);
      originFunctionCalls.length = 0;
      await expect(
        inspector.check({
          method: 'OPTIONS',
          path: '/api/v1/orders/7',
          origin: PARTNER,
          requestMethod: 'DELETE',
          requestHeaders: ['x-other'],
        }),
      ).resolves.toEqual({
        handler: 'OrdersController.remove',
        allowed: false,
        status: 403,
        headers: { vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' },
        reason: 'header x-other not allowed',
      });
      await expect(
        inspector.check({ method: 'GET', path: '/api/widgets', origin: FUNCTION_ORIGIN }),
      ).resolves.toEqual({
        handler: 'WidgetsController.list',
        allowed: true,
        headers: { vary: 'Origin', 'access-control-allow-origin': FUNCTION_ORIGIN },
      });
      expect(originFunctionCalls).toEqual([FUNCTION_ORIGIN]);
    });
  });

  describe('update()', () => {
    let served: Served;
    beforeEach(async () => {
      served = await serve(InspectorAppModule, makeAdapter, setup);
    });
    afterEach(() => served.close());

    const preflight = (path: string, origin: string, requestMethod = 'GET') =>
      served.send('OPTIONS', path, { origin, 'access-control-request-method': requestMethod });

    it('switches every route built on the named policy, keeping handler fields on top', async () => {
      const policies = served.app.get(CorsPolicies);
      expect((await preflight('/api/v1/orders', NEW_CUSTOMER)).status).toBe(403);

      await policies.update('partners', { origin: ['https://*.partner.example', NEW_CUSTOMER] });

      expect(policies.get('partners')).toEqual({
        origin: ['https://*.partner.example', NEW_CUSTOMER],
        credentials: true,
        methods: ['GET', 'POST'],
      });
      const list = await preflight('/api/v1/orders', NEW_CUSTOMER);
      expect(list.status).toBe(204);
      expect(list.headers['access-control-allow-credentials']).toBe('true');
      // The handler's own methods and headers stay on top of the new origins.
      const remove = await served.send('OPTIONS', '/api/v1/orders/7', {
        origin: NEW_CUSTOMER,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'content-type',
      });
      expect(remove.status).toBe(204);
      expect(remove.headers['access-control-allow-headers']).toBe('content-type');
      // Routes that do not use it are untouched, and disabled ones stay disabled.
      expect((await preflight('/api/v2/reports', NEW_CUSTOMER)).status).toBe(403);
      expect((await preflight('/api/v1/orders/import', NEW_CUSTOMER, 'POST')).status).toBe(403);

      // A named policy on one handler of an undecorated controller: that handler alone.
      await policies.update('reports', { maxAge: 90 });
      const reports = await preflight('/api/v2/reports', PARTNER);
      expect(reports.headers['access-control-max-age']).toBe('90');
      const replace = await preflight('/api/v2/reports/3', APP, 'PUT');
      expect(replace.headers['access-control-max-age']).toBe('600');

      const routes = served.app.get(CorsInspector).routes();
      const origins = Object.fromEntries(
        routes.map((route) => [
          `${route.method} ${route.path}`,
          route.policy && route.policy.origins,
        ]),
      );
      expect(origins).toEqual({
        ...Object.fromEntries(
          EXPECTED_ROUTES.map((route) => [
            `${route.method} ${route.path}`,
            route.policy && route.policy.origins,
          ]),
        ),
        // Exact origins first, then patterns.
        'GET /api/v1/orders': [NEW_CUSTOMER, 'https://*.partner.example'],
        'GET /api/v1/orders/:id': [NEW_CUSTOMER, 'https://*.partner.example'],
        'DELETE /api/v1/orders/:id': [NEW_CUSTOMER, 'https://*.partner.example'],
      });
    });

    it('updateDefaults() switches the routes built on the defaults alone', async () => {
      const policies = served.app.get(CorsPolicies);
      await policies.updateDefaults({ origin: [APP, NEW_CUSTOMER], maxAge: 120 });
      expect(policies.getDefaults()).toEqual({ origin: [APP, NEW_CUSTOMER], maxAge: 120 });
      const replace = await preflight('/api/v2/reports/3', NEW_CUSTOMER, 'PUT');
      expect(replace.status).toBe(204);
      expect(replace.headers['access-control-max-age']).toBe('120');
      // A named policy's own fields beat the defaults; the ones it leaves out are inherited.
      const reports = await preflight('/api/v2/reports', PARTNER);
      expect(reports.headers['access-control-max-age']).toBe('60');
      expect((await preflight('/api/v2/reports', NEW_CUSTOMER)).status).toBe(403);
      const orders = await preflight('/api/v1/orders', PARTNER);
      expect(orders.headers['access-control-max-age']).toBe('120');
    });

    it("keeps Origin in a handler's own Vary once an update makes the answer depend on it", async () => {
      const before = await served.send('GET', '/api/catalog', { origin: PARTNER });
      expect(before.headers['access-control-allow-origin']).toBe('*');
      await served.app.get(CorsPolicies).update('open', { origin: [APP] });
      const denied = await served.send('GET', '/api/catalog', { origin: PARTNER });
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await served.send('GET', '/api/catalog', { origin: APP });
      expect(allowed.headers['access-control-allow-origin']).toBe(APP);
      for (const reply of [denied, allowed]) {
        expect(reply.headers.vary).toBe('Accept-Language, Origin');
      }
    });

    it('refuses an invalid update with every issue, and changes nothing', async () => {
      const policies = served.app.get(CorsPolicies);
      const inspector = served.app.get(CorsInspector);
      const before = await preflight('/api/v1/orders', PARTNER);

      const error = await policies
        .update('partners', { origin: ['https://*.com', NEW_CUSTOMER], maxAge: -1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorsConfigurationError);
      expect((error as CorsConfigurationError).issues.map((issue) => issue.code)).toEqual([
        'wildcard-over-public-suffix',
        'out-of-range',
      ]);
      // A decorator built on the policy is checked with it, as at startup.
      const combined = await policies
        .update('dynamic', { credentials: true })
        .catch((e: unknown) => e);
      expect((combined as CorsConfigurationError).issues).toEqual([
        expect.objectContaining({
          path: 'WidgetsController.create',
          code: 'credentials-with-wildcard',
        }),
      ]);
      const unknown = await policies.update('nope', {}).catch((e: unknown) => e);
      expect((unknown as CorsConfigurationError).issues.map((issue) => issue.code)).toEqual([
        'unknown-policy',
      ]);
      const defaults = await policies
        .updateDefaults({ origin: 'null', policies: {} } as never)
        .catch((e: unknown) => e);
      expect((defaults as CorsConfigurationError).issues.map((issue) => issue.code)).toEqual([
        'unknown-option',
        'origin-null',
      ]);

      expect(inspector.routes()).toEqual(EXPECTED_ROUTES);
      expect(policies.get('partners')).toEqual({
        origin: ['https://*.partner.example'],
        credentials: true,
        methods: ['GET', 'POST'],
      });
      const after = await preflight('/api/v1/orders', PARTNER);
      expect({ status: after.status, headers: corsPartOf(after.headers) }).toEqual({
        status: before.status,
        headers: corsPartOf(before.headers),
      });
      expect((await preflight('/api/v1/orders', NEW_CUSTOMER)).status).toBe(403);
    });

    it('under load, every response is wholly the old or the new policy, never a mix or a 500', async () => {
      const policies = served.app.get(CorsPolicies);
      // A: subdomains by an async origin function (a decision that spans updates), with
      // credentials; B: another origin, no credentials, an exposed header, another max-age.
      // Any mix of the two (A's verdict with B's headers...) matches neither answer.
      const a = {
        origin: async (origin: string) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return origin.endsWith('.partner.example');
        },
        credentials: true,
        exposedHeaders: undefined,
        maxAge: 100,
      };
      const b = {
        origin: [NEW_CUSTOMER],
        credentials: false,
        exposedHeaders: ['x-b'],
        maxAge: 30,
      };
      const allowedUnder = (policy: 'a' | 'b', origin: string) =>
        policy === 'a' ? origin === PARTNER : origin === NEW_CUSTOMER;
      const actualUnder = (policy: 'a' | 'b', origin: string): Record<string, string> => {
        if (!allowedUnder(policy, origin)) return { vary: 'Origin' };
        if (policy === 'a') {
          return {
            vary: 'Origin',
            'access-control-allow-origin': origin,
            'access-control-allow-credentials': 'true',
          };
        }
        return {
          vary: 'Origin',
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'x-b',
        };
      };
      const preflightUnder = (policy: 'a' | 'b', origin: string) => {
        const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
        const allowed = allowedUnder(policy, origin);
        if (!allowed) return { status: 403, headers: { vary } };
        return {
          status: 204,
          headers: {
            vary,
            'access-control-allow-origin': origin,
            ...(policy === 'a' ? { 'access-control-allow-credentials': 'true' } : {}),
            'access-control-allow-methods': 'GET',
            'access-control-max-age': policy === 'a' ? '100' : '30',
          },
        };
      };
      await policies.update('partners', a);

      const checks: Promise<string | undefined>[] = [];
      const seen = new Set<string>();
      const fire = (origin: string, kind: 'actual' | 'preflight') =>
        (kind === 'actual'
          ? served.send('GET', '/api/v1/orders/7', { origin })
          : preflight('/api/v1/orders/7', origin)
        ).then((reply) => {
          if (reply.status >= 500) return `${reply.status} for ${kind} from ${origin}`;
          const got =
            kind === 'actual'
              ? JSON.stringify(corsPartOf(reply.headers))
              : JSON.stringify({ status: reply.status, headers: corsPartOf(reply.headers) });
          const options = (['a', 'b'] as const).map((policy) =>
            JSON.stringify(
              kind === 'actual' ? actualUnder(policy, origin) : preflightUnder(policy, origin),
            ),
          );
          const which = options.indexOf(got);
          if (which === -1) return `mixed answer to ${kind} from ${origin}: ${got}`;
          seen.add(`${kind} ${origin} ${which}`);
          return undefined;
        });
      // Requests from several origins in flight (the client keeps 8 connections busy) while
      // the policy switches back and forth every 2 ms.
      for (let round = 0; round < 60; round++) {
        for (const origin of [PARTNER, NEW_CUSTOMER, APP]) {
          checks.push(fire(origin, 'actual'), fire(origin, 'preflight'));
        }
      }
      let settled = false;
      const all = Promise.all(checks).finally(() => (settled = true));
      let updates = 0;
      while (!settled) {
        await policies.update('partners', updates++ % 2 === 0 ? b : a);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(updates).toBeGreaterThan(10);
      const problems = (await all).filter((problem) => problem !== undefined);
      expect(problems).toEqual([]);
      // Both policies answered requests while the updates ran.
      expect(seen).toContain(`actual ${PARTNER} 0`);
      expect(seen).toContain(`actual ${PARTNER} 1`);
      expect(seen).toContain(`preflight ${NEW_CUSTOMER} 1`);
    }, 60_000);
  });
});
