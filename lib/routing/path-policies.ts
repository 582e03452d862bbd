import { match, parse, type MatchFunction, type Token } from 'path-to-regexp';
import type { CorsPolicyDeclaration } from '../interfaces/cors-options.interface.js';
import { describe, isPlainObject } from '../policy/check-fields.js';
import type { CorsConfigurationIssue } from '../policy/configuration-issue.js';
import type { PolicyCompiler } from '../policy/policy-compiler.js';
import type { RouteTarget } from './route-target.js';

/**
 * One key of `forRoot({ paths })`: its matcher, compiled once at startup, and the target whose
 * policy answers the requests it matches.
 */
interface PathPolicy {
  readonly key: string;
  /** Where it is in the options, for issues: `CorsModule.forRoot.paths['/graphql']`. */
  readonly path: string;
  readonly matches: MatchFunction<object>;
  /** Without parameters or wildcards: a controller route that serves it leaves it no request. */
  readonly parameterless: boolean;
  readonly declaration: CorsPolicyDeclaration;
  readonly target: RouteTarget;
}

/**
 * Matching is exact and fails closed: the key is matched against the path of the request target
 * as received (before `?`), case-sensitively, with no trailing slash added and nothing decoded.
 * A request that does not match a key as written gets no policy from it.
 */
const MATCH_OPTIONS = { decode: false, sensitive: true, trailing: false, end: true } as const;

/**
 * The path policies of `forRoot({ paths })`: policies for requests that no controller handler
 * serves (GraphQL, static files, Swagger). The request hook asks `match()` only when the
 * platform's router sends the request to no handler of the module (see `createCorsRequestHook`).
 */
export class PathPolicies {
  readonly issues: CorsConfigurationIssue[] = [];
  private readonly policies: PathPolicy[] = [];

  /**
   * @param paths the `paths` option as given.
   * @param compiler compiles each value on top of the module's defaults, reporting its problems.
   */
  constructor(paths: unknown, compiler: PolicyCompiler) {
    const optionPath = `${compiler.modulePath}.paths`;
    if (paths === undefined) return;
    if (!isPlainObject(paths)) {
      this.issues.push({
        path: optionPath,
        code: 'invalid-type',
        message: `expected an object of paths and their policies, got ${describe(paths)}`,
        value: paths,
      });
      return;
    }
    for (const [key, declaration] of Object.entries(paths)) {
      const path = `${optionPath}[${quote(key)}]`;
      const tokens = this.parseKey(key, path);
      if (declaration === undefined) {
        // `handlerPolicy()` reads `undefined` as "no declaration"; here it is a value left out.
        this.issues.push({
          path,
          code: 'invalid-type',
          message: 'expected an object of policy fields, a policy name or false, got undefined',
        });
        continue;
      }
      const policy = compiler.handlerPolicy(
        path,
        undefined,
        compiler.global,
        declaration as CorsPolicyDeclaration,
      );
      if (!tokens) continue;
      this.policies.push({
        key,
        path,
        matches: match(key, MATCH_OPTIONS),
        parameterless: !tokens.some(hasParameter),
        declaration: declaration as CorsPolicyDeclaration,
        target: { name: `path ${quote(key)}`, policy, passesOn: false, hostBound: false },
      });
    }
  }

  /** Each key, as written, with where it is in the options, its declaration and its target. */
  entries(): readonly Pick<PathPolicy, 'key' | 'path' | 'declaration' | 'target'>[] {
    return this.policies;
  }

  get size(): number {
    return this.policies.length;
  }

  /** The target of the first key that matches the path of `url` exactly, if any. */
  match(url: string): RouteTarget | undefined {
    const query = url.indexOf('?');
    const pathname = query === -1 ? url : url.slice(0, query);
    if (pathname.charCodeAt(0) !== 47 /* / */) return undefined;
    for (const policy of this.policies) {
      if (policy.matches(pathname)) return policy.target;
    }
    return undefined;
  }

  /**
   * Keys without parameters that a controller route serves: its handler's policy answers every
   * request to that path, so the path policy could never apply. `routePaths` are the paths Nest
   * registered its controller routes at (global prefix included), in Nest's route syntax.
   */
  servedByControllers(routePaths: Iterable<string>): CorsConfigurationIssue[] {
    const routes: { path: string; matches: MatchFunction<object> | undefined }[] = [];
    for (const path of new Set(routePaths)) {
      let matches: MatchFunction<object> | undefined;
      try {
        matches = match(path, { decode: false });
      } catch {
        matches = undefined; // not in path-to-regexp's syntax: compared as written below
      }
      routes.push({ path, matches });
    }
    const issues: CorsConfigurationIssue[] = [];
    for (const policy of this.policies) {
      if (!policy.parameterless) continue;
      const route = routes.find(
        ({ path, matches }) => path === policy.key || (matches?.(policy.key) ?? false),
      );
      if (!route) continue;
      issues.push({
        path: policy.path,
        code: 'path-served-by-controller',
        message: `a controller route (${route.path}) serves ${policy.key}, so its handler's policy answers every request there and this path policy would never apply; put the policy on the controller with @CorsPolicy()`,
        value: policy.key,
      });
    }
    return issues;
  }

  /** The tokens of a key in Nest's route syntax, or an `invalid-path` issue. */
  private parseKey(key: string, path: string): Token[] | undefined {
    const refuse = (reason: string) => {
      this.issues.push({
        path,
        code: 'invalid-path',
        message: `'${key}' is not a path in Nest's route syntax: ${reason}`,
        value: key,
      });
      return undefined;
    };
    if (!key.startsWith('/')) return refuse('it must start with / (the server root)');
    if (/[?#\s]/.test(key)) return refuse('it contains ?, # or whitespace');
    try {
      return parse(key).tokens;
    } catch (error) {
      return refuse(error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
  }
}

function hasParameter(token: Token): boolean {
  if (token.type === 'group') return token.tokens.some(hasParameter);
  return token.type !== 'text';
}

function quote(key: string): string {
  return `'${key.replace(/[\\']/g, '\\$&')}'`;
}
