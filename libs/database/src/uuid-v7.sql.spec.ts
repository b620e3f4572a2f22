import { loadConfig } from '#libs/config';
import { uuidV7 } from '#libs/domain';
import { DatabasePool } from './database-pool.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

/** The time_ordered_ids migration: pasarela_uuid_v7() and the defaults that use it (on the run's migrated database). */
describe('pasarela_uuid_v7()', () => {
  const pool = new DatabasePool(loadConfig().databaseUrl!, 2);
  afterAll(() => pool.close());

  it('gives version 7, RFC 9562 variant ids carrying the server clock in milliseconds', async () => {
    const before = Date.now();
    const { rows } = await pool.query<{ id: string }>(`select pasarela_uuid_v7()::text as id from generate_series(1, 2000)`);
    const after = Date.now();
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (const { id } of rows) {
      expect(id).toMatch(V7);
      // The server's clock is this machine's (the same host in tests), within a second of slack.
      expect(millis(id)).toBeGreaterThanOrEqual(before - 1000);
      expect(millis(id)).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('sorts as uuid in time order across milliseconds, and agrees with the TypeScript uuidV7', async () => {
    const a = (await pool.query<{ id: string }>(`select pasarela_uuid_v7()::text as id`)).rows[0].id;
    await new Promise((r) => setTimeout(r, 5));
    const ts = uuidV7();
    await new Promise((r) => setTimeout(r, 5));
    const b = (await pool.query<{ id: string }>(`select pasarela_uuid_v7()::text as id`)).rows[0].id;
    const { rows } = await pool.query<{ ok: boolean }>(`select $1::uuid < $2::uuid and $2::uuid < $3::uuid as ok`, [a, ts, b]);
    expect(rows[0].ok).toBe(true);
  });

  it('is the id default of the tables written on every webhook', async () => {
    const { rows } = await pool.query<{ table_name: string; column_default: string }>(
      `select table_name, column_default from information_schema.columns
        where table_schema = current_schema() and column_name = 'id' and table_name in ('webhook_events', 'ledger_transfers', 'ledger_journals')
        order by table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'ledger_journals', column_default: 'pasarela_uuid_v7()' },
      { table_name: 'ledger_transfers', column_default: 'pasarela_uuid_v7()' },
      { table_name: 'webhook_events', column_default: 'pasarela_uuid_v7()' },
    ]);
  });
});
