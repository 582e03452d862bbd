// Shared by the e2e tests of the compatibility matrix's apps: both platforms, one way to start.
import { INestApplication, Type } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';

export const adapters = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
] as const;

export type AdapterFactory = (typeof adapters)[number][1];

export async function createApp(
  module: Type,
  makeAdapter: AdapterFactory,
): Promise<INestApplication> {
  const moduleFixture = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleFixture.createNestApplication(makeAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready?.();
  return app;
}
