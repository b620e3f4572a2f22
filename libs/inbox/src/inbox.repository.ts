import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { DatabasePool } from '#libs/database';
import { ConflictError, NotFoundError, ValidationError } from '#libs/domain';
import type { Queryable } from '#libs/ledger';
import { ASYNC_TYPES, type WebhookEventRecord, type WebhookProvider, type WebhookStatus, type WebhookType } from './inbox.types.js';

type Row = Record<string, any>;

const COLUMNS = `id, provider, type, dedup_key, payload, payload_hash, webhook_id, status, outcome, response, amount, reversed_amount,
  ledger_account_id, ledger_transfer_id, attempts, last_error, conflict_count, last_conflict_at, received_at, applied_at, updated_at`;
const COLUMN_NAMES = COLUMNS.split(',').map((c) => c.trim());
/** insertOrFindMany's statement (built once: it is prepared by name and runs on the SPEI IN hot path). */
const SQL_INSERT_OR_FIND_MANY = `with v as (
    select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::bigint[])
      with ordinality as v(provider, type, dedup_key, payload, payload_hash, webhook_id, amount, ord)),
  existing as (
    select v.ord, w.* from v cross join lateral (
      select ${COLUMNS} from webhook_events w where w.provider = v.provider and w.type = v.type and w.dedup_key = v.dedup_key limit 1) w),
  ins as (
    insert into webhook_events (provider, type, dedup_key, payload, payload_hash, webhook_id, status, amount, job_id)
    select v.provider, v.type, v.dedup_key, v.payload, v.payload_hash, v.webhook_id, 'PENDING', v.amount, $8::text
      from v where not exists (select 1 from existing x where x.ord = v.ord) order by v.ord
    on conflict (provider, type, dedup_key) do nothing
    returning ${COLUMN_NAMES.filter((c) => c !== 'payload').join(', ')})
  select true as inserted, v.ord, ${COLUMN_NAMES.map((c) => (c === 'payload' ? 'null::jsonb as payload' : `ins.${c}`)).join(', ')}
    from ins join v on v.provider = ins.provider and v.type = ins.type and v.dedup_key = ins.dedup_key
  union all
  select false as inserted, existing.ord, ${COLUMN_NAMES.map((c) => `existing.${c}`).join(', ')} from existing`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toEvent(r: Row): WebhookEventRecord {
  return {
    id: r.id,
    provider: r.provider,
    type: r.type,
    dedupKey: r.dedup_key,
    payload: r.payload,
    payloadHash: r.payload_hash,
    webhookId: r.webhook_id ?? null,
    status: r.status,
    outcome: r.outcome ?? null,
    response: r.response ?? null,
    amount: r.amount === null || r.amount === undefined ? null : BigInt(r.amount),
    reversedAmount: BigInt(r.reversed_amount ?? 0),
    ledgerAccountId: r.ledger_account_id ?? null,
    ledgerTransferId: r.ledger_transfer_id ?? null,
    attempts: Number(r.attempts),
    lastError: r.last_error ?? null,
    conflictCount: Number(r.conflict_count),
    lastConflictAt: r.last_conflict_at ?? null,
    receivedAt: r.received_at,
    appliedAt: r.applied_at ?? null,
    updatedAt: r.updated_at,
  };
}

export interface NewWebhookEvent {
  provider: WebhookProvider;
  type: WebhookType;
  dedupKey: string;
  payload: Record<string, unknown>;
  payloadHash: string;
  webhookId?: string;
  status?: WebhookStatus;
  amount?: bigint | null;
  outcome?: string | null;
  response?: unknown;
}

export interface EventPatch {
  status?: WebhookStatus;
  outcome?: string | null;
  response?: unknown;
  ledgerAccountId?: string | null;
  ledgerTransferId?: string | null;
  reversedAmount?: bigint;
  lastError?: string | null;
}

export interface EventFilter {
  provider?: string;
  type?: string;
  status?: string;
  outcome?: string;
  limit: number;
  cursor?: string | null;
}

/** A transaction on one pooled client: commit on success, rollback on any error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const out = await fn(client);
    await client.query('commit');
    return out;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The inbox table (webhook_events). Every method takes an optional client so it joins the caller's transaction. */
@Injectable()
export class InboxRepository {
  constructor(@Inject(DatabasePool) private readonly database: DatabasePool) {}

  get pool(): pg.Pool {
    return this.database.pool;
  }

