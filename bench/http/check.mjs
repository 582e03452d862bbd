// Sanity checks run before a variant is measured: a variant that sends the wrong headers, or
// none, must fail the bench instead of producing a fast fake number.
import http from 'node:http';
import {
  ALLOWED_ORIGIN,
  CONTROLLERS,
  EXPOSED_HEADERS,
  KINDS,
  MAX_AGE,
  MODULE_VARIANTS,
  NO_CORS_VARIANTS,
  controllerPath,
  pathCountOf,
} from '../config.mjs';

export function request(port, method, path, headers, agent = false) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      // A large limit: some CORS layers reflect a hostile 1 MiB header into the response.
      { host: '127.0.0.1', port, method, path, headers, agent, maxHeaderSize: 8 * 1024 * 1024 },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const list = (value) =>
  String(value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

/** What a variant must answer to one kind of request. Returns a list of problems. */
export function problems(variant, kindName, res) {
  const out = [];
  const h = res.headers;
  const expect = (cond, what) => {
    if (!cond) out.push(what);
  };
  const isModule = MODULE_VARIANTS.includes(variant);
  const corsHeaders = () => {
    expect(
      h['access-control-allow-origin'] === ALLOWED_ORIGIN,
      `Access-Control-Allow-Origin is ${ALLOWED_ORIGIN}`,
    );
    expect(
      h['access-control-allow-credentials'] === 'true',
      'Access-Control-Allow-Credentials: true',
    );
  };
  const noCorsHeaders = () => {
    expect(h['access-control-allow-origin'] === undefined, 'no Access-Control-Allow-Origin');
    if (isModule) {
      expect(
        h['access-control-allow-credentials'] === undefined,
        'no Access-Control-Allow-Credentials',
      );
      expect(h['access-control-expose-headers'] === undefined, 'no Access-Control-Expose-Headers');
    }
  };

  if (kindName === 'preflight POST') {
    if (NO_CORS_VARIANTS.includes(variant)) {
      // No CORS layer: the preflight is routed like any OPTIONS request and finds no route.
      expect(res.status === 404, 'status 404 (no CORS layer, no OPTIONS route)');
      expect(h['access-control-allow-origin'] === undefined, 'no Access-Control-Allow-Origin');
      return out;
    }
    expect(res.status === 204, `status 204 (got ${res.status})`);
    corsHeaders();
    expect(
      list(h['access-control-allow-methods']).includes('post'),
      'Access-Control-Allow-Methods has POST',
    );
    expect(
      list(h['access-control-allow-headers']).includes('content-type'),
      'Access-Control-Allow-Headers has content-type',
    );
    expect(h['access-control-max-age'] === String(MAX_AGE), `Access-Control-Max-Age: ${MAX_AGE}`);
    if (variant !== 'enableCors') {
      const vary = list(h.vary);
      for (const v of [
        'origin',
        'access-control-request-method',
        'access-control-request-headers',
      ]) {
        expect(vary.includes(v), `Vary has ${v}`);
      }
    }
    return out;
  }

  expect(res.status === 200, `status 200 (got ${res.status})`);
  expect(res.body.includes('"ok":true'), 'the handler ran');
  if (NO_CORS_VARIANTS.includes(variant)) {
    expect(h['access-control-allow-origin'] === undefined, 'no Access-Control-Allow-Origin');
    return out;
  }
  if (variant === 'static' || kindName === 'GET allowed') {
    // static has no matching logic at all: it is the limit, and sends its headers every time.
    corsHeaders();
    expect(
      list(h['access-control-expose-headers']).includes(EXPOSED_HEADERS[0]),
      `Access-Control-Expose-Headers has ${EXPOSED_HEADERS[0]}`,
    );
  } else {
    noCorsHeaders();
  }
  if (variant !== 'enableCors' || kindName === 'GET allowed') {
    expect(list(h.vary).includes('origin'), 'Vary has Origin');
  }
  return out;
}

/**
 * Sends every kind of request to every path (or to `paths` of them) and returns the problems,
 * each as a line naming the request.
 */
export async function sanityCheck(port, variant, { paths } = {}) {
  const all = [];
  const indexes = (paths ?? Array.from({ length: CONTROLLERS }, (_, i) => i)).filter(
    (i) => i < pathCountOf(variant),
  );
  for (const i of indexes) {
    for (const [kindName, kind] of Object.entries(KINDS)) {
      const path = controllerPath(i);
      let res;
      try {
        res = await request(port, kind.method, path, kind.headers);
      } catch (err) {
        all.push(`${kindName} ${path}: ${err.message}`);
        continue;
      }
      for (const p of problems(variant, kindName, res)) {
        all.push(`${kindName} ${path}: expected ${p}`);
      }
    }
  }
  return all;
}
