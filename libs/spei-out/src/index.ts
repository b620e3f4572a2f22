export * from './spei-out-orders.repository.js';
export * from './spei-out-sender.service.js';
export * from './spei-out.module.js';