  /** Inserts the event, or returns null when (provider, type, dedup_key) exists already. */
  async insert(e: NewWebhookEvent, db: Queryable = this.database.pool): Promise<WebhookEventRecord | null> {
    const { rows } = await db.query({
      name: 'inbox_insert',
      text: `insert into webhook_events (provider, type, dedup_key, payload, payload_hash, webhook_id, status, amount, outcome, response, applied_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, case when $7 = 'APPLIED' then now() end)
             on conflict (provider, type, dedup_key) do nothing returning ${COLUMNS}`,
      values: [e.provider, e.type, e.dedupKey, e.payload, e.payloadHash, e.webhookId ?? null, e.status ?? 'PENDING', e.amount?.toString() ?? null, e.outcome ?? null, e.response === undefined ? null : JSON.stringify(e.response)],
    });
    return rows[0] ? toEvent(rows[0]) : null;
  }

  /**
   * Intake's insert: the row for this key, and whether this call created it. A key that exists already is found
   * by a plain read and nothing is inserted, because an insert of an existing key waits until any transaction
   * that has updated that row ends — a worker applying it, even one stalled or cut off for minutes — and the
   * provider's redelivery must not hang on that. `row` is null only when a concurrent insert of the same key
   * committed after this statement's snapshot (the caller then reads it).
   */
  async insertOrFind(e: NewWebhookEvent, db: Queryable = this.database.pool): Promise<{ row: WebhookEventRecord | null; inserted: boolean }> {
    const { rows } = await db.query({
      name: 'inbox_insert_or_find',
      text: `with existing as (
               select ${COLUMNS} from webhook_events where provider = $1 and type = $2 and dedup_key = $3),
             ins as (
               insert into webhook_events (provider, type, dedup_key, payload, payload_hash, webhook_id, status, amount, outcome, response, applied_at)
               select $1::text, $2::text, $3::text, $4::jsonb, $5::text, $6::text, $7::text, $8::bigint, $9::text, $10::jsonb, case when $7::text = 'APPLIED' then now() end
                where not exists (select 1 from existing)
               on conflict (provider, type, dedup_key) do nothing returning ${COLUMNS})
             select true as inserted, * from ins union all select false as inserted, * from existing`,
      values: [e.provider, e.type, e.dedupKey, e.payload, e.payloadHash, e.webhookId ?? null, e.status ?? 'PENDING', e.amount?.toString() ?? null, e.outcome ?? null, e.response === undefined ? null : JSON.stringify(e.response)],
    });
    return rows[0] ? { row: toEvent(rows[0]), inserted: rows[0].inserted === true } : { row: null, inserted: false };
  }

  /**
   * `insertOrFind` for many PENDING events in one statement (and one commit): for each, its row and whether this
   * call created it, in the order given. The keys must be distinct (the caller leaves repeats for later). As in
   * `insertOrFind`, a key that exists already is found by a plain read (one index probe per key, so a generic
   * plan cannot turn it into a scan) and not inserted, so the group never waits on a worker holding that row;
   * `undefined` for a key a concurrent insert committed after this statement's snapshot (the caller retries it
   * alone). An inserted row's payload is the one given: it is not sent back. `jobId`, when given, is recorded
   * on the rows inserted: the id of the one job they will share (so the sweeper can find it).
   */
  async insertOrFindMany(events: readonly NewWebhookEvent[], db: Queryable = this.database.pool, jobId?: string): Promise<Array<{ row: WebhookEventRecord; inserted: boolean } | undefined>> {
    if (events.length === 0) return [];
    const { rows } = await db.query({
      name: 'inbox_insert_or_find_many',
      text: SQL_INSERT_OR_FIND_MANY,
      values: [
        events.map((e) => e.provider),
        events.map((e) => e.type),
        events.map((e) => e.dedupKey),
        events.map((e) => e.payload),
        events.map((e) => e.payloadHash),
        events.map((e) => e.webhookId ?? null),
        events.map((e) => e.amount?.toString() ?? null),
        jobId ?? null,
      ],
    });
    const out: Array<{ row: WebhookEventRecord; inserted: boolean } | undefined> = events.map(() => undefined);
    for (const r of rows) {
      const i = Number(r.ord) - 1;
      out[i] = { row: toEvent(r.inserted ? { ...r, payload: events[i].payload } : r), inserted: r.inserted === true };
    }
    return out;
  }

