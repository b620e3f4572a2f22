export * from './circuit-breaker.js';
export * from './json-http.js';
export * from './field-checker.js';
