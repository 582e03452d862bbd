// The browser is the judge: every test sends real fetch() calls from pages on real origins and
// asserts what Chromium let the page see. Runs against the sample app on Express and on Fastify.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSampleApi, type RunningSampleApi } from '../../sample/bootstrap.js';
import { startDemoServer, type RunningDemoServer } from '../../sample/demo/demo-server.js';
import { demoScenarios } from '../../sample/demo/scenarios.js';
import { DEMO_BEARER_TOKEN } from '../../sample/items/bearer-token.guard.js';
import {
  corsOriginsForDemo,
  localDemoOrigins,
  type SampleAdapter,
  type SampleCorsOrigins,
} from '../../sample/sample-config.js';
import { browserFetch, type BrowserFetchResult, type FetchInit } from './support/browser-fetch.js';
import { chromiumAvailability, launchChromium } from './support/chromium.js';
import { startPageServer, type PageServer } from './support/page-server.js';

const availability = chromiumAvailability();
if (!availability.run) process.stderr.write(availability.skipNotice);
const describeInChromium = availability.run ? describe : describe.skip;

const ADAPTERS: SampleAdapter[] = ['express', 'fastify'];
const JSON_BODY = { 'Content-Type': 'application/json' };
const BEARER = { Authorization: `Bearer ${DEMO_BEARER_TOKEN}` };
// The README's screenshot is refreshed on demand (UPDATE_SCREENSHOT=1 npm test); other runs
// save theirs under .tmp/, so a test run leaves the tree clean.
const SCREENSHOT = new URL(
  process.env.UPDATE_SCREENSHOT === '1' ? '../../docs/demo.png' : '../../.tmp/demo.png',
  import.meta.url,
);

let nextTag = 0;
/** A fresh `?exchange=` tag, so each test finds its own requests in the server's log. */
const newTag = (label: string) => `${label}-${nextTag++}`;

