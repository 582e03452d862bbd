import { Controller, Get, Module, type Type } from '@nestjs/common';
import {
  CorsConfigurationError,
  CorsModule,
  type CorsModuleOptions,
  CorsPolicy,
} from '../../lib/index.js';
import { codesOf } from '../helpers/issues.js';
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
    expect(codesOf(error.issues)).toEqual([
      {
        path: 'CorsModule.forRoot.origin',
        code: 'origin-not-serialized',
        value: 'https://app.example/',
      },
      { path: 'CorsModule.forRoot.origin', code: 'origin-null', value: 'null' },
      { path: 'CorsModule.forRoot.origin', code: 'origin-not-serialized', value: 'app.example' },
      {
        path: 'CorsModule.forRoot.origin',
        code: 'origin-not-serialized',
        value: 'https://app.example:443',
      },
      {
        path: 'CorsModule.forRoot.origin',
        code: 'origin-not-serialized',
        value: 'https://a.*.example',
      },
      { path: 'CorsModule.forRoot.allowedHeaders', code: 'invalid-name', value: 'x ok' },
      { path: 'CorsModule.forRoot.maxAge', code: 'out-of-range', value: 1.5 },
      { path: 'CorsModule.forRoot.optionsSuccessStatus', code: 'out-of-range', value: 302 },
      {
        path: 'CorsModule.forRoot.policies.partners',
        code: 'credentials-with-wildcard',
        value: { origin: '*' },
      },
      { path: 'CorsModule.forRoot.policies.typo', code: 'unknown-option', value: 'orgin' },
    ]);
    expect(error.issues).toHaveLength(10);
    for (const issue of error.issues)
      expect(error.message).toContain(`${issue.path}: ${issue.message}`);
  });

  it('names the controller and method of each bad decorator, together with module problems', async () => {
    const error = await issuesOf(
      appWith({ origin: 'https://app.example', credentials: 'yes' as never }, [BadController]),
      makeAdapter,
    );
    expect(codesOf(error.issues)).toEqual(
      expect.arrayContaining([
        { path: 'CorsModule.forRoot.credentials', code: 'invalid-type', value: 'yes' },
        {
          path: 'BadController.origin',
          code: 'wildcard-over-public-suffix',
          value: 'https://*.com',
        },
        { path: 'BadController.maxAge', code: 'out-of-range', value: 90000 },
        { path: 'BadController.list', code: 'unknown-policy', value: 'nope' },
        { path: 'BadController.more.origin', code: 'regexp-unanchored', value: /partner\.example/ },
        { path: 'BadController.more.methods', code: 'forbidden-method', value: 'TRACE' },
        { path: 'BadController.more.exposedHeaders', code: 'invalid-name', value: 'bad header' },
      ]),
    );
    expect(error.issues).toHaveLength(7);
  });

  // One row per rule of the README's table of codes.
  it.each([
    ['invalid-type', { methods: 'GET,POST' }],
    ['out-of-range', { maxAge: -1 }],
    ['unknown-option', { orgin: 'https://a.example' }],
    ['origin-null', { origin: 'null' }],
    ['origin-not-serialized', { origin: 'https://user@app.example' }],
    ['origin-not-serialized', { origin: 'https://app.example?x=1' }],
    ['wildcard-over-public-suffix', { origin: 'https://*.co.uk' }],
    ['regexp-unanchored', { origin: /partner\.example$/ }],
    ['regexp-stateful', { origin: /^https:\/\/a\.example$/g }],
    ['regexp-redos', { origin: /^https:\/\/(a+)+\.example$/ }],
    ['invalid-name', { allowedHeaders: ['x y'] }],
    ['forbidden-method', { methods: ['connect'] }],
    ['header-never-sent', { allowedHeaders: ['Sec-Foo'] }],
    ['header-never-exposed', { exposedHeaders: ['Set-Cookie'] }],
    ['credentials-with-wildcard', { origin: '*', credentials: true }],
    [
      'credentials-with-wildcard',
      { origin: 'https://a.example', credentials: true, allowedHeaders: '*' },
    ],
    [
      'credentials-with-wildcard',
      { origin: 'https://a.example', credentials: true, exposedHeaders: ['*'] },
    ],
    ['credentials-with-insecure-pattern', { origin: 'http://*.example.com', credentials: true }],
  ] as const)('refuses with the code %s: %j', async (code, options) => {
    const error = await issuesOf(appWith(options as CorsModuleOptions), makeAdapter);
    expect(error.issues.map((issue) => issue.code)).toEqual([code]);
  });

  it('refuses a named policy that does not exist with unknown-policy', async () => {
    @CorsPolicy('partners')
    @Controller('p')
    class PartnersController {
      @Get() list() {}
    }
    const error = await issuesOf(appWith({}, [PartnersController]), makeAdapter);
    expect(codesOf(error.issues)).toEqual([
      { path: 'PartnersController', code: 'unknown-policy', value: 'partners' },
    ]);
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
    expect(codesOf(error.issues)).toEqual([
      { path: 'CorsModule.forRoot', code: 'credentials-with-wildcard', value: { origin: '*' } },
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
