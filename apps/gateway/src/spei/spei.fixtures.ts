import { randomInt, randomUUID } from 'node:crypto';
import { Clabe } from '#libs/domain';
import { SYSTEM_ACCOUNTS } from '#libs/ledger';

export interface SpeiModelFixture {
  model: 'ClabeAccount' | 'SpeiOutOrder';
  table: 'clabe_accounts' | 'spei_out_orders';
  create: Record<string, unknown>;
  where: Record<string, unknown>;
  update: Record<string, unknown>;
  deletable: boolean;
}

/**
 * One valid row per STP model (CLABE accounts, SPEI OUT orders) for the schema round-trip test
 * (test/prisma-schema.e2e-spec.ts). `apiKeyId` is an api_keys row the test creates first.
 */
export function speiModelFixtures(apiKeyId: string): SpeiModelFixture[] {
  const accountId = randomUUID();
  const orderId = randomUUID();
  const clabe = Clabe.compose('646', '180', `1233${String(randomInt(0, 10_000_000)).padStart(7, '0')}`).value;
  const now = new Date();
  return [
    {
      model: 'ClabeAccount',
      table: 'clabe_accounts',
      create: {
        id: accountId,
        apiKeyId,
        idempotencyKey: `fixture-${accountId}`,
        provider: 'stp',
        clabe,
        state: 'created',
        holder: { name: 'Enrique', last_name: 'Martinez' },
        ledgerAccountId: SYSTEM_ACCOUNTS.suspense.id,
        createdAt: now,
        updatedAt: now,
      },
      where: { id: accountId },
      update: { state: 'unknown' },
      deletable: true,
    },
    {
      model: 'SpeiOutOrder',
      table: 'spei_out_orders',
      create: {
        id: orderId,
        apiKeyId,
        idempotencyKey: `fixture-${orderId}`,
        provider: 'stp',
        trackingKey: `FIX${randomInt(1e9, 9e9)}`,
        sourceClabe: clabe,
        ledgerAccountId: SYSTEM_ACCOUNTS.suspense.id,
        holdTransferId: randomUUID(),
        amount: 504n,
        currency: 'MXN',
        beneficiaryName: 'LUIS TRUTIE RODRIGUEZ',
        beneficiaryAccount: '012180029588856995',
        beneficiaryAccountType: 'clabe',
        counterpartInstitution: '40012',
        beneficiaryRfcCurp: 'ND',
        paymentConcept: 'Envio de SPEI',
        numericReference: '12345',
        status: 'queued',
        attempts: 0,
        providerOrderId: '8610843',
        cause: null,
        errorCode: null,
        errorMessage: null,
        history: [{ status: 'queued', at: now.toISOString() }],
        createdAt: now,
        updatedAt: now,
        sentAt: now,
        resolvedAt: null,
      },
      where: { id: orderId },
      update: { status: 'sent', attempts: 1 },
      deletable: true,
    },
  ];
}
