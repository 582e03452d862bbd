import {
  Controller,
  Get,
  Injectable,
  type INestApplication,
  Module,
  type NestApplicationOptions,
  SetMetadata,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
} from '../../lib/index.js';
import { CapturingLogger } from '../helpers/capture-logger.js';
import { codesOf } from '../helpers/issues.js';
import { type AdapterFactory, adapters } from './adapters.js';

/*
 * Each row of issue 9's table: what a new user tries, and the startup error (or the working
 * setup) they now get instead of a silent hole.
 */

const APP = 'https://app.example';
const OTHER = 'https://other.example';

@Controller('items')
class ItemsController {
  @Get()
  list() {
    return 'items';
  }
}

@CorsPolicy({ origin: 'https://partner.example' })
@Controller('partners')
class PartnersController {
  @Get()
  list() {
    return 'partners';
  }
}

function appModule(options: CorsModuleOptions, controllers: Type[] = [ItemsController]): Type {
  @Module({ imports: [CorsModule.forRoot(options)], controllers })
  class AppModule {}
  return AppModule;
}

async function build(
  module: Type,
  makeAdapter: AdapterFactory,
  appOptions: NestApplicationOptions = {},
  setup?: (app: INestApplication) => void | Promise<void>,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication(makeAdapter(), { logger: false, ...appOptions });
  await setup?.(app);
  await app.init();
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => Promise<unknown> };
  await instance.ready?.();
  return app;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

async function issuesOf(promise: Promise<unknown>): Promise<CorsConfigurationError> {
  const error = await failureOf(promise);
  expect(error).toBeInstanceOf(CorsConfigurationError);
  return error as CorsConfigurationError;
}

