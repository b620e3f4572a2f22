/**
 * The raw material of the "no clear card data anywhere" scans: every database row and every queue key of the
 * run, as text. Each test keeps its own assertions about what must (not) be in them.
 */
import { Redis } from 'ioredis';
import type { AppConfig } from '#libs/config';
import type { DatabasePool } from '#libs/database';

/** Every row of every table of the public schema, one `row::text` a line, and the tables found. */
export async function dumpDatabase(pool: DatabasePool): Promise<{ tables: string[]; rows: string }> {
  const tables = (await pool.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)).rows.map((r) => r.table_name);
  let rows = '';
  for (const t of tables) rows += (await pool.query<{ row: string }>(`select t::text as row from "${t}" t`)).rows.map((r) => r.row).join('\n');
  return { tables, rows };
}

/** The values of every Redis key under the run's queue prefix (strings, hashes, lists, sorted sets, sets, streams). */
export async function dumpQueueKeys(config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'>): Promise<string> {
  const redis = new Redis(config.redisUrl!, { maxRetriesPerRequest: 1 });
  let queue = '';
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      for (const k of keys) {
        const type = await redis.type(k);
        if (type === 'string') queue += await redis.get(k);
        else if (type === 'hash') queue += JSON.stringify(await redis.hgetall(k));
        else if (type === 'list') queue += (await redis.lrange(k, 0, -1)).join('\n');
        else if (type === 'zset') queue += (await redis.zrange(k, 0, '-1')).join('\n');
        else if (type === 'set') queue += (await redis.smembers(k)).join('\n');
        else if (type === 'stream') queue += JSON.stringify(await redis.xrange(k, '-', '+'));
      }
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return queue;
}
