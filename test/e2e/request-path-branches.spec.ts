/*
 * One test for each branch of the request path that no other suite would miss if it were
 * removed (found by deleting each branch in turn): re-writing after a middleware passed on,
 * taking back another route's headers, versions sharing a policy, async and custom
 * constraints, host-bound routes, wildcards, error handlers, inherited route methods.
 */
import 'reflect-metadata';
import {
  Controller,
  Delete,
  Get,
  Injectable,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Next,
  Options,
  UnauthorizedException,
  Version,
  VersioningType,
} from '@nestjs/common';
import { CorsModule, CorsPolicy } from '../../lib/index.js';
import { serve, type Served } from '../fixtures/router-truth/http.js';
import { adapters } from './adapters.js';
import { FastifyAdapter, RouteConfig, RouteConstraints } from '@nestjs/platform-fastify';
import { Req } from '@nestjs/common';

/** A test for the other platform only: not registered here, rather than skipped. */
const noTest = (..._args: unknown[]) => undefined;

const APP = 'https://app.example';
const EVIL = 'https://evil.example';
const CRED = { origin: [APP, EVIL], credentials: true, exposedHeaders: ['x-cred'] };
const cors = (h: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('access-control-')));
const preflight = (method: string, extra: Record<string, string> = {}) => ({
  origin: EVIL,
  'access-control-request-method': method,
  ...extra,
});

// C1, C2: a Nest middleware that passes the request on, and an async origin function.
let originCalls = 0;
@Controller()
class PassedOnController {
  @CorsPolicy({
    origin: async (origin: string) => {
      originCalls++;
      return origin === EVIL;
    },
    credentials: true,
  })
  @Get('passed-on')
  passedOn() {
    return 'passedOn';
  }
}
@Injectable()
class PassOn {
  use(_req: unknown, _res: unknown, next: () => void) {
    next();
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [PassedOnController] })
class PassOnModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(PassOn).forRoutes('*');
  }
}

// H6: an @Options() handler with CORS on does not answer preflights itself.
// H5 (Fastify): a host-bound controller's own @Options() with CORS off answers its preflights.
@Controller()
class OwnOptionsOnController {
  @CorsPolicy(CRED)
  @Options('on')
  options() {
    return 'own-options';
  }
  @CorsPolicy(CRED)
  @Delete('on')
  remove() {
    return 'remove';
  }
}
@Controller({ host: 'admin.example.test' })
class HostOptionsController {
  @CorsPolicy(false)
  @Options('hosted')
  options() {
    return 'own-options';
  }
  @CorsPolicy(CRED)
  @Delete('hosted')
  remove() {
    return 'remove';
  }
}
@Module({
  imports: [CorsModule.forRoot({ origin: APP })],
  controllers: [OwnOptionsOnController, HostOptionsController],
})
class OptionsModule {}

// T3: two versions under header versioning that share one policy (the controller's).
@CorsPolicy(CRED)
@Controller('c')
class SharedPolicyVersionsController {
  @Version('1')
  @Get('thing')
  one() {
    return 'one';
  }
  @Version('2')
  @Get('thing')
  two() {
    return 'two';
  }
}
@Module({
  imports: [CorsModule.forRoot({ origin: APP })],
  controllers: [SharedPolicyVersionsController],
})
class SharedPolicyVersionsModule {}

// C3 (Express): a handler that passes the request on itself (@Next()) to a CORS-off route.
@Controller()
class NextController {
  @CorsPolicy(CRED)
  @Get('handed-on')
  first(@Next() next: () => void) {
    next();
  }
  @CorsPolicy(false)
  @Get('handed-on')
  second() {
    return 'second';
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [NextController] })
class NextModule {}

