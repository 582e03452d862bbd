import 'reflect-metadata';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

export interface RunningApp {
  readonly app: INestApplication;
  readonly port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Node's HTTP parser refuses a request head over 16 KiB (`--max-http-header-size`) with 431
   * before any application code runs. A larger value here makes the server itself accept bigger
   * heads, so that the library's own bounds (1 KiB Origin, 8 KiB request-header list) are what
   * meets a 1 MiB header. Set per server, through `http.createServer({ maxHeaderSize })`:
   * Express gets our own server around its instance, Fastify gets it as `serverFactory`.
   */
  maxHeaderSize?: number;
  /**
   * Node's lenient parser (`insecureHTTPParser`), which lets control characters in header values
   * through to the application. Some apps behind old proxies turn it on; the library must hold
   * without the strict parser's help.
   */
  insecureHTTPParser?: boolean;
  logger?: LoggerService | false;
}

/** Builds, initialises and starts an app on 127.0.0.1 and an ephemeral port. */
export async function listen(
  module: Type,
  platform: Platform,
  options: ListenOptions = {},
): Promise<RunningApp> {
  const { maxHeaderSize, insecureHTTPParser } = options;
  const ownServer = maxHeaderSize !== undefined || insecureHTTPParser !== undefined;
  const serverOptions = { maxHeaderSize, insecureHTTPParser };
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const adapter =
    platform === 'express'
      ? new ExpressAdapter()
      : new FastifyAdapter(
          ownServer
            ? { serverFactory: (handler: RequestListener) => createServer(serverOptions, handler) }
            : undefined,
        );
  const app = moduleRef.createNestApplication(adapter as any, { logger: options.logger ?? false });
  if (platform === 'fastify' || !ownServer) {
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    return { app, port, close: () => app.close() };
  }
  await app.init();
  const server: Server = createServer(serverOptions, app.getHttpAdapter().getInstance());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    app,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      await app.close();
    },
  };
}