describeInChromium('CORS in Chromium', () => {
  let browser: Browser;
  let pageServer: PageServer;

  beforeAll(async () => {
    browser = await launchChromium();
    pageServer = await startPageServer();
  });

  afterAll(async () => {
    await browser?.close();
    await pageServer?.close();
  });

  beforeEach(() => {
    expect.hasAssertions();
  });

  /** Page origins, all on the page server's port. */
  const at = (host: string) => `http://${host}:${pageServer.port}`;

  describe.each(ADAPTERS)('the sample API on %s', (adapter) => {
    let api: RunningSampleApi;
    let context: BrowserContext;
    const pages = new Map<string, Page>();
    let origins: { app: string; partner: string; outsider: string };

    beforeAll(async () => {
      origins = {
        app: at('app.site.test'),
        partner: at('shop.partner.test'),
        outsider: at('evil.test'),
      };
      const cors: SampleCorsOrigins = {
        app: origins.app,
        partnerPattern: `http://*.partner.test:${pageServer.port}`,
        registeredSites: [origins.app, origins.partner],
      };
      api = await startSampleApi({ adapter, origins: cors, host: '127.0.0.1', logger: false });
      // Its own cookie jar and preflight cache.
      context = await browser.newContext();
    });

    afterAll(async () => {
      await context?.close();
      await api?.close();
    });

    /** A page on `origin`, opened once per adapter. */
    async function pageAt(origin: string): Promise<Page> {
      let page = pages.get(origin);
      if (!page) {
        page = await context.newPage();
        await page.goto(`${origin}/`);
        pages.set(origin, page);
      }
      return page;
    }

    /** The API is on a host of its own: same site as app.site.test, cross-site to the others. */
    const apiUrl = (path: string) => `http://api.site.test:${api.port}${path}`;

    async function fetchFrom(
      origin: string,
      path: string,
      init?: FetchInit,
      readHeaders?: string[],
    ): Promise<BrowserFetchResult> {
      return browserFetch(await pageAt(origin), apiUrl(path), init, readHeaders);
    }

    /** The methods of the requests with this tag that reached the server, in order. */
    const methodsSeen = (tag: string) => api.exchanges.withTag(tag).map((e) => e.method);

    describe('simple requests', () => {
      it('a GET from the allowed origin is readable', async () => {
        const result = await fetchFrom(origins.app, '/catalog');
        expect(result).toMatchObject({ outcome: 'response', status: 200 });
        expect(result.outcome === 'response' && JSON.parse(result.body)).toHaveLength(2);
      });

      it('a GET from a disallowed origin is blocked, although the server handled it', async () => {
        const tag = newTag('disallowed-get');
        const result = await fetchFrom(origins.outsider, `/catalog?exchange=${tag}`);
        expect(result.outcome).toBe('blocked');
        // CORS is not authorization: the request ran; only the page may not read the answer.
        expect(api.exchanges.withTag(tag)).toMatchObject([{ method: 'GET', status: 200 }]);
      });
    });

    describe('preflighted requests', () => {
      it('a PUT with a JSON body and Authorization is preflighted, then sent', async () => {
        const tag = newTag('put');
        const result = await fetchFrom(origins.app, `/items/42?exchange=${tag}`, {
          method: 'PUT',
          headers: { ...JSON_BODY, ...BEARER },
          body: JSON.stringify({ name: 'Oolong' }),
        });
        expect(result).toMatchObject({ outcome: 'response', status: 200 });
        expect(result.outcome === 'response' && JSON.parse(result.body)).toEqual({
          id: '42',
          name: 'Oolong',
        });
        expect(methodsSeen(tag)).toEqual(['OPTIONS', 'PUT']);
      });

      it('a DELETE is preflighted, then sent', async () => {
        const tag = newTag('delete');
        const result = await fetchFrom(origins.app, `/items/42?exchange=${tag}`, {
          method: 'DELETE',
          headers: BEARER,
        });
        expect(result).toMatchObject({ outcome: 'response', status: 204 });
        expect(methodsSeen(tag)).toEqual(['OPTIONS', 'DELETE']);
      });

      it('a denied preflight stops the browser from sending the PUT at all', async () => {
        const tag = newTag('denied-put');
        const result = await fetchFrom(origins.outsider, `/items/42?exchange=${tag}`, {
          method: 'PUT',
          headers: { ...JSON_BODY, ...BEARER },
          body: '{}',
        });
        expect(result.outcome).toBe('blocked');
        expect(api.exchanges.withTag(tag)).toMatchObject([{ method: 'OPTIONS', status: 403 }]);
      });

      it('a second preflight within maxAge comes from the preflight cache: one OPTIONS reaches the server', async () => {
        const tag = newTag('preflight-cache');
        const put = () =>
          fetchFrom(origins.app, `/items/7?exchange=${tag}`, {
            method: 'PUT',
            headers: { ...JSON_BODY, ...BEARER },
            body: JSON.stringify({ name: 'Sencha' }),
          });
        expect(await put()).toMatchObject({ outcome: 'response', status: 200 });
        expect(await put()).toMatchObject({ outcome: 'response', status: 200 });
        expect(methodsSeen(tag)).toEqual(['OPTIONS', 'PUT', 'PUT']);
      });
    });

    describe('policies per route', () => {
      it('a handler override allows an origin its controller does not, and inherits the rest', async () => {
        const controllerOnly = await fetchFrom(origins.app, '/partners/catalog');
        expect(controllerOnly.outcome).toBe('blocked');

        const overridden = await fetchFrom(origins.app, '/partners/announcements', {}, [
          'X-Partner-Quota',
        ]);
        // origin comes from the handler; exposedHeaders from the controller's named policy.
        expect(overridden).toMatchObject({
          outcome: 'response',
          status: 200,
          headers: { 'X-Partner-Quota': '998' },
        });
      });

      it('@CorsPolicy(false) blocks even the globally allowed origin', async () => {
        expect(await fetchFrom(origins.app, '/reports/summary')).toMatchObject({
          outcome: 'response',
          status: 200,
        });
        expect((await fetchFrom(origins.app, '/reports/export')).outcome).toBe('blocked');
      });

      it('an async origin function allows registered sites and blocks others', async () => {
        expect(await fetchFrom(origins.partner, '/widgets/config')).toMatchObject({
          outcome: 'response',
          status: 200,
        });
        expect(await fetchFrom(origins.app, '/widgets/config')).toMatchObject({
          outcome: 'response',
          status: 200,
        });
        expect((await fetchFrom(origins.outsider, '/widgets/config')).outcome).toBe('blocked');
      });
    });

    it('an exposed header is readable; one that is not exposed is hidden, although it was sent', async () => {
      const page = await pageAt(origins.app);
      const [networkResponse, result] = await Promise.all([
        page.waitForResponse((response) => response.url().endsWith('/catalog')),
        fetchFrom(origins.app, '/catalog', {}, ['X-Request-Id', 'X-Backend-Node']),
      ]);
      expect(result).toMatchObject({ outcome: 'response', status: 200 });
      if (result.outcome !== 'response') return;
      expect(result.headers['X-Request-Id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(result.headers['X-Backend-Node']).toBeNull();
      expect((await networkResponse.allHeaders())['x-backend-node']).toBe('catalog-1');
    });

    describe('subdomain pattern http://*.partner.test:PORT', () => {
      it.each(['shop.partner.test', 'eu.shop.partner.test'])('%s is allowed', async (host) => {
        const result = await fetchFrom(at(host), '/partners/catalog', {}, ['X-Partner-Quota']);
        expect(result).toMatchObject({
          outcome: 'response',
          status: 200,
          headers: { 'X-Partner-Quota': '998' },
        });
      });

      it.each(['partner.test', 'evilpartner.test', 'shop.partner.test.evil.test', 'app.site.test'])(
        '%s is blocked',
        async (host) => {
          expect((await fetchFrom(at(host), '/partners/catalog')).outcome).toBe('blocked');
        },
      );
    });

    it("a guard's 401 reaches the page as a 401, not as a network error", async () => {
      const tag = newTag('guard');
      const result = await fetchFrom(origins.app, `/items/42?exchange=${tag}`, {
        method: 'PUT',
        headers: { ...JSON_BODY, Authorization: 'Bearer wrong-token' },
        body: '{}',
      });
      expect(result).toMatchObject({ outcome: 'response', status: 401 });
      expect(result.outcome === 'response' && JSON.parse(result.body)).toMatchObject({
        statusCode: 401,
      });
      // The preflight passed untouched by the guard; only the PUT met it.
      expect(api.exchanges.withTag(tag)).toMatchObject([
        { method: 'OPTIONS', status: 204 },
        { method: 'PUT', status: 401 },
      ]);
    });

    describe('credentials', () => {
      it('the cookie session round trip works where the policy allows credentials', async () => {
        const include = { credentials: 'include' } as const;
        const signIn = await fetchFrom(origins.app, '/session', {
          ...include,
          method: 'POST',
          headers: JSON_BODY,
          body: JSON.stringify({ user: 'ada' }),
        });
        expect(signIn).toMatchObject({ outcome: 'response', status: 201 });

        const [cookie] = await context.cookies(apiUrl('/'));
        expect(cookie).toMatchObject({ name: 'sid', httpOnly: true, sameSite: 'Lax' });

        const me = await fetchFrom(origins.app, '/session/me', include);
        expect(me).toMatchObject({ outcome: 'response', status: 200 });
        expect(me.outcome === 'response' && JSON.parse(me.body)).toEqual({ user: 'ada' });

        // Without credentials: 'include' the browser leaves the cookie out.
        expect(await fetchFrom(origins.app, '/session/me')).toMatchObject({
          outcome: 'response',
          status: 401,
        });

        const signOut = await fetchFrom(origins.app, '/session', { ...include, method: 'DELETE' });
        expect(signOut).toMatchObject({ outcome: 'response', status: 204 });
        expect(await context.cookies(apiUrl('/'))).toEqual([]);
        expect(await fetchFrom(origins.app, '/session/me', include)).toMatchObject({
          outcome: 'response',
          status: 401,
        });
      });

      it('the same credentialed calls fail where the policy does not allow credentials', async () => {
        const include = { credentials: 'include' } as const;
        // Readable without credentials, blocked with them: the policy has no credentials.
        expect((await fetchFrom(origins.app, '/catalog')).outcome).toBe('response');
        expect((await fetchFrom(origins.app, '/catalog', include)).outcome).toBe('blocked');
        // '*' can never carry credentials.
        expect((await fetchFrom(origins.app, '/partners/announcements')).outcome).toBe('response');
        expect((await fetchFrom(origins.app, '/partners/announcements', include)).outcome).toBe(
          'blocked',
        );
        // The session routes allow credentials for the app's origin only.
        const signIn = { ...include, method: 'POST', headers: JSON_BODY, body: '{"user":"eve"}' };
        expect((await fetchFrom(origins.outsider, '/session', signIn)).outcome).toBe('blocked');
        expect((await fetchFrom(origins.partner, '/session/me', include)).outcome).toBe('blocked');
      });

      it("no response pairs '*' with credentials, in this test or any before it", async () => {
        // Credentialed calls of its own, so the check below never runs over an empty list.
        const include = { credentials: 'include' } as const;
        await fetchFrom(origins.app, '/session', {
          ...include,
          method: 'POST',
          headers: JSON_BODY,
          body: '{}',
        });
        await fetchFrom(origins.app, '/partners/announcements', include);

        const credentialed = api.exchanges
          .all()
          .filter((e) => e.headers['access-control-allow-credentials'] === 'true');
        expect(credentialed.length).toBeGreaterThan(0);
        expect(
          credentialed.filter((e) => e.headers['access-control-allow-origin'] === '*'),
        ).toEqual([]);
      });
    });
  });

  describe.each(ADAPTERS)('the demo page, with the API on %s', (adapter) => {
    let api: RunningSampleApi;
    let demo: RunningDemoServer;
    let context: BrowserContext;

    beforeAll(async () => {
      // The origins `npm start` uses (localhost, *.localhost, 127.0.0.1), on free ports.
      demo = await startDemoServer();
      const origins = localDemoOrigins(demo.port);
      api = await startSampleApi({ adapter, origins: corsOriginsForDemo(origins), logger: false });
      demo.configure({ apiUrl: `http://localhost:${api.port}`, adapter, origins });
      context = await browser.newContext({ viewport: { width: 1500, height: 900 } });
    });

    afterAll(async () => {
      await context?.close();
      await api?.close();
      await demo?.close();
    });

    it('shows every scenario with the result it expects', async () => {
      const origins = localDemoOrigins(demo.port);
      const scenarios = demoScenarios(corsOriginsForDemo(origins));
      const page = await context.newPage();
      // What the demo server answered, the page and its frames together (API calls excluded).
      const demoAnswers: string[] = [];
      page.on('response', (response) => {
        if (new URL(response.url()).port === String(demo.port)) {
          demoAnswers.push(`${response.status()} ${new URL(response.url()).pathname}`);
        }
      });
      await page.goto(`${origins.app}/`);
      await page.waitForSelector('#summary[data-done="true"]', { timeout: 20_000 });

      const rows = await page.$$eval('#rows tr', (trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute('data-scenario'),
          verdict: tr.getAttribute('data-verdict'),
          outcome: tr.getAttribute('data-outcome'),
          shown: tr.querySelector('.actual')?.textContent,
        })),
      );
      expect(rows.map((row) => row.id)).toEqual(scenarios.map((scenario) => scenario.id));
      // The page's own verdicts, and, independently, the outcome each row recorded.
      expect(rows.filter((row) => row.verdict !== 'pass')).toEqual([]);
      expect(rows.map((row) => row.outcome)).toEqual(scenarios.map((s) => s.expect.outcome));
      // The verdict of the whole run, at the top of the page, above the table.
      expect(await page.textContent('#summary')).toBe(`All ${scenarios.length} rows as expected.`);
      const summaryBox = await page.locator('#summary').boundingBox();
      const tableBox = await page.locator('table').boundingBox();
      expect(summaryBox!.y + summaryBox!.height).toBeLessThanOrEqual(tableBox!.y);

      // No request of the page failed: no missing asset. Headless Chromium asks for no favicon,
      // so check what a desktop browser would ask for: each document (the page and its frames)
      // names an icon that needs no request, rather than getting a 404 for /favicon.ico.
      expect(demoAnswers.filter((answer) => !answer.startsWith('200 '))).toEqual([]);
      expect(demoAnswers).toEqual(expect.arrayContaining(['200 /', '200 /frame.html']));
      const icons = await Promise.all(
        page
          .frames()
          .map((frame) =>
            frame.$$eval('link[rel="icon"]', (links) =>
              links.map((link) => link.getAttribute('href')),
            ),
          ),
      );
      expect(icons.length).toBeGreaterThan(1);
      expect(icons).toEqual(icons.map(() => ['data:,']));

      // Lines wrap between words only: no header name or value is split across two lines.
      const words = await page.$$eval('td .word', (spans) =>
        spans.map((span) => ({ text: span.textContent, lines: span.getClientRects().length })),
      );
      expect(
        words.filter((word) => word.text?.startsWith('access-control-')).length,
      ).toBeGreaterThan(20);
      expect(words.filter((word) => word.lines !== 1)).toEqual([]);

      if (adapter === 'express') {
        mkdirSync(new URL('.', SCREENSHOT), { recursive: true });
        await page.screenshot({ path: fileURLToPath(SCREENSHOT), fullPage: true });
      }
    });
  });
});
