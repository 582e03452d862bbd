// WebSocket gateways as Chromium sees them: pages on other origins open connections (socket.io
// and ws, the browser's own WebSocket) and read socket.io's long-polling handshake with fetch().
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { gatewayAppModule } from '../fixtures/gateways/app.module.js';
import { browserFetch } from './support/browser-fetch.js';
import { chromiumSession, describeInChromium, HTTP_ADAPTERS } from './support/session.js';

/** Opens a WebSocket in the page: 'open', or 'error' when the handshake was refused. */
function openWebSocket(page: Page, url: string): Promise<'open' | 'error'> {
  return page.evaluate(
    (target) =>
      new Promise<'open' | 'error'>((resolve) => {
        const socket = new WebSocket(target);
        socket.onopen = () => {
          socket.close();
          resolve('open');
        };
        socket.onerror = () => resolve('error');
      }),
    url,
  );
}

describeInChromium('WebSocket gateways in Chromium', () => {
  const { at, pageAt } = chromiumSession();

  describe.each(HTTP_ADAPTERS)('on %s', (_name, makeAdapter) => {
    async function start(kind: 'socket.io' | 'ws') {
      const connections: string[] = [];
      const module = gatewayAppModule(
        kind === 'ws' ? '/events' : '/socket.io',
        { origin: at('app.site.test') },
        connections,
      );
      const app: INestApplication = await NestFactory.create(module, makeAdapter(), {
        logger: false,
      });
      app.useWebSocketAdapter(kind === 'ws' ? new WsAdapter(app) : new IoAdapter(app));
      await app.listen(0, '127.0.0.1');
      const port = (app.getHttpServer().address() as AddressInfo).port;
      return { app, connections, host: `api.site.test:${port}` };
    }

    describe('ws', () => {
      let gateway: Awaited<ReturnType<typeof start>>;
      beforeAll(async () => {
        gateway = await start('ws');
      });
      afterAll(() => gateway.app.close());

      it('opens from the allowed origin, and not from another one', async () => {
        const url = `ws://${gateway.host}/events`;
        expect(await openWebSocket(await pageAt(at('app.site.test')), url)).toBe('open');
        expect(await openWebSocket(await pageAt(at('evil.test')), url)).toBe('error');
        expect(gateway.connections).toEqual(['connected']);
      });
    });

    describe('socket.io', () => {
      let gateway: Awaited<ReturnType<typeof start>>;
      beforeAll(async () => {
        gateway = await start('socket.io');
      });
      afterAll(() => gateway.app.close());

      it('opens a WebSocket transport from the allowed origin, and not from another one', async () => {
        const url = `ws://${gateway.host}/socket.io/?EIO=4&transport=websocket`;
        expect(await openWebSocket(await pageAt(at('app.site.test')), url)).toBe('open');
        expect(await openWebSocket(await pageAt(at('evil.test')), url)).toBe('error');
      });

      it('lets the allowed origin read the long-polling handshake, and not another one', async () => {
        const url = `http://${gateway.host}/socket.io/?EIO=4&transport=polling`;
        const allowed = await browserFetch(await pageAt(at('app.site.test')), url);
        expect(allowed).toMatchObject({ outcome: 'response', status: 200 });
        expect(allowed.outcome === 'response' && allowed.body).toMatch(/"sid"/);
        const other = await browserFetch(await pageAt(at('evil.test')), url);
        expect(other.outcome).toBe('blocked');
      });
    });
  });
});
