import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DatabasePool, PrismaService } from '#libs/database';
import { ConflictError, NotFoundError, ValidationError, type Currency } from '#libs/domain';
import { isRetryable, toLedgerError } from './ledger-errors.js';
import type {
  AccountBalances,
  AccountType,
  AuditMismatch,
  AuditReport,
  CreateAccountInput,
  HoldInput,
  JournalResult,
  LedgerAccount,
  LedgerCallOptions,
  LedgerEntry,
  LedgerTransfer,
  LegInput,
  Metadata,
  Page,
  PageRequest,
  PostInput,
  Queryable,
  ReverseInput,
  TransferInput,
  TransferResult,
  TransferStatus,
  TransferOp,
  VoidInput,
} from './ledger.types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^[\x21-\x7e]{1,255}$/;
const KIND = /^[a-z][a-z0-9_.:-]{0,63}$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,127}$/;
const CURRENCIES: readonly string[] = ['MXN', 'USD'];
/** Largest BIGINT: totals are BIGINT, so one amount beyond this could never be stored. */
const MAX_AMOUNT = 9_223_372_036_854_775_807n;
const MAX_LEGS = 1000;
const MAX_PAGE = 200;
const RETRIES = 3;

const RESULT_COLUMNS = 'replayed, posting, id, seq, journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id, kind, external_ref, metadata, created_at';
const TRANSFER_COLUMNS = 'id, seq, journal_id, leg, idempotency_key, op, status, debit_account_id, credit_account_id, amount, currency, pending_id, reverses_id, kind, external_ref, metadata, created_at';

// Named statements: parsed once per connection, then one Bind/Execute round trip per posting.
// Only what the database decides: the rest of a one-leg posting is its request, which the key's hash pins down
// (a replay with the same hash holds the same content), so it is not sent back and parsed again (~15% faster).
const SQL_TRANSFER_ONE = {
  name: 'ledger_transfer_one_lean',
  text: `select replayed, id, seq, journal_id, status, created_at from ledger_transfer_one($1, $2, $3, $4::uuid, $5::uuid, $6::bigint, $7, $8, $9, $10::jsonb)`,
};
const SQL_TRANSFER_MANY = {
  name: 'ledger_transfer_many',
  text: `select ${RESULT_COLUMNS} from ledger_transfer_many($1::text[], $2::text[], $3, $4::int[], $5::uuid[], $6::uuid[], $7::bigint[], $8::text[], $9::text[], $10::text[], $11::jsonb[])`,
};
const SQL_RESOLVE = {
  name: 'ledger_resolve',
  text: `select ${RESULT_COLUMNS} from ledger_resolve($1, $2, $3::uuid, $4, $5::bigint, $6::jsonb)`,
};
const SQL_POST_MANY = {
  name: 'ledger_post_many',
  text: `select ${RESULT_COLUMNS} from ledger_post_many($1::text[], $2::text[], $3::uuid[], $4::jsonb[])`,
};
const SQL_REVERSE = {
  name: 'ledger_reverse',
  text: `select ${RESULT_COLUMNS} from ledger_reverse($1, $2, $3::uuid, $4, $5::jsonb)`,
};

type Row = Record<string, any>;