describe.each(adapters)('each branch of the request path on %s', (name, makeAdapter) => {
  let served: Served | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('a Nest middleware that passes on: the route still answers with its headers, origin function asked once', async () => {
    served = await serve(PassOnModule, makeAdapter);
    originCalls = 0;
    const reply = await served.send('GET', '/passed-on', { origin: EVIL });
    expect({ body: reply.body, cors: cors(reply.headers), calls: originCalls }).toEqual({
      body: 'passedOn',
      cors: {
        'access-control-allow-origin': EVIL,
        'access-control-allow-credentials': 'true',
      },
      calls: 1,
    });
  });

  it('an @Options() handler with CORS on leaves preflights to the module', async () => {
    served = await serve(OptionsModule, makeAdapter);
    const reply = await served.send('OPTIONS', '/on', preflight('DELETE'));
    expect({
      status: reply.status,
      body: reply.body,
      origin: reply.headers['access-control-allow-origin'],
    }).toEqual({
      status: 204,
      body: '',
      origin: EVIL,
    });
  });

  it("a host-bound controller's own CORS-off @Options() answers its preflights", async () => {
    served = await serve(OptionsModule, makeAdapter);
    const reply = await served.send('OPTIONS', '/hosted', {
      ...preflight('DELETE'),
      host: 'admin.example.test',
    });
    expect({ body: reply.body, cors: cors(reply.headers) }).toEqual({
      body: 'own-options',
      cors: {},
    });
  });

  it('versions sharing one policy: the preflight is answered, not refused', async () => {
    served = await serve(SharedPolicyVersionsModule, makeAdapter, (app) =>
      app.enableVersioning({ type: VersioningType.HEADER, header: 'x-api-version' }),
    );
    const reply = await served.send(
      'OPTIONS',
      '/c/thing',
      preflight('GET', { 'access-control-request-headers': 'x-api-version' }),
    );
    expect([reply.status, reply.headers['access-control-allow-credentials']]).toEqual([
      204,
      'true',
    ]);
  });

  (name === 'express' ? it : noTest)(
    'a handler that calls next(): the next route answers with its own (no) headers',
    async () => {
      served = await serve(NextModule, makeAdapter);
      const reply = await served.send('GET', '/handed-on', { origin: EVIL });
      expect({ body: reply.body, cors: cors(reply.headers) }).toEqual({ body: 'second', cors: {} });
    },
  );

  it('HEAD on a GET route: the GET handler policy answers the request and its preflight', async () => {
    served = await serve(PassOnModule, makeAdapter);
    const head = await served.send('HEAD', '/passed-on', { origin: EVIL });
    const pre = await served.send(
      'OPTIONS',
      '/passed-on',
      preflight('HEAD', { 'access-control-request-headers': 'x-custom' }),
    );
    expect([
      head.headers['access-control-allow-credentials'],
      pre.status,
      pre.headers['access-control-allow-credentials'],
    ]).toEqual(['true', 204, 'true']);
  });
});

// F6 (Fastify): with an async constraint strategy the router cannot be asked synchronously.
const asyncTenant = {
  name: 'tenant',
  storage() {
    const m = new Map<string, unknown>();
    return {
      get: (k: string) => (m.get(k) ?? null) as any,
      set: (k: string, v: unknown) => void m.set(k, v),
    };
  },
  deriveConstraint: (
    req: { headers: Record<string, string> },
    _ctx: unknown,
    done: (e: unknown, v?: string) => void,
  ) => setImmediate(() => done(null, req.headers['x-tenant'])),
  mustMatchWhenDerived: false,
  validate() {},
};
@Controller()
class TenantController {
  @CorsPolicy(false)
  @RouteConstraints({ tenant: 'internal' } as any)
  @Get('orders')
  internal() {
    return 'internal';
  }
  @CorsPolicy(CRED)
  @Get('orders')
  publicOrders() {
    return 'public';
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [TenantController] })
class TenantModule {}
describe('an async constraint strategy on fastify', () => {
  it('refuses preflights it cannot resolve', async () => {
    const served = await serve(
      TenantModule,
      () => new FastifyAdapter(),
      // Through the instance, which Nest 11's and 12's adapters both pass on to find-my-way.
      (app) => app.getHttpAdapter().getInstance().addConstraintStrategy(asyncTenant),
    );
    try {
      const reply = await served.send(
        'OPTIONS',
        '/orders',
        preflight('GET', { 'access-control-request-headers': 'x-tenant' }),
      );
      expect([reply.status, cors(reply.headers)]).toEqual([403, {}]);
    } finally {
      await served.close();
    }
  });
});

// E1 (Express) / F3-F4 (Fastify): a host-bound route alone; another Host ends in Nest's 404.
@Controller({ host: 'admin.example.test' })
class LoneHostController {
  @CorsPolicy(CRED)
  @Get('lone')
  lone() {
    return 'lone';
  }
}
// E5 (Express): a Nest middleware that throws before a host-bound route that passes on.
@Controller()
class LoneSlugController {
  @CorsPolicy(false)
  @Get(':slug')
  slug() {
    return 'slug';
  }
}
@Injectable()
class Reject {
  use() {
    throw new UnauthorizedException();
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [LoneHostController] })
class LoneHostModule {}
@Module({
  imports: [CorsModule.forRoot({ origin: APP })],
  controllers: [LoneHostController, LoneSlugController],
})
class HostThenSlugModule implements NestModule {
  configure(consumer: MiddlewareConsumer) {
    consumer.apply(Reject).forRoutes('*');
  }
}
// F10 (Fastify): an empty wildcard still reaches its handler.
@Controller()
class WildController {
  @CorsPolicy(CRED)
  @Get('files/*')
  files() {
    return 'files';
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [WildController] })
class WildModule {}
// E6 (Express): an error handler mounted at a path is not an endpoint.
@Controller('api')
class ApiGetController {
  @CorsPolicy(CRED)
  @Get('items')
  items() {
    return 'items';
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [ApiGetController] })
class ApiGetModule {}

