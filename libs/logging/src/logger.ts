import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { AppConfig } from '#libs/config';
import { redactValue, scrubText } from './redaction.js';

/** pino options shared by every app: level from config, card data redacted at two layers. */
export function pinoOptions(config: AppConfig, name: string): LoggerOptions {
  return {
    name,
    level: config.logLevel,
    base: { app: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (obj) => redactValue(obj) as Record<string, unknown>,
    },
    hooks: { streamWrite: scrubText },
  };
}

export function createLogger(config: AppConfig, name: string, destination?: DestinationStream): Logger {
  return destination ? pino(pinoOptions(config, name), destination) : pino(pinoOptions(config, name));
}
