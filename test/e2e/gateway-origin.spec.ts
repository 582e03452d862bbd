import { type INestApplication, Module, type Type } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { WsAdapter } from '@nestjs/platform-ws';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import request from 'supertest';
import { WebSocket } from 'ws';
import { WebSocketGateway } from '@nestjs/websockets';
import {
  CorsConfigurationError,
  CorsModule,
  CorsPolicy,
  type CorsPolicyDeclaration,
} from '../../lib/index.js';
import { APP, gatewayAppModule, OTHER, PARTNER } from '../fixtures/gateways/app.module.js';
import { codesOf } from '../helpers/issues.js';
import { adapters, createApp } from './adapters.js';

type Outcome = 'connected' | 'refused';

async function startGateway(
  makeAdapter: (typeof adapters)[number][1],
  kind: 'socket.io' | 'ws',
  declaration: CorsPolicyDeclaration | undefined,
) {
  const connections: string[] = [];
  const path = kind === 'ws' ? '/events' : '/socket.io';
  const app: INestApplication = await createApp(
    gatewayAppModule(path, declaration, connections),
    makeAdapter,
    (created) =>
      created.useWebSocketAdapter(kind === 'ws' ? new WsAdapter(created) : new IoAdapter(created)),
  );
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, port, path, connections };
}

function socketIoConnect(
  port: number,
  origin: string | undefined,
  transport: 'polling' | 'websocket',
): Promise<Outcome> {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    timeout: 5000,
    extraHeaders: origin === undefined ? {} : { Origin: origin },
  });
  return new Promise((resolve) => {
    socket.on('connect', () => {
      socket.close();
      resolve('connected');
    });
    socket.on('connect_error', () => {
      socket.close();
      resolve('refused');
    });
  });
}

function wsConnect(port: number, path: string, origin: string | undefined): Promise<Outcome> {
  const socket = new WebSocket(
    `ws://127.0.0.1:${port}${path}`,
    origin === undefined ? {} : { headers: { Origin: origin } },
  );
  return new Promise((resolve) => {
    socket.on('open', () => {
      socket.close();
      resolve('connected');
    });
    socket.on('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode === 403 ? 'refused' : ('connected' as Outcome));
    });
    socket.on('error', () => resolve('refused'));
  });
}

