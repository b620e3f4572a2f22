import { Redis } from 'ioredis';
import { testServers } from '../../dist/libs/config/src/index.js';
import { dropDatabase } from '../../dist/libs/database/src/index.js';

export default async function globalTeardown() {
  const servers = testServers();
  const database = process.env.PASARELA_TEST_DATABASE;
  if (database && !process.env.KEEP_TEST_DATABASE) await dropDatabase(servers.postgresUrl, database);
  const prefix = process.env.QUEUE_PREFIX;
  if (prefix?.startsWith('pasarela_test_')) {
    const redis = new Redis(servers.redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    redis.disconnect();
  }
}
