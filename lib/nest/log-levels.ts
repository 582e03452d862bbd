import { ConsoleLogger, Logger, type LoggerService, type LogLevel } from '@nestjs/common';

/**
 * Whether the application's logger prints `level`, the same answer on Nest 11 and 12.
 *
 * `Logger.isLevelEnabled()` differs between them: Nest 12 asks the application's logger (a
 * `ConsoleLogger` answers from its own `logLevels`; any other logger is asked everything unless
 * levels were set with `app.useLogger([...])`), while Nest 11 reads only the levels set through
 * `app.useLogger([...])`/`logger: [...]`, so under `logger: new MyConsoleLogger({ logLevels })`
 * or a custom `LoggerService` it answers `false` and debug lines are lost. This file applies
 * Nest 12's rule on both, from the two static fields `Logger` has on both versions.
 */
export function isLogLevelEnabled(level: LogLevel): boolean {
  const { staticInstanceRef: instance, logLevels } = Logger as unknown as {
    staticInstanceRef?: LoggerService;
    logLevels?: LogLevel[];
  };
  if (!instance) return false; // `logger: false`
  if (instance instanceof ConsoleLogger) return instance.isLevelEnabled(level);
  if (!logLevels) return true;
  if (logLevels.includes(level)) return true;
  const rank = (name: LogLevel): number => LEVEL_ORDER.indexOf(name);
  return rank(level) >= Math.max(...logLevels.map(rank));
}

/** Nest's order of levels, least to most severe. */
const LEVEL_ORDER: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
