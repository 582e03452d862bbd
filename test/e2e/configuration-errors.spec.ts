import { Controller, Get, Module, type Type } from '@nestjs/common';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
} from '../../lib/index.js';
import { adapters, createApp } from './adapters.js';

@CorsPolicy({ origin: 'https://*.com', credentials: true, maxAge: 90000 })
@Controller('bad')
class BadController {
  @CorsPolicy('nope')
  @Get()
  list() {
    return [];
  }

  @CorsPolicy({
    origin: /partner\.example/,
    methods: ['TRACE', 'GET'],
    exposedHeaders: ['bad header'],
  })
  @Get('more')
  more() {
    return [];
  }
}

@Controller('good')
class GoodController {
  @Get()
  list() {
    return [];
  }
}

function appWith(options: CorsModuleOptions, controllers: Type[] = [GoodController]): Type {
  @Module({ imports: [CorsModule.forRoot(options)], controllers })
  class AppModule {}
  return AppModule;
}

async function issuesOf(module: Type, makeAdapter: (typeof adapters)[number][1]) {
  const failure = await createApp(module, makeAdapter).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(CorsConfigurationError);
  return failure as CorsConfigurationError;
}

describe.each(adapters)('startup validation on %s', (_platform, makeAdapter) => {
  it('refuses the module options with every problem listed', async () => {
    const error = await issuesOf(
      appWith({
        origin: [
          'https://app.example/',
          'null',
          'app.example',
          'https://app.example:443',
          'https://a.*.example',
        ],
        maxAge: 1.5,
        optionsSuccessStatus: 302,
        allowedHeaders: ['x ok'],
        policies: { partners: { origin: '*', credentials: true }, typo: { orgin: 'x' } as never },
      }),
      makeAdapter,
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        {
          path: 'CorsModule.forRoot.origin',
          message: expect.stringContaining("'https://app.example/' has a path, a trailing slash"),
        },
        { path: 'CorsModule.forRoot.origin', message: expect.stringContaining("'null'") },
        { path: 'CorsModule.forRoot.origin', message: expect.stringContaining('has no scheme') },
        {
          path: 'CorsModule.forRoot.origin',
          message: expect.stringContaining('default port :443'),
        },
        {
          path: 'CorsModule.forRoot.origin',
          message: expect.stringContaining('not the whole leftmost label'),
        },
        {
          path: 'CorsModule.forRoot.maxAge',
          message: expect.stringContaining('integer from 0 to 86400'),
        },
        {
          path: 'CorsModule.forRoot.optionsSuccessStatus',
          message: expect.stringContaining('200 to 299'),
        },
        {
          path: 'CorsModule.forRoot.allowedHeaders',
          message: expect.stringContaining("'x ok' is not a valid header name"),
        },
        {
          path: 'CorsModule.forRoot.policies.partners',
          message: expect.stringContaining("origin '*' together with credentials"),
        },
        { path: 'CorsModule.forRoot.policies.typo', message: "unknown option 'orgin'" },
      ]),
    );
    expect(error.issues).toHaveLength(10);
    for (const issue of error.issues)
      expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  });

  it('names the controller and method of each bad decorator, together with module problems', async () => {
    const error = await issuesOf(
      appWith({ origin: 'https://app.example', credentials: 'yes' as never }, [BadController]),
      makeAdapter,
    );
    expect(error.issues).toEqual(
      expect.arrayContaining([
        { path: 'CorsModule.forRoot.credentials', message: "expected true or false, got 'yes'" },
        {
          path: 'BadController.origin',
          message: expect.stringContaining("covers the public suffix 'com'"),
        },
        { path: 'BadController.maxAge', message: expect.stringContaining('got 90000') },
        { path: 'BadController.list', message: "unknown named policy 'nope' (defined: none)" },
        {
          path: 'BadController.more.origin',
          message: expect.stringContaining('not anchored with ^ and $'),
        },
        {
          path: 'BadController.more.methods',
          message: expect.stringContaining("'TRACE' is forbidden"),
        },
        {
          path: 'BadController.more.exposedHeaders',
          message: expect.stringContaining("'bad header' is not a valid header name"),
        },
      ]),
    );
  });

  it.each([
    [
      "'*' with credentials",
      { origin: '*', credentials: true },
      "origin '*' together with credentials",
    ],
    [
      "allowedHeaders '*' with credentials",
      { origin: 'https://a.example', credentials: true, allowedHeaders: '*' },
      "allowedHeaders '*'",
    ],
    [
      "exposedHeaders '*' with credentials",
      { origin: 'https://a.example', credentials: true, exposedHeaders: ['*'] },
      "exposedHeaders '*'",
    ],
    ['a public suffix pattern', { origin: 'https://*.co.uk' }, "public suffix 'co.uk'"],
    [
      'a plain-http pattern with credentials',
      { origin: 'http://*.example.com', credentials: true },
      'plain http together with credentials',
    ],
    ['userinfo', { origin: 'https://user@app.example' }, 'userinfo'],
    ['a query', { origin: 'https://app.example?x=1' }, 'a query'],
    ['a negative maxAge', { origin: 'https://a.example', maxAge: -1 }, 'integer from 0 to 86400'],
    ['CONNECT', { origin: 'https://a.example', methods: ['connect'] }, 'forbidden'],
  ] as const)('refuses %s', async (_case, options, message) => {
    const error = await issuesOf(appWith(options as CorsModuleOptions), makeAdapter);
    expect(error.issues.map((issue) => issue.message).join('\n')).toContain(message);
  });

  it('lists a problem inherited by several controllers once, at the module', async () => {
    @CorsPolicy({ exposedHeaders: ['x-a'] })
    @Controller('a')
    class A {
      @Get() a() {}
    }
    const error = await issuesOf(
      appWith({ origin: '*', credentials: true }, [A, GoodController]),
      makeAdapter,
    );
    expect(error.issues).toEqual([
      {
        path: 'CorsModule.forRoot',
        message: expect.stringContaining("origin '*' together with credentials"),
      },
    ]);
  });

  it('starts with a valid configuration', async () => {
    const app = await createApp(
      appWith({ origin: ['https://app.example', 'https://*.example.com', /^https:\/\/x\.test$/] }),
      makeAdapter,
    );
    await app.close();
  });
});