  async findByKey(provider: WebhookProvider, type: WebhookType, dedupKey: string, db: Queryable = this.database.pool, lock = false): Promise<WebhookEventRecord | null> {
    const { rows } = await db.query({
      text: `select ${COLUMNS} from webhook_events where provider = $1 and type = $2 and dedup_key = $3${lock ? ' for update' : ''}`,
      values: [provider, type, dedupKey],
    });
    return rows[0] ? toEvent(rows[0]) : null;
  }

  /**
   * The DEBIT a REVERSE without a reference of its own undoes, among the DEBITs of its transaction identity
   * (dedup key `<txKey>` or `<txKey>#…`): only one with a hold and at least `amount` left to reverse (a declined
   * debit is never matched: taking a reversal-first for it would let its real debit through later); preferring
   * one not yet reversed with the same amount_liq, then the same date, then the oldest. Locked.
   */
  async findDebitForReverse(txKey: string, amount: bigint, amountLiq: string, date: string, db: Queryable): Promise<WebhookEventRecord | null> {
    const { rows } = await db.query({
      text: `select ${COLUMNS} from webhook_events
              where provider = 'credencial' and type = 'debit' and starts_with(dedup_key, $1)
                and (dedup_key = $1 or substr(dedup_key, length($1) + 1, 1) = '#')
                and ledger_transfer_id is not null and amount is not null and amount - reversed_amount >= $2::bigint
              order by (reversed_amount = 0 and payload->>'amount_liq' = $3) desc, (payload->>'date' = $4) desc, received_at, id
              limit 1 for update`,
      values: [txKey, amount.toString(), amountLiq, date],
    });
    return rows[0] ? toEvent(rows[0]) : null;
  }

  /** The CLABE's latest status event (by arrival): what an unsigned CLABE status is keyed on (see clabeStatusKey). */
  async latestClabeStatus(clabe: string, db: Queryable = this.database.pool): Promise<WebhookEventRecord | null> {
    const { rows } = await db.query({
      text: `select ${COLUMNS} from webhook_events where provider = 'stp' and type = 'clabe_status' and starts_with(dedup_key, $1)
              order by received_at desc, id desc limit 1`,
      values: [`${clabe}:`],
    });
    return rows[0] ? toEvent(rows[0]) : null;
  }

  /** Whether a status event for the CLABE that arrived after this one is already applied (this one is then stale). */
  async laterClabeStatusApplied(ev: Pick<WebhookEventRecord, 'id' | 'receivedAt'>, clabe: string, db: Queryable): Promise<boolean> {
    const { rows } = await db.query({
      text: `select 1 from webhook_events where provider = 'stp' and type = 'clabe_status' and starts_with(dedup_key, $1)
               and (received_at, id) > ($2::timestamptz, $3::uuid) and status = 'APPLIED' limit 1`,
      values: [`${clabe}:`, ev.receivedAt, ev.id],
    });
    return rows.length > 0;
  }

