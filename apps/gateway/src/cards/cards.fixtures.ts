import { randomBytes, randomUUID } from 'node:crypto';
import { SYSTEM_ACCOUNTS } from '#libs/ledger';

export interface CardModelFixture {
  model: 'Cardholder' | 'Card' | 'CardMovement' | 'ProgramClient' | 'CardDataKey';
  table: 'cardholders' | 'cards' | 'card_movements' | 'program_clients' | 'card_data_keys';
  create: Record<string, unknown>;
  where: Record<string, unknown>;
  update: Record<string, unknown>;
  deletable: boolean;
}

/**
 * One valid row per cards model, in foreign-key order, for the schema round-trip test
 * (test/prisma-schema.e2e-spec.ts). `apiKeyId` is an api_keys row the test creates first; the ledger
 * account is the seeded `suspense` account.
 */
export function cardModelFixtures(apiKeyId: string): CardModelFixture[] {
  const cardholderId = randomUUID();
  const cardId = randomUUID();
  const movementId = randomUUID();
  const clientId = randomUUID();
  const ledgerAccountId = SYSTEM_ACCOUNTS.suspense.id;
  const now = new Date();
  return [
    {
      model: 'Cardholder',
      table: 'cardholders',
      create: { id: cardholderId, provider: 'necipco', providerCardholderId: randomUUID(), externalId: 'ext-1', createdByApiKeyId: apiKeyId, createdAt: now },
      where: { id: cardholderId },
      update: { externalId: 'ext-2' },
      deletable: true,
    },
    {
      model: 'Card',
      table: 'cards',
      create: {
        id: cardId,
        cardholderId,
        provider: 'necipco',
        providerCardId: randomUUID(),
        providerAccountId: randomUUID(),
        type: 'PHYSICAL',
        status: 'NEED_ACTIVATION',
        maskedPan: '************4242',
        last4: '4242',
        ledgerAccountId,
        createdAt: now,
        updatedAt: now,
      },
      where: { id: cardId },
      update: { status: 'ACTIVE' },
      deletable: true,
    },
    {
      model: 'CardMovement',
      table: 'card_movements',
      create: {
        id: movementId,
        apiKeyId,
        idempotencyKey: `fixture-${movementId}`,
        kind: 'disbursement',
        cardId,
        counterpartyCardId: null,
        amount: 15_000n,
        currency: 'MXN',
        status: 'pending',
        provider: 'necipco',
        providerOperationId: null,
        authorizationCode: null,
        result: { ok: true },
        requestDetails: { beneficiary: { name: 'JOHN DOE', account: '************1234' } },
        ledgerJournalId: null,
        createdAt: now,
        updatedAt: now,
      },
      where: { id: movementId },
      update: { status: 'confirmed', providerOperationId: 'op-1', authorizationCode: '123456' },
      deletable: true,
    },
    {
      model: 'ProgramClient',
      table: 'program_clients',
      create: { id: clientId, provider: 'necipco', providerClientId: randomUUID(), name: 'Red Ribbon SA', alias: 'REDRI', rfc: 'AAMM9001010A1', ledgerAccountId, createdAt: now },
      where: { id: clientId },
      update: { name: 'Red Ribbon SA de CV' },
      deletable: true,
    },
    {
      model: 'CardDataKey',
      table: 'card_data_keys',
      create: { apiKeyId, publicKeyPem: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', fingerprint: randomBytes(32).toString('base64url'), createdAt: now, updatedAt: now },
      where: { apiKeyId },
      update: { fingerprint: randomBytes(32).toString('base64url') },
      deletable: true,
    },
  ];
}
