export * from './database-pool.js';
export * from './prisma.service.js';
export * from './database.module.js';
export * from './migrator.js';
export * from './admin.js';
export * from './embedded-postgres.js';
export * from './resolve-database.js';
export { Prisma } from './generated/prisma/client.js';
