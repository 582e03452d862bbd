// This module's pure policy engine (lib/policy, no Nest), driven the way the library's responder
// drives it per request (read the facts, decide a whole answer, write it), minus the route lookup. It imports the built files in dist/policy.
import { URL } from 'node:url';
import { PlainResponse } from './fixtures.mjs';

/** Loads the engine from a built `dist` directory URL; returns a factory of decide functions. */
export async function loadModuleEngine(distUrl) {
  const compile = await import(new URL('policy/compile-policy.js', distUrl));
  const { checkFields } = await import(new URL('policy/check-fields.js', distUrl));
  const decide = await import(new URL('policy/decide.js', distUrl));
  const { platformOf } = await import(new URL('platform/http-platform.js', distUrl));
  // The library's own Express writer: the engine decides whole answers, the platform writes.
  const platform = platformOf('express');
  const onFailure = () => {};

  /** Compiles the policy once, as the module does at startup; returns decide(req) -> response. */
  return function moduleEngine(origins) {
    const options = {
      origin: origins,
      credentials: true,
      exposedHeaders: ['x-request-id'],
      maxAge: 600,
    };
    const checked = checkFields(options, 'bench');
    const issues = [...checked.issues, ...compile.checkCombination(checked.fields, 'bench')];
    if (issues.length) throw new Error(`bench policy refused: ${JSON.stringify(issues)}`);
    const policy = compile.compileChecked(checked.fields, 'bench');

    const actual = (req, res) => {
      const answer = decide.decideActual(policy, platform.factsOf(req), onFailure);
      platform.writeActual(res, answer);
    };
    const preflight = (req, res) => {
      const answer = decide.decidePreflight(policy, platform.factsOf(req), onFailure);
      platform.sendPreflight(res, answer);
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
