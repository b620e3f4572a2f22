import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { testServers } from '#libs/config';
import { createDatabase, DatabasePool, dropDatabase, migrate } from '#libs/database';

// The inbox's indexes after 20261206000000_lean_inbox_indexes: one index for the dedup key serves uniqueness,
// ON CONFLICT and the prefix lookups; the status index holds only rows still to act on.
describe('webhook_events indexes', () => {
  const server = testServers().postgresUrl;
  const name = `pasarela_inbox_idx_${randomBytes(4).toString('hex')}`;
  let pool: DatabasePool;

  beforeAll(async () => {
    const url = await createDatabase(server, name);
    await migrate(url, path.resolve('prisma/migrations'));
    pool = new DatabasePool(url, 2);
    // Enough rows that a wrong plan would be visible, of every status.
    await pool.query(
      `insert into webhook_events (provider, type, dedup_key, payload, payload_hash, status)
       select 'credencial', case when g % 2 = 0 then 'debit' else 'reverse' end, 'acct' || (g % 50) || ':ref' || g, '{}', 'h',
              case when g % 10 = 0 then 'UNMATCHED' when g % 7 = 0 then 'PENDING' else 'APPLIED' end
         from generate_series(1, 2000) g`,
    );
    await pool.query('analyze webhook_events');
  });

  afterAll(async () => {
    await pool?.close();
    await dropDatabase(server, name);
  });

  async function plan(sql: string, values: unknown[] = []): Promise<string> {
    const client = await pool.pool.connect();
    try {
      await client.query('begin');
      await client.query('set local enable_seqscan = off');
      await client.query('set local enable_bitmapscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain ${sql}`, values);
      await client.query('rollback');
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release();
    }
  }

  it('keeps (provider, type, dedup_key) unique', async () => {
    await expect(
      pool.query(`insert into webhook_events (provider, type, dedup_key, payload, payload_hash) values ('credencial', 'debit', 'acct2:ref2', '{}', 'h')`),
    ).rejects.toMatchObject({ code: '23505', constraint: 'webhook_events_dedup_key' });
    const { rowCount } = await pool.query(
      `insert into webhook_events (provider, type, dedup_key, payload, payload_hash) values ('credencial', 'debit', 'acct2:ref2', '{}', 'h')
       on conflict (provider, type, dedup_key) do nothing`,
    );
    expect(rowCount).toBe(0);
  });

  it('serves a prefix lookup as a range scan of the unique index', async () => {
    const p = await plan(`select id from webhook_events where provider = 'credencial' and type = 'reverse' and starts_with(dedup_key, $1)`, ['acct7:']);
    expect(p).toMatch(/Index (Only )?Scan using webhook_events_dedup_key/);
    expect(p).toMatch(/Index Cond: .*dedup_key ~>=~/);
  });

  it('leaves APPLIED rows out of the status index, which still finds the rest', async () => {
    const { rows } = await pool.query<{ def: string }>(`select pg_get_indexdef('webhook_events_status_received'::regclass) as def`);
    expect(rows[0].def).toContain(`WHERE (status <> 'APPLIED'::text)`);
    expect(await plan(`select id from webhook_events where status = 'PENDING' order by received_at limit 10`)).toMatch(/using webhook_events_status_received/);
    const pending = await pool.query(`select count(*)::int as n from webhook_events where status = 'PENDING'`);
    expect(pending.rows[0].n).toBeGreaterThan(0);
  });
});
