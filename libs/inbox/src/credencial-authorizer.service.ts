import { Inject, Injectable, Optional } from '@nestjs/common';
import type pg from 'pg';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger, contextLogger } from '#libs/logging';
import { Money, uuidV7 } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import {
  CREDENCIAL_ANSWER_CODE,
  fromDebitWebhook,
  fromInquiryWebhook,
  fromReverseWebhook,
  toBalanceAnswer,
  toDebitAnswer,
  toMovementsAnswer,
  toReverseAnswer,
} from '#libs/providers/credencial';
import { cardTransactionKey, dedupKey, hasOwnReference, payloadHash } from './inbox.dedup.js';
import { InboxRepository, inTransaction, type NewWebhookEvent } from './inbox.repository.js';
import { credencialSettlementCode, credencialSettlementShard, type WebhookType } from './inbox.types.js';
import { GroupBatcher, type GroupBatchStats } from './group-batcher.js';
import { ProviderLinksRepository } from './provider-links.repository.js';
import { WebhookIntakeService } from './webhook-intake.service.js';

export interface CredencialDelivery {
  /** The parsed body, with amounts as their literal text (see numbersAsText). */
  payload: Record<string, unknown>;
  webhookId?: string;
  /** A unique value for query webhooks that carry no delivery id. */
  deliveryNonce: string;
}

/** The answer for the provider, and whether it replays an earlier delivery's. */
export interface CredencialAnswer {
  body: Record<string, unknown>;
  duplicate: boolean;
  eventId: string;
}

/** If the ledger cannot answer in this time, the answer is a decline and nothing is held. */
const STATEMENT_TIMEOUT_MS = 2000;

/** The whole authorization (see its migration); named, so it is parsed once per connection. */
const SQL_AUTHORIZE = {
  name: 'credencial_debit_authorize',
  text: `select event_id, duplicate, response from credencial_debit_authorize($1::uuid, $2, $3::jsonb, $4, $5, $6::bigint, $7, $8, $9, $10, $11, $12, $13, $14::uuid, $15)`,
};

/** Many DEBITs' authorizations in one statement (see its migration): the ones it authorized come back. */
const SQL_AUTHORIZE_MANY = {
  name: 'credencial_debit_authorize_many',
  text: `select pos, event_id, response from credencial_debit_authorize_many($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::text[])`,
};

/** The one-DEBIT statement's parameters, in order; the group statement takes the same ones as columns. */
type DebitValues = [
  id: string, key: string, payload: Record<string, unknown>, payloadHash: string, webhookId: string | null, amount: string | null,
  lockKey: string, txPrefix: string, ownReference: boolean, accountNumber: string, emi: string, reference: string,
  currencyLiq: string, settlementId: string, externalRef: string,
];

interface AuthorizeRow {
  event_id: string;
  duplicate: boolean;
  response: Record<string, unknown> | null;
}

const ZERO = Money.ofCentavos(0n);
const NO_BATCHING: Readonly<GroupBatchStats> = Object.freeze({ alone: 0, groups: 0, failedGroups: 0, grouped: 0, leftOut: 0 });

/**
 * Credencial's synchronous webhooks. DEBIT is authorized as a ledger hold (available balance checked under
 * the account's row lock), the inbox row written in the same transaction, and the answer's balances read in
 * it; a worker settles the hold later. REVERSE, BALANCE and MOVEMENTS are applied/answered in the request.
 * DEBIT and REVERSE of one card transaction serialize on a transaction-scoped advisory lock.
 */