describe.each(adapters)('startup checks on %s', (platform, makeAdapter) => {
  const apps: INestApplication[] = [];
  const started = async (...args: Parameters<typeof build>) => {
    const app = await build(...args);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  describe('conflicting CORS layers', () => {
    const conflict = [
      { path: `${platform} server`, code: 'conflicting-cors-layer', value: undefined },
    ];

    it('refuses app.enableCors() kept from the Nest docs, called before init()', async () => {
      const error = await issuesOf(
        build(appModule({ origin: APP }, [PartnersController]), makeAdapter, {}, (app) =>
          app.enableCors(),
        ),
      );
      expect(codesOf(error.issues)).toEqual(conflict);
      expect(error.issues[0].message).toMatch(
        /Remove it and move its settings into CorsModule\.forRoot\(\)/,
      );
    });

    it('refuses app.enableCors({ origin }) before init()', async () => {
      const error = await issuesOf(
        build(appModule({ origin: APP }), makeAdapter, {}, (app) =>
          app.enableCors({ origin: OTHER }),
        ),
      );
      expect(codesOf(error.issues)).toEqual(conflict);
    });

    it('refuses the cors option of NestFactory.create()', async () => {
      const error = await issuesOf(build(appModule({ origin: APP }), makeAdapter, { cors: true }));
      expect(codesOf(error.issues)).toEqual(conflict);
    });

    it('refuses the cors package or @fastify/cors registered on the server', async () => {
      const error = await issuesOf(
        build(appModule({ origin: APP }), makeAdapter, {}, async (app) => {
          if (platform === 'express') {
            const corsPackage: string = 'cors'; // no types: loaded by name
            const { default: cors } = (await import(corsPackage)) as { default: () => unknown };
            app.use(cors());
          } else {
            const { default: fastifyCors } = await import('@fastify/cors');
            await (app as unknown as { register: (p: unknown) => Promise<unknown> }).register(
              fastifyCors,
            );
          }
        }),
      );
      expect(codesOf(error.issues)).toEqual(conflict);
    });

    it('makes app.enableCors() after init() throw at the call, and keeps the module answering', async () => {
      const app = await started(appModule({ origin: APP }, [PartnersController]), makeAdapter);
      let thrown: unknown;
      try {
        app.enableCors();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(CorsConfigurationError);
      expect((thrown as CorsConfigurationError).issues[0].code).toBe('conflicting-cors-layer');
      const res = await request(app.getHttpServer()).get('/partners').set('Origin', OTHER);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('starts without another layer (the control)', async () => {
      const app = await started(appModule({ origin: APP }), makeAdapter);
      const res = await request(app.getHttpServer()).get('/items').set('Origin', APP);
      expect(res.headers['access-control-allow-origin']).toBe(APP);
    });
  });

  describe('@CorsPolicy() that would never apply', () => {
    @Injectable()
    @CorsPolicy({ origin: APP })
    class OrdersService {}

    @SetMetadata('graphql:resolver_type', 'Query') // what @nestjs/graphql's @Resolver() sets
    @Injectable()
    class OrdersResolver {
      @CorsPolicy('partners')
      orders() {
        return [];
      }
    }

    // On the class, a gateway's policy applies to its handshakes; on a method, it never would.
    @SetMetadata('websockets:is_gateway', true) // what @nestjs/websockets' @WebSocketGateway() sets
    @CorsPolicy({ origin: APP })
    @Injectable()
    class EventsGateway {
      @CorsPolicy('partners')
      handleMessage() {
        return '';
      }
    }

    @Controller('helpers')
    class HelpersController {
      @Get()
      list() {
        return [];
      }

      @CorsPolicy({ origin: APP })
      format() {
        return '';
      }
    }

    it('names the class and method of each, with what it sits on', async () => {
      @Module({
        imports: [CorsModule.forRoot({ policies: { partners: {} } })],
        controllers: [HelpersController],
        providers: [OrdersService, OrdersResolver, EventsGateway],
      })
      class AppModule {}
      const error = await issuesOf(build(AppModule, makeAdapter));
      expect(codesOf(error.issues)).toEqual([
        { path: 'HelpersController.format', code: 'policy-on-non-route', value: { origin: APP } },
        { path: 'OrdersService', code: 'policy-on-non-route', value: { origin: APP } },
        { path: 'OrdersResolver.orders', code: 'policy-on-non-route', value: 'partners' },
        { path: 'EventsGateway.handleMessage', code: 'policy-on-non-route', value: 'partners' },
      ]);
      const [method, service, resolver, gateway] = error.issues.map((issue) => issue.message);
      expect(method).toMatch(/not a route handler/);
      expect(service).toMatch(/a provider/);
      expect(resolver).toMatch(/GraphQL resolver.*set its policy on the path/);
      expect(gateway).toMatch(/method of a WebSocket gateway.*on the gateway class/);
    });
  });

  describe('untyped configuration (from JSON or the environment)', () => {
    it('refuses strings where lists are expected with invalid-type, not a TypeError', async () => {
      const error = await issuesOf(
        build(
          appModule({ origin: APP, methods: 'GET,POST', exposedHeaders: 'X-Id' } as never),
          makeAdapter,
        ),
      );
      expect(codesOf(error.issues)).toEqual([
        { path: 'CorsModule.forRoot.exposedHeaders', code: 'invalid-type', value: 'X-Id' },
        { path: 'CorsModule.forRoot.methods', code: 'invalid-type', value: 'GET,POST' },
      ]);
    });

    it('refuses forRoot(null) with invalid-type', async () => {
      const error = await issuesOf(build(appModule(null as never), makeAdapter));
      expect(codesOf(error.issues)).toEqual([
        { path: 'CorsModule.forRoot', code: 'invalid-type', value: null },
      ]);
    });

    it('names CorsModule.forRootAsync in the paths when that was used', async () => {
      @Module({
        imports: [
          CorsModule.forRootAsync({ useFactory: () => ({ origin: APP, maxAge: '600' }) as never }),
        ],
        controllers: [ItemsController],
      })
      class AsyncApp {}
      const error = await issuesOf(build(AsyncApp, makeAdapter));
      expect(codesOf(error.issues)).toEqual([
        { path: 'CorsModule.forRootAsync.maxAge', code: 'invalid-type', value: '600' },
      ]);
    });
  });

  describe("an origin function in the 'cors' package's style", () => {
    it('is not called at startup, and its failure names both signatures', async () => {
      const calls: unknown[] = [];
      const corsStyle = (origin: string, callback: (e: Error | null, allow?: boolean) => void) => {
        calls.push(origin);
        callback(null, true);
      };
      const logger = new CapturingLogger(['warn']);
      const app = await started(appModule({ origin: corsStyle as never }), makeAdapter, { logger });
      expect(calls).toEqual([]);
      const res = await request(app.getHttpServer()).get('/items').set('Origin', APP);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(calls).toEqual([APP]);
      const warnings = logger.cors().map((entry) => entry.message);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('(origin, request) => boolean | Promise<boolean>');
      expect(warnings[0]).toContain("origin function of the 'cors' package");
    });

    it('that calls back later is explained the same way', async () => {
      const later = (_origin: string, callback: (e: Error | null, allow?: boolean) => void) => {
        void Promise.resolve().then(() => {
          try {
            callback(null, true);
          } catch {
            // the request object is no callback
          }
        });
      };
      const logger = new CapturingLogger(['warn']);
      const app = await started(appModule({ origin: later as never }), makeAdapter, { logger });
      const res = await request(app.getHttpServer()).get('/items').set('Origin', APP);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const warnings = logger.cors().map((entry) => entry.message);
      expect(warnings).toEqual([expect.stringContaining('returned nothing')]);
      expect(warnings[0]).toContain('(origin, request) => boolean | Promise<boolean>');
    });
  });

  it('warns once at startup about maxAge 86400, which Chromium caps at 7200, and sends it', async () => {
    const logger = new CapturingLogger(['warn']);
    const app = await started(
      appModule({ origin: APP, maxAge: 86400 }, [ItemsController, PartnersController]),
      makeAdapter,
      { logger },
    );
    expect(logger.cors().map((entry) => entry.message)).toEqual([
      expect.stringMatching(/^CorsModule\.forRoot\.maxAge: .*7200.*\[max-age-over-browser-cap\]$/),
    ]);
    const res = await request(app.getHttpServer())
      .options('/items')
      .set('Origin', APP)
      .set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-max-age']).toBe('86400');
  });

  it('refuses header names browsers never send or expose, each with its code', async () => {
    const error = await issuesOf(
      build(
        appModule({
          origin: APP,
          allowedHeaders: ['Connection', 'Sec-Foo', 'Proxy-Foo', 'Access-Control-Allow-Origin'],
          exposedHeaders: ['Set-Cookie'],
        }),
        makeAdapter,
      ),
    );
    expect(codesOf(error.issues)).toEqual([
      {
        path: 'CorsModule.forRoot.exposedHeaders',
        code: 'header-never-exposed',
        value: 'Set-Cookie',
      },
      { path: 'CorsModule.forRoot.allowedHeaders', code: 'header-never-sent', value: 'Connection' },
      { path: 'CorsModule.forRoot.allowedHeaders', code: 'header-never-sent', value: 'Sec-Foo' },
      { path: 'CorsModule.forRoot.allowedHeaders', code: 'header-never-sent', value: 'Proxy-Foo' },
      {
        path: 'CorsModule.forRoot.allowedHeaders',
        code: 'header-never-sent',
        value: 'Access-Control-Allow-Origin',
      },
    ]);
  });

  it("accepts '*' in an origin list, as the README and the type say: any origin", async () => {
    const app = await started(appModule({ origin: [APP, '*'] }), makeAdapter);
    const res = await request(app.getHttpServer()).get('/items').set('Origin', OTHER);
    expect(res.headers['access-control-allow-origin']).toBe('*');
  });

  it('accepts the common, safe subdomain RegExp and answers with it', async () => {
    const app = await started(
      appModule({ origin: /^https:\/\/(?:[a-z0-9-]+\.)+example\.com$/ }),
      makeAdapter,
    );
    const allowed = await request(app.getHttpServer())
      .get('/items')
      .set('Origin', 'https://a.b.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://a.b.example.com');
    const denied = await request(app.getHttpServer())
      .get('/items')
      .set('Origin', 'https://example.com.evil.net');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('module misuse', () => {
  const makeAdapter = adapters[0][1];

  it('refuses imports: [CorsModule] without forRoot() with a sentence that says what to do', async () => {
    @Module({ imports: [CorsModule], controllers: [ItemsController] })
    class FeatureModule {}
    const error = await failureOf(build(FeatureModule, makeAdapter));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(
      'CorsModule is imported without forRoot() or forRootAsync() (in FeatureModule). ' +
        'Import CorsModule.forRoot({ ... }) (or forRootAsync) once, in the root module; it is global, ' +
        'so other modules need no import of CorsModule to use @CorsPolicy().',
    );
  });

  it('refuses imports: [CorsModule] in a feature module next to forRoot() in the root', async () => {
    @Module({ imports: [CorsModule], controllers: [ItemsController] })
    class FeatureModule {}
    @Module({ imports: [CorsModule.forRoot({ origin: APP }), FeatureModule] })
    class AppModule {}
    const error = await failureOf(build(AppModule, makeAdapter));
    expect((error as Error).message).toMatch(
      /^CorsModule is imported without forRoot\(\) or forRootAsync\(\) \(in FeatureModule\)/,
    );
  });

  it('refuses forRoot() imported twice, in two modules, naming both', async () => {
    @Module({ imports: [CorsModule.forRoot({ origin: OTHER })], controllers: [ItemsController] })
    class FeatureModule {}
    @Module({ imports: [CorsModule.forRoot({ origin: APP }), FeatureModule] })
    class AppModule {}
    const error = await failureOf(build(AppModule, makeAdapter));
    expect((error as Error).message).toMatch(
      /^CorsModule\.forRoot\(\) or forRootAsync\(\) is imported 2 times \(in (AppModule, FeatureModule|FeatureModule, AppModule)\)/,
    );
  });
});
