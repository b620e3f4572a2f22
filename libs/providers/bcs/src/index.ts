export * from './bcs.client.js';
export * from './bcs.crypto.js';
export * from './bcs.errors.js';
export * from './bcs.mapper.js';
export * from './bcs.adapter.js';
export * from './bcs.module.js';
export * from './wire/index.js';
