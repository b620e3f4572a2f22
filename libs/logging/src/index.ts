export * from './redaction.js';
export * from './logger.js';
