import { DEMO_BEARER_TOKEN } from '../items/bearer-token.guard.js';
import type { DemoOrigins, SampleCorsOrigins } from '../sample-config.js';

/** Which of the demo's origins a scenario's request is sent from. */
export type OriginRole = keyof DemoOrigins;

export interface DemoRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path on the API. The page adds `?exchange=<tag>` so the server's log can be matched to the row. */
  path: string;
  headers?: Record<string, string>;
  /** JSON text. */
  body?: string;
  credentials?: 'omit' | 'same-origin' | 'include';
}

/** What the browser should do. The page compares it with what the browser did. */
export interface DemoExpectation {
  /** `response`: `fetch` resolved; `blocked`: `fetch` rejected (a CORS failure). */
  outcome: 'response' | 'blocked';
  status?: number;
  /** Response headers the page must be able to read with `response.headers.get()`. */
  readable?: string[];
  /** Response headers the server sends that the page must not be able to read. */
  unreadable?: string[];
  bodyIncludes?: string;
  /** How many preflights (OPTIONS) of this row reached the server, over all its repeats. */
  preflights?: number;
}

export interface DemoScenario {
  id: string;
  name: string;
  /** The policy that applies, as written in the sample's code. */
  policy: string;
  from: OriginRole;
  request: DemoRequest;
  /** Sends the same request this many times, one after the other. Default 1. */
  repeat?: number;
  expect: DemoExpectation;
}

const JSON_BODY = { 'Content-Type': 'application/json' };
const BEARER = { Authorization: `Bearer ${DEMO_BEARER_TOKEN}` };

/**
 * Every scenario of the demo page, in the order it runs (the session rows depend on it).
 * The policy texts quote the sample's code (sample/app.module.ts and the controllers).
 */
