import { randomBytes } from 'node:crypto';
import { loadConfig } from '#libs/config';
import { DatabasePool, PrismaService } from '#libs/database';
import { BusinessRuleError } from '#libs/domain';
import { LedgerService } from './ledger.service.js';

/** Races on one account: the row lock and the CHECK constraint must let exactly the affordable ones through. */
describe('ledger under concurrency', () => {
  const config = loadConfig();
  const pool = new DatabasePool(config.databaseUrl!, 20);
  const prisma = new PrismaService(pool);
  const ledger = new LedgerService(pool, prisma);
  const prefix = `r${randomBytes(4).toString('hex')}`;
  // No retry wrapper: pass the pool as the executor so a deadlock would surface as an error, not be retried away.
  const noRetry = { db: pool.pool };

  afterAll(async () => {
    await prisma.$disconnect();
    await pool.close();
  });

  it('lets exactly 100 of 500 concurrent debits of 100.00 through an account holding 10,000.00', async () => {
    const bank = await ledger.createAccount({ code: `${prefix}:bank`, type: 'asset' });
    const wallet = await ledger.createAccount({ code: `${prefix}:wallet`, type: 'liability', flags: { debitsMustNotExceedCredits: true } });
    const merchant = await ledger.createAccount({ code: `${prefix}:merchant`, type: 'liability' });
    await ledger.transfer({ idempotencyKey: `${prefix}-fund`, legs: [{ debitAccountId: bank.id, creditAccountId: wallet.id, amount: 1_000_000n }] });

    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) =>
        ledger.transfer({ idempotencyKey: `${prefix}-debit-${i}`, legs: [{ debitAccountId: wallet.id, creditAccountId: merchant.id, amount: 10_000n }] }, noRetry),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(refused).toHaveLength(400);
    for (const r of refused) expect(r.reason).toMatchObject({ constructor: BusinessRuleError, code: 'insufficient_funds' });

    expect(await ledger.balances(wallet.id)).toMatchObject({ posted: 0n, available: 0n, postedDebits: 1_000_000n, postedCredits: 1_000_000n });
    expect((await ledger.balances(merchant.id)).posted).toBe(1_000_000n);
    expect((await ledger.listEntries(wallet.id, { limit: 200 })).items).toHaveLength(101);
    const audit = await ledger.audit(`${prefix}:`);
    expect(audit.mismatches).toEqual([]);
    expect(audit.ok).toBe(true);
  }, 60_000);

  it('never deadlocks when postings cross the same accounts in every order (multi-leg, holds, batches)', async () => {
    const accounts = await Promise.all([0, 1, 2, 3].map((i) => ledger.createAccount({ code: `${prefix}:x${i}`, type: 'asset' })));
    const ids = accounts.map((a) => a.id);
    let k = 0;
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const a = ids[i % 4];
      const b = ids[(i + 1 + (i % 3)) % 4];
      const c = ids[(i + 2) % 4];
      switch (i % 4) {
        case 0:
          work.push(ledger.transfer({ idempotencyKey: `${prefix}-x${++k}`, legs: [{ debitAccountId: a, creditAccountId: b, amount: 1n }, { debitAccountId: c, creditAccountId: a, amount: 2n }] }, noRetry));
          break;
        case 1:
          work.push(ledger.transfer({ idempotencyKey: `${prefix}-x${++k}`, legs: [{ debitAccountId: b, creditAccountId: a, amount: 3n }] }, noRetry));
          break;
        case 2:
          work.push(ledger.hold({ idempotencyKey: `${prefix}-x${++k}`, debitAccountId: c, creditAccountId: a, amount: 4n }, noRetry).then((h) => ledger.post({ idempotencyKey: `${prefix}-x${++k}`, pendingId: h.transfer.id }, noRetry)));
          break;
        case 3:
          work.push(ledger.transferMany([3, 2, 1].map((j) => ({ idempotencyKey: `${prefix}-x${++k}`, legs: [{ debitAccountId: ids[(i + j) % 4], creditAccountId: ids[(i + j + 1) % 4], amount: 5n }] })), noRetry));
          break;
      }
    }
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const audit = await ledger.audit(`${prefix}:x`);
    expect(audit.mismatches).toEqual([]);
    expect(audit.ok).toBe(true);
  }, 60_000);
});
