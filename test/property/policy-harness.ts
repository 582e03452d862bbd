import type { IncomingHttpHeaders } from 'node:http';
import { CorsResponder, type Preflight } from '../../lib/cors-responder.js';
import { type HttpPlatform, platformOf } from '../../lib/platform/http-platform.js';
import type { RouteTarget } from '../../lib/routing/route-target.js';
import { mergeVary } from '../../lib/policy/vary.js';
import type { CorsModuleOptions } from '../../lib/index.js';
import type { CompiledPolicy } from '../../lib/policy/compile-policy.js';
import { checkOrigin, type Verdict } from '../../lib/policy/decide.js';
import { PolicyCompiler } from '../../lib/policy/policy-compiler.js';

/** Compiles module options the way `CorsModule` does, failing the test on any configuration issue. */
export function compileGlobal(options: CorsModuleOptions): CompiledPolicy {
  const compiler = new PolicyCompiler(options);
  if (compiler.issues.length > 0) {
    throw new Error(`unexpected configuration issues: ${JSON.stringify(compiler.issues)}`);
  }
  if (!compiler.global.enabled) throw new Error('the global policy is never disabled');
  return compiler.global;
}

/** The engine's synchronous verdict on an Origin (static rules only: no origin function). */
export function originVerdict(policy: CompiledPolicy, origin: string): Verdict {
  const verdict = checkOrigin(policy, origin, {}, (error) => {
    throw error;
  });
  if (typeof verdict === 'object') throw new Error('static rules must answer synchronously');
  return verdict;
}

export function allowsOrigin(policy: CompiledPolicy, origin: string): boolean {
  return originVerdict(policy, origin) === true;
}

/** A response as the fake platform sees it: lower-case header names, and a status once ended. */
export interface FakeResponse {
  readonly headers: Map<string, string>;
  status?: number;
}

export interface FakeRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method: string;
  readonly url: string;
}

/** An HTTP platform over plain objects, to drive `CorsResponder` without a server. */
export const fakePlatform: HttpPlatform<FakeRequest, FakeResponse> = {
  name: 'express',
  factsOf: (req) => expressPlatform.factsOf(req),
  writeActual(res, answer) {
    if (answer.vary !== undefined) appendVary(res, answer.vary);
    if (!answer.allowed) return;
    res.headers.set('access-control-allow-origin', answer.allowOrigin);
    if (answer.allowCredentials) res.headers.set('access-control-allow-credentials', 'true');
    if (answer.exposeHeaders)
      res.headers.set('access-control-expose-headers', answer.exposeHeaders);
  },
  removeActual(res) {
    for (const name of [...res.headers.keys()]) {
      if (name.startsWith('access-control-')) res.headers.delete(name);
    }
  },
  sendPreflight(res, answer) {
    appendVary(res, answer.vary);
    res.status = answer.status;
    if (!answer.allowed) return;
    res.headers.set('access-control-allow-origin', answer.allowOrigin);
    if (answer.allowCredentials) res.headers.set('access-control-allow-credentials', 'true');
    res.headers.set('access-control-allow-methods', answer.allowMethods);
    if (answer.allowHeaders !== '')
      res.headers.set('access-control-allow-headers', answer.allowHeaders);
    res.headers.set('access-control-max-age', answer.maxAge);
    if (answer.allowPrivateNetwork) res.headers.set('access-control-allow-private-network', 'true');
  },
};

function appendVary(res: FakeResponse, names: string): void {
  const merged = mergeVary(res.headers.get('vary'), names);
  if (merged !== undefined) res.headers.set('vary', merged);
}

const expressPlatform = platformOf('express')!;

/** A route target for `policy`, as the explorer builds them. */
export function targetOf(policy: CompiledPolicy, name = 'Test.handler'): RouteTarget {
  return { name, policy, passesOn: false, hostBound: false };
}

/** Applies `policy` to an actual request through the responder. */
export function applyActual(
  responder: CorsResponder,
  policy: CompiledPolicy,
  request: FakeRequest,
  res: FakeResponse,
) {
  return responder.applyActual(targetOf(policy), fakePlatform.factsOf(request), res, true);
}

/** Answers a preflight with `policy` through the responder. */
export function answerPreflight(
  responder: CorsResponder,
  policy: CompiledPolicy,
  request: FakeRequest,
  res: FakeResponse,
) {
  return responder.answerPreflight(
    { kind: 'target', target: targetOf(policy) },
    fakePlatform.factsOf(request) as Preflight,
    res,
  );
}

export function newResponse(): FakeResponse {
  return { headers: new Map() };
}

/** The `Access-Control-*` headers of a fake response. */
export function corsHeaders(res: FakeResponse): Record<string, string> {
  return Object.fromEntries(
    [...res.headers].filter(([name]) => name.startsWith('access-control-')),
  );
}

export function responderFor(debug = false): CorsResponder {
  return new CorsResponder(fakePlatform, debug);
}
