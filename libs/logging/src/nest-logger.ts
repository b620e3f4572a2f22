import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/**
 * Nest's logger (what `new Logger('Context')` writes to) over an app's pino logger: one JSON line per call,
 * `context` set from Nest's last argument, errors under `err`, so every line goes through the same redaction.
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
