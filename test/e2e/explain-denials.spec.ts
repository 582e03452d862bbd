import type { LogLevel } from '@nestjs/common';
import request from 'supertest';
import { APP, EVIL, explainAppModule, OTHER, PARTNER } from '../fixtures/explain/app.module.js';
import { CapturingLogger } from '../helpers/capture-logger.js';
import { listen, PLATFORMS, type RunningApp } from '../helpers/listen.js';

/*
 * "Why is my request blocked?": every denial logs exactly one line through Nest's Logger, context
 * `CorsModule`, naming the route (Controller.method), where the policy came from, and the reason.
 * At `debug` level by default; `debug: true` logs it at `log` level, so it shows without raising
 * the app's log level. Nothing of the reason is ever in the response.
 */

interface Denial {
  readonly send: (http: ReturnType<typeof request>) => request.Test;
  readonly status: number;
  readonly line: string;
}

const preflight = (path: string, origin: string, method: string, headers?: string) => {
  return (http: ReturnType<typeof request>) => {
    const req = http
      .options(path)
      .set('Origin', origin)
      .set('Access-Control-Request-Method', method);
    return headers === undefined ? req : req.set('Access-Control-Request-Headers', headers);
  };
};
const get = (path: string, origin: string) => (http: ReturnType<typeof request>) =>
  http.get(path).set('Origin', origin);

const DENIALS: Record<string, Denial> = {
  'origin not allowed by the global policy': {
    send: get('/global', EVIL),
    status: 200,
    line: `Denied GET /global from ${EVIL} for GlobalController.list (policy: global): origin not allowed`,
  },
  'a header the global policy does not allow': {
    send: preflight('/global', APP, 'POST', 'content-type,x-foo'),
    status: 403,
    line: `Denied OPTIONS /global from ${APP} for GlobalController.create (policy: global): header x-foo not allowed`,
  },
  'a method a named policy does not allow': {
    send: preflight('/partners/7', PARTNER, 'DELETE'),
    status: 403,
    line: `Denied OPTIONS /partners/7 from ${PARTNER} for PartnersController.remove (policy: policy 'partners' on PartnersController): method DELETE not allowed`,
  },
  "an origin the controller's policy does not allow": {
    send: get('/own', APP),
    status: 200,
    line: `Denied GET /own from ${APP} for OwnController.list (policy: OwnController): origin not allowed`,
  },
  "a method the handler's policy does not allow": {
    send: preflight('/own', OTHER, 'PUT'),
    status: 403,
    line: `Denied OPTIONS /own from ${OTHER} for OwnController.update (policy: OwnController.update): method PUT not allowed`,
  },
  'a preflight to a handler with CORS off': {
    send: preflight('/global/off', APP, 'GET'),
    status: 403,
    line: `Denied OPTIONS /global/off from ${APP} for GlobalController.off (policy: GlobalController.off): CORS disabled on this handler`,
  },
  'an actual request to a handler with CORS off': {
    send: get('/global/off', APP),
    status: 200,
    line: `Denied GET /global/off from ${APP} for GlobalController.off (policy: GlobalController.off): CORS disabled on this handler`,
  },
  'a preflight for a method no handler serves at that path': {
    send: preflight('/global', APP, 'PATCH'),
    status: 403,
    line: `Denied OPTIONS /global from ${APP} for /global (policy: none): no handler serves PATCH at this path`,
  },
  'an origin function that says no': {
    send: get('/global/fn', APP),
    status: 200,
    line: `Denied GET /global/fn from ${APP} for GlobalController.fn (policy: GlobalController.fn): origin function returned false`,
  },
  'a malformed Origin (a trailing slash)': {
    send: get('/global', `${APP}/`),
    status: 200,
    line: `Denied GET /global from ${APP}/ for GlobalController.list (policy: global): origin is malformed`,
  },
  "the origin 'null'": {
    send: get('/global', 'null'),
    status: 200,
    line: `Denied GET /global from null for GlobalController.list (policy: global): origin not allowed`,
  },
};

const ALLOWED = {
  'an allowed actual request': get('/global', APP),
  'an allowed preflight': preflight('/global', APP, 'POST', 'content-type'),
  'a request without Origin': (http: ReturnType<typeof request>) => http.get('/global'),
};

describe.each(PLATFORMS)('explaining denials on %s', (platform) => {
  const started: RunningApp[] = [];
  afterAll(async () => {
    for (const app of started) await app.close();
  });

  async function start(debug: boolean, logLevels: LogLevel[]) {
    const logger = new CapturingLogger(logLevels);
    const app = await listen(explainAppModule(debug), platform, { logger });
    started.push(app);
    logger.clear();
    return { http: request(app.app.getHttpServer()), logger };
  }

  describe('at debug level (debug option off, app logs debug)', () => {
    let http: ReturnType<typeof request>;
    let logger: CapturingLogger;
    beforeAll(async () => {
      ({ http, logger } = await start(false, ['log', 'error', 'warn', 'debug']));
    });
    beforeEach(() => logger.clear());

    it.each(Object.entries(DENIALS))('%s: one line with route, policy and reason', async (_, d) => {
      const res = await d.send(http).expect(d.status);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(logger.cors()).toEqual([{ level: 'debug', context: 'CorsModule', message: d.line }]);
      // The reason stays in the log: not in any header, not in the body.
      const reason = d.line.slice(d.line.lastIndexOf('): ') + 3);
      const sent = `${JSON.stringify(res.headers)}\n${res.text ?? ''}`;
      expect(sent).not.toContain(reason);
      expect(sent).not.toMatch(/not allowed|disabled|malformed|policy:|Denied/i);
      if (d.status === 403) expect(res.text ?? '').toBe('');
    });

    it.each(Object.entries(ALLOWED))('%s: logs nothing', async (_, send) => {
      await send(http).expect((res) => expect(res.status).toBeLessThan(300));
      expect(logger.cors()).toEqual([]);
    });
  });

  it('logs nothing when the app does not log debug and the option is off', async () => {
    const { http, logger } = await start(false, ['log', 'error', 'warn']);
    for (const d of Object.values(DENIALS)) await d.send(http).expect(d.status);
    expect(logger.cors()).toEqual([]);
  });

  it('debug: true logs every denial at log level, the app still not logging debug', async () => {
    const { http, logger } = await start(true, ['log', 'error', 'warn']);
    for (const d of Object.values(DENIALS)) {
      logger.clear();
      await d.send(http).expect(d.status);
      expect(logger.cors()).toEqual([{ level: 'log', context: 'CorsModule', message: d.line }]);
    }
    // The app's own log level is untouched: debug messages are still filtered out.
    expect(logger.isLevelEnabled('debug')).toBe(false);
  });
});