describe.each(adapters)(
  'host-bound routes, wildcards and error handlers on %s',
  (name, makeAdapter) => {
    it('a host-bound route asked with another Host: 404 without its headers', async () => {
      const served = await serve(LoneHostModule, makeAdapter);
      try {
        const reply = await served.send('GET', '/lone', { origin: EVIL, host: 'other.test' });
        expect([reply.status, cors(reply.headers)]).toEqual([404, {}]);
      } finally {
        await served.close();
      }
    });

    it("a Nest middleware's error before a host-bound route that may pass on: no route's headers", async () => {
      const served = await serve(HostThenSlugModule, makeAdapter);
      try {
        const reply = await served.send('GET', '/lone', { origin: EVIL, host: 'other.test' });
        expect([reply.status, cors(reply.headers)]).toEqual([401, {}]);
      } finally {
        await served.close();
      }
    });

    (name === 'fastify' ? it : noTest)(
      'an empty wildcard reaches its handler, and its preflight is answered',
      async () => {
        const served = await serve(WildModule, makeAdapter);
        try {
          const actual = await served.send('GET', '/files/', { origin: EVIL });
          const pre = await served.send(
            'OPTIONS',
            '/files/',
            preflight('GET', { 'access-control-request-headers': 'x-custom' }),
          );
          expect([
            actual.body,
            actual.headers['access-control-allow-credentials'],
            pre.status,
          ]).toEqual(['files', 'true', 204]);
        } finally {
          await served.close();
        }
      },
    );

    (name === 'express' ? it : noTest)(
      'an error handler mounted at a path does not hide the routes under it',
      async () => {
        const served = await serve(ApiGetModule, makeAdapter, (app) =>
          app.use('/api', (_e: unknown, _q: unknown, _r: unknown, next: (e?: unknown) => void) =>
            next(_e),
          ),
        );
        try {
          const pre = await served.send(
            'OPTIONS',
            '/api/items',
            preflight('GET', { 'access-control-request-headers': 'x-custom' }),
          );
          expect([pre.status, pre.headers['access-control-allow-credentials']]).toEqual([
            204,
            'true',
          ]);
        } finally {
          await served.close();
        }
      },
    );
  },
);

// RC3 (Fastify): the handler registered in place of Nest's keeps Nest's route metadata.
@Controller({ host: 'admin.example.test' })
class ConfiguredHostController {
  @CorsPolicy(CRED)
  @RouteConfig({ tag: 'kept' })
  @Get('configured')
  configured(@Req() req: { routeOptions: { config: { tag?: string } } }) {
    return String(req.routeOptions.config.tag);
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [ConfiguredHostController] })
class ConfiguredHostModule {}
describe('route metadata on fastify', () => {
  it('a host-bound route keeps its @RouteConfig()', async () => {
    const served = await serve(ConfiguredHostModule, () => new FastifyAdapter());
    try {
      const reply = await served.send('GET', '/configured', {
        origin: EVIL,
        host: 'admin.example.test',
      });
      expect([reply.body, reply.headers['access-control-allow-credentials']]).toEqual([
        'kept',
        'true',
      ]);
    } finally {
      await served.close();
    }
  });
});

// X3/X4: one inherited route method in two controllers.
class SharedBase {
  @Get('shared')
  shared() {
    return (this as object).constructor.name;
  }
}
@CorsPolicy(false)
@Controller('off')
class OffChild extends SharedBase {}
@CorsPolicy(CRED)
@Controller('cred')
class CredChild extends SharedBase {}
@Controller('plain1')
class Plain1 extends SharedBase {}
@Controller('plain2')
class Plain2 extends SharedBase {}
@Module({
  imports: [CorsModule.forRoot({ origin: [APP, EVIL] })],
  controllers: [OffChild, CredChild],
})
class InheritedDifferentModule {}
@Module({ imports: [CorsModule.forRoot({ origin: [APP, EVIL] })], controllers: [Plain1, Plain2] })
class InheritedSameModule {}
describe.each(adapters)('inherited route methods on %s', (_name, makeAdapter) => {
  // Nest 11 does not name the handler it registers `Controller.method`, so routes of one
  // inherited method with different policies cannot be told apart: the startup says so.
  const nest11 = process.env.COMPAT_NEST_MAJOR === '11';
  (nest11 ? it : noTest)(
    'fail the startup loudly on Nest 11 where their policies differ',
    async () => {
      await expect(serve(InheritedDifferentModule, makeAdapter)).rejects.toThrow(
        /cannot tell the CORS policy of every route/,
      );
    },
  );
  (nest11 ? noTest : it)('keep the policy of each controller', async () => {
    const served = await serve(InheritedDifferentModule, makeAdapter);
    try {
      const off = await served.send('GET', '/off/shared', { origin: EVIL });
      const cred = await served.send('GET', '/cred/shared', { origin: EVIL });
      expect([
        off.body,
        cors(off.headers),
        cred.body,
        cred.headers['access-control-allow-credentials'],
      ]).toEqual(['OffChild', {}, 'CredChild', 'true']);
    } finally {
      await served.close();
    }
  });
  it('start when Nest registers routes by specificity and the policies agree', async () => {
    const served = await serve(InheritedSameModule, makeAdapter, undefined);
    await served.close();
    const { Test } = await import('@nestjs/testing');
    const moduleRef = await Test.createTestingModule({ imports: [InheritedSameModule] }).compile();
    const app = moduleRef.createNestApplication(makeAdapter(), {
      logger: false,
      routeResolutionStrategy: 'specificity',
    } as any);
    await expect(app.init()).resolves.toBeDefined();
    await app.close();
  });
});

