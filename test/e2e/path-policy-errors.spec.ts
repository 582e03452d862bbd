import { Controller, Get, Module, type Type } from '@nestjs/common';
import { CorsConfigurationError, CorsModule, type CorsModuleOptions } from '../../lib/index.js';
import { codesOf } from '../helpers/issues.js';
import { adapters, createApp } from './adapters.js';

@Controller('users')
class UsersController {
  @Get()
  list() {
    return [];
  }

  @Get(':id')
  one() {
    return {};
  }
}

function appWith(options: CorsModuleOptions): Type {
  @Module({ imports: [CorsModule.forRoot(options)], controllers: [UsersController] })
  class AppModule {}
  return AppModule;
}

async function issuesOf(
  module: Type,
  makeAdapter: (typeof adapters)[number][1],
  prefix?: string,
): Promise<CorsConfigurationError> {
  const failure = await createApp(module, makeAdapter, (app) => {
    if (prefix) app.setGlobalPrefix(prefix);
  }).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(CorsConfigurationError);
  return failure as CorsConfigurationError;
}

describe.each(adapters)('startup validation of paths on %s', (_platform, makeAdapter) => {
  it('checks each path policy like a decorator, with the path in the issue', async () => {
    const error = await issuesOf(
      appWith({
        policies: { partners: { origin: 'https://*.partner.example', credentials: true } },
        paths: {
          '/graphql': { origin: 'https://app.example/', maxAge: -1 },
          '/static/{*file}': { origin: '*', credentials: true },
          '/docs-json': 'nope',
          '/health': true as never,
          "/it's": { orgin: 'x' } as never,
        },
      }),
      makeAdapter,
    );
    expect(codesOf(error.issues)).toEqual([
      {
        path: "CorsModule.forRoot.paths['/graphql'].origin",
        code: 'origin-not-serialized',
        value: 'https://app.example/',
      },
      { path: "CorsModule.forRoot.paths['/graphql'].maxAge", code: 'out-of-range', value: -1 },
      {
        path: "CorsModule.forRoot.paths['/static/{*file}']",
        code: 'credentials-with-wildcard',
        value: { origin: '*' },
      },
      { path: "CorsModule.forRoot.paths['/docs-json']", code: 'unknown-policy', value: 'nope' },
      { path: "CorsModule.forRoot.paths['/health']", code: 'invalid-type', value: true },
      { path: "CorsModule.forRoot.paths['/it\\'s']", code: 'unknown-option', value: 'orgin' },
    ]);
  });

  it.each([
    ['graphql', 'not from the server root'],
    ['/users/:', 'a parameter without a name'],
    ['/files/{*}', 'a wildcard without a name'],
    ['/a{', 'an unclosed group'],
    ['/graphql?x=1', 'a query string'],
  ])('refuses the malformed key %s (%s) with invalid-path', async (key) => {
    const error = await issuesOf(appWith({ paths: { [key]: { origin: '*' } } }), makeAdapter);
    expect(codesOf(error.issues)).toEqual([
      { path: `CorsModule.forRoot.paths['${key}']`, code: 'invalid-path', value: key },
    ]);
  });

  it('refuses the paths option when it is not an object', async () => {
    const error = await issuesOf(appWith({ paths: ['/graphql'] as never }), makeAdapter);
    expect(codesOf(error.issues)).toEqual([
      { path: 'CorsModule.forRoot.paths', code: 'invalid-type', value: ['/graphql'] },
    ]);
  });

  it.each([['/users'], ['/users/me']])(
    'refuses %s, a key without parameters that a controller route serves',
    async (key) => {
      const error = await issuesOf(appWith({ paths: { [key]: { origin: '*' } } }), makeAdapter);
      expect(codesOf(error.issues)).toEqual([
        {
          path: `CorsModule.forRoot.paths['${key}']`,
          code: 'path-served-by-controller',
          value: key,
        },
      ]);
      expect(error.message).toContain('/users');
    },
  );

  it('compares keys with the routes as registered, global prefix included', async () => {
    const error = await issuesOf(
      appWith({ paths: { '/api/users': { origin: '*' }, '/users': { origin: '*' } } }),
      makeAdapter,
      'api',
    );
    expect(codesOf(error.issues)).toEqual([
      {
        path: "CorsModule.forRoot.paths['/api/users']",
        code: 'path-served-by-controller',
        value: '/api/users',
      },
    ]);
  });

  it('starts with keys that have parameters, or that no controller route serves', async () => {
    const app = await createApp(
      appWith({ paths: { '/users/{*rest}': { origin: '*' }, '/graphql': false } }),
      makeAdapter,
    );
    await app.close();
  });
});
