import { randomUUID } from 'node:crypto';
import { SYSTEM_ACCOUNTS } from './ledger.types.js';

export interface LedgerModelFixture {
  model: 'LedgerAccount' | 'LedgerJournal' | 'LedgerTransfer';
  table: 'ledger_accounts' | 'ledger_journals' | 'ledger_transfers';
  /** Valid `create` data for the generated Prisma client (unchecked form: scalar foreign keys). */
  create: Record<string, unknown>;
  where: Record<string, unknown>;
  /** An update the ledger's constraints allow. */
  update: Record<string, unknown>;
  /**
   * False where the database refuses deletes: ledger transfers are append-only (trigger
   * ledger_transfers_guard), and journals/accounts are still referenced by the fixture transfer. To clean
   * up anyway, delete in one transaction after `set local session_replication_role = replica`.
   */
  deletable: boolean;
}

/**
 * One valid row per ledger model, in foreign-key order (account, journal, transfer), for the schema
 * round-trip test. The transfer is a hold from the fixture account to the seeded `suspense` account, so
 * the one update the append-only rule allows (a pending hold's status) is exercised. Written straight
 * through Prisma, it bypasses the posting functions: balances are not updated, so use a throwaway database.
 */
export function ledgerModelFixtures(): LedgerModelFixture[] {
  const accountId = randomUUID();
  const journalId = randomUUID();
  const transferId = randomUUID();
  const key = `fixture-${randomUUID()}`;
  return [
    {
      model: 'LedgerAccount',
      table: 'ledger_accounts',
      create: {
        id: accountId,
        code: `fixture:${accountId}`,
        type: 'liability',
        currency: 'MXN',
        debitsPosted: 0n,
        creditsPosted: 50_000n,
        debitsPending: 0n,
        creditsPending: 0n,
        debitsMustNotExceedCredits: true,
        creditsMustNotExceedDebits: false,
        version: 1n,
        createdAt: new Date(),
      },
      where: { id: accountId },
      update: { code: `fixture:${accountId}:renamed` },
      deletable: false,
    },
    {
      model: 'LedgerJournal',
      table: 'ledger_journals',
      create: { id: journalId, idempotencyKey: key, requestHash: 'fixture-hash', op: 'hold', legs: 1, createdAt: new Date() },
      where: { id: journalId },
      update: { requestHash: 'fixture-hash-2' },
      deletable: false,
    },
    {
      model: 'LedgerTransfer',
      table: 'ledger_transfers',
      create: {
        id: transferId,
        journalId,
        leg: 1,
        idempotencyKey: key,
        op: 'hold',
        status: 'pending',
        debitAccountId: accountId,
        creditAccountId: SYSTEM_ACCOUNTS.suspense.id,
        amount: 15_000n,
        currency: 'MXN',
        pendingId: null,
        reversesId: null,
        kind: 'card_authorization',
        externalRef: `fixture-ref-${transferId}`,
        metadata: { source: 'fixture', nested: { ok: true } },
        createdAt: new Date(),
      },
      where: { id: transferId },
      update: { status: 'voided' },
      deletable: false,
    },
  ];
}
