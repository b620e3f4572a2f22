import type { Currency } from '#libs/domain';

/** Asset accounts grow with debits (what we hold or are owed); liability accounts grow with credits (what we owe customers). */
export type AccountType = 'asset' | 'liability';
/** Only a hold is ever `pending`; it becomes `posted` or `voided` exactly once. */
export type TransferStatus = 'pending' | 'posted' | 'voided';
/** What wrote the row: a plain transfer, a hold, the post or void of a hold, or a reversal. */
export type TransferOp = 'transfer' | 'hold' | 'post' | 'void' | 'reverse';
export type Metadata = Record<string, unknown>;

/** Accounts the money flows name; seeded by the ledger migration with these fixed ids. */
export const SYSTEM_ACCOUNTS = {
  stpSettlement: { id: '00000000-0000-4000-8000-000000000001', code: 'stp:settlement', type: 'asset' },
  suspense: { id: '00000000-0000-4000-8000-000000000002', code: 'suspense', type: 'liability' },
} as const;

export interface AccountFlags {
  /** No overdraft: debits (posted + pending) never exceed posted credits. For customer (liability) accounts. */
  debitsMustNotExceedCredits: boolean;
  /** The mirror rule, for asset accounts that must never go below zero. */
  creditsMustNotExceedDebits: boolean;
}

export interface CreateAccountInput {
  code: string;
  type: AccountType;
  currency?: Currency;
  flags?: Partial<AccountFlags>;
}

export interface LedgerAccount {
  id: string;
  code: string;
  type: AccountType;
  currency: Currency;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  flags: AccountFlags;
  version: bigint;
  createdAt: Date;
}

export interface AccountBalances {
  accountId: string;
  code: string;
  type: AccountType;
  currency: Currency;
  postedDebits: bigint;
  postedCredits: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
  /** Signed by type: liability = credits − debits, asset = debits − credits (posted only). */
  posted: bigint;
  /** `posted` less what pending transfers would take away. */
  available: bigint;
  version: bigint;
}

export interface LegInput {
  debitAccountId: string;
  creditAccountId: string;
  /** Centavos, > 0. */
  amount: bigint;
  kind?: string;
  externalRef?: string;
  metadata?: Metadata;
}

export interface TransferInput {
  idempotencyKey: string;
  /** One or more legs, written all or nothing. */
  legs: LegInput[];
  currency?: Currency;
}

export interface HoldInput extends LegInput {
  idempotencyKey: string;
  currency?: Currency;
}

export interface PostInput {
  idempotencyKey: string;
  pendingId: string;
  /** Part of the hold to post (centavos); the whole hold when omitted. The rest is released. */
  amount?: bigint;
  metadata?: Metadata;
}

export interface VoidInput {
  idempotencyKey: string;
  pendingId: string;
  metadata?: Metadata;
}

export interface ReverseInput {
  idempotencyKey: string;
  transferId: string;
  /** The reversal's kind; the original's when omitted. */
  kind?: string;
  metadata?: Metadata;
}

export interface LedgerTransfer {
  id: string;
  seq: bigint;
  journalId: string;
  leg: number;
  idempotencyKey: string;
  op: TransferOp;
  status: TransferStatus;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: Currency;
  pendingId: string | null;
  reversesId: string | null;
  kind: string;
  externalRef: string | null;
  metadata: Metadata;
  createdAt: Date;
}

/** The outcome of one idempotent request: its journal's transfers, and whether this call only replayed it. */
export interface JournalResult {
  journalId: string;
  idempotencyKey: string;
  replayed: boolean;
  transfers: LedgerTransfer[];
}

/** A one-transfer outcome (hold, post, void, reverse). */
export interface TransferResult {
  replayed: boolean;
  transfer: LedgerTransfer;
}

/** A transfer seen from one account: which side the account is on, and who is on the other. */
export interface LedgerEntry extends LedgerTransfer {
  accountId: string;
  direction: 'debit' | 'credit';
  counterpartyAccountId: string;
}

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditMismatch {
  accountId: string;
  code: string;
  field: 'debits_posted' | 'credits_posted' | 'debits_pending' | 'credits_pending';
  stored: bigint;
  recomputed: bigint;
}

export interface AuditReport {
  /** Σ debits = Σ credits (posted and pending) and every balance equals its transfers recomputed. */
  ok: boolean;
  accounts: number;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
  mismatches: AuditMismatch[];
}

/** Anything that runs a query: the shared pool, or a pg client inside the caller's transaction. */
export interface Queryable {
  query(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: any[]; rowCount: number | null }>;
}

export interface LedgerCallOptions {
  /** Run on this client (e.g. inside the caller's transaction, with an inbox update) instead of the pool. */
  db?: Queryable;
}
