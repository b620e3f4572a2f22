export * from './redaction.js';
export * from './logger.js';
export * from './nest-logger.js';