/** JSON with object keys sorted, so the same content always hashes the same (jsonb sorts keys too). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export function requestHash(parts: unknown): string {
  return digest(canonical(parts));
}

function toTransfer(r: Row): LedgerTransfer {
  return {
    id: r.id,
    seq: BigInt(r.seq),
    journalId: r.journal_id,
    leg: Number(r.leg),
    idempotencyKey: r.idempotency_key,
    op: r.op as TransferOp,
    status: r.status as TransferStatus,
    debitAccountId: r.debit_account_id,
    creditAccountId: r.credit_account_id,
    amount: BigInt(r.amount),
    currency: r.currency as Currency,
    pendingId: r.pending_id ?? null,
    reversesId: r.reverses_id ?? null,
    kind: r.kind,
    externalRef: r.external_ref ?? null,
    metadata: (r.metadata ?? {}) as Metadata,
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

function toAccount(r: Row): LedgerAccount {
  return {
    id: r.id,
    code: r.code,
    type: r.type as AccountType,
    currency: r.currency as Currency,
    debitsPosted: BigInt(r.debits_posted),
    creditsPosted: BigInt(r.credits_posted),
    debitsPending: BigInt(r.debits_pending),
    creditsPending: BigInt(r.credits_pending),
    flags: { debitsMustNotExceedCredits: r.debits_must_not_exceed_credits, creditsMustNotExceedDebits: r.credits_must_not_exceed_debits },
    version: BigInt(r.version),
    createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
  };
}

/** Balances as the account's owner reads them: signed by the account type. */
export function balancesOf(a: LedgerAccount): AccountBalances {
  const liability = a.type === 'liability';
  const posted = liability ? a.creditsPosted - a.debitsPosted : a.debitsPosted - a.creditsPosted;
  const available = posted - (liability ? a.debitsPending : a.creditsPending);
  return {
    accountId: a.id,
    code: a.code,
    type: a.type,
    currency: a.currency,
    postedDebits: a.debitsPosted,
    postedCredits: a.creditsPosted,
    pendingDebits: a.debitsPending,
    pendingCredits: a.creditsPending,
    posted,
    available,
    version: a.version,
  };
}

function encodeCursor(seq: bigint): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^s:\d{1,19}$/.test(text)) throw new ValidationError('cursor is not one this API returned', { field: 'cursor' }, 'invalid_cursor');
  return BigInt(text.slice(2));
}

// ---- input checks: fail fast with a field name, before a round trip ----

function checkKey(key: unknown, field = 'idempotencyKey'): string {
  if (typeof key !== 'string' || !KEY.test(key)) throw new ValidationError(`${field} must be 1-255 printable ASCII characters`, { field }, 'invalid_idempotency_key');
  return key;
}

function checkUuid(id: unknown, field: string): string {
  if (typeof id !== 'string' || !UUID.test(id)) throw new ValidationError(`${field} must be a UUID`, { field }, 'invalid_id');
  return id.toLowerCase();
}

function checkAmount(amount: unknown, field = 'amount'): bigint {
  if (typeof amount !== 'bigint') throw new ValidationError(`${field} must be a bigint number of centavos`, { field }, 'invalid_amount');
  if (amount <= 0n || amount > MAX_AMOUNT) throw new ValidationError(`${field} must be greater than zero`, { field }, 'invalid_amount');
  return amount;
}

function checkCurrency(currency: unknown): Currency {
  if (currency === undefined) return 'MXN';
  if (typeof currency !== 'string' || !CURRENCIES.includes(currency)) throw new ValidationError(`currency must be one of ${CURRENCIES.join(', ')}`, { field: 'currency' }, 'invalid_currency');
  return currency as Currency;
}

function checkKind(kind: unknown, field = 'kind'): string | null {
  if (kind === undefined || kind === null) return null;
  if (typeof kind !== 'string' || !KIND.test(kind)) throw new ValidationError(`${field} must match ${KIND.source}`, { field }, 'invalid_kind');
  return kind;
}

function checkRef(ref: unknown): string | null {
  if (ref === undefined || ref === null) return null;
  if (typeof ref !== 'string' || ref.length < 1 || ref.length > 255) throw new ValidationError('externalRef must be 1-255 characters', { field: 'externalRef' }, 'invalid_external_ref');
  return ref;
}

function checkMetadata(metadata: unknown): Metadata | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new ValidationError('metadata must be a JSON object', { field: 'metadata' }, 'invalid_metadata');
  try {
    // Round trip through JSON: what is stored is exactly what a reader gets back (no bigint, no Date objects).
    return JSON.parse(JSON.stringify(metadata)) as Metadata;
  } catch {
    throw new ValidationError('metadata must be JSON-serialisable', { field: 'metadata' }, 'invalid_metadata');
  }
}

interface CheckedLeg {
  debit: string;
  credit: string;
  amount: bigint;
  kind: string | null;
  ref: string | null;
  metadata: Metadata | null;
}

