/** Who sent a webhook. */
export type WebhookProvider = 'stp' | 'credencial';

/** Every event type the gateway receives (DESIGN: /webhooks/stp/{clabe-status|spei-in|spei-out}, /webhooks/credencial/{debit|reverse|balance|movements}). */
export type WebhookType = 'clabe_status' | 'spei_in' | 'spei_out_status' | 'debit' | 'reverse' | 'balance' | 'movements';

export const WEBHOOK_PROVIDERS: readonly WebhookProvider[] = ['stp', 'credencial'];
export const WEBHOOK_TYPES: readonly WebhookType[] = ['clabe_status', 'spei_in', 'spei_out_status', 'debit', 'reverse', 'balance', 'movements'];

/**
 * PENDING: persisted, waiting for a worker. APPLIED: its effect and this status committed together.
 * UNMATCHED: kept and surfaced (SPEI OUT status for an unknown order; a reversal before its debit).
 * FAILED: dead letter after the retries (or a permanent error); replayable.
 */
export type WebhookStatus = 'PENDING' | 'APPLIED' | 'UNMATCHED' | 'FAILED';
export const WEBHOOK_STATUSES: readonly WebhookStatus[] = ['PENDING', 'APPLIED', 'UNMATCHED', 'FAILED'];

/** Types applied by a worker (the others are answered and applied synchronously). */
export const ASYNC_TYPES: ReadonlySet<WebhookType> = new Set(['clabe_status', 'spei_in', 'spei_out_status', 'debit']);

export const PROVIDER_OF: Readonly<Record<WebhookType, WebhookProvider>> = {
  clabe_status: 'stp',
  spei_in: 'stp',
  spei_out_status: 'stp',
  debit: 'credencial',
  reverse: 'credencial',
  balance: 'credencial',
  movements: 'credencial',
};

/** The BullMQ job of the webhooks queue: the inbox row's id and nothing else (never card data). */
export interface WebhookJobData {
  eventId: string;
}

/** The job of SPEI IN rows the gateway persisted in one statement: their ids and nothing else. */
export const WEBHOOK_GROUP_JOB = 'spei_in_group';
export interface WebhookGroupJobData {
  eventIds: string[];
}

export interface WebhookEventRecord {
  id: string;
  provider: WebhookProvider;
  type: WebhookType;
  dedupKey: string;
  payload: Record<string, unknown>;
  payloadHash: string;
  webhookId: string | null;
  status: WebhookStatus;
  outcome: string | null;
  response: unknown;
  amount: bigint | null;
  reversedAmount: bigint;
  ledgerAccountId: string | null;
  ledgerTransferId: string | null;
  attempts: number;
  lastError: string | null;
  conflictCount: number;
  lastConflictAt: Date | null;
  receivedAt: Date;
  appliedAt: Date | null;
  updatedAt: Date;
}

/** What intake returns: the row, and whether this delivery created it or found the original. */
export interface IntakeResult {
  event: WebhookEventRecord;
  duplicate: boolean;
}

/**
 * Shards of the Credencial settlement account (seeded by the migrations; created on first use otherwise). Every
 * authorized DEBIT and every settlement locks its shard's row until commit, so the shard count bounds how many
 * can proceed at once: 8 measurably queued at concurrency 32 (bench:webhooks). A card's holds and postings keep
 * the account they were made on, so the count can grow.
 */
export const CREDENCIAL_SETTLEMENT_SHARDS = 256;
export function credencialSettlementCode(accountNumber: string): string {
  return `credencial:settlement:${credencialSettlementShard(accountNumber)}`;
}

/** The shard (0 … CREDENCIAL_SETTLEMENT_SHARDS - 1) of a card's settlement account. */
export function credencialSettlementShard(accountNumber: string): number {
  let h = 0;
  for (const ch of accountNumber) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h % CREDENCIAL_SETTLEMENT_SHARDS;
}

/** How a SPEI OUT order's hold is found: a pending ledger hold of this kind whose external_ref is the tracking key. */
export const SPEI_OUT_HOLD_KIND = 'spei_out';
