import type {
  CorsModuleOptions,
  CorsPolicyDeclaration,
} from '../../lib/interfaces/cors-options.interface.js';
import type { CompiledPolicy, EffectivePolicy } from '../../lib/policy/compile-policy.js';
import { matchStaticOrigin } from '../../lib/policy/origin.js';
import { PolicyCompiler } from '../../lib/policy/policy-compiler.js';
import { codesOf } from '../helpers/issues.js';

const APP = 'https://app.example.com';
const PARTNER = 'https://partner.example';
const ADMIN = 'https://admin.example.com';

function enabled(policy: EffectivePolicy): CompiledPolicy {
  expect(policy.enabled).toBe(true);
  if (!policy.enabled) throw new Error('expected an enabled policy');
  return policy;
}

function allows(policy: EffectivePolicy, origin: string): boolean {
  return matchStaticOrigin(enabled(policy).origin, origin);
}

/** Compiles one controller and one of its handlers, the way CorsModule does. */
function compile(
  options: CorsModuleOptions,
  controller: CorsPolicyDeclaration | undefined,
  handler: CorsPolicyDeclaration | undefined,
) {
  const compiler = new PolicyCompiler(options);
  const controllerPolicy = compiler.controllerPolicy('PartnersController', controller);
  const handlerPolicy = compiler.handlerPolicy(
    'PartnersController.list',
    controller,
    controllerPolicy,
    handler,
  );
  return { compiler, controllerPolicy, handlerPolicy, issues: compiler.issues };
}