function checkLeg(leg: LegInput, prefix: string): CheckedLeg {
  const debit = checkUuid(leg?.debitAccountId, `${prefix}debitAccountId`);
  const credit = checkUuid(leg.creditAccountId, `${prefix}creditAccountId`);
  if (debit === credit) throw new ValidationError('debit and credit accounts must differ', { field: `${prefix}creditAccountId` }, 'same_account');
  return {
    debit,
    credit,
    amount: checkAmount(leg.amount, `${prefix}amount`),
    kind: checkKind(leg.kind, `${prefix}kind`),
    ref: checkRef(leg.externalRef),
    metadata: checkMetadata(leg.metadata),
  };
}

interface CheckedPosting {
  key: string;
  hash: string;
  currency: Currency;
  legs: CheckedLeg[];
}

/** canonical() of a posting's parts, without the replacer walk when no leg carries metadata (the same string). */
export function postingHash(op: string, currency: Currency, legs: Array<Pick<CheckedLeg, 'debit' | 'credit' | 'amount' | 'kind' | 'ref' | 'metadata'>>): string {
  if (legs.some((l) => l.metadata !== null)) return requestHash([op, currency, legs.map((l) => [l.debit, l.credit, l.amount, l.kind, l.ref, l.metadata])]);
  return digest(JSON.stringify([op, currency, legs.map((l) => [l.debit, l.credit, l.amount.toString(), l.kind, l.ref, null])]));
}

function checkPosting(input: TransferInput, op: 'transfer' | 'hold'): CheckedPosting {
  const key = checkKey(input?.idempotencyKey);
  const currency = checkCurrency(input.currency);
  if (!Array.isArray(input.legs) || input.legs.length < 1 || input.legs.length > MAX_LEGS) {
    throw new ValidationError(`legs must hold 1 to ${MAX_LEGS} legs`, { field: 'legs' }, 'invalid_legs');
  }
  const legs = input.legs.map((l, i) => checkLeg(l, input.legs.length > 1 ? `legs[${i}].` : ''));
  const hash = postingHash(op, currency, legs);
  return { key, hash, currency, legs };
}

/** Groups function rows (ordered by posting, then leg) into one result per posting. */
function toJournals(rows: Row[], keys: string[]): JournalResult[] {
  const byPosting = new Map<number, Row[]>();
  for (const r of rows) {
    const list = byPosting.get(r.posting) ?? [];
    list.push(r);
    byPosting.set(r.posting, list);
  }
  return keys.map((key, i) => {
    const list = (byPosting.get(i + 1) ?? []).sort((a, b) => a.leg - b.leg);
    if (list.length === 0) throw new Error(`ledger returned no transfers for posting ${key}`);
    return { journalId: list[0].journal_id, idempotencyKey: key, replayed: list[0].replayed === true, transfers: list.map(toTransfer) };
  });
}

/**
 * The double-entry ledger. Every posting is one call of a plpgsql function (see the ledger migration), so the
 * hot path is one round trip: key claimed, balances updated under row locks in id order (flags enforced by
 * CHECK constraints under that lock), transfers written, all in one statement's transaction. Reads use Prisma.
 */
@Injectable()
export class LedgerService {
  constructor(
    @Inject(DatabasePool) private readonly database: DatabasePool,
    @Inject(PrismaService) private readonly prisma: PrismaService,
  ) {}

  // ---- accounts ----

  /** Creates the account, or returns the existing one with this code if it is the same (else a conflict). */
  async createAccount(input: CreateAccountInput, options: LedgerCallOptions = {}): Promise<LedgerAccount> {
    if (typeof input?.code !== 'string' || !CODE.test(input.code)) throw new ValidationError(`code must match ${CODE.source}`, { field: 'code' }, 'invalid_code');
    if (input.type !== 'asset' && input.type !== 'liability') throw new ValidationError('type must be asset or liability', { field: 'type' }, 'invalid_type');
    const currency = checkCurrency(input.currency);
    const dmnec = input.flags?.debitsMustNotExceedCredits === true;
    const cmned = input.flags?.creditsMustNotExceedDebits === true;
    if (dmnec && cmned) throw new ValidationError('an account takes at most one of the two balance flags', { field: 'flags' }, 'invalid_flags');
    const rows = await this.run(options, {
      text: `with ins as (
               insert into ledger_accounts (code, type, currency, debits_must_not_exceed_credits, credits_must_not_exceed_debits)
               values ($1, $2, $3, $4, $5) on conflict (code) do nothing returning *)
             select * from ins union all select * from ledger_accounts where code = $1 and not exists (select 1 from ins)`,
      values: [input.code, input.type, currency, dmnec, cmned],
    });
    const account = toAccount(rows[0]);
    if (account.type !== input.type || account.currency !== currency || account.flags.debitsMustNotExceedCredits !== dmnec || account.flags.creditsMustNotExceedDebits !== cmned) {
      throw new ConflictError(`account ${input.code} exists with another type, currency or flags`, { account_id: account.id }, 'account_exists');
    }
    return account;
  }

