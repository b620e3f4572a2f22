// Runs once per test run, outside jest's module system, so it uses the compiled libs in dist/
// (`npm test` builds first). One database and one Redis key prefix per run: concurrent runs never collide.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { testServers } from '../../dist/libs/config/src/index.js';
import { createDatabase, migrate } from '../../dist/libs/database/src/index.js';

export default async function globalSetup() {
  const servers = testServers();
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const database = `pasarela_test_${run}`;
  const url = await createDatabase(servers.postgresUrl, database);
  await migrate(url, path.resolve('prisma/migrations'));
  process.env.PASARELA_TEST_DATABASE = database;
  process.env.DATABASE_URL = url;
  process.env.REDIS_URL = servers.redisUrl;
  process.env.QUEUE_PREFIX = `pasarela_test_${run}`;
  process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
}
