// This module's pure policy engine (lib/policy, no Nest), driven the way the library's responder
// drives it per request, minus the route lookup. It imports the built files in dist/policy.
import { URL } from 'node:url';
import { PlainResponse } from './fixtures.mjs';

/** A header writer over Node's response methods, like the library's Express platform. */
function writerFrom(mergeVary) {
  return {
    set: (res, name, value) => res.setHeader(name, value),
    appendVary(res, names) {
      const merged = mergeVary(res.getHeader('vary'), names);
      if (merged !== undefined) res.setHeader('Vary', merged);
    },
    end(res, status) {
      res.statusCode = status;
      res.setHeader('Content-Length', '0');
      res.end();
    },
  };
}

/** Loads the engine from a built `dist` directory URL; returns a factory of decide functions. */
export async function loadModuleEngine(distUrl) {
  const compile = await import(new URL('policy/compile-policy.js', distUrl));
  const decide = await import(new URL('policy/decide.js', distUrl));
  const { mergeVary } = await import(new URL('policy/vary.js', distUrl));
  const writer = writerFrom(mergeVary);
  const onFailure = () => {};

  /** Compiles the policy once, as the module does at startup; returns decide(req) -> response. */
  return function moduleEngine(origins) {
    const options = {
      origin: origins,
      credentials: true,
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    };
    const issues = [];
    compile.checkPolicyFields(options, 'bench', issues);
    compile.checkCombination(options, 'bench', issues);
    if (issues.length) throw new Error(`bench policy refused: ${JSON.stringify(issues)}`);
    const policy = compile.compilePolicy(options, 'bench');

    const actual = (req, res) => {
      decide.writeActualVary(policy, res, writer);
      const origin = req.headers.origin;
      if (origin === undefined) return;
      if (decide.checkOrigin(policy, origin, req, onFailure) === true) {
        decide.writeAllowedActual(policy, origin, res, writer);
      }
    };
    const deny = (res) => {
      writer.appendVary(res, decide.preflightVary(undefined));
      writer.end(res, 403);
    };
    const preflight = (req, res) => {
      const h = req.headers;
      const method = h['access-control-request-method'];
      const asked = decide.checkPreflightRequest(
        policy,
        method,
        h['access-control-request-headers'],
      );
      if ('denied' in asked) return deny(res);
      if (decide.checkOrigin(policy, h.origin, req, onFailure) !== true) return deny(res);
      writer.appendVary(res, decide.preflightVary(policy));
      decide.writeAllowedPreflight(
        policy,
        h.origin,
        method,
        asked.allowHeaders,
        false,
        res,
        writer,
      );
      writer.end(res, policy.successStatus);
    };
    return (req) => {
      const res = new PlainResponse();
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        preflight(req, res);
      } else {
        actual(req, res);
      }
      return res;
    };
  };
}