  /**
   * Same key, other payload: the original stays as it is; the attempt is counted and kept for the alert. Not
   * when a transaction holds the row (a worker applying it, perhaps stalled): the answer must not wait on it,
   * so the count is skipped (false) and the alert line says so.
   */
  async recordConflict(id: string, payload: Record<string, unknown>): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `update webhook_events set conflict_count = conflict_count + 1, last_conflict_at = now(), last_conflict_payload = $2
        where id = (select id from webhook_events where id = $1 for no key update skip locked)`,
      [id, payload],
    );
    return (rowCount ?? 0) > 0;
  }

  async get(id: string, db: Queryable = this.database.pool, lock = false): Promise<WebhookEventRecord> {
    if (!UUID.test(id)) throw new NotFoundError(`webhook event ${id} not found`, { id }, 'webhook_event_not_found');
    const { rows } = await db.query({ text: `select ${COLUMNS} from webhook_events where id = $1${lock ? ' for update' : ''}`, values: [id] });
    if (!rows[0]) throw new NotFoundError(`webhook event ${id} not found`, { id }, 'webhook_event_not_found');
    return toEvent(rows[0]);
  }

  async update(id: string, patch: EventPatch, db: Queryable = this.database.pool): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const values: unknown[] = [id];
    const add = (col: string, v: unknown) => {
      values.push(v);
      sets.push(`${col} = $${values.length}`);
    };
    if (patch.status !== undefined) {
      add('status', patch.status);
      if (patch.status === 'APPLIED') sets.push('applied_at = now()');
    }
    if (patch.outcome !== undefined) add('outcome', patch.outcome);
    if (patch.response !== undefined) add('response', patch.response === null ? null : JSON.stringify(patch.response));
    if (patch.ledgerAccountId !== undefined) add('ledger_account_id', patch.ledgerAccountId);
    if (patch.ledgerTransferId !== undefined) add('ledger_transfer_id', patch.ledgerTransferId);
    if (patch.reversedAmount !== undefined) add('reversed_amount', patch.reversedAmount.toString());
    if (patch.lastError !== undefined) add('last_error', patch.lastError);
    await db.query({ text: `update webhook_events set ${sets.join(', ')} where id = $1`, values });
  }

  /** A failed attempt: counted, with its error; FAILED when it was the last one. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.database.query(
      `update webhook_events set attempts = attempts + 1, last_error = $2, updated_at = now(),
         status = case when $3 and status = 'PENDING' then 'FAILED' else status end
       where id = $1`,
      [id, error.slice(0, 2000), final],
    );
  }

  /**
   * Back to PENDING for a replay (FAILED and UNMATCHED rows; an APPLIED one stays as it is). Only rows a worker
   * applies: a REVERSE, BALANCE or MOVEMENTS was applied and answered in its request, and its status is part of
   * that answer (an UNMATCHED reversal-first is what declines its late DEBIT), so replaying one is refused.
   */
  async markForReplay(id: string): Promise<WebhookEventRecord> {
    const current = await this.get(id);
    if (!ASYNC_TYPES.has(current.type)) {
      throw new ConflictError(
        `a ${current.provider} ${current.type} webhook is applied and answered when it arrives; it cannot be replayed`,
        { event_id: id, type: current.type, status: current.status },
        'webhook_not_replayable',
      );
    }
    const { rows } = await this.database.query(
      `update webhook_events set status = 'PENDING', last_error = null, updated_at = now() where id = $1 and status in ('FAILED', 'UNMATCHED', 'PENDING') returning ${COLUMNS}`,
      [id],
    );
    return rows[0] ? toEvent(rows[0]) : this.get(id);
  }

  /** The sweeper's candidates: PENDING rows untouched for `olderThanMs`, oldest first, with the shared job they were enqueued under (if any). */
  async stalePending(olderThanMs: number, limit: number): Promise<Array<{ id: string; type: WebhookType; jobId: string | null }>> {
    const { rows } = await this.database.query(
      `select id, type, job_id as "jobId" from webhook_events where status = 'PENDING' and received_at < now() - make_interval(secs => $1::double precision / 1000)
         and updated_at < now() - make_interval(secs => $1::double precision / 1000)
       order by received_at limit $2`,
      [olderThanMs, limit],
    );
    return rows as Array<{ id: string; type: WebhookType; jobId: string | null }>;
  }

  async list(filter: EventFilter): Promise<{ items: WebhookEventRecord[]; nextCursor: string | null }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      values.push(v);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.provider) add('provider = ?', filter.provider);
    if (filter.type) add('type = ?', filter.type);
    if (filter.status) add('status = ?', filter.status);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.cursor) {
      const decoded = Buffer.from(filter.cursor, 'base64url').toString('utf8');
      const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(decoded);
      if (!m) throw new ValidationError('cursor is not one this API returned', { field: 'cursor' }, 'invalid_cursor');
      values.push(m[1], m[2]);
      where.push(`(received_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
    }
    values.push(filter.limit + 1);
    const { rows } = await this.database.query(
      `select ${COLUMNS} from webhook_events ${where.length ? `where ${where.join(' and ')}` : ''} order by received_at desc, id desc limit $${values.length}`,
      values,
    );
    const items = rows.slice(0, filter.limit).map(toEvent);
    const last = items[items.length - 1];
    const nextCursor = rows.length > filter.limit && last ? Buffer.from(`${last.receivedAt.toISOString()}|${last.id}`).toString('base64url') : null;
    return { items, nextCursor };
  }

  /** Rows per status (for /metrics). */
  async countsByStatus(): Promise<Array<{ provider: string; type: string; status: string; count: number }>> {
    const { rows } = await this.database.query(
      `select provider, type, status, count(*)::int as count from webhook_events where status <> 'APPLIED' group by provider, type, status`,
    );
    return rows as Array<{ provider: string; type: string; status: string; count: number }>;
  }
}
