import { randomUUID } from 'node:crypto';
import { SYSTEM_ACCOUNTS } from '#libs/ledger';

export interface WebhookModelFixture {
  model: 'WebhookEvent' | 'StpClabeLink' | 'CredencialAccountLink';
  table: 'webhook_events' | 'stp_clabe_links' | 'credencial_account_links';
  create: Record<string, unknown>;
  where: Record<string, unknown>;
  update: Record<string, unknown>;
  deletable: boolean;
}

/** One valid row per webhooks model, for the schema round-trip test (links point at the seeded suspense account). */
export function webhookModelFixtures(): WebhookModelFixture[] {
  const id = randomUUID();
  const clabe = `6461801233${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const accountNumber = String(Math.floor(Math.random() * 1e9));
  return [
    {
      model: 'WebhookEvent',
      table: 'webhook_events',
      create: {
        id,
        provider: 'stp',
        type: 'spei_in',
        dedupKey: `${clabe}:FIXTURE${id.slice(0, 8)}`,
        payload: { clabe, reference: 'FIXTURE', amount: '10.50' },
        payloadHash: 'fixture-hash',
        webhookId: 'msg_fixture',
        status: 'PENDING',
        outcome: null,
        response: { received: true },
        amount: 1050n,
        reversedAmount: 0n,
        ledgerAccountId: SYSTEM_ACCOUNTS.suspense.id,
        ledgerTransferId: null,
        attempts: 0,
        lastError: null,
        conflictCount: 0,
        lastConflictAt: null,
        lastConflictPayload: null,
        receivedAt: new Date(),
        appliedAt: null,
        updatedAt: new Date(),
        jobId: `group-${id}`,
      },
      where: { id },
      update: { status: 'FAILED', lastError: 'fixture' },
      deletable: true,
    },
    {
      model: 'StpClabeLink',
      table: 'stp_clabe_links',
      create: { clabe, ledgerAccountId: SYSTEM_ACCOUNTS.suspense.id, status: 'active', createdAt: new Date(), updatedAt: new Date() },
      where: { clabe },
      update: { status: 'inactive' },
      deletable: true,
    },
    {
      model: 'CredencialAccountLink',
      table: 'credencial_account_links',
      create: { accountNumber, emiAccountIdentifier: '21000002159', emiAccountReference: '0001003143', cardId: null, ledgerAccountId: SYSTEM_ACCOUNTS.suspense.id, status: 'active', createdAt: new Date(), updatedAt: new Date() },
      where: { accountNumber },
      update: { status: 'blocked' },
      deletable: true,
    },
  ];
}
