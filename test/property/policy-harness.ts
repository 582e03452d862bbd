import type { IncomingHttpHeaders } from 'node:http';
import { CorsResponder } from '../../lib/cors-responder.js';
import type { HttpPlatform } from '../../lib/platform/http-platform.js';
import { mergeVary } from '../../lib/policy/vary.js';
import type { CorsModuleOptions } from '../../lib/index.js';
import type { CompiledPolicy } from '../../lib/policy/compile-policy.js';
import { checkOrigin, type HeaderWriter, type Verdict } from '../../lib/policy/decide.js';
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

const fakeWriter: HeaderWriter<FakeResponse> = {
  set: (res, name, value) => void res.headers.set(name.toLowerCase(), value),
  appendVary(res, names) {
    const merged = mergeVary(res.headers.get('vary'), names);
    if (merged !== undefined) res.headers.set('vary', merged);
  },
};

/** An HTTP platform over plain objects, to drive `CorsResponder` without a server. */
export const fakePlatform: HttpPlatform<FakeRequest, FakeResponse> = {
  name: 'fake',
  ...fakeWriter,
  preflight: fakeWriter,
  remove: (res, name) => void res.headers.delete(name.toLowerCase()),
  end(res, status) {
    res.status = status;
  },
  headersOf: (req) => req.headers,
  methodOf: (req) => req.method,
  urlOf: (req) => req.url,
};

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
  const responder = new CorsResponder(debug);
  responder.attach(fakePlatform, false);
  return responder;
}