  /** By id (UUID) or code. */
  async getAccount(idOrCode: string, options: LedgerCallOptions = {}): Promise<LedgerAccount> {
    if (typeof idOrCode !== 'string' || idOrCode.length === 0) throw new ValidationError('account id or code required', { field: 'id' }, 'invalid_id');
    const byId = UUID.test(idOrCode);
    const rows = await this.run(options, {
      name: byId ? 'ledger_account_by_id' : 'ledger_account_by_code',
      text: `select * from ledger_accounts where ${byId ? 'id = $1::uuid' : 'code = $1'}`,
      values: [byId ? idOrCode.toLowerCase() : idOrCode],
    });
    if (rows.length === 0) throw new NotFoundError(`account ${idOrCode} not found`, { id: idOrCode }, 'account_not_found');
    return toAccount(rows[0]);
  }

  async balances(idOrCode: string, options: LedgerCallOptions = {}): Promise<AccountBalances> {
    return balancesOf(await this.getAccount(idOrCode, options));
  }

  // ---- postings ----

  /** One or more legs, posted all or nothing. Same key + same content replays; other content is a ConflictError. */
  async transfer(input: TransferInput, options: LedgerCallOptions = {}): Promise<JournalResult> {
    const posting = checkPosting(input, 'transfer');
    if (posting.legs.length === 1) {
      const { replayed, transfer } = await this.callOne(posting, false, options);
      return { journalId: transfer.journalId, idempotencyKey: posting.key, replayed, transfers: [transfer] };
    }
    return (await this.callMany([posting], false, options))[0];
  }

  /**
   * Several postings, each with its own key, in ONE transaction and round trip: the batch entry point for a hot
   * account (its row is locked and updated once per batch, not once per posting). All or nothing: if one
   * posting fails (overdraft, conflict) none is written; callers may then retry the items one by one.
   */
  async transferMany(inputs: TransferInput[], options: LedgerCallOptions = {}): Promise<JournalResult[]> {
    if (!Array.isArray(inputs) || inputs.length === 0) return [];
    const postings = inputs.map((i) => checkPosting(i, 'transfer'));
    if (new Set(postings.map((p) => p.key)).size !== postings.length) {
      throw new ValidationError('each posting of a batch needs its own idempotency key', { field: 'idempotencyKey' }, 'duplicate_idempotency_key');
    }
    return this.callMany(postings, false, options);
  }

  /** A pending transfer: reserves the amount (counts against the available balance) until posted or voided. */
  async hold(input: HoldInput, options: LedgerCallOptions = {}): Promise<TransferResult> {
    const posting = checkPosting({ idempotencyKey: input?.idempotencyKey, currency: input?.currency, legs: [input] }, 'hold');
    return this.callOne(posting, true, options);
  }

  /** Posts all of a hold, or part of it (the rest is released). Each hold is resolved exactly once. */
  async post(input: PostInput, options: LedgerCallOptions = {}): Promise<TransferResult> {
    const key = checkKey(input?.idempotencyKey);
    const pendingId = checkUuid(input.pendingId, 'pendingId');
    const amount = input.amount === undefined ? null : checkAmount(input.amount);
    const metadata = checkMetadata(input.metadata);
    const hash = requestHash(['post', pendingId, amount, metadata]);
    return this.single(options, { ...SQL_RESOLVE, values: [key, hash, pendingId, false, amount?.toString() ?? null, metadata] });
  }