describe('PolicyCompiler', () => {
  describe('module defaults', () => {
    it('compiles no options into a policy that allows no origin', () => {
      const compiler = new PolicyCompiler({});
      expect(compiler.issues).toEqual([]);
      expect(enabled(compiler.global).origin.none).toBe(true);
      expect(compiler.global.source).toBe('global');
    });

    it('gives a controller and handler without declarations the global policy itself', () => {
      const { compiler, controllerPolicy, handlerPolicy } = compile(
        { origin: APP },
        undefined,
        undefined,
      );
      expect(controllerPolicy).toBe(compiler.global);
      expect(handlerPolicy).toBe(compiler.global);
      expect(allows(handlerPolicy, APP)).toBe(true);
    });

    it('gives a handler without a declaration its controller policy itself', () => {
      const { controllerPolicy, handlerPolicy } = compile(
        { origin: APP },
        { maxAge: 5 },
        undefined,
      );
      expect(handlerPolicy).toBe(controllerPolicy);
      expect(enabled(handlerPolicy).maxAge).toBe('5');
    });
  });

  describe('precedence, field by field', () => {
    const options: CorsModuleOptions = {
      origin: APP,
      maxAge: 100,
      exposedHeaders: ['x-module'],
      allowPrivateNetwork: true,
    };

    it('lets each level set some fields and inherit the rest', () => {
      const { controllerPolicy, handlerPolicy, issues } = compile(
        options,
        { maxAge: 200, credentials: true },
        { exposedHeaders: ['X-Handler'] },
      );
      expect(issues).toEqual([]);
      const controller = enabled(controllerPolicy);
      expect(controller).toMatchObject({
        maxAge: '200',
        credentials: true,
        exposeHeaders: 'x-module',
        allowPrivateNetwork: true,
      });
      const handler = enabled(handlerPolicy);
      expect(handler).toMatchObject({
        maxAge: '200',
        credentials: true,
        exposeHeaders: 'x-handler',
        allowPrivateNetwork: true,
      });
      expect(allows(handler, APP)).toBe(true);
    });

    it('lets the handler beat the controller, which beats the module', () => {
      const { controllerPolicy, handlerPolicy } = compile(
        options,
        { maxAge: 200, origin: PARTNER },
        { maxAge: 300 },
      );
      expect(enabled(controllerPolicy).maxAge).toBe('200');
      expect(enabled(handlerPolicy).maxAge).toBe('300');
      expect(allows(handlerPolicy, PARTNER)).toBe(true);
      expect(allows(handlerPolicy, APP)).toBe(false);
    });

    it('replaces a list field as a whole rather than merging the lists', () => {
      const { handlerPolicy } = compile({ origin: [APP, ADMIN] }, undefined, { origin: [PARTNER] });
      expect(allows(handlerPolicy, PARTNER)).toBe(true);
      expect(allows(handlerPolicy, APP)).toBe(false);
      expect(allows(handlerPolicy, ADMIN)).toBe(false);
    });

    it('does not let a field set to undefined erase an inherited value', () => {
      const { handlerPolicy } = compile({ origin: APP }, { credentials: true, maxAge: 50 }, {
        credentials: undefined,
        maxAge: undefined,
      } as CorsPolicyDeclaration);
      expect(enabled(handlerPolicy)).toMatchObject({ credentials: true, maxAge: '50' });
    });

    it('gives a declared policy the source of its decorator', () => {
      const { controllerPolicy, handlerPolicy } = compile(options, { maxAge: 1 }, { maxAge: 2 });
      expect(controllerPolicy.source).toBe('PartnersController');
      expect(handlerPolicy.source).toBe('PartnersController.list');
    });
  });

  describe('named policies', () => {
    const options: CorsModuleOptions = {
      origin: APP,
      maxAge: 100,
      exposedHeaders: ['x-module'],
      policies: {
        partners: { origin: PARTNER, credentials: true },
        internal: { origin: ADMIN, maxAge: 5 },
      },
    };

    it('is a set of fields on top of the module defaults, at controller level', () => {
      const { controllerPolicy, handlerPolicy, issues } = compile(options, 'partners', undefined);
      expect(issues).toEqual([]);
      expect(enabled(controllerPolicy)).toMatchObject({
        credentials: true,
        maxAge: '100',
        exposeHeaders: 'x-module',
      });
      expect(allows(controllerPolicy, PARTNER)).toBe(true);
      expect(allows(controllerPolicy, APP)).toBe(false);
      expect(controllerPolicy.source).toBe("policy 'partners' on PartnersController");
      expect(handlerPolicy).toBe(controllerPolicy);
    });

    it('is a set of fields on top of the module defaults, at handler level', () => {
      const { handlerPolicy } = compile(options, undefined, 'internal');
      expect(enabled(handlerPolicy)).toMatchObject({
        credentials: false,
        maxAge: '5',
        exposeHeaders: 'x-module',
      });
      expect(allows(handlerPolicy, ADMIN)).toBe(true);
      expect(handlerPolicy.source).toBe("policy 'internal' on PartnersController.list");
    });

    it('on a handler, beats the fields of its controller that it sets itself', () => {
      const { handlerPolicy } = compile(options, { origin: APP, maxAge: 50 }, 'internal');
      expect(enabled(handlerPolicy).maxAge).toBe('5');
      expect(allows(handlerPolicy, ADMIN)).toBe(true);
      expect(allows(handlerPolicy, APP)).toBe(false);
    });

    // The fields of a named policy stand "at the level where its decorator stands", like the
    // same fields written inline: what the named policy leaves out still comes from the controller.
    it('on a handler, acts like the same fields written inline there', () => {
      const inline = compile(
        options,
        { exposedHeaders: ['x-controller'] },
        {
          origin: ADMIN,
          maxAge: 5,
        },
      ).handlerPolicy;
      const named = compile(
        options,
        { exposedHeaders: ['x-controller'] },
        'internal',
      ).handlerPolicy;
      expect(enabled(named).exposeHeaders).toBe('x-controller');
      expect({ ...enabled(named), source: '', origin: null }).toEqual({
        ...enabled(inline),
        source: '',
        origin: null,
      });
    });

    it('on a handler, builds on a named policy of its controller', () => {
      const { handlerPolicy } = compile(options, 'partners', { maxAge: 7 });
      expect(enabled(handlerPolicy)).toMatchObject({ credentials: true, maxAge: '7' });
      expect(allows(handlerPolicy, PARTNER)).toBe(true);
    });

    it('is not affected by another named policy', () => {
      const { handlerPolicy } = compile(options, undefined, 'partners');
      expect(enabled(handlerPolicy).maxAge).toBe('100');
    });
  });

  describe('false', () => {
    it('on a handler, disables CORS for it whatever its controller says', () => {
      const { controllerPolicy, handlerPolicy, issues } = compile(
        { origin: APP },
        { origin: PARTNER },
        false,
      );
      expect(issues).toEqual([]);
      expect(controllerPolicy.enabled).toBe(true);
      expect(handlerPolicy).toEqual({ enabled: false, source: 'PartnersController.list' });
    });

    it('on a controller, disables CORS for handlers without a policy of their own', () => {
      const { controllerPolicy, handlerPolicy } = compile({ origin: APP }, false, undefined);
      expect(controllerPolicy).toEqual({ enabled: false, source: 'PartnersController' });
      expect(handlerPolicy.enabled).toBe(false);
    });

    it('on a controller, lets a handler with fields of its own enable CORS on module defaults', () => {
      const { handlerPolicy } = compile({ origin: APP, maxAge: 100 }, false, {
        credentials: true,
      });
      expect(enabled(handlerPolicy)).toMatchObject({ credentials: true, maxAge: '100' });
      expect(allows(handlerPolicy, APP)).toBe(true);
    });

    it('on a controller, lets a handler with a named policy enable CORS', () => {
      const { handlerPolicy } = compile(
        { origin: APP, maxAge: 100, policies: { partners: { origin: PARTNER } } },
        false,
        'partners',
      );
      expect(enabled(handlerPolicy).maxAge).toBe('100');
      expect(allows(handlerPolicy, PARTNER)).toBe(true);
    });

    it('on a controller, lets @CorsPolicy() with no fields enable a handler on module defaults', () => {
      const { handlerPolicy } = compile({ origin: APP }, false, {});
      expect(allows(handlerPolicy, APP)).toBe(true);
    });
  });

  describe('unknown named policies', () => {
    it('are an issue naming the controller and the defined policies', () => {
      const { issues, controllerPolicy } = compile(
        { origin: APP, policies: { partners: {}, internal: {} } },
        'partnrs',
        undefined,
      );
      expect(codesOf(issues)).toEqual([
        { path: 'PartnersController', code: 'unknown-policy', value: 'partnrs' },
      ]);
      expect(issues[0].message).toBe(
        "unknown named policy 'partnrs' (defined: 'partners', 'internal')",
      );
      // Still compiled, on the module defaults, so that the other issues can be found.
      expect(allows(controllerPolicy, APP)).toBe(true);
    });

    it('are an issue naming the handler, and say when none is defined', () => {
      const { issues } = compile({}, undefined, 'partners');
      expect(codesOf(issues)).toEqual([
        { path: 'PartnersController.list', code: 'unknown-policy', value: 'partners' },
      ]);
      expect(issues[0].message).toBe("unknown named policy 'partners' (defined: none)");
    });

    it('on a controller, are listed once, not again for each handler that builds on it', () => {
      const { issues } = compile({}, 'nope', { maxAge: 5 });
      expect(codesOf(issues)).toEqual([
        { path: 'PartnersController', code: 'unknown-policy', value: 'nope' },
      ]);
    });
  });

  describe('configuration issues', () => {
    it('collects every issue, with paths a person can find', () => {
      const compiler = new PolicyCompiler({
        origin: 'https://app.example.com/',
        maxAge: -1,
        policies: {
          partners: { origin: PARTNER, maxAge: 86401, methods: ['TRACE'] },
        },
      });
      const controller = compiler.controllerPolicy('PartnersController', {
        credentials: 'yes' as unknown as boolean,
      });
      compiler.handlerPolicy('PartnersController.list', undefined, controller, 'missing');
      compiler.handlerPolicy('PartnersController.create', undefined, controller, {
        allowedHeaders: ['x y'],
      });
      expect(compiler.issues.map((issue) => issue.path).sort()).toEqual([
        'CorsModule.forRoot.maxAge',
        'CorsModule.forRoot.origin',
        'CorsModule.forRoot.policies.partners.maxAge',
        'CorsModule.forRoot.policies.partners.methods',
        'PartnersController.create.allowedHeaders',
        'PartnersController.credentials',
        'PartnersController.list',
      ]);
    });

    it('reports unknown options of the module, of a named policy and of a decorator', () => {
      const compiler = new PolicyCompiler({
        debug: true,
        policies: { partners: { debug: true } as never },
        cors: true,
      } as CorsModuleOptions);
      compiler.controllerPolicy('PartnersController', { policies: {} } as never);
      expect(codesOf(compiler.issues)).toEqual([
        { path: 'CorsModule.forRoot', code: 'unknown-option', value: 'cors' },
        { path: 'CorsModule.forRoot.policies.partners', code: 'unknown-option', value: 'debug' },
        { path: 'PartnersController', code: 'unknown-option', value: 'policies' },
      ]);
    });

    it('reports policies that are not an object of named policies', () => {
      const compiler = new PolicyCompiler({ policies: [] as never });
      expect(codesOf(compiler.issues)).toEqual([
        { path: 'CorsModule.forRoot.policies', code: 'invalid-type', value: [] },
      ]);
    });

    it('reports a named policy that is not an object, and references to it as unknown', () => {
      const compiler = new PolicyCompiler({ policies: { partners: false as never } });
      compiler.controllerPolicy('PartnersController', 'partners');
      expect(codesOf(compiler.issues)).toEqual([
        { path: 'CorsModule.forRoot.policies.partners', code: 'invalid-type', value: false },
        { path: 'PartnersController', code: 'unknown-policy', value: 'partners' },
      ]);
    });

    it('reports a combination problem at the level that creates it', () => {
      const compiler = new PolicyCompiler({
        origin: '*',
        policies: { partners: { credentials: true } },
      });
      compiler.controllerPolicy('PartnersController', 'partners');
      compiler.controllerPolicy('OrdersController', { maxAge: 5 });
      expect(codesOf(compiler.issues)).toEqual([
        {
          path: 'CorsModule.forRoot.policies.partners',
          code: 'credentials-with-wildcard',
          value: { origin: '*' },
        },
      ]);
      const other = new PolicyCompiler({ origin: '*' });
      other.controllerPolicy('PartnersController', { credentials: true });
      expect(codesOf(other.issues)).toEqual([
        { path: 'PartnersController', code: 'credentials-with-wildcard', value: { origin: '*' } },
      ]);
    });

    it('reports a combination problem made of a module field and a named policy field', () => {
      const compiler = new PolicyCompiler({
        credentials: true,
        origin: APP,
        policies: { open: { origin: '*' } },
      });
      expect(codesOf(compiler.issues)).toEqual([
        {
          path: 'CorsModule.forRoot.policies.open',
          code: 'credentials-with-wildcard',
          value: { origin: '*' },
        },
      ]);
    });

    it('lists an inherited combination problem once, where it first appears', () => {
      const compiler = new PolicyCompiler({ origin: '*', credentials: true });
      const controller = compiler.controllerPolicy('PartnersController', {
        exposedHeaders: ['x-a'],
      });
      compiler.handlerPolicy('PartnersController.list', { exposedHeaders: ['x-a'] }, controller, {
        origin: '*',
        maxAge: 5,
      });
      compiler.handlerPolicy('PartnersController.get', { exposedHeaders: ['x-a'] }, controller, {
        maxAge: 6,
      });
      expect(codesOf(compiler.issues)).toEqual([
        { path: 'CorsModule.forRoot', code: 'credentials-with-wildcard', value: { origin: '*' } },
      ]);
    });

    it('reports several combination problems of one level at once', () => {
      const compiler = new PolicyCompiler({
        origin: APP,
        credentials: true,
        allowedHeaders: '*',
        exposedHeaders: ['*'],
      });
      expect(codesOf(compiler.issues)).toEqual([
        {
          path: 'CorsModule.forRoot',
          code: 'credentials-with-wildcard',
          value: { allowedHeaders: '*' },
        },
        {
          path: 'CorsModule.forRoot',
          code: 'credentials-with-wildcard',
          value: { exposedHeaders: '*' },
        },
      ]);
      expect(compiler.issues.every((issue) => issue.path === 'CorsModule.forRoot')).toBe(true);
    });

    it('reports the same mistake made in two independent named policies', () => {
      const compiler = new PolicyCompiler({
        policies: {
          a: { origin: '*', credentials: true },
          b: { origin: '*', credentials: true },
        },
      });
      expect(compiler.issues.map((issue) => issue.path)).toEqual([
        'CorsModule.forRoot.policies.a',
        'CorsModule.forRoot.policies.b',
      ]);
    });

    it('reports the same mistake made in two independent controllers', () => {
      const compiler = new PolicyCompiler({});
      compiler.controllerPolicy('PartnersController', { origin: '*', credentials: true });
      compiler.controllerPolicy('AdminController', { origin: '*', credentials: true });
      expect(compiler.issues.map((issue) => issue.path)).toEqual([
        'PartnersController',
        'AdminController',
      ]);
    });
  });
});