/** Waits until the server saw `count` connections (handleConnection runs as the handshake ends). */
async function connectionsReach(connections: string[], count: number): Promise<number> {
  for (let i = 0; i < 50 && connections.length < count; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return connections.length;
}

describe.each(adapters)('WebSocket gateways on %s', (_platform, makeAdapter) => {
  describe.each(['polling', 'websocket'] as const)('socket.io, %s transport', (transport) => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    beforeAll(async () => {
      gateway = await startGateway(makeAdapter, 'socket.io', 'partners');
    });
    afterAll(() => gateway.app.close());
    beforeEach(() => {
      gateway.connections.length = 0;
    });

    it('accepts a handshake from an origin the policy allows', async () => {
      expect(await socketIoConnect(gateway.port, PARTNER, transport)).toBe('connected');
      expect(await connectionsReach(gateway.connections, 1)).toBe(1);
    });

    it.each([
      ['a disallowed origin', OTHER],
      ['the module default origin, which the named policy replaces', APP],
      ['null', 'null'],
    ])('refuses %s before handleConnection', async (_what, origin) => {
      expect(await socketIoConnect(gateway.port, origin, transport)).toBe('refused');
      expect(gateway.connections).toEqual([]);
    });

    it('accepts a handshake without Origin (not a browser)', async () => {
      expect(await socketIoConnect(gateway.port, undefined, transport)).toBe('connected');
      expect(await connectionsReach(gateway.connections, 1)).toBe(1);
    });
  });

  describe('socket.io long-polling responses', () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    beforeAll(async () => {
      gateway = await startGateway(makeAdapter, 'socket.io', 'partners');
    });
    afterAll(() => gateway.app.close());

    it('carry the policy’s CORS headers for an allowed origin', async () => {
      const res = await request(gateway.app.getHttpServer())
        .get('/socket.io/?EIO=4&transport=polling')
        .set('Origin', PARTNER)
        .expect(200);
      expect(res.headers['access-control-allow-origin']).toBe(PARTNER);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('are refused with 403 and no CORS header for another origin', async () => {
      const res = await request(gateway.app.getHttpServer())
        .get('/socket.io/?EIO=4&transport=polling')
        .set('Origin', OTHER)
        .expect(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('ws', () => {
    let gateway: Awaited<ReturnType<typeof startGateway>>;
    beforeAll(async () => {
      gateway = await startGateway(makeAdapter, 'ws', { origin: PARTNER });
    });
    afterAll(() => gateway.app.close());
    beforeEach(() => {
      gateway.connections.length = 0;
    });

    it('accepts an upgrade from an origin the policy allows', async () => {
      expect(await wsConnect(gateway.port, gateway.path, PARTNER)).toBe('connected');
      expect(await connectionsReach(gateway.connections, 1)).toBe(1);
    });

    it.each([OTHER, APP, 'null'])(
      'refuses an upgrade from %s before handleConnection',
      async (origin) => {
        expect(await wsConnect(gateway.port, gateway.path, origin)).toBe('refused');
        expect(gateway.connections).toEqual([]);
      },
    );

    it('accepts an upgrade without Origin', async () => {
      expect(await wsConnect(gateway.port, gateway.path, undefined)).toBe('connected');
      expect(await connectionsReach(gateway.connections, 1)).toBe(1);
    });

    it("accepts an upgrade from the server's own origin", async () => {
      const own = `http://127.0.0.1:${gateway.port}`;
      expect(await wsConnect(gateway.port, gateway.path, own)).toBe('connected');
    });
  });

  describe('a gateway without @CorsPolicy(), and one with false', () => {
    it('uses the module defaults', async () => {
      const gateway = await startGateway(makeAdapter, 'ws', undefined);
      try {
        expect(await wsConnect(gateway.port, gateway.path, APP)).toBe('connected');
        expect(await wsConnect(gateway.port, gateway.path, PARTNER)).toBe('refused');
      } finally {
        await gateway.app.close();
      }
    });

    it('with false, refuses every cross-origin handshake', async () => {
      const gateway = await startGateway(makeAdapter, 'socket.io', false);
      try {
        expect(await socketIoConnect(gateway.port, APP, 'websocket')).toBe('refused');
        expect(await socketIoConnect(gateway.port, undefined, 'websocket')).toBe('connected');
      } finally {
        await gateway.app.close();
      }
    });
  });
});

describe.each(adapters)('startup checks of gateways on %s', (_platform, makeAdapter) => {
  async function issuesOf(module: Type) {
    const failure = await createApp(module, makeAdapter).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CorsConfigurationError);
    return codesOf((failure as CorsConfigurationError).issues);
  }

  it("checks a gateway's policy like a controller's, named after the gateway", async () => {
    const issues = await issuesOf(
      gatewayAppModule('/socket.io', { origin: 'https://*.com', maxAge: -1 }, []),
    );
    expect(issues).toEqual([
      { path: 'EventsGateway.origin', code: 'wildcard-over-public-suffix', value: 'https://*.com' },
      { path: 'EventsGateway.maxAge', code: 'out-of-range', value: -1 },
    ]);
  });

  it("refuses socket.io's own cors option on a gateway as a conflicting CORS layer", async () => {
    @CorsPolicy({ origin: APP })
    @WebSocketGateway({ cors: { origin: '*' } })
    class OpenGateway {}
    @Module({ imports: [CorsModule.forRoot()], providers: [OpenGateway] })
    class AppModule {}
    expect(await issuesOf(AppModule)).toEqual([
      { path: 'OpenGateway', code: 'conflicting-cors-layer', value: { origin: '*' } },
    ]);
  });
});

describe.each(adapters)('gateways sharing a server on %s', (_platform, makeAdapter) => {
  @CorsPolicy('partners')
  @WebSocketGateway({ namespace: 'orders' })
  class OrdersGateway {}

  @CorsPolicy({ origin: APP })
  @WebSocketGateway({ namespace: 'chat' })
  class ChatGateway {}

  @CorsPolicy('partners')
  @WebSocketGateway({ namespace: 'news' })
  class NewsGateway {}

  @WebSocketGateway({ path: '/other' })
  class OtherServerGateway {}

  const options = { policies: { partners: { origin: PARTNER } } };

  it('refuses different policies on one server with gateway-policies-differ', async () => {
    @Module({
      imports: [CorsModule.forRoot(options)],
      providers: [OrdersGateway, ChatGateway, OtherServerGateway],
    })
    class AppModule {}
    const failure = await createApp(AppModule, makeAdapter).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(CorsConfigurationError);
    expect(codesOf((failure as CorsConfigurationError).issues)).toEqual([
      { path: 'ChatGateway', code: 'gateway-policies-differ', value: { origin: APP } },
    ]);
  });

  it('starts with the same policy on one server, and another on another server', async () => {
    @Module({
      imports: [CorsModule.forRoot(options)],
      providers: [OrdersGateway, NewsGateway, OtherServerGateway],
    })
    class AppModule {}
    const app = await createApp(AppModule, makeAdapter);
    await app.close();
  });
});
