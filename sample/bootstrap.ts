import 'reflect-metadata';
import type { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { ExchangeLog } from './exchanges/exchange-log.js';
import type { SampleAdapter, SampleCorsOrigins } from './sample-config.js';

export interface SampleApiOptions {
  adapter?: SampleAdapter;
  origins: SampleCorsOrigins;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Interface to listen on. Default: Node's default (all interfaces). */
  host?: string;
  logger?: false | LogLevel[];
}

export interface RunningSampleApi {
  app: INestApplication;
  adapter: SampleAdapter;
  /** The port the API listens on. */
  port: number;
  /** Everything that reached the server, preflights included. */
  exchanges: ExchangeLog;
  close(): Promise<void>;
}

/** Creates, initialises and starts the sample API on Express or Fastify. */
export async function startSampleApi(options: SampleApiOptions): Promise<RunningSampleApi> {
  const adapter = options.adapter ?? 'express';
  const app = await NestFactory.create(
    AppModule.forRoot(options.origins),
    adapter === 'fastify' ? new FastifyAdapter() : new ExpressAdapter(),
    { logger: options.logger ?? ['error', 'warn', 'log'] },
  );
  const exchanges = app.get(ExchangeLog);
  exchanges.attach(app.getHttpServer());
  if (options.host === undefined) await app.listen(options.port ?? 0);
  else await app.listen(options.port ?? 0, options.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, adapter, port, exchanges, close: () => app.close() };
}
