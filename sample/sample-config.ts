/** Which HTTP platform the sample runs on. */
export type SampleAdapter = 'express' | 'fastify';

/** The origins the sample's CORS policies name. They are configuration, not code. */
export interface SampleCorsOrigins {
  /** The first-party front end: the module's default origin, and the only one with cookie sessions. */
  app: string;
  /** The `partners` named policy: a subdomain pattern such as `'http://*.partner.test:4000'`. */
  partnerPattern: string;
  /** Sites the async origin function finds in the site registry. */
  registeredSites: string[];
}

/**
 * The origins the demo page runs its scenarios from. All of them are served by the demo server;
 * Chromium and Firefox resolve `*.localhost` to the loopback address by themselves.
 */
export interface DemoOrigins {
  /** The demo page itself. */
  app: string;
  /** A partner site, matched by the partners pattern. */
  partner: string;
  /** A look-alike of the partner domain, which the pattern must not match. */
  partnerLookalike: string;
  /** A site no policy trusts. */
  outsider: string;
}

/** The demo's origins for a demo server on `localhost:port` (what `npm start` uses). */
export function localDemoOrigins(demoPort: number): DemoOrigins {
  return {
    app: `http://localhost:${demoPort}`,
    partner: `http://shop.partner.localhost:${demoPort}`,
    partnerLookalike: `http://shop.evilpartner.localhost:${demoPort}`,
    outsider: `http://127.0.0.1:${demoPort}`,
  };
}

/** The API's CORS origins that go with the demo page's origins. */
export function corsOriginsForDemo(demo: DemoOrigins): SampleCorsOrigins {
  const partner = new URL(demo.partner);
  // 'http://shop.partner.localhost:4000' -> 'http://*.partner.localhost:4000'
  const parentDomain = partner.hostname.split('.').slice(1).join('.');
  return {
    app: demo.app,
    partnerPattern: `${partner.protocol}//*.${parentDomain}${partner.port ? `:${partner.port}` : ''}`,
    registeredSites: [demo.app, demo.partner],
  };
}
