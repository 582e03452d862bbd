import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailability, launchChromium } from './chromium.js';
import { startPageServer, type PageServer } from './page-server.js';

/** The HTTP platforms every browser suite runs on. */
export const HTTP_ADAPTERS = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

const availability = chromiumAvailability();
if (!availability.run) process.stderr.write(availability.skipNotice);
/** `describe`, or `describe.skip` with a notice when there is no Chromium outside CI. */
export const describeInChromium = availability.run ? describe : describe.skip;

/**
 * Chromium, the page server and one browser context for the suite it is called in (it registers
 * the `beforeAll`/`afterAll` hooks). `at(host)` is a page origin on the page server; `pageAt()`
 * opens a page on an origin once and reuses it.
 */
export function chromiumSession() {
  let browser: Browser;
  let pageServer: PageServer;
  let context: BrowserContext;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    browser = await launchChromium();
    pageServer = await startPageServer();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await pageServer?.close();
  });

  return {
    at: (host: string) => `http://${host}:${pageServer.port}`,
    async pageAt(origin: string): Promise<Page> {
      let page = pages.get(origin);
      if (!page) {
        page = await context.newPage();
        await page.goto(`${origin}/`);
        pages.set(origin, page);
      }
      return page;
    },
  };
}
