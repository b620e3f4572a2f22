import { Global, Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { pino, type Level, type Logger } from 'pino';

/**
 * Nest's logger over an app's pino logger, for Nest's own lines (bootstrap, lifecycle, its exception handler)
 * and the sandbox's `new Logger(ctx)`: one JSON line per call, `context` from Nest's last argument, errors under
 * `err`, so every line goes through the same redaction. Nest keeps one such logger per process; our classes log
 * through AppLogger instead (LoggingModule), so two apps in one process (the e2e tests) keep their lines apart.
 *
 * No per-request context (AsyncLocalStorage) on purpose: on Node 20 it turns on V8's promise hooks for every
 * promise in the process, which cost the gateway about a quarter of its CPU per webhook (bench/webhooks.bench.ts).
 * Where a request is at hand its id is written explicitly (`request_id` on request and error lines).
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    // Nest passes the caller's context last.
    let rest = params;
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') {
      fields.context = rest[rest.length - 1];
      rest = rest.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.logger[level](fields, message.message);
      return;
    }
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
      return;
    }
    // Nest's own exception handlers call error(message, stack, context).
    if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
      const err = new Error(String(message));
      err.stack = rest[0];
      fields.err = err;
    } else if (rest.length > 0) {
      fields.details = rest;
    }
    this.logger[level](fields, String(message));
  }
}

/** The app's root pino logger as an injection token (an abstract class, not a string). */
export abstract class AppLogger {}

/**
 * Provides AppLogger to every module of an app. Our classes log through it, not through Nest's `Logger`,
 * whose sink is one per process: two apps booted in one process (as the e2e tests do) keep their own lines.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return { module: LoggingModule, providers: [{ provide: AppLogger, useValue: logger }], exports: [AppLogger] };
  }
}

const SILENT = pino({ level: 'silent' });

/** A class's logger: the app's (AppLogger) with its context, or a silent one for a class built by hand (a unit test). */
export function contextLogger(root: Logger | undefined, context: string): Logger {
  return (root ?? SILENT).child({ context });
}
