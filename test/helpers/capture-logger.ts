import { ConsoleLogger, type LogLevel } from '@nestjs/common';

export interface LogEntry {
  readonly level: LogLevel;
  readonly context: string | undefined;
  readonly message: string;
}

/**
 * Nest's own console logger, with its level filtering intact, that records what it would print
 * instead of printing it. Pass it as `createNestApplication(adapter, { logger })`.
 */
export class CapturingLogger extends ConsoleLogger {
  readonly entries: LogEntry[] = [];

  constructor(logLevels: LogLevel[]) {
    super({ logLevels });
  }

  protected printMessages(messages: unknown[], context?: string, logLevel: LogLevel = 'log'): void {
    for (const message of messages) {
      this.entries.push({ level: logLevel, context, message: String(message) });
    }
  }

  /** Entries of the CORS module's logger context. */
  cors(): LogEntry[] {
    return this.entries.filter((entry) => entry.context === 'CorsModule');
  }

  errors(): LogEntry[] {
    return this.entries.filter((entry) => entry.level === 'error' || entry.level === 'fatal');
  }

  clear(): void {
    this.entries.length = 0;
  }
}
