import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { testServers } from '#libs/config';
import { createDatabase, DatabasePool, dropDatabase, migrate, PrismaService } from '#libs/database';
import { LedgerService } from '#libs/ledger';
import { InboxRepository } from './inbox.repository.js';
import { ProviderLinksRepository } from './provider-links.repository.js';
import { DebitBatchError, WebhookApplier } from './webhook-applier.service.js';

// credencial_debit_settle (the settler's batch, one statement) on a database of its own: every PENDING DEBIT row
// there is this file's, so a batch takes exactly the rows made here.
describe('credencial_debit_settle (WebhookApplier.settleDebitBatch)', () => {
  const server = testServers().postgresUrl;
  const name = `pasarela_settle_${randomBytes(4).toString('hex')}`;
  let pool: DatabasePool;
  let prisma: PrismaService;
  let ledger: LedgerService;
  let applier: WebhookApplier;
  let card: string;
  let shard: string;

  beforeAll(async () => {
    const url = await createDatabase(server, name);
    await migrate(url, path.resolve('prisma/migrations'));
    pool = new DatabasePool(url, 3);
    prisma = new PrismaService(pool);
    ledger = new LedgerService(pool, prisma);
    applier = new WebhookApplier(new InboxRepository(pool), new ProviderLinksRepository(pool), ledger);
    const funding = (await ledger.createAccount({ code: 'test:funding', type: 'asset' })).id;
    card = (await ledger.createAccount({ code: 'test:card', type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
    shard = (await ledger.createAccount({ code: 'test:shard', type: 'liability' })).id;
    await ledger.transfer({ idempotencyKey: 'fund', legs: [{ debitAccountId: funding, creditAccountId: card, amount: 1_000_000n }] });
  });

  afterAll(async () => {
    await prisma?.$disconnect?.();
    await pool?.close();
    await dropDatabase(server, name);
  });

  let received = 0;
  /** An authorized DEBIT as the gateway leaves it: its hold (key wh:<id>) and its PENDING inbox row, each received a second after the last. */
  async function authorized(amount: bigint): Promise<{ id: string; hold: string }> {
    const id = randomUUID();
    received++;
    const hold = (await ledger.hold({ idempotencyKey: `wh:${id}`, debitAccountId: card, creditAccountId: shard, amount, kind: 'card_debit', metadata: { event_id: id } })).transfer.id;
    await pool.query(
      `insert into webhook_events (id, provider, type, dedup_key, payload, payload_hash, status, outcome, amount, ledger_account_id, ledger_transfer_id, received_at)
       values ($1, 'credencial', 'debit', $2, '{}', 'h', 'PENDING', 'authorized', $3, $4, $5, timestamptz '2026-01-01 00:00:00Z' + $6 * interval '1 second')`,
      [id, `key:${id}`, amount.toString(), card, hold, received],
    );
    return { id, hold };
  }

  async function row(id: string): Promise<{ status: string; outcome: string }> {
    return (await pool.query<{ status: string; outcome: string }>('select status, outcome from webhook_events where id = $1', [id])).rows[0];
  }

  it('posts the pending holds, marks the rows APPLIED with their outcome, and replays with the one-row path', async () => {
    const a = await authorized(1_000n);
    const b = await authorized(2_000n);
    const reversed = await authorized(500n);
    await ledger.void({ idempotencyKey: `wh:reverse:${reversed.id}`, pendingId: reversed.hold });
    const excluded = await authorized(700n);

    const done = await applier.settleDebitBatch(250, [excluded.id]);
    expect(done.map((d) => [d.id, d.status, d.outcome])).toEqual([
      [a.id, 'APPLIED', 'settled'],
      [b.id, 'APPLIED', 'settled'],
      [reversed.id, 'APPLIED', 'resolved_by_reversal'],
    ]);
    expect(await row(a.id)).toEqual({ status: 'APPLIED', outcome: 'settled' });
    expect(await row(excluded.id)).toEqual({ status: 'PENDING', outcome: 'authorized' });
    for (const h of [a.hold, b.hold]) expect((await ledger.getTransfer(h)).status).toBe('posted');
    expect(await ledger.balances(card)).toMatchObject({ posted: 1_000_000n - 3_000n, pendingDebits: 700n });
    expect(await ledger.balances(shard)).toMatchObject({ posted: 3_000n, pendingCredits: 700n });
    // The one-row job path (LedgerService.post with the same key and metadata) finds the same posting.
    const again = await ledger.post({ idempotencyKey: `wh:settle:${a.id}`, pendingId: a.hold, metadata: { event_id: a.id } });
    expect(again.replayed).toBe(true);

    // The excluded row is taken once it is no longer excluded; then nothing is left.
    expect((await applier.settleDebitBatch(250)).map((d) => d.id)).toEqual([excluded.id]);
    expect(await applier.settleDebitBatch(250)).toEqual([]);
    expect((await ledger.audit()).ok).toBe(true);
  });

  it('takes the oldest rows first, up to the limit', async () => {
    const rows = [];
    for (let i = 0; i < 3; i++) rows.push(await authorized(10n));
    expect((await applier.settleDebitBatch(2)).map((d) => d.id)).toEqual([rows[0].id, rows[1].id]);
    expect((await applier.settleDebitBatch(2)).map((d) => d.id)).toEqual([rows[2].id]);
  });

  it('rolls the whole batch back on one bad row and names the rows for the job path', async () => {
    const good = await authorized(100n);
    const bad = await authorized(200n);
    // The settlement key of `bad` is already taken by something else: its posting fails with LG001.
    await ledger.transfer({ idempotencyKey: `wh:settle:${bad.id}`, legs: [{ debitAccountId: card, creditAccountId: shard, amount: 1n }] });
    const err = await applier.settleDebitBatch(250).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(DebitBatchError);
    expect((err as DebitBatchError).ids).toEqual([good.id, bad.id]);
    expect(await row(good.id)).toEqual({ status: 'PENDING', outcome: 'authorized' });
    expect((await ledger.getTransfer(good.hold)).status).toBe('pending');
    // Without the bad row, the good one settles.
    expect((await applier.settleDebitBatch(250, [bad.id])).map((d) => d.outcome)).toEqual(['settled']);
  });
});
