export * from './necipco.client.js';
export * from './necipco.crypto.js';
export * from './necipco.errors.js';
export * from './necipco.validation.js';
export * from './necipco.mapper.js';
export * from './necipco.adapter.js';
export * from './necipco.module.js';
export * from './wire/index.js';
