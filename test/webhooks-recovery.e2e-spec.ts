import { randomInt, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import { DatabasePool, createDatabase, dropDatabase, migrate } from '#libs/database';
import { loadConfig, testServers } from '#libs/config';
import { LedgerService } from '#libs/ledger';
import { QueueFactory, QueueName } from '#libs/queue';
import { call, startGateway, type TestGateway } from './support/gateway.js';
import { runNode, type RunningProcess } from './support/processes.js';
import { debitPayload, fundedAccount, newClabe, sendWebhook } from './support/webhooks.js';

/*
 * Recovery of the webhook pipeline with a real worker in its own OS process: killed with SIGKILL mid-run, and
 * its queue wiped from Redis while jobs are pending. Every event must end APPLIED exactly once.
 *
 * This file runs on its own database and its own queue prefix (under the run's QUEUE_PREFIX): other test files
 * run workers with sweepers on the run's database at the same time, and they must not apply (or hide the loss
 * of) this file's events.
 */

const DATABASE = `${process.env.PASARELA_TEST_DATABASE}_rcv`;
const PREFIX = `${process.env.QUEUE_PREFIX}:recovery`;
const SWEEPER = { SWEEPER_INTERVAL_MS: '250', SWEEPER_AGE_MS: '1000' };

/** Fails with the step's name instead of hanging until the test's own timeout (which names nothing). */
async function step<T>(name: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${name}: no result after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

interface Sent {
  clabe: string;
  reference: string;
  centavos: bigint;
}

describe('webhook recovery (e2e, worker as a separate process)', () => {
  let gw: TestGateway;
  let db: DatabasePool;
  let ledger: LedgerService;
  let env: Record<string, string>;
  let redis: Redis;
  const workers: RunningProcess[] = [];

  beforeAll(async () => {
    const url = await createDatabase(testServers().postgresUrl, DATABASE);
    await migrate(url, path.resolve('prisma/migrations'));
    env = { DATABASE_URL: url, QUEUE_PREFIX: PREFIX, ...SWEEPER };
    gw = await startGateway({ ...env, LOG_LEVEL: 'warn' });
    db = gw.app.get(DatabasePool);
    ledger = gw.app.get(LedgerService);
    redis = new Redis(loadConfig().redisUrl!);
  }, 60_000);

  afterAll(async () => {
    try {
      for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
      await step('workers exit', 10_000, Promise.all(workers.map((w) => w.exited())));
      await step('gateway close', 15_000, gw?.close() ?? Promise.resolve());
      if (redis) await step('delete queue keys', 10_000, deleteQueueKeys());
    } finally {
      // Whatever failed above, no handle is left open (jest would wait on it forever).
      redis?.disconnect();
      if (!process.env.KEEP_TEST_DATABASE) await dropDatabase(testServers().postgresUrl, DATABASE);
    }
  }, 60_000);

  async function startWorker(): Promise<RunningProcess> {
    const w = runNode('dist/apps/worker/src/main.js', { ...env, LOG_LEVEL: 'info' });
    workers.push(w);
    await w.waitFor(/worker started/, 30_000);
    return w;
  }

  async function stopWorker(w: RunningProcess): Promise<void> {
    w.child.kill('SIGTERM');
    const { code } = await step('worker exit on SIGTERM', 20_000, w.exited());
    if (code !== 0) throw new Error(`worker exited ${code}:\n${w.output().slice(-3000)}`);
  }

  /** Every key of this file's queues (never anything outside its own prefix). */
  async function deleteQueueKeys(): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}:*`, 'COUNT', 1000);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  /** CLABEs linked (through the admin API) to fresh ledger accounts: clabe → account id. */
  async function linkClabes(n: number): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < n; i++) {
      const account = await fundedAccount(ledger, 0n);
      const clabe = newClabe();
      const r = await call(gw, 'POST', '/v1/provider-links/stp-clabes', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { clabe, ledger_account_id: account } });
      expect(r.status).toBe(201);
      out.set(clabe, account);
    }
    return out;
  }

  /** `distinct` deposits spread over the CLABEs plus `duplicates` resends (same CLABE + tracking key, new webhook id), shuffled. */
  function deposits(clabes: string[], distinct: number, duplicates: number, tag: string): { events: Sent[]; deliveries: Sent[] } {
    const events: Sent[] = Array.from({ length: distinct }, (_, i) => ({
      clabe: clabes[i % clabes.length],
      reference: `${tag}${String(i).padStart(6, '0')}${randomInt(1e5, 9e5)}`,
      centavos: BigInt(randomInt(1, 500_000)),
    }));
    const deliveries = [...events, ...Array.from({ length: duplicates }, () => events[randomInt(0, events.length)])];
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = randomInt(0, i + 1);
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    return { events, deliveries };
  }

  /**
   * Sends the deliveries `concurrency` at a time; every one must be acknowledged (200). Calls `onAck` after each;
   * with a `gate`, the deliveries from index `gate.at` on wait until `gate.open` resolves.
   */
  async function send(deliveries: Sent[], concurrency: number, onAck: (n: number) => void = () => undefined, gate?: { at: number; open: Promise<unknown> }): Promise<void> {
    let next = 0;
    let acked = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < deliveries.length) {
          const i = next++;
          if (gate && i >= gate.at) await gate.open;
          const d = deliveries[i];
          const amount = `${d.centavos / 100n}.${String(d.centavos % 100n).padStart(2, '0')}`;
          const r = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: d.clabe, reference: d.reference, amount });
          expect(r.status).toBe(200);
          onAck(++acked);
        }
      }),
    );
  }

  async function statusCounts(clabes: string[]): Promise<Record<string, number>> {
    const { rows } = await db.query(
      `select status, count(*)::int as n from webhook_events where type = 'spei_in' and payload->>'clabe' = any($1::text[]) group by status`,
      [clabes],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async function untilNothingPending(clabes: string[], expected: number, timeoutMs: number, worker?: RunningProcess): Promise<Record<string, number>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await statusCounts(clabes);
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      if (total === expected && !c.PENDING) return c;
      if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms: ${JSON.stringify(c)} of ${expected}; worker output:\n${worker?.output().slice(-3000) ?? ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Exactly once: one APPLIED row and one ledger transfer per event, and each owner's balance is the sum of its distinct deposits. */
  async function expectAppliedExactlyOnce(links: Map<string, string>, events: Sent[]): Promise<void> {
    const clabes = [...links.keys()];
    const { rows } = await db.query(
      `select w.id, w.status, w.outcome, w.payload->>'clabe' as clabe, w.payload->>'reference' as reference, w.amount::text as amount,
              (select count(*)::int from ledger_transfers t where t.idempotency_key = 'wh:' || w.id) as by_key,
              (select count(*)::int from ledger_transfers t where t.metadata->>'event_id' = w.id::text) as by_event
         from webhook_events w where w.type = 'spei_in' and w.payload->>'clabe' = any($1::text[])`,
      [clabes],
    );
    expect(rows.length).toBe(events.length);
    const byKey = new Map(rows.map((r) => [`${r.clabe}:${r.reference}`, r]));
    for (const e of events) {
      const row = byKey.get(`${e.clabe}:${e.reference}`);
      expect(row).toMatchObject({ status: 'APPLIED', outcome: 'credited', amount: e.centavos.toString(), by_key: 1, by_event: 1 });
    }
    expect(rows.filter((r) => r.status === 'FAILED')).toEqual([]);
    // Nothing credited to these accounts but the events (no posting without its row, none twice).
    const accounts = [...links.values()];
    const { rows: credits } = await db.query(
      `select count(*)::int as n from ledger_transfers where kind = 'spei_in' and credit_account_id = any($1::uuid[])`,
      [accounts],
    );
    expect(credits[0].n).toBe(events.length);
    for (const [clabe, account] of links) {
      const expected = events.filter((e) => e.clabe === clabe).reduce((s, e) => s + e.centavos, 0n);
      const b = await ledger.balances(account);
      expect({ clabe, posted: b.posted, available: b.available }).toEqual({ clabe, posted: expected, available: expected });
    }
    const audit = await ledger.audit();
    expect(audit.ok).toBe(true);
  }

  it('a redelivery is answered at once while a stalled worker holds its row in an open transaction', async () => {
    const links = await linkClabes(1);
    const [clabe] = links.keys();
    const body = { clabe, reference: `STALL${randomInt(1e8, 9e8)}`, amount: '12.34' };
    const first = await sendWebhook(gw, '/webhooks/stp/spei-in', body);
    expect(first.status).toBe(200);
    // A worker mid-apply, then frozen (GC pause, SIGSTOP, a half-open connection): the row updated, no commit.
    const stalled = await db.pool.connect();
    try {
      await stalled.query('begin');
      await stalled.query(`update webhook_events set status = 'APPLIED', updated_at = now() where id = $1`, [first.body.event_id]);
      const again = await step('redelivery during the stall', 5_000, sendWebhook(gw, '/webhooks/stp/spei-in', body));
      expect(again).toEqual({ status: 200, body: { received: true, event_id: first.body.event_id, status: 'PENDING', duplicate: true } });
      const conflict = await step('conflicting redelivery during the stall', 5_000, sendWebhook(gw, '/webhooks/stp/spei-in', { ...body, amount: '99.99' }));
      expect(conflict.status).toBe(409);
    } finally {
      await stalled.query('rollback');
      stalled.release();
    }
  }, 30_000);

  it('a DEBIT redelivery gets the original answer at once while a stalled worker holds the debit row', async () => {
    const account = await fundedAccount(ledger, 100_000n);
    const accountNumber = String(randomInt(100_000_000, 999_999_999));
    const emi = String(randomInt(10_000_000, 99_999_999));
    const link = await call(gw, 'POST', '/v1/provider-links/credencial-accounts', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { account_number: accountNumber, emi_account_identifier: emi, ledger_account_id: account } });
    expect(link.status).toBe(201);
    const body = debitPayload(accountNumber, emi, 25, `STALLD${randomInt(1e6, 9e6)}`);
    const first = await sendWebhook(gw, '/webhooks/credencial/debit', body);
    expect(first.body.code).toBe(-1);
    const stalled = await db.pool.connect();
    try {
      await stalled.query('begin');
      await stalled.query(`update webhook_events set updated_at = now() where provider = 'credencial' and type = 'debit' and dedup_key = $1`, [`${accountNumber}:${body.reference}`]);
      const again = await step('DEBIT redelivery during the stall', 5_000, sendWebhook(gw, '/webhooks/credencial/debit', body));
      expect(again).toEqual(first);
    } finally {
      await stalled.query('rollback');
      stalled.release();
    }
  }, 30_000);

  it('a worker killed with SIGKILL mid-run loses nothing and applies nothing twice after a restart', async () => {
    const links = await linkClabes(12);
    const clabes = [...links.keys()];
    const { events, deliveries } = deposits(clabes, 360, 90, 'KILL');
    const first = await startWorker();

    // Kill as soon as the worker has applied a share of the events, while deliveries keep arriving; the last
    // 30% of the deliveries wait for the kill, so some events surely arrive with no worker alive.
    const killer = (async () => {
      for (;;) {
        const c = await statusCounts(clabes);
        if ((c.APPLIED ?? 0) >= 60) {
          first.child.kill('SIGKILL');
          return;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await step('send (kill test)', 60_000, send(deliveries, 8, undefined, { at: Math.floor(deliveries.length * 0.7), open: killer }));
    const exit = await step('killed worker exit', 10_000, first.exited());
    expect(exit.signal).toBe('SIGKILL');
    const afterKill = await statusCounts(clabes);
    // The kill really was mid-run: some applied, some left PENDING with nobody to apply them.
    expect(afterKill.APPLIED ?? 0).toBeGreaterThan(0);
    expect(afterKill.PENDING ?? 0).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await statusCounts(clabes)).PENDING).toBe(afterKill.PENDING);

    const second = await startWorker();
    await untilNothingPending(clabes, events.length, 60_000, second);
    await step('exactly-once checks', 20_000, expectAppliedExactlyOnce(links, events));
    await stopWorker(second);
  }, 120_000);

  it('DEBITs are settled exactly once by two workers\' settlers, one of them killed with SIGKILL mid-run, and a restarted one', async () => {
    const cards: Array<{ account: string; accountNumber: string; emi: string }> = [];
    for (let i = 0; i < 16; i++) {
      const account = await fundedAccount(ledger, 10_000_000n);
      const accountNumber = String(randomInt(100_000_000, 999_999_999));
      const emi = String(randomInt(10_000_000, 99_999_999));
      const r = await call(gw, 'POST', '/v1/provider-links/credencial-accounts', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { account_number: accountNumber, emi_account_identifier: emi, ledger_account_id: account } });
      expect(r.status).toBe(201);
      cards.push({ account, accountNumber, emi });
    }
    const accounts = cards.map((c) => c.account);
    const settledCount = async () => {
      const { rows } = await db.query(`select count(*) filter (where status = 'APPLIED')::int as applied, count(*) filter (where status = 'PENDING')::int as pending
                                         from webhook_events where type = 'debit' and ledger_account_id = any($1::uuid[])`, [accounts]);
      return rows[0] as { applied: number; pending: number };
    };
    const a = await startWorker();
    const b = await startWorker();
    const sent: Array<{ account: string; centavos: bigint }> = [];
    let killed = false;
    let next = 0;
    const total = 480;
    await step('send DEBITs', 60_000, Promise.all(Array.from({ length: 8 }, async () => {
      while (next < total) {
        const i = next++;
        const c = cards[i % cards.length];
        const centavos = BigInt(randomInt(1, 100_000));
        const r = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(c.accountNumber, c.emi, `${centavos / 100n}.${String(centavos % 100n).padStart(2, '0')}`, `SET${i}x${randomInt(1e6, 9e6)}`));
        expect(r.body.code).toBe(-1);
        sent.push({ account: c.account, centavos });
        // Mid-run, once the settlers have settled some: one worker dies without any shutdown.
        if (!killed && i > total / 3 && (await settledCount()).applied > 0) {
          killed = true;
          a.child.kill('SIGKILL');
        }
      }
    })));
    expect(killed).toBe(true);
    expect((await step('killed worker exit', 10_000, a.exited())).signal).toBe('SIGKILL');
    const c = await startWorker();
    for (const deadline = Date.now() + 30_000; ; ) {
      const n = await settledCount();
      if (n.pending === 0 && n.applied === total) break;
      if (Date.now() > deadline) throw new Error(`settlement incomplete: ${JSON.stringify(n)} of ${total}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Each hold posted exactly once, by its settlement key; every card's balance is its funding less its debits.
    const { rows } = await db.query(
      `select w.outcome, (select count(*)::int from ledger_transfers p where p.pending_id = w.ledger_transfer_id) as posts,
              (select count(*)::int from ledger_transfers p where p.idempotency_key = 'wh:settle:' || w.id) as by_key, h.status as hold
         from webhook_events w join ledger_transfers h on h.id = w.ledger_transfer_id where w.type = 'debit' and w.ledger_account_id = any($1::uuid[])`,
      [accounts],
    );
    expect(rows.length).toBe(total);
    for (const r of rows) expect(r).toEqual({ outcome: 'settled', posts: 1, by_key: 1, hold: 'posted' });
    for (const card of cards) {
      const spent = sent.filter((s) => s.account === card.account).reduce((t, s) => t + s.centavos, 0n);
      expect(await ledger.balances(card.account)).toMatchObject({ posted: 10_000_000n - spent, available: 10_000_000n - spent, pendingDebits: 0n });
    }
    expect((await ledger.audit()).ok).toBe(true);
    await stopWorker(b);
    await stopWorker(c);
  }, 120_000);

  it('the sweeper re-enqueues everything left PENDING after the queue keys are deleted from Redis mid-run', async () => {
    const links = await linkClabes(10);
    const clabes = [...links.keys()];
    const { events, deliveries } = deposits(clabes, 300, 60, 'FLUSH');
    const worker = await startWorker();

    let frozen = false;
    // Mid-run, the worker is frozen (SIGSTOP) so that jobs pile up in Redis waiting; then every key is deleted.
    await step('send (flush test)', 60_000, send(deliveries, 8, (acked) => {
      if (!frozen && acked >= deliveries.length / 3) {
        frozen = true;
        worker.child.kill('SIGSTOP');
      }
    }));
    const waiting = await step('job counts', 10_000, gw.app.get(QueueFactory).queue(QueueName.Webhooks).getJobCounts('waiting'));
    expect(waiting.waiting).toBeGreaterThan(0);
    const before = await statusCounts(clabes);
    expect(before.PENDING ?? 0).toBeGreaterThan(0);
    expect(await step('delete queue keys', 10_000, deleteQueueKeys())).toBeGreaterThan(0);
    const [, left] = await redis.scan('0', 'MATCH', `${PREFIX}:*`, 'COUNT', 10_000);
    expect(left).toEqual([]);
    worker.child.kill('SIGCONT');

    const after = await untilNothingPending(clabes, events.length, 60_000, worker);
    expect(after).toEqual({ APPLIED: events.length });
    await step('exactly-once checks', 20_000, expectAppliedExactlyOnce(links, events));
    // The jobs were gone: only the sweeper could have brought the rows back.
    expect(worker.output()).toMatch(/sweeper re-enqueued inbox rows left PENDING/);
    await stopWorker(worker);
  }, 120_000);
});
