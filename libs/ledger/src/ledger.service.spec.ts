import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '#libs/config';
import { DatabasePool, PrismaService } from '#libs/database';
import { BusinessRuleError, ConflictError, DomainError, NotFoundError, ValidationError } from '#libs/domain';
import { LedgerService, postingHash, requestHash } from './ledger.service.js';
import type { LedgerAccount, LedgerTransfer } from './ledger.types.js';

/** Runs fn and returns the DomainError it threw (fails if it did not throw one). */
async function failure(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('postingHash', () => {
  it('hashes a metadata-free posting exactly as the canonical request hash does (stored keys keep replaying)', () => {
    const legs = [
      { debit: randomUUID(), credit: randomUUID(), amount: 12_345n, kind: 'card_debit', ref: 'ref-1', metadata: null },
      { debit: randomUUID(), credit: randomUUID(), amount: 1n, kind: null, ref: null, metadata: null },
    ];
    const canonical = requestHash(['transfer', 'MXN', legs.map((l) => [l.debit, l.credit, l.amount, l.kind, l.ref, l.metadata])]);
    expect(postingHash('transfer', 'MXN', legs)).toBe(canonical);
    expect(postingHash('hold', 'MXN', legs)).not.toBe(canonical);
    const withMetadata = [{ ...legs[0], metadata: { b: 1, a: 2 } }];
    expect(postingHash('transfer', 'MXN', withMetadata)).toBe(requestHash(['transfer', 'MXN', [[legs[0].debit, legs[0].credit, 12_345n, 'card_debit', 'ref-1', { a: 2, b: 1 }]]]));
  });
});

describe('LedgerService', () => {
  const config = loadConfig();
  const pool = new DatabasePool(config.databaseUrl!, 5);
  const prisma = new PrismaService(pool);
  const ledger = new LedgerService(pool, prisma);
  const prefix = `u${randomBytes(4).toString('hex')}`;
  let n = 0;
  const key = () => `${prefix}-k${++n}`;

  /** An unflagged asset account that can fund anything, and a funded customer (liability, no overdraft). */
  let bank: LedgerAccount;
  async function customer(funds = 0n): Promise<LedgerAccount> {
    const a = await ledger.createAccount({ code: `${prefix}:c${++n}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } });
    if (funds > 0n) await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: a.id, amount: funds }] });
    return a;
  }

  beforeAll(async () => {
    bank = await ledger.createAccount({ code: `${prefix}:bank`, type: 'asset' });
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await pool.close();
  });

  describe('accounts', () => {
    it('creates an account idempotently on its code, and refuses the same code with other settings', async () => {
      const code = `${prefix}:acct`;
      const a = await ledger.createAccount({ code, type: 'liability', flags: { debitsMustNotExceedCredits: true } });
      expect(a).toMatchObject({ code, type: 'liability', currency: 'MXN', debitsPosted: 0n, flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: false } });
      expect((await ledger.createAccount({ code, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id).toBe(a.id);
      expect(await failure(() => ledger.createAccount({ code, type: 'asset' }))).toMatchObject({ constructor: ConflictError, code: 'account_exists' });
      expect(await failure(() => ledger.createAccount({ code: 'bad code', type: 'asset' }))).toBeInstanceOf(ValidationError);
      expect(await failure(() => ledger.createAccount({ code: `${prefix}:x`, type: 'asset', flags: { debitsMustNotExceedCredits: true, creditsMustNotExceedDebits: true } }))).toBeInstanceOf(ValidationError);
    });

    it('finds accounts by id or code, and 404s unknown ones', async () => {
      expect((await ledger.getAccount(bank.code)).id).toBe(bank.id);
      expect((await ledger.getAccount(bank.id)).code).toBe(bank.code);
      expect(await failure(() => ledger.getAccount(randomUUID()))).toMatchObject({ constructor: NotFoundError, code: 'account_not_found' });
      expect((await ledger.getAccount('stp:settlement')).type).toBe('asset');
    });
  });

  describe('transfers', () => {
    it('posts a transfer and reports balances signed by account type', async () => {
      const c = await customer();
      const r = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 15_000n, kind: 'spei_in', externalRef: `${prefix}-ref-1`, metadata: { clave: 'ABC' } }] });
      expect(r.replayed).toBe(false);
      expect(r.transfers).toHaveLength(1);
      expect(r.transfers[0]).toMatchObject({ op: 'transfer', status: 'posted', amount: 15_000n, kind: 'spei_in', metadata: { clave: 'ABC' }, leg: 1 });
      expect(await ledger.balances(c.id)).toMatchObject({ postedCredits: 15_000n, postedDebits: 0n, posted: 15_000n, available: 15_000n });
      const b = await ledger.balances(bank.id);
      expect(b.posted).toBe(b.postedDebits - b.postedCredits);
    });

    it('replays the same key and content without changing anything', async () => {
      const c = await customer();
      const input = { idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 500n, metadata: { b: 1, a: 2 } }] };
      const first = await ledger.transfer(input);
      const again = await ledger.transfer({ ...input, legs: [{ ...input.legs[0], metadata: { a: 2, b: 1 } }] });
      expect(again.replayed).toBe(true);
      expect(again.transfers.map((t) => t.id)).toEqual(first.transfers.map((t) => t.id));
      expect((await ledger.balances(c.id)).posted).toBe(500n);
    });

    it('returns exactly what it stored, first time and on replay (the one-leg path rebuilds the row from the request)', async () => {
      const c = await customer(10_000n);
      const input = { idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: bank.id, amount: 1_234n, kind: 'card.debit', externalRef: `${prefix}-lean`, metadata: { z: [1, 'x'], a: { n: null } } }] };
      const first = await ledger.transfer(input);
      expect(first.transfers[0]).toEqual(await ledger.getTransfer(first.transfers[0].id));
      const again = await ledger.transfer(input);
      expect(again).toEqual({ ...first, replayed: true });
      const plain = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 1n }] });
      expect(plain.transfers[0]).toEqual(await ledger.getTransfer(plain.transfers[0].id));
      // A hold replayed after it was posted reports its current status, as stored.
      const hold = await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: bank.id, amount: 100n });
      expect(hold.transfer).toEqual(await ledger.getTransfer(hold.transfer.id));
      await ledger.post({ idempotencyKey: key(), pendingId: hold.transfer.id });
      const replayed = await ledger.hold({ idempotencyKey: hold.transfer.idempotencyKey, debitAccountId: c.id, creditAccountId: bank.id, amount: 100n });
      expect(replayed).toEqual({ replayed: true, transfer: { ...hold.transfer, status: 'posted' } });
      expect(replayed.transfer).toEqual(await ledger.getTransfer(hold.transfer.id));
    });

    it('refuses the same key with other content and keeps the original', async () => {
      const c = await customer();
      const k = key();
      const first = await ledger.transfer({ idempotencyKey: k, legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 500n }] });
      const err = await failure(() => ledger.transfer({ idempotencyKey: k, legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 501n }] }));
      expect(err).toMatchObject({ constructor: ConflictError, code: 'idempotency_key_reused' });
      // Same legs under another operation is other content too.
      expect(await failure(() => ledger.hold({ idempotencyKey: k, debitAccountId: bank.id, creditAccountId: c.id, amount: 500n }))).toBeInstanceOf(ConflictError);
      expect((await ledger.findByIdempotencyKey(k))!.transfers[0].id).toBe(first.transfers[0].id);
      expect((await ledger.balances(c.id)).posted).toBe(500n);
    });

    it('refuses an overdraft of a flagged account and writes nothing', async () => {
      const c = await customer(1_000n);
      const other = await customer();
      const k = key();
      const err = await failure(() => ledger.transfer({ idempotencyKey: k, legs: [{ debitAccountId: c.id, creditAccountId: other.id, amount: 1_001n }] }));
      expect(err).toMatchObject({ constructor: BusinessRuleError, code: 'insufficient_funds', details: { account_id: c.id } });
      expect(await ledger.findByIdempotencyKey(k)).toBeNull();
      expect((await ledger.balances(c.id)).available).toBe(1_000n);
      // The exact balance can be spent.
      await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: other.id, amount: 1_000n }] });
      expect((await ledger.balances(c.id)).available).toBe(0n);
    });

    it('enforces credits_must_not_exceed_debits on asset accounts', async () => {
      const cash = await ledger.createAccount({ code: `${prefix}:cash`, type: 'asset', flags: { creditsMustNotExceedDebits: true } });
      const c = await customer();
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: cash.id, amount: 1n }] }))).toMatchObject({ code: 'insufficient_funds' });
    });

    it('writes every leg of a multi-leg transfer or none', async () => {
      const c = await customer(1_000n);
      const fee = await customer();
      const dest = await customer();
      const ok = await ledger.transfer({
        idempotencyKey: key(),
        legs: [
          { debitAccountId: c.id, creditAccountId: dest.id, amount: 600n },
          { debitAccountId: c.id, creditAccountId: fee.id, amount: 100n, kind: 'fee' },
        ],
      });
      expect(ok.transfers.map((t) => [t.leg, t.amount, t.idempotencyKey])).toEqual([
        [1, 600n, `${ok.idempotencyKey}#1`],
        [2, 100n, `${ok.idempotencyKey}#2`],
      ]);
      const k = key();
      const err = await failure(() =>
        ledger.transfer({
          idempotencyKey: k,
          legs: [
            { debitAccountId: c.id, creditAccountId: dest.id, amount: 200n },
            { debitAccountId: c.id, creditAccountId: fee.id, amount: 101n },
          ],
        }),
      );
      expect(err.code).toBe('insufficient_funds');
      expect(await ledger.findByIdempotencyKey(k)).toBeNull();
      expect((await ledger.balances(dest.id)).posted).toBe(600n);
      expect((await ledger.balances(c.id)).available).toBe(300n);
    });

    it('judges a multi-leg transfer by its net effect on an account', async () => {
      const a = await customer(100n);
      const b = await customer();
      // a pays 150 out and receives 100 in the same journal: net −50, within its 100.
      await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: a.id, creditAccountId: b.id, amount: 150n }, { debitAccountId: bank.id, creditAccountId: a.id, amount: 100n }] });
      expect((await ledger.balances(a.id)).posted).toBe(50n);
    });

    it('rejects bad input before touching the database', async () => {
      const c = await customer();
      const leg = { debitAccountId: bank.id, creditAccountId: c.id };
      for (const amount of [0n, -5n, 10 as unknown as bigint, '10' as unknown as bigint]) {
        expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ ...leg, amount }] }))).toMatchObject({ constructor: ValidationError, code: 'invalid_amount' });
      }
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: c.id, amount: 1n }] }))).toMatchObject({ code: 'same_account' });
      expect(await failure(() => ledger.transfer({ idempotencyKey: '', legs: [{ ...leg, amount: 1n }] }))).toBeInstanceOf(ValidationError);
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [] }))).toBeInstanceOf(ValidationError);
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ ...leg, amount: 1n, kind: 'Bad Kind' }] }))).toBeInstanceOf(ValidationError);
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ ...leg, amount: 1n, metadata: [] as unknown as Record<string, unknown> }] }))).toBeInstanceOf(ValidationError);
    });

    it('404s an unknown account and refuses a currency the account does not hold', async () => {
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: randomUUID(), amount: 1n }] }))).toMatchObject({ constructor: NotFoundError, code: 'account_not_found' });
      const usd = await ledger.createAccount({ code: `${prefix}:usd`, type: 'liability', currency: 'USD' });
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: usd.id, amount: 1n }] }))).toMatchObject({ constructor: ValidationError, code: 'currency_mismatch' });
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), currency: 'USD', legs: [{ debitAccountId: bank.id, creditAccountId: usd.id, amount: 1n }] }))).toMatchObject({ code: 'currency_mismatch' });
    });
  });

  describe('holds', () => {
    it('reserves on hold, posts part, releases the rest, and resolves only once', async () => {
      const c = await customer(10_000n);
      const merchant = await customer();
      const hold = await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: merchant.id, amount: 4_000n, kind: 'card_authorization', externalRef: `${prefix}-auth-1` });
      expect(hold.transfer).toMatchObject({ op: 'hold', status: 'pending' });
      expect(await ledger.balances(c.id)).toMatchObject({ posted: 10_000n, available: 6_000n, pendingDebits: 4_000n });
      expect(await ledger.balances(merchant.id)).toMatchObject({ posted: 0n, pendingCredits: 4_000n });

      expect(await failure(() => ledger.post({ idempotencyKey: key(), pendingId: hold.transfer.id, amount: 4_001n }))).toMatchObject({ constructor: BusinessRuleError, code: 'amount_exceeds_pending' });
      const postKey = key();
      const posted = await ledger.post({ idempotencyKey: postKey, pendingId: hold.transfer.id, amount: 3_000n });
      expect(posted.transfer).toMatchObject({ op: 'post', status: 'posted', amount: 3_000n, pendingId: hold.transfer.id, kind: 'card_authorization', externalRef: `${prefix}-auth-1` });
      expect(await ledger.balances(c.id)).toMatchObject({ posted: 7_000n, available: 7_000n, pendingDebits: 0n });
      expect(await ledger.balances(merchant.id)).toMatchObject({ posted: 3_000n, pendingCredits: 0n });
      expect((await ledger.getTransfer(hold.transfer.id)).status).toBe('posted');

      // Replay of the post is fine; any other resolution is a conflict.
      expect((await ledger.post({ idempotencyKey: postKey, pendingId: hold.transfer.id, amount: 3_000n })).replayed).toBe(true);
      expect(await failure(() => ledger.post({ idempotencyKey: key(), pendingId: hold.transfer.id }))).toMatchObject({ constructor: ConflictError, code: 'pending_already_resolved' });
      expect(await failure(() => ledger.void({ idempotencyKey: key(), pendingId: hold.transfer.id }))).toMatchObject({ code: 'pending_already_resolved' });
      expect((await ledger.findByExternalRef(`${prefix}-auth-1`)).map((t) => t.op)).toEqual(['hold', 'post']);
    });

    it('voids a hold and counts pending debits against the available balance', async () => {
      const c = await customer(1_000n);
      const m = await customer();
      const h = await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: m.id, amount: 800n });
      expect(await failure(() => ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: m.id, amount: 201n }))).toMatchObject({ code: 'insufficient_funds' });
      expect(await failure(() => ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: m.id, amount: 201n }] }))).toMatchObject({ code: 'insufficient_funds' });
      const v = await ledger.void({ idempotencyKey: key(), pendingId: h.transfer.id });
      expect(v.transfer).toMatchObject({ op: 'void', status: 'voided', amount: 800n });
      expect(await ledger.balances(c.id)).toMatchObject({ posted: 1_000n, available: 1_000n, pendingDebits: 0n });
      expect(await failure(() => ledger.post({ idempotencyKey: key(), pendingId: randomUUID() }))).toMatchObject({ constructor: NotFoundError, code: 'transfer_not_found' });
    });
    it('posts many holds in one call as post() would, replays them either way, and rolls back on one bad hold', async () => {
      const a = await customer(10_000n);
      const b = await customer(10_000n);
      const m = await customer();
      const holds: LedgerTransfer[] = [];
      for (const [c, amount] of [[a, 1_000n], [b, 2_000n], [a, 3_000n]] as const) {
        holds.push((await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: m.id, amount, kind: 'card_debit', externalRef: `${prefix}-pm-${amount}` })).transfer);
      }
      const inputs = holds.map((h, i) => ({ idempotencyKey: key(), pendingId: h.id, metadata: { i } }));
      const posted = await ledger.postMany(inputs);
      expect(posted.map((p) => [p.replayed, p.transfer.op, p.transfer.status, p.transfer.amount, p.transfer.pendingId, p.transfer.kind, p.transfer.metadata]))
        .toEqual(holds.map((h, i) => [false, 'post', 'posted', h.amount, h.id, 'card_debit', { i }]));
      expect(await ledger.balances(a.id)).toMatchObject({ posted: 6_000n, available: 6_000n, pendingDebits: 0n });
      expect(await ledger.balances(b.id)).toMatchObject({ posted: 8_000n, pendingDebits: 0n });
      expect(await ledger.balances(m.id)).toMatchObject({ posted: 6_000n, pendingCredits: 0n });
      for (const h of holds) expect((await ledger.getTransfer(h.id)).status).toBe('posted');
      // A replay (batch or single) returns the same rows and changes nothing.
      const again = await ledger.postMany(inputs);
      expect(again.map((p) => [p.replayed, p.transfer.id])).toEqual(posted.map((p) => [true, p.transfer.id]));
      expect((await ledger.post(inputs[1])).transfer.id).toBe(posted[1].transfer.id);
      expect(await failure(() => ledger.postMany([{ ...inputs[0], metadata: { i: 9 } }]))).toMatchObject({ constructor: ConflictError, code: 'idempotency_key_reused' });
      // A hold already resolved, or unknown, fails the whole call: the good hold in it stays pending.
      const fresh = (await ledger.hold({ idempotencyKey: key(), debitAccountId: b.id, creditAccountId: m.id, amount: 500n })).transfer;
      expect(await failure(() => ledger.postMany([{ idempotencyKey: key(), pendingId: fresh.id }, { idempotencyKey: key(), pendingId: holds[0].id }]))).toMatchObject({ code: 'pending_already_resolved' });
      expect(await failure(() => ledger.postMany([{ idempotencyKey: key(), pendingId: fresh.id }, { idempotencyKey: key(), pendingId: randomUUID() }]))).toMatchObject({ constructor: NotFoundError, code: 'transfer_not_found' });
      expect(await failure(() => ledger.postMany([{ idempotencyKey: key(), pendingId: fresh.id }, { idempotencyKey: key(), pendingId: fresh.id }]))).toMatchObject({ constructor: ValidationError });
      expect((await ledger.getTransfer(fresh.id)).status).toBe('pending');
      expect(await ledger.balances(b.id)).toMatchObject({ posted: 8_000n, available: 7_500n });
      expect(await ledger.postMany([])).toEqual([]);
      expect((await ledger.audit(prefix)).ok).toBe(true);
    });
  });

  describe('reversals', () => {
    it('reverses a posted transfer with a mirrored one, once', async () => {
      const c = await customer(1_000n);
      const m = await customer();
      const t = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: m.id, amount: 400n, kind: 'purchase' }] });
      const r = await ledger.reverse({ idempotencyKey: key(), transferId: t.transfers[0].id, kind: 'refund' });
      expect(r.transfer).toMatchObject({ op: 'reverse', status: 'posted', debitAccountId: m.id, creditAccountId: c.id, amount: 400n, reversesId: t.transfers[0].id, kind: 'refund' });
      expect((await ledger.balances(c.id)).posted).toBe(1_000n);
      expect((await ledger.balances(m.id)).posted).toBe(0n);
      expect(await failure(() => ledger.reverse({ idempotencyKey: key(), transferId: t.transfers[0].id }))).toMatchObject({ constructor: ConflictError, code: 'already_reversed' });
    });

    it('refuses to reverse a hold, and to reverse into an overdraft', async () => {
      const c = await customer(1_000n);
      const m = await customer();
      const h = await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: m.id, amount: 100n });
      expect(await failure(() => ledger.reverse({ idempotencyKey: key(), transferId: h.transfer.id }))).toMatchObject({ constructor: BusinessRuleError, code: 'not_reversible' });
      const t = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: m.id, amount: 500n }] });
      await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: m.id, creditAccountId: c.id, amount: 450n }] });
      expect(await failure(() => ledger.reverse({ idempotencyKey: key(), transferId: t.transfers[0].id }))).toMatchObject({ code: 'insufficient_funds' });
    });
  });

  describe('reads', () => {
    it('pages an account\'s entries newest first with a cursor', async () => {
      const c = await customer();
      const ids: string[] = [];
      for (let i = 1; i <= 5; i++) {
        const r = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: BigInt(i) }] });
        ids.push(r.transfers[0].id);
      }
      const out = await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: bank.id, amount: 1n }] });
      ids.push(out.transfers[0].id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<LedgerService['listEntries']>> = await ledger.listEntries(c.id, { limit: 4, cursor });
        seen.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(2);
      expect(seen).toEqual([...ids].reverse());
      const first = (await ledger.listEntries(c.id, { limit: 1 })).items[0];
      expect(first).toMatchObject({ direction: 'debit', accountId: c.id, counterpartyAccountId: bank.id, amount: 1n });
      expect(await failure(() => ledger.listEntries(c.id, { cursor: 'nope' }))).toMatchObject({ code: 'invalid_cursor' });
      expect(await failure(() => ledger.listEntries(randomUUID()))).toBeInstanceOf(NotFoundError);
    });

    it('finds transfers by id, idempotency key and external reference', async () => {
      const c = await customer();
      const k = key();
      const r = await ledger.transfer({ idempotencyKey: k, legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 7n, externalRef: `${prefix}-x` }] });
      expect(await ledger.getTransfer(r.transfers[0].id)).toEqual(r.transfers[0]);
      expect((await ledger.findByIdempotencyKey(k))!.transfers).toEqual(r.transfers);
      expect(await ledger.findByIdempotencyKey(`${prefix}-never`)).toBeNull();
      expect(await ledger.findByExternalRef(`${prefix}-x`)).toEqual(r.transfers);
      expect(await failure(() => ledger.getTransfer(randomUUID()))).toMatchObject({ code: 'transfer_not_found' });
    });
  });

  describe('batches', () => {
    it('writes a batch in one call, replays known keys, and rolls the whole batch back on one failure', async () => {
      const c = await customer(100n);
      const m = await customer();
      const keys = [key(), key(), key()];
      const batch = keys.map((k, i) => ({ idempotencyKey: k, legs: [{ debitAccountId: bank.id, creditAccountId: m.id, amount: BigInt(10 + i) }] }));
      const first = await ledger.transferMany(batch.slice(0, 2));
      expect(first.map((r) => r.replayed)).toEqual([false, false]);
      const second = await ledger.transferMany(batch);
      expect(second.map((r) => [r.idempotencyKey, r.replayed])).toEqual([
        [keys[0], true],
        [keys[1], true],
        [keys[2], false],
      ]);
      expect(second[0].transfers[0].id).toBe(first[0].transfers[0].id);
      expect((await ledger.balances(m.id)).posted).toBe(33n);
      const bad = [
        { idempotencyKey: key(), legs: [{ debitAccountId: bank.id, creditAccountId: m.id, amount: 5n }] },
        { idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: m.id, amount: 101n }] },
      ];
      expect(await failure(() => ledger.transferMany(bad))).toMatchObject({ code: 'insufficient_funds' });
      expect(await ledger.findByIdempotencyKey(bad[0].idempotencyKey)).toBeNull();
      expect(await failure(() => ledger.transferMany([batch[0], { ...batch[1], legs: [{ ...batch[1].legs[0], amount: 1n }] }]))).toMatchObject({ code: 'idempotency_key_reused' });
      expect(await failure(() => ledger.transferMany([batch[0], batch[0]]))).toBeInstanceOf(ValidationError);
    });
  });

  describe('the database itself', () => {
    it('refuses edits and deletes of transfers, and balances that break a flag', async () => {
      const c = await customer(100n);
      const [t] = (await ledger.transfer({ idempotencyKey: key(), legs: [{ debitAccountId: c.id, creditAccountId: bank.id, amount: 10n }] })).transfers;
      await expect(pool.query('update ledger_transfers set amount = 1 where id = $1', [t.id])).rejects.toMatchObject({ code: 'LG006' });
      await expect(pool.query('update ledger_transfers set status = $2 where id = $1', [t.id, 'voided'])).rejects.toMatchObject({ code: 'LG006' });
      await expect(pool.query('delete from ledger_transfers where id = $1', [t.id])).rejects.toMatchObject({ code: 'LG006' });
      await expect(pool.query('update ledger_accounts set debits_posted = credits_posted + 1 where id = $1', [c.id])).rejects.toMatchObject({ code: '23514' });
      await expect(pool.query(`insert into ledger_transfers (journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id, amount, currency) values ($1, 2, $2, 'transfer', 'posted', $3, $4, 0, 'MXN')`, [t.journalId, key(), bank.id, c.id])).rejects.toMatchObject({ code: '23514' });
    });

    it('refuses an update that names any column of a transfer but the status, and lets only a pending hold\'s status move on', async () => {
      const c = await customer(100n);
      const h = (await ledger.hold({ idempotencyKey: key(), debitAccountId: c.id, creditAccountId: bank.id, amount: 10n })).transfer;
      const { rows } = await pool.query<{ name: string }>(
        `select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'ledger_transfers' and column_name <> 'status'`,
      );
      expect(rows.length).toBeGreaterThanOrEqual(16);
      // Naming a column is enough, even with the value it has. A column added to the table but not to the
      // trigger's list would be updated here without an error.
      const refused: Record<string, string | undefined> = {};
      for (const { name } of rows) {
        refused[name] = await pool.query(`update ledger_transfers set "${name}" = "${name}" where id = $1`, [h.id]).then(() => 'updated', (err: { code?: string }) => err.code);
      }
      expect(refused).toEqual(Object.fromEntries(rows.map((r) => [r.name, 'LG006'])));
      const client = await pool.pool.connect();
      try {
        await client.query('begin');
        await expect(client.query(`update ledger_transfers set status = 'pending' where id = $1`, [h.id])).rejects.toMatchObject({ code: 'LG006' });
        await client.query('rollback');
        await client.query('begin');
        await client.query(`update ledger_transfers set status = 'voided' where id = $1`, [h.id]);
        await expect(client.query(`update ledger_transfers set status = 'posted' where id = $1`, [h.id])).rejects.toMatchObject({ code: 'LG006' });
      } finally {
        await client.query('rollback');
        client.release();
      }
      expect((await ledger.getTransfer(h.id)).status).toBe('pending');
    });

    it('joins the caller\'s transaction when given a client', async () => {
      const c = await customer();
      const client = await pool.pool.connect();
      const k = key();
      try {
        await client.query('begin');
        await ledger.transfer({ idempotencyKey: k, legs: [{ debitAccountId: bank.id, creditAccountId: c.id, amount: 9n }] }, { db: client });
        await client.query('rollback');
      } finally {
        client.release();
      }
      expect(await ledger.findByIdempotencyKey(k)).toBeNull();
      expect((await ledger.balances(c.id)).posted).toBe(0n);
    });

    it('keeps every balance equal to its transfers and debits equal to credits', async () => {
      const report = await ledger.audit(`${prefix}:`);
      expect(report.mismatches).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.accounts).toBeGreaterThan(10);
    });
  });
});