// A constraint strategy of the app's own (a header) decides between two handlers on Fastify
// (the controller of the async case above, with a synchronous strategy).
const tenantStrategy = {
  name: 'tenant',
  storage() {
    const m = new Map<string, unknown>();
    return {
      get: (k: string) => (m.get(k) ?? null) as any,
      set: (k: string, v: unknown) => void m.set(k, v),
    };
  },
  deriveConstraint: (req: { headers: Record<string, string> }) => req.headers['x-tenant'],
  mustMatchWhenDerived: false,
  validate() {},
};

describe("a constraint of the app's own on fastify", () => {
  it('a preflight cannot know the header that picks the handler: must be refused', async () => {
    const served = await serve(
      TenantModule,
      () => new FastifyAdapter(),
      // Through the instance, which Nest 11's and 12's adapters both pass on to find-my-way.
      (app) => app.getHttpAdapter().getInstance().addConstraintStrategy(tenantStrategy),
    );
    try {
      const actual = await served.send('GET', '/orders', { origin: EVIL, 'x-tenant': 'internal' });
      const pre = await served.send(
        'OPTIONS',
        '/orders',
        preflight('GET', { 'access-control-request-headers': 'x-tenant' }),
      );
      expect(actual.body).toBe('internal');
      expect(pre.status).toBe(403);
    } finally {
      await served.close();
    }
  });
});

// One controller class in two modules, mounted under two RouterModule paths.
@CorsPolicy(CRED)
@Controller('x')
class ReusedController {
  @Get()
  get() {
    return 'reused';
  }
}
@Module({ controllers: [ReusedController] })
class ReuseA {}
@Module({ controllers: [ReusedController] })
class ReuseB {}
describe.each(adapters)(
  'one controller under two RouterModule paths on %s',
  (name, makeAdapter) => {
    it('the same controller under two RouterModule paths starts and answers on both', async () => {
      const { RouterModule } = await import('@nestjs/core');
      @Module({
        imports: [
          CorsModule.forRoot({ origin: APP }),
          ReuseA,
          ReuseB,
          RouterModule.register([
            { path: 'a', module: ReuseA },
            { path: 'b', module: ReuseB },
          ]),
        ],
      })
      class ReuseRoot {}
      const served = await serve(ReuseRoot, makeAdapter);
      try {
        const a = await served.send('GET', '/a/x', { origin: EVIL });
        const b = await served.send('GET', '/b/x', { origin: EVIL });
        expect([
          a.body,
          b.body,
          a.headers['access-control-allow-credentials'],
          b.headers['access-control-allow-credentials'],
        ]).toEqual(['reused', 'reused', 'true', 'true']);
      } finally {
        await served.close();
      }
    });
  },
);

@Controller()
class HealthController {
  @CorsPolicy(CRED)
  @Get('health')
  health() {
    return 'health';
  }
}
@Module({ imports: [CorsModule.forRoot({ origin: APP })], controllers: [HealthController] })
class HealthModule {}
// Nest's not-found routes at global-prefix exclusions are Nest's own, not an unowned endpoint.
describe.each(adapters)('a global prefix exclusion on %s', (name, makeAdapter) => {
  it('prefix exclusion: preflight for a method nobody serves at the excluded path is refused by the module (403)', async () => {
    const served = await serve(HealthModule, makeAdapter, (app) =>
      app.setGlobalPrefix('api', { exclude: ['health'] }),
    );
    try {
      const pre = await served.send('OPTIONS', '/health', preflight('POST'));
      expect(pre.status).toBe(403);
    } finally {
      await served.close();
    }
  });
});
