// One startup measurement, in a fresh process:
//   node --expose-gc bench/startup/app.mjs '{"adapter":"express","routes":500,"origins":100,"module":true,"libEntry":"file:///.../index.js","check":true}'
// Builds an app of `routes` routes (two per controller: GET and POST), creates it and runs
// `init()`, and prints one JSON line: { ms, heapMB, problems }. With `check`, it then listens
// and checks a few answers (not timed), so that a fast startup that left CORS out cannot pass. With the module, the module's options allow
// `origins` exact origins, and every other controller declares its own policy with a list of the
// same size (a new array of the same strings each time, `[...PARTNERS]`); half of those
// controllers' handlers override one field. Without it, the same controllers carry no decorator.
import 'reflect-metadata';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import http from 'node:http';

const {
  adapter,
  routes,
  origins,
  module: withModule,
  libEntry,
  check,
} = JSON.parse(process.argv[2]);
const lib = withModule ? await import(libEntry) : undefined;
const { ExpressAdapter } =
  adapter === 'express' ? await import('@nestjs/platform-express') : { ExpressAdapter: undefined };
const { FastifyAdapter } =
  adapter === 'fastify' ? await import('@nestjs/platform-fastify') : { FastifyAdapter: undefined };

const originList = (tag) =>
  Array.from({ length: origins }, (_, i) => `https://${tag}${i}.example.com`);
const PARTNERS = originList('partner');

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
    lib.CorsPolicy({ origin: [...PARTNERS], credentials: true })(cls);
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
const problems = check ? await checkAnswers(app) : [];
process.stdout.write(`${JSON.stringify({ ms, heapMB, problems })}\n`);
await app.close();
process.exit(0);

/** Preflights to a controller with its own policy and to one on the module's: both answered. */
async function checkAnswers(app) {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const ask = (path, origin) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST' },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode, acao: res.headers['access-control-allow-origin'] }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const last = origins - 1;
  const cases = [
    ['/c1/items', `https://partner${last}.example.com`],
    ['/c0/items', `https://app${last}.example.com`],
    ['/c0/items', `https://partner${last}.example.com`],
  ];
  const problems = [];
  for (const [i, [path, origin]] of cases.entries()) {
    const { status, acao } = await ask(path, origin);
    const allowed = lib && i < 2;
    const ok = allowed ? status === 204 && acao === origin : acao === undefined && status !== 204;
    if (!ok) {
      problems.push(
        `preflight ${path} from ${origin}: status ${status}, Access-Control-Allow-Origin ${acao}`,
      );
    }
  }
  return problems;
}
