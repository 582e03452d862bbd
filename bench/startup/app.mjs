// One startup measurement, in a fresh process:
//   node bench/startup/app.mjs '{"adapter":"express","routes":500,"origins":100,"module":true,"libEntry":"file:///.../index.js"}'
// Builds an app of `routes` routes (two per controller: GET and POST), creates it and runs
// `init()`, and prints one JSON line: { ms, heapMB }. With the module, the module's options allow
// `origins` exact origins, and every other controller declares its own policy with a list of the
// same size (a new array each time, as apps that build it per controller do); half of those
// controllers' handlers override one field. Without it, the same controllers carry no decorator.
import 'reflect-metadata';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const { adapter, routes, origins, module: withModule, libEntry } = JSON.parse(process.argv[2]);
const lib = withModule ? await import(libEntry) : undefined;
const { ExpressAdapter } =
  adapter === 'express' ? await import('@nestjs/platform-express') : { ExpressAdapter: undefined };
const { FastifyAdapter } =
  adapter === 'fastify' ? await import('@nestjs/platform-fastify') : { FastifyAdapter: undefined };

const originList = (tag) =>
  Array.from({ length: origins }, (_, i) => `https://${tag}${i}.example.com`);

function decorateMethod(decorator, cls, name) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, name);
  const result = decorator(cls.prototype, name, descriptor);
  Object.defineProperty(cls.prototype, name, result ?? descriptor);
}

function makeController(i) {
  const name = `Startup${i}Controller`;
  const cls = {
    [name]: class {
      list() {
        return { ok: true };
      }
      create() {
        return { created: true };
      }
    },
  }[name];
  decorateMethod(Get(), cls, 'list');
  decorateMethod(Post(), cls, 'create');
  if (lib && i % 2 === 1) {
    lib.CorsPolicy({ origin: originList('partner'), credentials: true })(cls);
    if (i % 4 === 1) decorateMethod(lib.CorsPolicy({ maxAge: 60 }), cls, 'create');
  }
  Controller(`c${i}/items`)(cls);
  return cls;
}

// Classes and decorators are the app's code: built before the clock starts.
const controllers = Array.from({ length: Math.ceil(routes / 2) }, (_, i) => makeController(i));
const imports = lib ? [lib.CorsModule.forRoot({ origin: originList('app') })] : [];
class AppModule {}
Module({ imports, controllers })(AppModule);

globalThis.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const start = process.hrtime.bigint();
const app = await NestFactory.create(
  AppModule,
  adapter === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
  { logger: ['error'] },
);
await app.init();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
globalThis.gc?.();
const heapMB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
process.stdout.write(`${JSON.stringify({ ms, heapMB })}\n`);
await app.close();
process.exit(0);
