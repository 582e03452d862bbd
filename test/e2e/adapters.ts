import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

/** Every behaviour test runs on both platforms. */
export const adapters = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

export type AdapterFactory = (typeof adapters)[number][1];

/** Creates and initialises an app on the given platform; `setup` runs before `init()`. */
export async function createApp(
  module: Type,
  makeAdapter: AdapterFactory,
  setup?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication(makeAdapter(), { logger: false });
  setup?.(app);
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  await instance.ready?.();
  return app;
}

/** The CORS response headers, to assert their absence in one go. */
export function corsHeadersOf(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.startsWith('access-control-')),
  );
}
