// Shared settings of the benchmark: the origins, the policy every CORS variant sends, and the requests.

/** How many controllers every HTTP variant registers (the same routes everywhere). */
export const CONTROLLERS = 50;

/** The 50 exact allowed origins of the global policy. */
export const ORIGINS = Array.from({ length: 50 }, (_, i) => `https://app${i}.example.com`);

/** The one allowed origin that the requests send (mid-list, so a linear scan pays for half the list). */
export const ALLOWED_ORIGIN = ORIGINS[24];

/** An origin that no variant allows. */
export const DISALLOWED_ORIGIN = 'https://evil.example.net';

export const EXPOSED_HEADERS = ['x-request-id'];
export const MAX_AGE = 600;
export const REQUESTED_HEADERS = 'content-type';

/**
 * The origins of controller `i` in the per-route variant: 49 shared ones, including
 * ALLOWED_ORIGIN, plus one of its own, so that every controller holds its own 50-origin policy.
 */
export function controllerOrigins(i) {
  return [...ORIGINS.slice(0, 49), `https://own${i}.example.com`];
}

export function controllerPath(i) {
  return `/c${i}/items`;
}

export const VARIANTS = ['baseline', 'static', 'enableCors', 'module-global', 'module-per-route'];
/** Not CORS variants: they show where the cost of a variant comes from. */
export const DIAGNOSTIC_VARIANTS = ['noop-interceptor'];
export const MODULE_VARIANTS = ['module-global', 'module-per-route'];
export const ADAPTERS = ['express', 'fastify'];

/** The four kinds of request, as method and headers. */
export const KINDS = {
  'GET allowed': { method: 'GET', headers: { origin: ALLOWED_ORIGIN } },
  'GET disallowed': { method: 'GET', headers: { origin: DISALLOWED_ORIGIN } },
  'GET no Origin': { method: 'GET', headers: {} },
  'preflight POST': {
    method: 'OPTIONS',
    headers: {
      origin: ALLOWED_ORIGIN,
      'access-control-request-method': 'POST',
      'access-control-request-headers': REQUESTED_HEADERS,
    },
  },
};
