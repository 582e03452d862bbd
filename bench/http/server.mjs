// One HTTP variant of the benchmark, in its own process:
//   node bench/http/server.mjs <express|fastify> <variant> [libEntry]
// Prints one JSON line `{"port":N}` on stdout once it listens on 127.0.0.1.
//
// Plain JS with Nest's decorators applied by hand, so the bench needs no build step of its own.
// Every variant registers the same 50 controllers (GET and POST on /cN/items), so routing costs
// the same everywhere and only the CORS layer differs.
import 'reflect-metadata';
import {
  Body,
  Controller,
  Delete,
  Get,
  Injectable,
  Module,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory, Reflector } from '@nestjs/core';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';
import {
  ALLOWED_ORIGIN,
  CONTROLLERS,
  EXPOSED_HEADERS,
  MAX_AGE,
  DIAGNOSTIC_VARIANTS,
  ORIGINS,
  REALISTIC_CONTROLLERS,
  REALISTIC_VARIANTS,
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

function decorateParam(decorator, cls, name, index) {
  decorator(cls.prototype, name, index);
}

/** The JSON body of the realistic app's writes, validated by the global ValidationPipe. */
class ItemBody {}
for (const [decorators, field] of [
  [[IsString(), Length(1, 80)], 'name'],
  [[IsInt(), Min(0)], 'quantity'],
  [[IsOptional(), IsString()], 'note'],
]) {
  for (const d of decorators) d(ItemBody.prototype, field);
}

/**
 * One controller of the realistic app: ten routes at /cJ (list, search, read, create, replace,
 * update, delete, bulk, stats, health), with parsed parameters and validated JSON bodies.
 */
function makeRealisticController(j) {
  const name = `Realistic${j}Controller`;
  const cls = {
    [name]: class {
      list(page) {
        return { ok: true, controller: j, page: page ?? 1, items: [{ id: 1 }, { id: 2 }] };
      }
      search(q) {
        return { ok: true, q };
      }
      read(id) {
        return { ok: true, id };
      }
      create(body) {
        return { created: true, body };
      }
      replace(id, body) {
        return { replaced: id, body };
      }
      update(id, body) {
        return { updated: id, body };
      }
      remove(id) {
        return { deleted: id };
      }
      bulk(body) {
        return { created: 1, body };
      }
      stats() {
        return { count: 2 };
      }
      health() {
        return { up: true };
      }
    },
  }[name];
  const routes = [
    ['list', Get('items')],
    ['search', Get('search')],
    ['read', Get('items/:id')],
    ['create', Post('items')],
    ['replace', Put('items/:id')],
    ['update', Patch('items/:id')],
    ['remove', Delete('items/:id')],
    ['bulk', Post('bulk')],
    ['stats', Get('stats')],
    ['health', Get('health')],
  ];
  for (const [method, route] of routes) decorateMethod(route, cls, method);
  decorateParam(Query('page'), cls, 'list', 0);
  decorateParam(Query('q'), cls, 'search', 0);
  for (const method of ['read', 'replace', 'update', 'remove']) {
    decorateParam(Param('id', ParseIntPipe), cls, method, 0);
  }
  Reflect.defineMetadata('design:paramtypes', [ItemBody], cls.prototype, 'create');
  Reflect.defineMetadata('design:paramtypes', [ItemBody], cls.prototype, 'bulk');
  Reflect.defineMetadata('design:paramtypes', [Number, ItemBody], cls.prototype, 'replace');
  Reflect.defineMetadata('design:paramtypes', [Number, ItemBody], cls.prototype, 'update');
  decorateParam(Body(), cls, 'create', 0);
  decorateParam(Body(), cls, 'bulk', 0);
  decorateParam(Body(), cls, 'replace', 1);
  decorateParam(Body(), cls, 'update', 1);
  Controller(`c${j}`)(cls);
  return cls;
}

/** The realistic app's global guard: an API-key check that lets public routes through. */
class ApiKeyGuard {
  constructor(reflector) {
    this.reflector = reflector;
  }
  canActivate(context) {
    const isPrivate = this.reflector.get('private', context.getHandler());
    if (!isPrivate) return true;
    const request = context.switchToHttp().getRequest();
    return request.headers['x-api-key'] === 'secret';
  }
}
Injectable()(ApiKeyGuard);
Reflect.defineMetadata('design:paramtypes', [Reflector], ApiKeyGuard);

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
  if (
    variant === 'module-global' ||
    variant === 'module-per-route' ||
    variant === 'realistic-module'
  ) {
    if (!libEntry) throw new Error(`variant ${variant} needs the library entry point`);
    lib = await import(libEntry);
  }
  const realistic = REALISTIC_VARIANTS.includes(variant);
  const controllers = realistic
    ? Array.from({ length: REALISTIC_CONTROLLERS }, (_, j) => makeRealisticController(j))
    : Array.from({ length: CONTROLLERS }, (_, i) =>
        makeController(i, variant === 'module-per-route' ? lib.CorsPolicy : undefined),
      );
  const imports = [];
  if (variant === 'module-global' || variant === 'realistic-module') {
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
  if (realistic) providers.push({ provide: APP_GUARD, useClass: ApiKeyGuard });
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

  if (realistic) app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true }));
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
  if (![...VARIANTS, ...DIAGNOSTIC_VARIANTS, ...REALISTIC_VARIANTS].includes(variant)) {
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
