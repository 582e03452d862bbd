// One HTTP variant of the benchmark, in its own process:
//   node bench/http/server.mjs <express|fastify> <variant> [libEntry]
// Prints one JSON line `{"port":N}` on stdout once it listens on 127.0.0.1.
//
// Plain JS with Nest's decorators applied by hand, so the bench needs no build step of its own.
// Every variant registers the same 50 controllers (GET and POST on /cN/items), so routing costs
// the same everywhere and only the CORS layer differs.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Post } from '@nestjs/common';
import { APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import {
  ALLOWED_ORIGIN,
  CONTROLLERS,
  EXPOSED_HEADERS,
  MAX_AGE,
  DIAGNOSTIC_VARIANTS,
  ORIGINS,
  VARIANTS,
  controllerOrigins,
} from '../config.mjs';

const [adapterName, variant, libEntry] = process.argv.slice(2);

function decorateMethod(decorator, cls, name) {
  const descriptor = Object.getOwnPropertyDescriptor(cls.prototype, name);
  const result = decorator(cls.prototype, name, descriptor);
  Object.defineProperty(cls.prototype, name, result ?? descriptor);
}

function makeController(i, corsPolicy) {
  const name = `Items${i}Controller`;
  const cls = {
    [name]: class {
      list() {
        return { ok: true, controller: i };
      }
      create() {
        return { created: true, controller: i };
      }
    },
  }[name];
  decorateMethod(Get(), cls, 'list');
  decorateMethod(Post(), cls, 'create');
  if (corsPolicy) {
    const policy = {
      origin: controllerOrigins(i),
      credentials: true,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: MAX_AGE,
    };
    corsPolicy(policy)(cls);
    // Handler overrides on half of the controllers. They repeat a field with the same value, so
    // the bytes on the wire stay those of every other variant while the merge still happens.
    if (i % 2 === 0) {
      decorateMethod(corsPolicy({ exposedHeaders: EXPOSED_HEADERS }), cls, 'list');
      decorateMethod(corsPolicy({ maxAge: MAX_AGE }), cls, 'create');
    }
  }
  Controller(`c${i}/items`)(cls);
  return cls;
}

/** The cheapest code that sends the same CORS headers, with no matching at all. */
const STATIC_ACTUAL = [
  ['Vary', 'Origin'],
  ['Access-Control-Allow-Origin', ALLOWED_ORIGIN],
  ['Access-Control-Allow-Credentials', 'true'],
  ['Access-Control-Expose-Headers', EXPOSED_HEADERS.join(',')],
];
const STATIC_PREFLIGHT = [
  ['Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers'],
  ['Access-Control-Allow-Origin', ALLOWED_ORIGIN],
  ['Access-Control-Allow-Credentials', 'true'],
  ['Access-Control-Allow-Methods', 'POST'],
  ['Access-Control-Allow-Headers', 'content-type'],
  ['Access-Control-Max-Age', String(MAX_AGE)],
  ['Content-Length', '0'],
];

function installStatic(app) {
  if (adapterName === 'express') {
    app.use((req, res, next) => {
      if (req.method === 'OPTIONS') {
        for (const [k, v] of STATIC_PREFLIGHT) res.setHeader(k, v);
        res.statusCode = 204;
        res.end();
        return;
      }
      for (const [k, v] of STATIC_ACTUAL) res.setHeader(k, v);
      next();
    });
  } else {
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (req, reply, done) => {
        if (req.method === 'OPTIONS') {
          for (const [k, v] of STATIC_PREFLIGHT) reply.header(k, v);
          reply.code(204).send();
          return;
        }
        for (const [k, v] of STATIC_ACTUAL) reply.header(k, v);
        done();
      });
  }
}

async function main() {
  let lib;
  if (variant === 'module-global' || variant === 'module-per-route') {
    if (!libEntry) throw new Error(`variant ${variant} needs the library entry point`);
    lib = await import(libEntry);
  }
  const controllers = Array.from({ length: CONTROLLERS }, (_, i) =>
    makeController(i, variant === 'module-per-route' ? lib.CorsPolicy : undefined),
  );
  const imports = [];
  if (variant === 'module-global') {
    imports.push(
      lib.CorsModule.forRoot({
        origin: ORIGINS,
        credentials: true,
        exposedHeaders: EXPOSED_HEADERS,
        maxAge: MAX_AGE,
      }),
    );
  } else if (variant === 'module-per-route') {
    imports.push(lib.CorsModule.forRoot({}));
  }
  const providers = [];
  if (variant === 'noop-interceptor') {
    // Diagnostic, not a CORS variant: the baseline plus one global interceptor that does
    // nothing, i.e. what Nest charges for any global interceptor.
    class NoopInterceptor {
      intercept(_context, next) {
        return next.handle();
      }
    }
    Injectable()(NoopInterceptor);
    providers.push({ provide: APP_INTERCEPTOR, useClass: NoopInterceptor });
  }
  class AppModule {}
  Module({ imports, controllers, providers })(AppModule);

  let adapter;
  if (adapterName === 'express') {
    const { ExpressAdapter } = await import('@nestjs/platform-express');
    adapter = new ExpressAdapter();
  } else if (adapterName === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    adapter = new FastifyAdapter();
  } else {
    throw new Error(`unknown adapter ${adapterName}`);
  }
  const app = await NestFactory.create(AppModule, adapter, { logger: ['error'] });

  if (variant === 'static') installStatic(app);
  if (variant === 'enableCors') {
    app.enableCors({
      origin: ORIGINS,
      credentials: true,
      exposedHeaders: EXPOSED_HEADERS,
      methods: ['GET', 'POST'],
      maxAge: MAX_AGE,
    });
  }
  if (![...VARIANTS, ...DIAGNOSTIC_VARIANTS].includes(variant)) {
    throw new Error(`unknown variant ${variant}`);
  }

  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  process.stdout.write(`${JSON.stringify({ port })}\n`);

  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