describe('PolicyCompiler paths, warnings and duplicates', () => {
  it('reports options that are undefined (a forRootAsync factory that returned nothing)', () => {
    const compiler = new PolicyCompiler(undefined as never, 'CorsModule.forRootAsync');
    expect(codesOf(compiler.issues)).toEqual([
      { path: 'CorsModule.forRootAsync', code: 'invalid-type', value: undefined },
    ]);
    expect(compiler.issues[0].message).toMatch(/got undefined$/);
  });

  it('names the module path the user wrote: CorsModule.forRootAsync', () => {
    const compiler = new PolicyCompiler(
      { origin: 'null', policies: { a: { maxAge: -1 } } },
      'CorsModule.forRootAsync',
    );
    expect(codesOf(compiler.issues)).toEqual([
      { path: 'CorsModule.forRootAsync.origin', code: 'origin-null', value: 'null' },
      { path: 'CorsModule.forRootAsync.policies.a.maxAge', code: 'out-of-range', value: -1 },
    ]);
  });

  it('collects a maxAge above 7200 as a warning, once per place it is written', () => {
    const compiler = new PolicyCompiler({ origin: APP, maxAge: 86400 });
    const declaration = { maxAge: 10000 };
    const controller = compiler.controllerPolicy('PartnersController', declaration);
    compiler.handlerPolicy('PartnersController.list', declaration, controller, undefined);
    compiler.handlerPolicy('PartnersController.get', declaration, controller, { origin: APP });
    expect(compiler.issues).toEqual([]);
    expect(codesOf(compiler.warnings)).toEqual([
      { path: 'CorsModule.forRoot.maxAge', code: 'max-age-over-browser-cap', value: 86400 },
      { path: 'PartnersController.maxAge', code: 'max-age-over-browser-cap', value: 10000 },
    ]);
    expect(enabled(controller).maxAge).toBe('10000');
  });

  it('tells two insecure patterns apart when listing inherited problems once', () => {
    const compiler = new PolicyCompiler({ origin: 'http://*.a.example', credentials: true });
    compiler.controllerPolicy('PartnersController', {
      origin: ['http://*.a.example', 'http://*.b.example'],
    });
    expect(codesOf(compiler.issues)).toEqual([
      {
        path: 'CorsModule.forRoot',
        code: 'credentials-with-insecure-pattern',
        value: 'http://*.a.example',
      },
      {
        path: 'PartnersController',
        code: 'credentials-with-insecure-pattern',
        value: 'http://*.b.example',
      },
    ]);
  });

  it('never throws a TypeError on values of the wrong type, and compiles the rest', () => {
    const compiler = new PolicyCompiler({
      origin: APP,
      methods: 'GET,POST',
      exposedHeaders: 'X-Id',
      allowedHeaders: null,
    } as never);
    expect(codesOf(compiler.issues).map((issue) => issue.code)).toEqual([
      'invalid-type',
      'invalid-type',
      'invalid-type',
    ]);
    expect(allows(compiler.global, APP)).toBe(true);
  });

  describe('an origin list declared by many controllers (parsed once)', () => {
    const list = () => [APP, 'https://*.partner.example', 'https://bad.example/'];

    it('reports its problems for every declaration, whether the array is shared or rebuilt', () => {
      const shared = list();
      const compiler = new PolicyCompiler({});
      compiler.controllerPolicy('AController', { origin: shared });
      compiler.controllerPolicy('BController', { origin: shared });
      compiler.controllerPolicy('CController', { origin: list() });
      compiler.controllerPolicy('DController', { origin: 'https://bad.example/' });
      expect(codesOf(compiler.issues)).toEqual(
        ['AController', 'BController', 'CController', 'DController'].map((path) => ({
          path: `${path}.origin`,
          code: 'origin-not-serialized',
          value: 'https://bad.example/',
        })),
      );
    });

    it('gives each declaration the origins of its own list', () => {
      const compiler = new PolicyCompiler({});
      const a = compiler.controllerPolicy('AController', { origin: [APP, PARTNER] });
      const b = compiler.controllerPolicy('BController', { origin: [APP, PARTNER] });
      const c = compiler.controllerPolicy('CController', { origin: [APP] });
      const d = compiler.controllerPolicy('DController', { origin: [`${APP}","${PARTNER}`] });
      expect([a, b, c, d].map((policy) => allows(policy, PARTNER))).toEqual([
        true,
        true,
        false,
        false,
      ]);
      expect([a, b, c].map((policy) => allows(policy, APP))).toEqual([true, true, true]);
      expect(enabled(b).source).toBe('BController');
    });

    it('treats a list of one origin as that origin written alone, and RegExps by identity', () => {
      const compiler = new PolicyCompiler({});
      const one = compiler.controllerPolicy('AController', { origin: [APP] });
      const alone = compiler.controllerPolicy('BController', { origin: APP });
      const re = compiler.controllerPolicy('CController', { origin: [/^https:\/\/x\.example$/] });
      const other = compiler.controllerPolicy('DController', {
        origin: [/^https:\/\/y\.example$/],
      });
      expect([allows(one, APP), allows(alone, APP)]).toEqual([true, true]);
      expect([allows(re, 'https://x.example'), allows(other, 'https://x.example')]).toEqual([
        true,
        false,
      ]);
    });
  });
});
