// Path policies as Chromium sees them: a credentialed GraphQL POST (Apollo) and a static file
// (@nestjs/serve-static), fetched from pages on other origins, on Express and on Fastify.
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathsAppModule } from '../fixtures/paths/app.module.js';
import { browserFetch, type BrowserFetchResult, type FetchInit } from './support/browser-fetch.js';
import { chromiumSession, describeInChromium, HTTP_ADAPTERS } from './support/session.js';

/** One request as the server answered it, seen on the Node.js server before any framework. */
interface Exchange {
  method: string;
  url: string;
  status: number;
  maxAge: string | undefined;
}

describeInChromium('path policies in Chromium', () => {
  const { at, pageAt } = chromiumSession();

  describe.each(HTTP_ADAPTERS)('on %s', (_name, makeAdapter) => {
    let app: INestApplication;
    let port: number;
    const exchanges: Exchange[] = [];

    beforeAll(async () => {
      app = await NestFactory.create(
        pathsAppModule({
          app: at('app.site.test'),
          partners: at('shop.partner.test'),
          tools: at('tools.test'),
        }),
        makeAdapter(),
        { logger: false },
      );
      await app.listen(0, '127.0.0.1');
      const server = app.getHttpServer() as Server;
      port = (server.address() as AddressInfo).port;
      server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
        const exchange: Exchange = {
          method: request.method ?? '',
          url: request.url ?? '',
          status: 0,
          maxAge: undefined,
        };
        // Fastify passes a reply's headers to writeHead() rather than setting them one by one.
        const writeHead = response.writeHead as (...args: unknown[]) => ServerResponse;
        response.writeHead = function (this: ServerResponse, ...args: unknown[]) {
          const given = args.find((arg) => arg !== null && typeof arg === 'object') as
            Record<string, unknown> | undefined;
          const maxAge =
            Object.entries(given ?? {}).find(
              ([name]) => name.toLowerCase() === 'access-control-max-age',
            )?.[1] ?? this.getHeader('access-control-max-age');
          exchange.maxAge = maxAge === undefined ? undefined : String(maxAge);
          return writeHead.apply(this, args);
        } as ServerResponse['writeHead'];
        response.on('finish', () => {
          exchange.status = response.statusCode;
          exchanges.push(exchange);
        });
      });
    });
    afterAll(async () => {
      await app?.close();
    });
    beforeEach(() => {
      exchanges.length = 0;
    });

    async function fetchFrom(
      origin: string,
      path: string,
      init?: FetchInit,
    ): Promise<BrowserFetchResult> {
      return browserFetch(await pageAt(origin), `http://api.site.test:${port}${path}`, init);
    }

    const graphqlPost = (origin: string, query: string): Promise<BrowserFetchResult> =>
      fetchFrom(origin, `/graphql?from=${encodeURIComponent(origin)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ query }),
        credentials: 'include',
      });

    it('a credentialed GraphQL POST from the allowed origin is readable, after a preflight the module answers', async () => {
      const result = await graphqlPost(at('shop.partner.test'), '{ hello }');
      expect(result).toMatchObject({ outcome: 'response', status: 200 });
      expect(result.outcome === 'response' && JSON.parse(result.body)).toEqual({
        data: { hello: 'world' },
      });
      // Max-Age is the module's default: Apollo's own answer to OPTIONS would not send it.
      expect(exchanges).toMatchObject([
        { method: 'OPTIONS', status: 204, maxAge: '600' },
        { method: 'POST', status: 200 },
      ]);
    });

    it("an error thrown by a resolver is readable too, with the GraphQL layer's message", async () => {
      const result = await graphqlPost(at('shop.partner.test'), '{ broken }');
      expect(result).toMatchObject({ outcome: 'response', status: 200 });
      expect(result.outcome === 'response' && JSON.parse(result.body).errors[0].message).toBe(
        'the resolver failed',
      );
    });

    it('a credentialed GraphQL POST from another origin is blocked at its preflight', async () => {
      const result = await graphqlPost(at('evil.test'), '{ hello }');
      expect(result.outcome).toBe('blocked');
      expect(exchanges).toMatchObject([{ method: 'OPTIONS', status: 403 }]);
    });

    it("a static file with '*' is readable from any origin", async () => {
      const result = await fetchFrom(at('evil.test'), '/static/hello.txt');
      expect(result).toMatchObject({
        outcome: 'response',
        status: 200,
        body: 'hello from a static file\n',
      });
    });

    it("a static file with '*' is preflighted and read with a custom header", async () => {
      // Its own URL, so that the browser's HTTP cache does not turn the GET into a 304.
      const result = await fetchFrom(at('evil.test'), '/static/hello.txt?preflighted', {
        headers: { 'X-Trace': '1' },
      });
      expect(result).toMatchObject({ outcome: 'response', status: 200 });
      expect(exchanges).toMatchObject([
        { method: 'OPTIONS', status: 204, maxAge: '600' },
        { method: 'GET', status: 200 },
      ]);
    });

    it("a static file with '*' is not readable with credentials, as browsers require", async () => {
      const result = await fetchFrom(at('evil.test'), '/static/hello.txt', {
        credentials: 'include',
      });
      expect(result.outcome).toBe('blocked');
    });
  });
});
