import type { LoggerService } from '@nestjs/common';
import request from 'supertest';
import { EVIL, explainAppModule } from '../fixtures/explain/app.module.js';
import { listen, PLATFORMS, type RunningApp } from '../helpers/listen.js';

/*
 * Denials are logged at debug level through whatever logger the app uses. A logger that is not
 * Nest's ConsoleLogger (pino, winston, a company's own `LoggerService`) decides itself what to
 * print, so it is given the debug line. Nest 11 and 12 answer `Logger.isLevelEnabled()`
 * differently here (lib/nest/log-levels.ts); the compatibility matrix runs this file on both.
 */

interface Entry {
  readonly level: string;
  readonly message: string;
  readonly context: unknown;
}

/** A logger of the app's own, not built on ConsoleLogger. */
class RecordingLogger implements LoggerService {
  readonly entries: Entry[] = [];
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');

  private record(level: string) {
    return (message: unknown, ...rest: unknown[]) => {
      this.entries.push({ level, message: String(message), context: rest[rest.length - 1] });
    };
  }
}

describe.each(PLATFORMS)('denial logs through a custom LoggerService on %s', (platform) => {
  let app: RunningApp;
  let logger: RecordingLogger;

  beforeAll(async () => {
    logger = new RecordingLogger();
    app = await listen(explainAppModule(false), platform, { logger });
  });

  afterAll(() => app.close());

  it('gives the logger the debug line of a denial, and sends nothing of it', async () => {
    logger.entries.length = 0;
    const response = await request(app.app.getHttpServer())
      .get('/global')
      .set('Origin', EVIL)
      .expect(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(logger.entries.filter((entry) => entry.context === 'CorsModule')).toEqual([
      {
        level: 'debug',
        context: 'CorsModule',
        message: `Denied GET /global from ${EVIL} for GlobalController.list (policy: global): origin not allowed`,
      },
    ]);
  });
});