export function demoScenarios(cors: SampleCorsOrigins): DemoScenario[] {
  const moduleDefaults = `CorsModule.forRoot({ origin: '${cors.app}', exposedHeaders: ['X-Request-Id'] })`;
  const partners = `@CorsPolicy('partners')\n  partners: { origin: '${cors.partnerPattern}', exposedHeaders: ['X-Partner-Quota'] }`;
  const items = `@CorsPolicy({ allowedHeaders: ['Content-Type', 'Authorization'] })  + module defaults\n@UseGuards(BearerTokenGuard)`;
  const session = `@CorsPolicy({ credentials: true })  + origin '${cors.app}' from the module`;
  return [
    {
      id: 'default-allowed',
      name: 'Module defaults: the allowed origin reads the response',
      policy: `${moduleDefaults}\n(no decorator on CatalogController)`,
      from: 'app',
      request: { method: 'GET', path: '/catalog' },
      expect: {
        outcome: 'response',
        status: 200,
        readable: ['X-Request-Id'],
        unreadable: ['X-Backend-Node'],
      },
    },
    {
      id: 'default-other-origin',
      name: 'Module defaults: any other origin is blocked',
      policy: moduleDefaults,
      from: 'outsider',
      request: { method: 'GET', path: '/catalog' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'put-preflighted',
      name: 'Preflighted PUT with a JSON body and Authorization',
      policy: items,
      from: 'app',
      request: {
        method: 'PUT',
        path: '/items/42',
        headers: { ...JSON_BODY, ...BEARER },
        body: JSON.stringify({ name: 'Oolong', price: 7 }),
      },
      expect: { outcome: 'response', status: 200, bodyIncludes: '"id":"42"', preflights: 1 },
    },
    {
      id: 'put-outsider',
      name: 'Preflighted PUT from another origin: the PUT is never sent',
      policy: items,
      from: 'outsider',
      request: {
        method: 'PUT',
        path: '/items/42',
        headers: { ...JSON_BODY, ...BEARER },
        body: JSON.stringify({ name: 'Oolong' }),
      },
      expect: { outcome: 'blocked', preflights: 1 },
    },
    {
      id: 'guard-401',
      name: 'A guard rejects: the page sees 401, not a network error',
      policy: items,
      from: 'app',
      request: {
        method: 'PUT',
        path: '/items/42',
        headers: { ...JSON_BODY, Authorization: 'Bearer wrong-token' },
        body: JSON.stringify({ name: 'Oolong' }),
      },
      expect: { outcome: 'response', status: 401, preflights: 1 },
    },
    {
      id: 'delete-preflighted',
      name: 'Preflighted DELETE',
      policy: items,
      from: 'app',
      request: { method: 'DELETE', path: '/items/42', headers: BEARER },
      expect: { outcome: 'response', status: 204, preflights: 1 },
    },
    {
      id: 'preflight-cache',
      name: 'The same PUT twice within maxAge (600 s): one preflight',
      policy: `${items}\n(default maxAge: 600 s)`,
      from: 'app',
      request: {
        method: 'PUT',
        path: '/items/7',
        headers: { ...JSON_BODY, ...BEARER },
        body: JSON.stringify({ name: 'Sencha' }),
      },
      repeat: 2,
      expect: { outcome: 'response', status: 200, preflights: 1 },
    },
    {
      id: 'pattern-partner',
      name: 'Subdomain pattern: a partner subdomain',
      policy: partners,
      from: 'partner',
      request: { method: 'GET', path: '/partners/catalog' },
      expect: { outcome: 'response', status: 200, readable: ['X-Partner-Quota'] },
    },
    {
      id: 'pattern-lookalike',
      name: 'Subdomain pattern: a look-alike domain is blocked',
      policy: partners,
      from: 'partnerLookalike',
      request: { method: 'GET', path: '/partners/catalog' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'controller-policy-app',
      name: "Controller policy: the app's origin is not a partner",
      policy: partners,
      from: 'app',
      request: { method: 'GET', path: '/partners/catalog' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'handler-override',
      name: "Handler override allows what its controller doesn't (and inherits the rest)",
      policy: `${partners}\n@Get('announcements') @CorsPolicy({ origin: '*' })`,
      from: 'app',
      request: { method: 'GET', path: '/partners/announcements' },
      expect: { outcome: 'response', status: 200, readable: ['X-Partner-Quota'] },
    },
    {
      id: 'wildcard-no-credentials',
      name: "'*' never goes with credentials: the same call with credentials is blocked",
      policy: `@Get('announcements') @CorsPolicy({ origin: '*' })`,
      from: 'app',
      request: { method: 'GET', path: '/partners/announcements', credentials: 'include' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'cors-false-contrast',
      name: 'Module defaults on a sibling route: allowed',
      policy: `@Get('summary')  (module defaults)`,
      from: 'app',
      request: { method: 'GET', path: '/reports/summary' },
      expect: { outcome: 'response', status: 200 },
    },
    {
      id: 'cors-false',
      name: '@CorsPolicy(false) blocks even the globally allowed origin',
      policy: `@Get('export') @CorsPolicy(false)`,
      from: 'app',
      request: { method: 'GET', path: '/reports/export' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'async-origin-registered',
      name: 'Async origin function: a registered site',
      policy: `@CorsPolicy('registered-sites')\n  'registered-sites': { origin: (origin) => siteRegistry.isRegistered(origin) }`,
      from: 'partner',
      request: { method: 'GET', path: '/widgets/config' },
      expect: { outcome: 'response', status: 200 },
    },
    {
      id: 'async-origin-unregistered',
      name: 'Async origin function: an unregistered site is blocked',
      policy: `@CorsPolicy('registered-sites')`,
      from: 'outsider',
      request: { method: 'GET', path: '/widgets/config' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'session-sign-in',
      name: 'Cookie session: POST /session sets an HttpOnly SameSite=Lax cookie',
      policy: session,
      from: 'app',
      request: {
        method: 'POST',
        path: '/session',
        headers: JSON_BODY,
        body: JSON.stringify({ user: 'ada' }),
        credentials: 'include',
      },
      expect: { outcome: 'response', status: 201, bodyIncludes: '"user":"ada"', preflights: 1 },
    },
    {
      id: 'session-me',
      name: "Cookie session: GET /session/me with credentials: 'include' sends the cookie",
      policy: `${session}\n@UseGuards(SessionGuard)`,
      from: 'app',
      request: { method: 'GET', path: '/session/me', credentials: 'include' },
      expect: { outcome: 'response', status: 200, bodyIncludes: '"user":"ada"' },
    },
    {
      id: 'session-me-no-credentials',
      name: "Cookie session: without credentials: 'include' no cookie is sent (401)",
      policy: `${session}\n@UseGuards(SessionGuard)`,
      from: 'app',
      request: { method: 'GET', path: '/session/me' },
      expect: { outcome: 'response', status: 401 },
    },
    {
      id: 'credentials-not-allowed',
      name: "credentials: 'include' where the policy doesn't allow credentials is blocked",
      policy: `${moduleDefaults}  (credentials: false)`,
      from: 'app',
      request: { method: 'GET', path: '/catalog', credentials: 'include' },
      expect: { outcome: 'blocked' },
    },
    {
      id: 'session-sign-out',
      name: 'Cookie session: DELETE /session signs out (preflighted)',
      policy: session,
      from: 'app',
      request: { method: 'DELETE', path: '/session', credentials: 'include' },
      expect: { outcome: 'response', status: 204, preflights: 1 },
    },
    {
      id: 'session-me-after-sign-out',
      name: 'Cookie session: after signing out, GET /session/me is 401',
      policy: `${session}\n@UseGuards(SessionGuard)`,
      from: 'app',
      request: { method: 'GET', path: '/session/me', credentials: 'include' },
      expect: { outcome: 'response', status: 401 },
    },
  ];
}
