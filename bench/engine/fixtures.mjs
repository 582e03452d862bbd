// Plain request and response objects, and the origin sets, shared by the engine harnesses.

/**
 * A response with Node's header methods and nothing else, as cheap as they can be (no validation,
 * a flat list of pairs), so that the time measured is the engine's and both pay the same to write.
 */
export class PlainResponse {
  constructor() {
    this.statusCode = 200;
    this.names = [];
    this.values = [];
    this.ended = false;
  }
  setHeader(name, value) {
    const i = this.indexOf(name);
    if (i === -1) {
      this.names.push(name);
      this.values.push(value);
    } else {
      this.values[i] = value;
    }
    return this;
  }
  getHeader(name) {
    const i = this.indexOf(name);
    return i === -1 ? undefined : this.values[i];
  }
  removeHeader(name) {
    const i = this.indexOf(name);
    if (i !== -1) {
      this.names.splice(i, 1);
      this.values.splice(i, 1);
    }
  }
  indexOf(name) {
    const names = this.names;
    for (let i = 0; i < names.length; i++) {
      const n = names[i];
      if (n === name || (n.length === name.length && n.toLowerCase() === name.toLowerCase())) {
        return i;
      }
    }
    return -1;
  }
  /** Lower-case name to value, for checks (not on the timed path). */
  get headers() {
    const out = {};
    this.names.forEach((n, i) => (out[n.toLowerCase()] = this.values[i]));
    return out;
  }
  end() {
    this.ended = true;
  }
}

export const DISALLOWED = 'https://evil.example.net';

/**
 * The origin configurations: N exact origins, or 100 subdomain patterns. Each comes with the
 * module's option and the `cors` package's equivalent (an array of strings, or of RegExps), and
 * with an allowed origin taken from the middle of the list.
 */
export function originSets() {
  const exact = (n) => {
    const origins = Array.from({ length: n }, (_, i) => `https://app${i}.example.com`);
    return { module: origins, cors: origins, allowed: origins[Math.floor(n / 2)] };
  };
  const tenants = Array.from({ length: 100 }, (_, i) => `tenant${i}`);
  return {
    '1 exact': exact(1),
    '100 exact': exact(100),
    '10,000 exact': exact(10_000),
    '100 patterns': {
      module: tenants.map((t) => `https://*.${t}.example.com`),
      cors: tenants.map((t) => new RegExp(`^https:\\/\\/(?:[a-z0-9-]+\\.)+${t}\\.example\\.com$`)),
      allowed: 'https://eu.app.tenant50.example.com',
    },
  };
}

export const actualRequest = (origin) => ({
  method: 'GET',
  url: '/items',
  headers: origin === undefined ? {} : { origin },
});

export const preflightRequest = (origin, requestHeaders = 'content-type, x-request-id') => ({
  method: 'OPTIONS',
  url: '/items',
  headers: {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': requestHeaders,
  },
});

/** The hostile preflights, next to a normal one. */
export function hostilePreflights(allowed) {
  const MiB = 1024 * 1024;
  const longList = 'x-a, '.repeat(MiB / 5 + 1).slice(0, MiB);
  const manyNames = Array.from({ length: 10_000 }, (_, i) => `x-h${i}`).join(', ');
  const longOrigin = `https://${'a'.repeat(MiB - 'https://.example.com'.length)}.example.com`;
  return {
    'normal preflight': preflightRequest(allowed),
    '1 MiB Access-Control-Request-Headers': preflightRequest(allowed, longList),
    '10,000 header names': preflightRequest(allowed, manyNames),
    '1 MiB Origin': preflightRequest(longOrigin),
  };
}