@Injectable()
export class CredencialAuthorizer {
  private readonly settlementIds = new Map<string, string>();
  private readonly log: Logger;
  private readonly debits?: GroupBatcher<DebitValues, AuthorizeRow>;

  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
    @Inject(AppConfig) config: AppConfig,
    @Optional() @Inject(AppLogger) logger?: Logger,
  ) {
    this.log = contextLogger(logger, 'CredencialAuthorizer');
    if (config.debitAuthorizeBatch > 1) {
      this.debits = new GroupBatcher<DebitValues, AuthorizeRow>((values) => this.authorizeOne(values), (group) => this.authorizeGroup(group), {
        // One statement per lane, the lane picked by settlement shard: two lanes never wait on each other's
        // shard or card rows (a card's shard is fixed).
        lanes: config.debitAuthorizeLanes,
        maxBatch: config.debitAuthorizeBatch,
        onGroupError: (err, size) => this.log.warn(`a group of ${size} DEBITs failed (${(err as Error).message}); each is authorized on its own`),
      });
    }
  }

  // ---- DEBIT ----

  /**
   * One DEBIT in one round trip: `credencial_debit_authorize` (see its migration) takes the card transaction's
   * advisory lock, reads the link, checks for a reversal that came first, checks the funds under both accounts'
   * row locks, places the hold and writes the inbox row with its answer, all in one autocommitted statement (its
   * lock_timeout bounds the waits). So the card's and the settlement shard's row locks are held for that
   * statement and its commit only, never across a round trip to this process.
   * The settlement is the worker's (DebitSettler): no job is enqueued per DEBIT.
   */
  async debit(d: CredencialDelivery): Promise<CredencialAnswer> {
    const ev = fromDebitWebhook(d.payload);
    const key = dedupKey('debit', d.payload, d.webhookId, d.deliveryNonce);
    const txKey = cardTransactionKey(d.payload);
    const base = { provider: 'credencial', type: 'debit', dedupKey: key, payload: d.payload, payloadHash: payloadHash(d.payload), webhookId: d.webhookId } as const;
    const amount = ev.settlementAmount.currency === 'MXN' ? ev.settlementAmount.centavos + ev.commission.centavos : null;
    const settlementId = await this.settlementAccount(ev.accountNumber);
    const values: DebitValues = [
      uuidV7(), key, d.payload, base.payloadHash, d.webhookId ?? null, amount?.toString() ?? null,
      `credencial:${txKey}`, `${txKey}:`, hasOwnReference(d.payload), ev.accountNumber, ev.emiAccountIdentifier, ev.reference,
      String(d.payload.currency_liq), settlementId, `credencial:${txKey}`.slice(0, 255),
    ];
    let row: AuthorizeRow;
    try {
      row = this.debits ? await this.debits.submit(values, credencialSettlementShard(ev.accountNumber)) : await this.authorizeOne(values);
    } catch (err) {
      if (isLockTimeout(err)) {
        // The ledger could not take its locks in time: a decline, nothing held (the statement rolled back).
        const body = toDebitAnswer({ code: CREDENCIAL_ANSWER_CODE.ERROR, message: 'Sistema no disponible, intente más tarde.', emiAccountIdentifier: ev.emiAccountIdentifier, balanceActual: ZERO, balanceLast: ZERO, reference: ev.reference });
        return { body: body as unknown as Record<string, unknown>, duplicate: false, eventId: '' };
      }
      // The same key inserted meanwhile (not expected: the advisory lock serializes a transaction's deliveries):
      // everything rolled back, so this delivery is that one's duplicate.
      if ((err as { code?: string }).code === '23505') return this.duplicate(base);
      throw err;
    }
    if (row.duplicate) return this.duplicate(base);
    return { body: row.response ?? {}, duplicate: false, eventId: row.event_id };
  }

  /** How DEBITs were authorized since start (for /metrics); all zero when batching is off. */
  get debitBatchStats(): Readonly<GroupBatchStats> {
    return this.debits?.stats ?? NO_BATCHING;
  }

  private async authorizeOne(values: DebitValues): Promise<AuthorizeRow> {
    return (await this.inbox.pool.query<AuthorizeRow>({ ...SQL_AUTHORIZE, values })).rows[0];
  }

  /**
   * A group of DEBITs queued while the ledger was busy, in one statement. Only the ones it authorized come
   * back; the others (declines, redeliveries, a reversal waiting, a card's second DEBIT) are left undefined
   * and each goes through the one-DEBIT statement.
   */
  private async authorizeGroup(group: DebitValues[]): Promise<Array<AuthorizeRow | undefined>> {
    const column = <I extends number>(i: I) => group.map((v) => v[i]);
    const { rows } = await this.inbox.pool.query<{ pos: number; event_id: string; response: Record<string, unknown> }>({
      ...SQL_AUTHORIZE_MANY,
      values: [
        column(0), column(1), column(2), column(3), column(4), column(5), column(6), column(7), column(9), column(10), column(11),
        column(13), column(14),
      ],
    });
    const out: Array<AuthorizeRow | undefined> = new Array(group.length);
    for (const r of rows) out[r.pos - 1] = { event_id: r.event_id, duplicate: false, response: r.response };
    return out;
  }

  // ---- REVERSE DEBIT ----

  async reverse(d: CredencialDelivery): Promise<CredencialAnswer> {
    const ev = fromReverseWebhook(d.payload);
    const txKey = cardTransactionKey(d.payload);
    const key = dedupKey('reverse', d.payload, d.webhookId, d.deliveryNonce);
    const base = { provider: 'credencial', type: 'reverse', dedupKey: key, payload: d.payload, payloadHash: payloadHash(d.payload), webhookId: d.webhookId } as const;
    const r = ev.settlementAmount.currency === 'MXN' ? ev.settlementAmount.centavos : null;
    return this.tx(async (client) => {
      await client.query({ name: 'card_tx_lock', text: 'select pg_advisory_xact_lock(hashtext($1))', values: [`credencial:${txKey}`] });
      const row = await this.inbox.insert({ ...base, amount: r }, client);
      if (!row) return this.duplicate(base, client);
      const link = await this.links.card(ev.accountNumber, client);
      const answer = async (outcome: string, status: 'APPLIED' | 'UNMATCHED', released: bigint, code?: number, message?: string, transferId?: string) => {
        const after = link ? (await this.ledger.balances(link.ledgerAccountId, { db: client })).available : 0n;
        const body = toReverseAnswer({ code, message, emiAccountIdentifier: ev.emiAccountIdentifier, balanceActual: Money.ofCentavos(after), balanceLast: Money.ofCentavos(after - released), reference: ev.reference });
        await this.inbox.update(row.id, { status, outcome, response: body, ledgerAccountId: link?.ledgerAccountId ?? null, ledgerTransferId: transferId ?? null }, client);
        return { body: body as unknown as Record<string, unknown>, duplicate: false, eventId: row.id };
      };
      if (!link || link.emiAccountIdentifier !== ev.emiAccountIdentifier) {
        return answer('declined:unknown_account', 'APPLIED', 0n, CREDENCIAL_ANSWER_CODE.UNKNOWN_ACCOUNT, 'Cuenta desconocida.');
      }
      if (r === null || r <= 0n) return answer('declined:currency', 'APPLIED', 0n, CREDENCIAL_ANSWER_CODE.ERROR, 'Moneda de liquidación no soportada.');
      // With its own reference the DEBIT's key is the identity; without one, the best fitting DEBIT of that identity.
      const debit = hasOwnReference(d.payload)
        ? await this.inbox.findByKey('credencial', 'debit', txKey, client, true)
        : await this.inbox.findDebitForReverse(txKey, r, ev.settlementAmount.toDecimalString(), ev.date, client);
      // Reversal first: nothing was held, so the customer is already whole; kept UNMATCHED so the late DEBIT is declined.
      if (!debit) return answer('debit_unknown', 'UNMATCHED', 0n);
      if (!debit.ledgerTransferId || debit.amount === null) return answer('nothing_to_reverse', 'APPLIED', 0n);
      const remaining = debit.amount - debit.reversedAmount;
      if (r > remaining) {
        return answer('declined:exceeds_original', 'APPLIED', 0n, CREDENCIAL_ANSWER_CODE.ERROR, `La reversa (${Money.ofCentavos(r).toDecimalString()}) excede el monto pendiente del cargo (${Money.ofCentavos(remaining).toDecimalString()}).`);
      }
      const hold = await client.query({ text: `select status from ledger_transfers where id = $1`, values: [debit.ledgerTransferId] });
      const key2 = `wh:${row.id}`;
      let transferId: string;
      let outcome: string;
      if (hold.rows[0]?.status === 'pending') {
        if (r === debit.amount) {
          transferId = (await this.ledger.void({ idempotencyKey: key2, pendingId: debit.ledgerTransferId, metadata: { event_id: debit.id, reversal_event_id: row.id } }, { db: client })).transfer.id;
          outcome = 'voided';
        } else {
          // What is left of the debit is charged: its movement is the debit's.
          transferId = (await this.ledger.post({ idempotencyKey: key2, pendingId: debit.ledgerTransferId, amount: debit.amount - r, metadata: { event_id: debit.id, reversal_event_id: row.id } }, { db: client })).transfer.id;
          outcome = 'partially_reversed';
        }
        // The hold is resolved here, so the debit's settlement is done too (the worker will find it APPLIED).
        await this.inbox.update(debit.id, { status: 'APPLIED', outcome: outcome === 'voided' ? 'reversed' : 'settled_partially_reversed', reversedAmount: debit.reversedAmount + r }, client);
      } else {
        const post = await client.query({ text: `select id, amount, credit_account_id from ledger_transfers where pending_id = $1 and op = 'post'`, values: [debit.ledgerTransferId] });
        const posted = post.rows[0];
        if (posted && debit.reversedAmount === 0n && BigInt(posted.amount) === r) {
          transferId = (await this.ledger.reverse({ idempotencyKey: key2, transferId: posted.id, kind: 'card_reversal', metadata: { event_id: row.id, debit_event_id: debit.id } }, { db: client })).transfer.id;
        } else {
          // Back from the settlement account the debit went to (not the card's current shard: shards may be added).
          const settlementId = (posted?.credit_account_id as string | undefined) ?? (await this.settlementAccount(ev.accountNumber));
          const j = await this.ledger.transfer(
            { idempotencyKey: key2, legs: [{ debitAccountId: settlementId, creditAccountId: link.ledgerAccountId, amount: r, kind: 'card_reversal', externalRef: `credencial:${txKey}`.slice(0, 255), metadata: { event_id: row.id, debit_event_id: debit.id } }] },
            { db: client },
          );
          transferId = j.transfers[0].id;
        }
        outcome = 'reversed';
        await this.inbox.update(debit.id, { reversedAmount: debit.reversedAmount + r }, client);
      }
      return answer(outcome, 'APPLIED', r, undefined, undefined, transferId);
    });
  }

  // ---- BALANCE / MOVEMENTS ----

  async balance(d: CredencialDelivery): Promise<CredencialAnswer> {
    const ev = fromInquiryWebhook(d.payload);
    const link = await this.links.card(ev.accountNumber);
    let body;
    if (!link || link.emiAccountIdentifier !== ev.emiAccountIdentifier) {
      body = toBalanceAnswer({ code: CREDENCIAL_ANSWER_CODE.UNKNOWN_ACCOUNT, message: 'Cuenta desconocida.', balanceActual: ZERO, reference: ev.reference || '-' });
    } else {
      const available = (await this.ledger.balances(link.ledgerAccountId)).available;
      body = toBalanceAnswer({ balanceActual: Money.ofCentavos(available), reference: ev.reference || '-' });
    }
    return this.recordQuery('balance', d, body as unknown as Record<string, unknown>, link?.ledgerAccountId);
  }

  async movements(d: CredencialDelivery, limit = 10): Promise<CredencialAnswer> {
    const ev = fromInquiryWebhook(d.payload);
    const link = await this.links.card(ev.accountNumber);
    let body;
    if (!link || link.emiAccountIdentifier !== ev.emiAccountIdentifier) {
      body = toMovementsAnswer({ code: CREDENCIAL_ANSWER_CODE.UNKNOWN_ACCOUNT, message: 'Cuenta desconocida.', reference: ev.reference || '-', movements: [] });
    } else {
      const page = await this.ledger.listEntries(link.ledgerAccountId, { limit: 100 });
      // What moved the balance: postings, reversals, and holds still pending; not resolved holds or void rows.
      const entries = page.items.filter((e) => e.op === 'transfer' || e.op === 'post' || e.op === 'reverse' || (e.op === 'hold' && e.status === 'pending')).slice(0, limit);
      const sources = await this.movementSources(entries.map((e) => movementEventId(e.metadata)));
      body = toMovementsAnswer({
        reference: ev.reference || '-',
        movements: entries.map((e) => {
          // A card movement carries its DEBIT's own reference and terminal (a reversal, its debit's); others the
          // reference they were made with (e.g. a SPEI tracking key) and no terminal.
          const src = sources.get(movementEventId(e.metadata) ?? '');
          return {
            reference: ((src ? src.reference : e.externalRef) || '-').slice(0, 64),
            // Our movement types (the document gives no catalogue): 33 = charge to the account, 1027 = credit.
            type: e.direction === 'debit' ? '33' : '1027',
            amount: Money.ofCentavos(e.amount, e.currency),
            at: e.createdAt,
            terminal: (src?.terminal || '-').slice(0, 64),
          };
        }),
      });
    }
    return this.recordQuery('movements', d, body as unknown as Record<string, unknown>, link?.ledgerAccountId);
  }

  /** The reference and terminal of the webhook events behind some ledger entries, read in one query. */
  private async movementSources(ids: Array<string | undefined>): Promise<Map<string, { reference: string; terminal: string }>> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== undefined))];
    const out = new Map<string, { reference: string; terminal: string }>();
    if (wanted.length === 0) return out;
    const { rows } = await this.inbox.pool.query({
      text: `select id, type, payload->>'reference' as reference, payload->>'terminal' as terminal from webhook_events where id = any($1::uuid[])`,
      values: [wanted],
    });
    for (const r of rows) out.set(r.id, { reference: String(r.reference ?? '').trim(), terminal: r.type === 'debit' ? String(r.terminal ?? '').trim() : '' });
    return out;
  }

  // ---- plumbing ----

  /** Queries are recorded (APPLIED, with their answer) so the inbox shows every delivery; a signed redelivery gets the same answer. */
  private async recordQuery(type: WebhookType, d: CredencialDelivery, body: Record<string, unknown>, ledgerAccountId?: string): Promise<CredencialAnswer> {
    const base: NewWebhookEvent = { provider: 'credencial', type, dedupKey: dedupKey(type, d.payload, d.webhookId, d.deliveryNonce), payload: d.payload, payloadHash: payloadHash(d.payload), webhookId: d.webhookId };
    const row = await this.inbox.insert({ ...base, status: 'APPLIED', outcome: body.code === CREDENCIAL_ANSWER_CODE.APPLIED ? 'answered' : 'declined', response: body });
    if (!row) return this.duplicate(base);
    if (ledgerAccountId) await this.inbox.update(row.id, { ledgerAccountId });
    return { body, duplicate: false, eventId: row.id };
  }

  private async duplicate(base: NewWebhookEvent, db?: pg.PoolClient): Promise<CredencialAnswer> {
    const original = await this.intake.original(base, db);
    return { body: (original.response ?? {}) as Record<string, unknown>, duplicate: true, eventId: original.id };
  }

  async settlementAccount(accountNumber: string): Promise<string> {
    const code = credencialSettlementCode(accountNumber);
    let id = this.settlementIds.get(code);
    if (!id) {
      id = (await this.ledger.createAccount({ code, type: 'liability' })).id;
      this.settlementIds.set(code, id);
    }
    return id;
  }

  private tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.inbox.pool, async (client) => {
      await client.query(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
      return fn(client);
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The webhook event a ledger entry belongs to for its movement line: a reversal's debit, else its own event. */
function movementEventId(metadata: Record<string, unknown> | null | undefined): string | undefined {
  const id = metadata?.debit_event_id ?? metadata?.event_id;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

function isTimeout(err: unknown): boolean {
  return (err as { code?: string })?.code === '57014';
}

/** lock_timeout (credencial_debit_authorize's own setting) or a statement timeout. */
function isLockTimeout(err: unknown): boolean {
  return (err as { code?: string })?.code === '55P03' || isTimeout(err);
}
