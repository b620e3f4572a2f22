import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { DatabasePool } from './database-pool.js';

/** Prisma Client over the shared pool (Prisma 7 talks to Postgres only through a driver adapter). */
export class PrismaService extends PrismaClient {
  constructor(pool: DatabasePool) {
    super({ adapter: new PrismaPg(pool.pool) });
  }
}
