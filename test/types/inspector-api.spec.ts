import type { INestApplication } from '@nestjs/common';
import {
  type CorsCheckRequest,
  type CorsCheckResult,
  CorsInspector,
  CorsPolicies,
  type CorsPolicyOptions,
  type CorsPolicySummary,
  type CorsRouteReport,
} from '../../lib/index.js';

/**
 * Compile-time checks of the public API of `CorsInspector` and `CorsPolicies`: ts-jest
 * type-checks this file, so a change to a public type fails this suite (and `npm run lint`).
 */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

// Function types are never called: they only have to type-check.
function typeChecks(app: INestApplication): void {
  const inspector = app.get(CorsInspector);
  const policies = app.get(CorsPolicies);

  assertType<Equal<ReturnType<CorsInspector['routes']>, readonly CorsRouteReport[]>>(true);
  assertType<Equal<ReturnType<CorsInspector['check']>, Promise<CorsCheckResult>>>(true);
  assertType<Equal<CorsRouteReport['policy'], CorsPolicySummary>>(true);
  assertType<Equal<CorsCheckResult['handler'], string | null>>(true);
  assertType<Equal<CorsCheckResult['status'], number | undefined>>(true);
  assertType<Equal<CorsCheckResult['headers'], Readonly<Record<string, string>>>>(true);
  assertType<Equal<Exclude<CorsPolicySummary, false>['methods'], readonly string[] | 'routed'>>(
    true,
  );
  assertType<
    Equal<
      Exclude<CorsPolicySummary, false>['allowedHeaders'],
      readonly string[] | '*' | 'requested'
    >
  >(true);
  assertType<Equal<ReturnType<CorsPolicies['update']>, Promise<void>>>(true);
  assertType<Equal<ReturnType<CorsPolicies['updateDefaults']>, Promise<void>>>(true);
  assertType<Equal<ReturnType<CorsPolicies['get']>, Readonly<CorsPolicyOptions> | undefined>>(true);

  const preflight: CorsCheckRequest = {
    method: 'OPTIONS',
    path: '/orders/7',
    origin: 'https://a.partner.example',
    requestMethod: 'DELETE',
    requestHeaders: ['content-type'],
    host: 'api.example.com',
  };
  void inspector.check(preflight);
  void policies.update('partners', { origin: ['https://*.partner.example'] });
  // @ts-expect-error: fields are policy fields
  void policies.update('partners', { orgin: 'https://a.example' });
  // @ts-expect-error: named policies are not module defaults
  void policies.updateDefaults({ policies: {} });
  // @ts-expect-error: a described request needs a path
  void inspector.check({ method: 'GET' });
  // @ts-expect-error: the report is read-only
  inspector.routes()[0].path = '/';
}

describe('the public API of CorsInspector and CorsPolicies', () => {
  it('is exported from the package root as classes Nest can inject', () => {
    expect([typeof CorsInspector, typeof CorsPolicies, typeof typeChecks]).toEqual([
      'function',
      'function',
      'function',
    ]);
  });
});
