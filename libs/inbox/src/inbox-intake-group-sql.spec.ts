import { randomUUID } from 'node:crypto';
import { loadConfig } from '#libs/config';
import { DatabasePool } from '#libs/database';
import { InboxRepository, type NewWebhookEvent } from './inbox.repository.js';

// InboxRepository.insertOrFindMany (the gateway's SPEI IN intake, in groups) must answer each delivery as
// insertOrFind answers it alone: a new key inserted as PENDING with its payload intact, an existing key found
// (and nothing written), and a key whose row a worker holds found without waiting for that worker.
describe('InboxRepository.insertOrFindMany', () => {
  const pool = new DatabasePool(loadConfig().databaseUrl!, 4);
  const inbox = new InboxRepository(pool);
  const run = randomUUID().slice(0, 8);

  afterAll(async () => {
    await pool.close();
  });

  const event = (ref: string, amount = 100n, payload: Record<string, unknown> = {}): NewWebhookEvent => ({
    provider: 'stp',
    type: 'spei_in',
    dedupKey: `646180000000000000:${run}:${ref}`,
    payload: { clabe: '646180000000000000', reference: `${run}${ref}`, amount: String(amount), ...payload },
    payloadHash: `h:${ref}:${amount}`,
    webhookId: `msg_${run}_${ref}`,
    amount,
  });
  const rowsOf = async (keys: string[]) =>
    (await pool.query(`select dedup_key, payload, payload_hash, webhook_id, status, amount::text, outcome, response, attempts from webhook_events where dedup_key = any($1::text[]) order by dedup_key`, [keys])).rows;

  it('inserts new keys as PENDING rows, in the order given, with the payloads intact', async () => {
    const odd = { trade_name: 'TIENDA "LA ÑANDÚ" \\ C:\\x\n\t{a,b}', nested: { list: [1, '2', null], deep: { ok: true } }, emoji: '💸' };
    const events = [event('a1', 100n, odd), event('a2', 250n), event('a3', 1n)];
    const found = await inbox.insertOrFindMany(events);
    expect(found.map((f) => f?.inserted)).toEqual([true, true, true]);
    expect(found.map((f) => f?.row.dedupKey)).toEqual(events.map((e) => e.dedupKey));
    // The row's payload is the one given (it is not sent back): it equals what Postgres stored.
    expect(found[0]!.row.payload).toEqual(events[0].payload);
    const stored = await rowsOf(events.map((e) => e.dedupKey));
    expect(stored).toEqual(
      events.map((e) => ({ dedup_key: e.dedupKey, payload: e.payload, payload_hash: e.payloadHash, webhook_id: e.webhookId, status: 'PENDING', amount: String(e.amount), outcome: null, response: null, attempts: 0 })),
    );
    expect(found.map((f) => f!.row)).toEqual(await Promise.all(events.map((e) => inbox.findByKey('stp', 'spei_in', e.dedupKey))));
  });

  it('finds existing keys (their stored row, not the new payload) and writes nothing for them', async () => {
    const [old] = await inbox.insertOrFindMany([event('b1', 500n)]);
    const events = [event('b0', 10n), event('b1', 999n), event('b2', 20n)];
    const found = await inbox.insertOrFindMany(events);
    expect(found.map((f) => f?.inserted)).toEqual([true, false, true]);
    expect(found[1]!.row).toEqual(old!.row);
    expect(found[1]!.row.payloadHash).toBe('h:b1:500');
    expect((await rowsOf([events[1].dedupKey])).map((r) => r.amount)).toEqual(['500']);
    expect(await inbox.insertOrFindMany([])).toEqual([]);
  });

  it('does not wait on a row a worker holds locked (nor on one it has updated)', async () => {
    const [held] = await inbox.insertOrFindMany([event('c1')]);
    const worker = await pool.pool.connect();
    try {
      await worker.query('begin');
      await worker.query(`update webhook_events set attempts = attempts + 1 where id = $1`, [held!.row.id]);
      // A wait would end in this lock timeout's error; the group is answered at once instead.
      const client = await pool.pool.connect();
      try {
        await client.query(`set lock_timeout = '500ms'`);
        const found = await inbox.insertOrFindMany([event('c0'), event('c1'), event('c2')], client);
        expect(found.map((f) => f?.inserted)).toEqual([true, false, true]);
        expect(found[1]!.row.id).toBe(held!.row.id);
        await client.query(`reset lock_timeout`);
      } finally {
        client.release();
      }
    } finally {
      await worker.query('rollback');
      worker.release();
    }
  });
});
