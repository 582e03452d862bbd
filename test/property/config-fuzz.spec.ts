import { Controller, Get, Module, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import { CorsConfigurationError, CorsModule, CorsPolicy } from '../../lib/index.js';
import { POLICY_FIELDS } from '../../lib/policy/check-fields.js';
import { PolicyCompiler } from '../../lib/policy/policy-compiler.js';
import { adapters } from '../e2e/adapters.js';

/*
 * Configuration read from JSON, YAML or the environment has no types: any field may hold any
 * value. Whatever it holds, startup either succeeds or fails with a CorsConfigurationError that
 * lists the problems; never a TypeError or a RangeError from inside the module.
 */

/** Every policy field the module knows, so that a new field is fuzzed too. */
const FIELDS = [...POLICY_FIELDS];

/** Values close to valid ones, so that the valid path is exercised too. */
const plausible = fc.oneof(
  fc.constantFrom(
    'https://app.example',
    'https://*.example.com',
    '*',
    'null',
    'GET,POST',
    'X-Id',
    'Set-Cookie',
    '600',
    86400,
    204,
    true,
  ),
  fc.constantFrom(/^https:\/\/a\.example$/, /^https:\/\/(a+)+$/, /a/g),
  fc.array(fc.constantFrom('https://a.example', '*', 'GET', 'x-id', 'Sec-Foo', 42, null), {
    maxLength: 4,
  }),
);

/** A JSON-like value, or one of the odd things JavaScript configuration can hold. */
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 3, arbitrary: plausible },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(
      undefined,
      Number.NaN,
      -0,
      Number.MAX_SAFE_INTEGER + 2,
      10n,
      Symbol('s'),
      Object.create(null),
      new Date(0),
      new Map(),
      () => true,
      (_origin: string, callback: (e: null, ok: boolean) => void) => callback(null, true),
    ),
  },
);

const fieldValues = Object.fromEntries(FIELDS.map((field) => [field, anyValue]));
const policyFields = fc.record(fieldValues, { requiredKeys: [] });

/** Module options: policy fields, named policies, debug; or any value at all. */
const moduleOptions = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        ...fieldValues,
        debug: anyValue,
        policies: fc.oneof(
          anyValue,
          fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(policyFields, anyValue), {
            maxKeys: 3,
          }),
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyValue },
);

/** What `@CorsPolicy()` may be given by untyped code. */
const declaration = fc.oneof(
  policyFields,
  anyValue,
  fc.string({ maxLength: 8 }),
  fc.constant(false),
);

function expectStartupOutcome(outcome: unknown): void {
  if (outcome === undefined) return;
  expect(outcome).toBeInstanceOf(CorsConfigurationError);
}

describe('random configuration values', () => {
  it('make the compiler collect issues, never throw', () => {
    fc.assert(
      fc.property(moduleOptions, declaration, declaration, (options, onClass, onMethod) => {
        const compiler = new PolicyCompiler(options as never);
        const controller = compiler.controllerPolicy('C', onClass as never);
        compiler.handlerPolicy('C.h', onClass as never, controller, onMethod as never);
        for (const issue of compiler.issues) expect(typeof issue.code).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  describe.each(adapters)('on %s', (_platform, makeAdapter) => {
    it('end app.init() in success or a CorsConfigurationError', async () => {
      await fc.assert(
        fc.asyncProperty(moduleOptions, declaration, async (options, onClass) => {
          @Controller('items')
          class ItemsController {
            @Get()
            list() {
              return [];
            }
          }
          if (onClass !== undefined) CorsPolicy(onClass as never)(ItemsController);
          @Module({
            imports: [CorsModule.forRoot(options as never)],
            controllers: [ItemsController],
          })
          class AppModule {}
          const outcome = await startup(AppModule, makeAdapter);
          expectStartupOutcome(outcome);
        }),
        { numRuns: 60 },
      );
    });
  });
});

async function startup(module: Type, makeAdapter: (typeof adapters)[number][1]): Promise<unknown> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication(makeAdapter(), { logger: false });
  try {
    await app.init();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    await app.close();
  }
}