  /**
   * Posts many holds in full in one statement, all or nothing; each result as `post()` of the same input would
   * give it (same key and hash: the two replay each other). For settling holds in batches.
   */
  async postMany(inputs: Array<Omit<PostInput, 'amount'>>, options: LedgerCallOptions = {}): Promise<TransferResult[]> {
    if (!Array.isArray(inputs)) throw new ValidationError('postMany takes an array of posts', undefined, 'invalid_request');
    if (inputs.length === 0) return [];
    const keys: string[] = [];
    const hashes: string[] = [];
    const holds: string[] = [];
    const metadata: (string | null)[] = [];
    for (const input of inputs) {
      const pendingId = checkUuid(input?.pendingId, 'pendingId');
      const meta = checkMetadata(input.metadata);
      keys.push(checkKey(input.idempotencyKey));
      hashes.push(requestHash(['post', pendingId, null, meta]));
      holds.push(pendingId);
      metadata.push(meta === null ? null : JSON.stringify(meta));
    }
    const rows = await this.run(options, { ...SQL_POST_MANY, values: [keys, hashes, holds, metadata] });
    const byPosting = new Map<number, Row>(rows.map((r) => [Number(r.posting), r]));
    return keys.map((key, i) => {
      const r = byPosting.get(i + 1);
      if (!r) throw new Error(`ledger returned no transfer for post ${key}`);
      return { replayed: r.replayed === true, transfer: toTransfer(r) };
    });
  }

  /** Releases a hold entirely. */
  async void(input: VoidInput, options: LedgerCallOptions = {}): Promise<TransferResult> {
    const key = checkKey(input?.idempotencyKey);
    const pendingId = checkUuid(input.pendingId, 'pendingId');
    const metadata = checkMetadata(input.metadata);
    const hash = requestHash(['void', pendingId, metadata]);
    return this.single(options, { ...SQL_RESOLVE, values: [key, hash, pendingId, true, null, metadata] });
  }

  /** A new transfer mirroring a posted one (never an edit); at most once per transfer. */
  async reverse(input: ReverseInput, options: LedgerCallOptions = {}): Promise<TransferResult> {
    const key = checkKey(input?.idempotencyKey);
    const transferId = checkUuid(input.transferId, 'transferId');
    const kind = checkKind(input.kind);
    const metadata = checkMetadata(input.metadata);
    const hash = requestHash(['reverse', transferId, kind, metadata]);
    return this.single(options, { ...SQL_REVERSE, values: [key, hash, transferId, kind, metadata] });
  }

  // ---- reads ----

  async getTransfer(id: string): Promise<LedgerTransfer> {
    const transferId = checkUuid(id, 'id');
    const row = await this.prisma.ledgerTransfer.findUnique({ where: { id: transferId } });
    if (!row) throw new NotFoundError(`transfer ${id} not found`, { id }, 'transfer_not_found');
    return fromPrisma(row);
  }

  /** The journal a key wrote (with its transfers), or null if the key was never used successfully. */
  async findByIdempotencyKey(key: string): Promise<JournalResult | null> {
    checkKey(key);
    const journal = await this.prisma.ledgerJournal.findUnique({ where: { idempotencyKey: key } });
    if (!journal) return null;
    // Legs are found by their unique keys (there is deliberately no index on journal_id: one less per posting).
    const keys = journal.legs === 1 ? [key] : Array.from({ length: journal.legs }, (_, i) => `${key}#${i + 1}`);
    const transfers = await this.prisma.ledgerTransfer.findMany({ where: { idempotencyKey: { in: keys } }, orderBy: { leg: 'asc' } });
    return { journalId: journal.id, idempotencyKey: journal.idempotencyKey, replayed: true, transfers: transfers.map(fromPrisma) };
  }

  /** Every transfer carrying this external reference (a hold and its post, a transfer and its reversal), oldest first. */
  async findByExternalRef(externalRef: string): Promise<LedgerTransfer[]> {
    const ref = checkRef(externalRef);
    if (ref === null) return [];
    const rows = await this.prisma.ledgerTransfer.findMany({ where: { externalRef: ref }, orderBy: { seq: 'asc' } });
    return rows.map(fromPrisma);
  }

