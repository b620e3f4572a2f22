import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { BusinessRuleError, Money } from '#libs/domain';
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
import { credencialSettlementCode, type WebhookEventRecord, type WebhookType } from './inbox.types.js';
import { ProviderLinksRepository, type CredencialAccountLinkRecord } from './provider-links.repository.js';
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

const ZERO = Money.ofCentavos(0n);

/**
 * Credencial's synchronous webhooks. DEBIT is authorized as a ledger hold (available balance checked under
 * the account's row lock), the inbox row written in the same transaction, and the answer's balances read in
 * it; a worker settles the hold later. REVERSE, BALANCE and MOVEMENTS are applied/answered in the request.
 * DEBIT and REVERSE of one card transaction serialize on a transaction-scoped advisory lock.
 */
@Injectable()
export class CredencialAuthorizer {
  private readonly settlementIds = new Map<string, string>();

  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
  ) {}

  // ---- DEBIT ----

  async debit(d: CredencialDelivery): Promise<CredencialAnswer> {
    try {
      return await this.authorize(d, false);
    } catch (err) {
      // The optimistic path lost a race for the last funds: everything rolled back; decide again, carefully.
      if (err instanceof RetryCarefully) return this.authorize(d, true);
      throw err;
    }
  }

  /**
   * One DEBIT in one transaction, in four round trips (each one costs the gateway a syscall pair and a wait):
   * 1. begin + statement timeout + the card transaction's advisory lock, one simple query;
   * 2. one statement: the inbox row insert, the link, the early-reversal check, and the hold's two accounts
   *    locked and read (its snapshot is taken after the advisory lock, so it sees whatever a REVERSE holding
   *    that lock committed); the funds check is then exact, done here with the ledger's own rule;
   * 3. the hold; 4. the row's outcome and answer, sent together with the commit.
   * `careful` (a savepoint around the hold, the balances read after it) is the fallback should the hold refuse
   * what the check accepted: that whole transaction is rolled back and the delivery decided again.
   */
  private async authorize(d: CredencialDelivery, careful: boolean): Promise<CredencialAnswer> {
    const ev = fromDebitWebhook(d.payload);
    const key = dedupKey('debit', d.payload, d.webhookId, d.deliveryNonce);
    const txKey = cardTransactionKey(d.payload);
    const ownRef = hasOwnReference(d.payload);
    const base = { provider: 'credencial', type: 'debit', dedupKey: key, payload: d.payload, payloadHash: payloadHash(d.payload), webhookId: d.webhookId } as const;
    const amount = ev.settlementAmount.currency === 'MXN' ? ev.settlementAmount.centavos + ev.commission.centavos : null;
    const settlementId = await this.settlementAccount(ev.accountNumber);
    let enqueue: Pick<WebhookEventRecord, 'id' | 'type'> | undefined;
    let answer: CredencialAnswer;
    try {
      answer = await this.lockedTx(`credencial:${txKey}`, async (client) => {
        const { rows } = await client.query({
          name: 'credencial_debit_intake',
          text: `with ins as (
                   -- A redelivery is found by a plain read, never by inserting its key again: that insert would wait
                   -- for a worker settling the original (see InboxRepository.insertOrFind).
                   insert into webhook_events (provider, type, dedup_key, payload, payload_hash, webhook_id, status, amount)
                   select 'credencial', 'debit', $1::text, $2::jsonb, $3::text, $4::text, 'PENDING', $5::bigint
                    where not exists (select 1 from webhook_events e where e.provider = 'credencial' and e.type = 'debit' and e.dedup_key = $1::text)
                   on conflict (provider, type, dedup_key) do nothing returning id),
                 link as (select * from credencial_account_links where account_number = $7),
                 -- The hold's two accounts, locked now as the ledger locks them (lowest id first, no key update),
                 -- so the funds check here is exact and the hold that follows cannot fail on it.
                 acc as (select id, type, debits_posted::text as debits_posted, credits_posted::text as credits_posted,
                                debits_pending::text as debits_pending, credits_pending::text as credits_pending,
                                debits_must_not_exceed_credits as dmnec
                           from ledger_accounts where id = $8::uuid or id in (select ledger_account_id from link)
                          order by id for no key update)
                 -- Reversals that came first (UNMATCHED, keyed '<txKey>:…'): all of them when the DEBIT has its own
                 -- reference; without one the identity may cover several debits, so only one that fits (not more than
                 -- this amount, the same amount first, the oldest).
                 select ins.id,
                        (select array_agg(x.id) from (
                           select r.id from webhook_events r
                            where r.provider = 'credencial' and r.type = 'reverse' and r.status = 'UNMATCHED' and starts_with(r.dedup_key, $6)
                              and ($9::boolean or r.amount <= $5::bigint)
                            order by (r.amount = $5::bigint) desc, r.received_at, r.id
                            limit case when $9::boolean then null else 1 end) x) as reversed_first,
                        link.account_number, link.emi_account_identifier, link.ledger_account_id, link.status, link.created_at, link.updated_at,
                        (select jsonb_agg(to_jsonb(acc)) from acc) as accounts
                   from ins left join link on true`,
          values: [key, d.payload, base.payloadHash, d.webhookId ?? null, amount?.toString() ?? null, `${txKey}:`, ev.accountNumber, settlementId, ownRef],
        });
        if (!rows[0]) return { value: await this.duplicate(base, client) };
        const r0 = rows[0];
        const row = { id: r0.id as string, type: 'debit' as const };
        const decline = async (code: number, message: string, outcome: string, link: CredencialAccountLinkRecord | null) => {
          const available = link ? (await this.ledger.balances(link.ledgerAccountId, { db: client })).available : 0n;
          const body = toDebitAnswer({ code, message, emiAccountIdentifier: ev.emiAccountIdentifier, balanceActual: Money.ofCentavos(available), balanceLast: Money.ofCentavos(available), reference: ev.reference });
          await this.inbox.update(row.id, { status: 'APPLIED', outcome: `declined:${outcome}`, response: body, ledgerAccountId: link?.ledgerAccountId ?? null }, client);
          return { value: { body: body as unknown as Record<string, unknown>, duplicate: false, eventId: row.id } };
        };
        const link: CredencialAccountLinkRecord | null = r0.account_number
          ? { accountNumber: r0.account_number, emiAccountIdentifier: r0.emi_account_identifier, ledgerAccountId: r0.ledger_account_id, status: r0.status, createdAt: r0.created_at, updatedAt: r0.updated_at }
          : null;
        if (!link) return decline(CREDENCIAL_ANSWER_CODE.UNKNOWN_ACCOUNT, 'Cuenta desconocida: account_number no registrado.', 'unknown_account', null);
        if (link.emiAccountIdentifier !== ev.emiAccountIdentifier) {
          return decline(CREDENCIAL_ANSWER_CODE.UNKNOWN_ACCOUNT, 'Cuenta desconocida: emi_account_identifier no corresponde a la cuenta.', 'account_mismatch', null);
        }
        if (link.status !== 'active') return decline(CREDENCIAL_ANSWER_CODE.CARD_NOT_ACTIVE, `Tarjeta no activa (${link.status === 'blocked' ? 'bloqueada' : 'cancelada'}).`, `card_${link.status}`, link);
        if (amount === null) return decline(CREDENCIAL_ANSWER_CODE.ERROR, `Moneda de liquidación no soportada (${String(d.payload.currency_liq)}).`, 'currency', link);
        if (amount <= 0n) return decline(CREDENCIAL_ANSWER_CODE.ERROR, 'Monto inválido.', 'invalid_amount', link);
        // A reversal that came first: the processor already undid this transaction, so nothing is held.
        if ((r0.reversed_first as string[] | null)?.length) {
          await client.query({
            text: `update webhook_events set status = 'APPLIED', outcome = 'matched_late_debit', applied_at = now(), updated_at = now()
                   where id = any($1::uuid[]) and status = 'UNMATCHED'`,
            values: [r0.reversed_first],
          });
          return decline(CREDENCIAL_ANSWER_CODE.ERROR, 'Cargo reversado previamente: no se aplica.', 'reversed_before_debit', link);
        }
        const input = { idempotencyKey: `wh:${row.id}`, debitAccountId: link.ledgerAccountId, creditAccountId: settlementId, amount, kind: 'card_debit', externalRef: `credencial:${txKey}`.slice(0, 255), metadata: { event_id: row.id } };
        let holdId: string;
        let after: bigint;
        const account = (r0.accounts as AccountTotals[] | null)?.find((a) => a.id === link.ledgerAccountId);
        if (!careful && account) {
          // Exact: both accounts are locked. Insufficient funds is the ledger's own rule (debits within credits).
          if (account.dmnec && BigInt(account.debits_posted) + BigInt(account.debits_pending) + amount > BigInt(account.credits_posted)) {
            return decline(CREDENCIAL_ANSWER_CODE.INSUFFICIENT_FUNDS, 'Fondos insuficientes.', 'insufficient_funds', link);
          }
          try {
            holdId = (await this.ledger.hold(input, { db: client })).transfer.id;
          } catch (err) {
            // Not expected (the check above is the ledger's); decided again with a savepoint.
            if (err instanceof BusinessRuleError && err.code === 'insufficient_funds') throw new RetryCarefully();
            throw err;
          }
          after = availableAfterDebit(account, amount);
        } else {
          await client.query('savepoint hold');
          try {
            holdId = (await this.ledger.hold(input, { db: client })).transfer.id;
          } catch (err) {
            await client.query('rollback to savepoint hold');
            if (err instanceof BusinessRuleError && err.code === 'insufficient_funds') return decline(CREDENCIAL_ANSWER_CODE.INSUFFICIENT_FUNDS, 'Fondos insuficientes.', 'insufficient_funds', link);
            throw err;
          }
          after = (await this.ledger.balances(link.ledgerAccountId, { db: client })).available;
        }
        const body = toDebitAnswer({ emiAccountIdentifier: ev.emiAccountIdentifier, balanceActual: Money.ofCentavos(after), balanceLast: Money.ofCentavos(after + amount), reference: ev.reference });
        enqueue = row;
        const lit = (v: string) => client.escapeLiteral(v);
        return {
          value: { body: body as unknown as Record<string, unknown>, duplicate: false, eventId: row.id },
          // Same effect as inbox.update(…, { outcome, response, ledgerAccountId, ledgerTransferId }), sent with the commit.
          beforeCommit: `update webhook_events set outcome = 'authorized', response = ${lit(JSON.stringify(body))}::jsonb, ledger_account_id = ${lit(link.ledgerAccountId)}::uuid,
                           ledger_transfer_id = ${lit(holdId)}::uuid, updated_at = now() where id = ${lit(row.id)}::uuid`,
        };
      });
    } catch (err) {
      if (isTimeout(err)) {
        // The ledger did not answer in time: a decline, nothing held (the transaction rolled back).
        const body = toDebitAnswer({ code: CREDENCIAL_ANSWER_CODE.ERROR, message: 'Sistema no disponible, intente más tarde.', emiAccountIdentifier: ev.emiAccountIdentifier, balanceActual: ZERO, balanceLast: ZERO, reference: ev.reference });
        return { body: body as unknown as Record<string, unknown>, duplicate: false, eventId: '' };
      }
      throw err;
    }
    // After the commit: the settlement job (a lost enqueue is found by the sweeper).
    if (enqueue) await this.intake.enqueue(enqueue);
    return answer;
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

  /**
   * A transaction that starts with the statement timeout and the card transaction's advisory lock, sent as one
   * simple query (the key as an escaped literal); `beforeCommit`, when the body returns one, is sent with the
   * commit (one round trip): an error in it aborts the transaction and skips the commit.
   */
  private async lockedTx<T>(lockKey: string, fn: (client: pg.PoolClient) => Promise<{ value: T; beforeCommit?: string }>): Promise<T> {
    const client = await this.inbox.pool.connect();
    try {
      await client.query(`begin; set local statement_timeout = ${STATEMENT_TIMEOUT_MS}; select pg_advisory_xact_lock(hashtext(${client.escapeLiteral(lockKey)}))`);
      const { value, beforeCommit } = await fn(client);
      await client.query(beforeCommit ? `${beforeCommit}; commit` : 'commit');
      return value;
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.inbox.pool, async (client) => {
      await client.query(`set local statement_timeout = ${STATEMENT_TIMEOUT_MS}`);
      return fn(client);
    });
  }
}

/** The optimistic DEBIT path found the funds gone at the hold: the transaction is rolled back and retried. */
class RetryCarefully extends Error {}

/** An account's totals as the DEBIT intake statement reads them (bigints as text). */
interface AccountTotals {
  id: string;
  type: string;
  debits_posted: string;
  credits_posted: string;
  debits_pending: string;
  credits_pending: string;
  dmnec: boolean;
}

/** The available balance once a hold of `amount` debits the account (LedgerService's balancesOf, pending debits + amount). */
function availableAfterDebit(a: AccountTotals, amount: bigint): bigint {
  const dp = BigInt(a.debits_posted);
  const cp = BigInt(a.credits_posted);
  const dq = BigInt(a.debits_pending) + amount;
  return a.type === 'liability' ? cp - dp - dq : dp - cp - BigInt(a.credits_pending);
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
