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
/**
 * A realistic app, with and without the module: a global guard, a global ValidationPipe, JSON
 * bodies and 200 routes across 20 controllers (bench/http/server.mjs).
 */
export const REALISTIC_VARIANTS = ['realistic-baseline', 'realistic-module'];
export const REALISTIC_CONTROLLERS = 20;
/** The requests the realistic variants are measured with (the share of CORS in a real app). */
export const REALISTIC_KINDS = ['GET allowed', 'preflight POST'];
export const MODULE_VARIANTS = ['module-global', 'module-per-route', 'realistic-module'];
/** Variants with no CORS layer: a preflight finds no route (404). */
export const NO_CORS_VARIANTS = ['baseline', 'noop-interceptor', 'realistic-baseline'];

/** How many of the /cN/items paths a variant serves (the load cycles over them). */
export function pathCountOf(variant) {
  return REALISTIC_VARIANTS.includes(variant) ? REALISTIC_CONTROLLERS : CONTROLLERS;
}
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
