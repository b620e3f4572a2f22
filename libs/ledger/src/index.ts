export * from './ledger.types.js';
export * from './ledger-errors.js';
export * from './ledger.service.js';
export * from './ledger.module.js';
export * from './ledger.fixtures.js';