  /** An account's entries, newest first, by opaque cursor. */
  async listEntries(accountId: string, page: PageRequest = {}): Promise<Page<LedgerEntry>> {
    const id = checkUuid(accountId, 'accountId');
    const limit = page.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new ValidationError(`limit must be 1-${MAX_PAGE}`, { field: 'limit' }, 'invalid_limit');
    const before = page.cursor ? decodeCursor(page.cursor) : MAX_AMOUNT;
    const exists = await this.database.query('select 1 from ledger_accounts where id = $1', [id]);
    if (exists.rowCount === 0) throw new NotFoundError(`account ${accountId} not found`, { id: accountId }, 'account_not_found');
    // One index range per side, merged by seq: no OR, so both branches stay index scans.
    const { rows } = await this.database.query(
      `select * from (
         (select ${TRANSFER_COLUMNS}, 'debit' as direction from ledger_transfers where debit_account_id = $1 and seq < $2 order by seq desc limit $3)
         union all
         (select ${TRANSFER_COLUMNS}, 'credit' as direction from ledger_transfers where credit_account_id = $1 and seq < $2 order by seq desc limit $3)
       ) e order by seq desc limit $3`,
      [id, before.toString(), limit + 1],
    );
    const items: LedgerEntry[] = rows.slice(0, limit).map((r) => {
      const t = toTransfer(r);
      const direction = r.direction as 'debit' | 'credit';
      return { ...t, accountId: id, direction, counterpartyAccountId: direction === 'debit' ? t.creditAccountId : t.debitAccountId };
    });
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : null };
  }

  /**
   * Recomputes every balance from the transfers and checks Σ debits = Σ credits. `codePrefix` limits it to
   * accounts whose code starts with it (tests that share a database); those must only transfer among themselves.
   */
  async audit(codePrefix?: string): Promise<AuditReport> {
    const { rows } = await this.database.query(
      `with acc as (select * from ledger_accounts where $1::text is null or starts_with(code, $1)),
       -- Posted totals come from transfer/post/reverse rows; pending ones from holds still pending. Void rows
       -- only record a release, and a resolved hold counts through its post row.
       legs as (
         select debit_account_id as account_id, amount as dp, 0::bigint as cp, 0::bigint as dq, 0::bigint as cq, op, status from ledger_transfers
         union all
         select credit_account_id, 0, amount, 0, 0, op, status from ledger_transfers
       ),
       sums as (
         select account_id,
           coalesce(sum(dp) filter (where op in ('transfer', 'post', 'reverse')), 0) as dp,
           coalesce(sum(cp) filter (where op in ('transfer', 'post', 'reverse')), 0) as cp,
           coalesce(sum(dp) filter (where op = 'hold' and status = 'pending'), 0) as dq,
           coalesce(sum(cp) filter (where op = 'hold' and status = 'pending'), 0) as cq
         from legs where account_id in (select id from acc) group by account_id
       )
       select a.id, a.code, a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending,
              coalesce(s.dp, 0) as r_dp, coalesce(s.cp, 0) as r_cp, coalesce(s.dq, 0) as r_dq, coalesce(s.cq, 0) as r_cq
       from acc a left join sums s on s.account_id = a.id`,
      [codePrefix ?? null],
    );
    const report: AuditReport = { ok: true, accounts: rows.length, debitsPosted: 0n, creditsPosted: 0n, debitsPending: 0n, creditsPending: 0n, mismatches: [] };
    const fields = [
      ['debits_posted', 'r_dp'],
      ['credits_posted', 'r_cp'],
      ['debits_pending', 'r_dq'],
      ['credits_pending', 'r_cq'],
    ] as const;
    for (const r of rows) {
      report.debitsPosted += BigInt(r.debits_posted);
      report.creditsPosted += BigInt(r.credits_posted);
      report.debitsPending += BigInt(r.debits_pending);
      report.creditsPending += BigInt(r.credits_pending);
      for (const [stored, recomputed] of fields) {
        if (BigInt(r[stored]) !== BigInt(r[recomputed])) {
          report.mismatches.push({ accountId: r.id, code: r.code, field: stored as AuditMismatch['field'], stored: BigInt(r[stored]), recomputed: BigInt(r[recomputed]) });
        }
      }
    }
    report.ok = report.mismatches.length === 0 && report.debitsPosted === report.creditsPosted && report.debitsPending === report.creditsPending;
    return report;
  }

  // ---- plumbing ----

  /** One-leg posting: the database decides id, seq, journal, status and time; the rest is the request. */
  private async callOne(p: CheckedPosting, pending: boolean, options: LedgerCallOptions): Promise<{ replayed: boolean; transfer: LedgerTransfer }> {
    const l = p.legs[0];
    const rows = await this.run(options, { ...SQL_TRANSFER_ONE, values: [p.key, p.hash, pending, l.debit, l.credit, l.amount.toString(), p.currency, l.kind, l.ref, l.metadata] });
    const r = rows[0];
    // As ledger_transfer_one writes it (kind and metadata defaulted the same way).
    return {
      replayed: r.replayed === true,
      transfer: {
        id: r.id,
        seq: BigInt(r.seq),
        journalId: r.journal_id,
        leg: 1,
        idempotencyKey: p.key,
        op: pending ? 'hold' : 'transfer',
        status: r.status as TransferStatus,
        debitAccountId: l.debit,
        creditAccountId: l.credit,
        amount: l.amount,
        currency: p.currency,
        pendingId: null,
        reversesId: null,
        kind: l.kind ?? 'transfer',
        externalRef: l.ref,
        metadata: l.metadata ? structuredClone(l.metadata) : {},
        createdAt: r.created_at instanceof Date ? r.created_at : new Date(r.created_at),
      },
    };
  }

  private async callMany(postings: CheckedPosting[], pending: boolean, options: LedgerCallOptions): Promise<JournalResult[]> {
    const legPosting: number[] = [];
    const debit: string[] = [];
    const credit: string[] = [];
    const amount: string[] = [];
    const currency: string[] = [];
    const kind: (string | null)[] = [];
    const ref: (string | null)[] = [];
    const metadata: (string | null)[] = [];
    postings.forEach((p, i) => {
      for (const l of p.legs) {
        legPosting.push(i + 1);
        debit.push(l.debit);
        credit.push(l.credit);
        amount.push(l.amount.toString());
        currency.push(p.currency);
        kind.push(l.kind);
        ref.push(l.ref);
        // As text, cast to jsonb[] in SQL: pg's array encoding of objects is not something to rely on.
        metadata.push(l.metadata === null ? null : JSON.stringify(l.metadata));
      }
    });
    const keys = postings.map((p) => p.key);
    const rows = await this.run(options, {
      ...SQL_TRANSFER_MANY,
      values: [keys, postings.map((p) => p.hash), pending, legPosting, debit, credit, amount, currency, kind, ref, metadata],
    });
    return toJournals(rows, keys);
  }

  private async single(options: LedgerCallOptions, query: { name: string; text: string; values: unknown[] }): Promise<TransferResult> {
    const rows = await this.run(options, query);
    return { replayed: rows[0].replayed === true, transfer: toTransfer(rows[0]) };
  }

  /**
   * Runs one ledger statement, mapping SQL errors to domain errors. Deadlocks/serialization failures roll the
   * whole call back, so it is retried a few times, but only on the pool: inside a caller's transaction the
   * transaction is already aborted and the caller must retry it.
   */
  private async run(options: LedgerCallOptions, query: { name?: string; text: string; values?: unknown[] }): Promise<Row[]> {
    const db: Queryable = options.db ?? this.database.pool;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await db.query(query)).rows;
      } catch (err) {
        if (!options.db && attempt < RETRIES && isRetryable(err)) continue;
        throw toLedgerError(err);
      }
    }
  }
}

function fromPrisma(r: {
  id: string;
  seq: bigint;
  journalId: string;
  leg: number;
  idempotencyKey: string;
  op: string;
  status: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: string;
  pendingId: string | null;
  reversesId: string | null;
  kind: string;
  externalRef: string | null;
  metadata: unknown;
  createdAt: Date;
}): LedgerTransfer {
  return {
    ...r,
    op: r.op as TransferOp,
    status: r.status as TransferStatus,
    currency: r.currency as Currency,
    metadata: (r.metadata ?? {}) as Metadata,
  };
}
