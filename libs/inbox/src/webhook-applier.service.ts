import { Inject, Injectable } from '@nestjs/common';
import type pg from 'pg';
import { LedgerService, SYSTEM_ACCOUNTS, type TransferInput } from '#libs/ledger';
import type { SpeiOutStatusEvent } from '#libs/domain';
import { fromClabeStatusWebhook, fromSpeiInWebhook, fromSpeiOutStatusWebhook } from '#libs/providers/stp';
import { InboxRepository, inTransaction, toEvent, type EventPatch } from './inbox.repository.js';
import { SPEI_OUT_HOLD_KIND, type WebhookEventRecord } from './inbox.types.js';
import { ProviderLinksRepository } from './provider-links.repository.js';

/**
 * The SPEI OUT order row (spei_out_orders, written with its hold by /v1/spei/transfers) follows its hold, in
 * the same transaction: settled or returned, with STP's order id and cause, and a history line. A hold with
 * no order row (placed by other code) is fine: nothing to update.
 */
async function resolveSpeiOutOrder(client: pg.PoolClient, w: SpeiOutStatusEvent, detail: string): Promise<void> {
  const status = w.outcome === 'settled' ? 'settled' : 'returned';
  await client.query(
    `update spei_out_orders set status = $2, cause = $3, provider_order_id = coalesce(provider_order_id, $4), resolved_at = now(), updated_at = now(),
       history = history || jsonb_build_array(jsonb_build_object('status', $2::text, 'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'detail', $5::text))
     where tracking_key = $1 and status <> $2`,
    [w.trackingKey, status, w.cause ?? null, w.providerOrderId ?? null, `STP: ${w.cause ?? status}; ${detail}`],
  );
}

/**
 * What settling a DEBIT row does, one row or in a batch: no hold (a decline: nothing to settle), a hold a
 * reversal already resolved, or a pending hold to post now ('settled').
 */
function debitSettlementOutcome(holdId: string | null | undefined, holdStatus: string | undefined, outcome: string | null | undefined): string {
  if (!holdId) return outcome ?? 'nothing_to_settle';
  return holdStatus === 'pending' ? 'settled' : 'resolved_by_reversal';
}

/** A settlement batch failed and was rolled back; `ids` are its rows (none when it failed before reading them). */
export class DebitBatchError extends Error {
  constructor(
    readonly ids: string[],
    override readonly cause: unknown,
  ) {
    super(`debit settlement batch of ${ids.length} failed: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export interface ApplyResult {
  id: string;
  status: string;
  outcome: string | null;
  /** False when the row was not PENDING (already applied, or taken by another worker): nothing was done. */
  applied: boolean;
}

/**
 * Applies PENDING inbox rows exactly once: the row is locked, its ledger effect and its status change commit in
 * one transaction, and every ledger posting's idempotency key is `wh:<event id>` (a second attempt can never
 * post twice even if a status update were lost). SPEI IN rows are applied in batches (one lock of the hot
 * stp:settlement account per batch, through LedgerService.transferMany).
 */
@Injectable()
export class WebhookApplier {
  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository,
    @Inject(LedgerService) private readonly ledger: LedgerService,
  ) {}

  async apply(id: string): Promise<ApplyResult> {
    return inTransaction(this.inbox.pool, async (client) => {
      const ev = await this.inbox.get(id, client, true);
      if (ev.status !== 'PENDING') return { id, status: ev.status, outcome: ev.outcome, applied: false };
      const patch = await this.effect(ev, client);
      await this.inbox.update(id, patch, client);
      return { id, status: patch.status ?? ev.status, outcome: patch.outcome ?? null, applied: true };
    });
  }

  /**
   * SPEI IN rows in one transaction. Rows locked elsewhere are skipped (their holder applies them); all or
   * nothing: on an error the caller applies the rows one by one.
   */
  async applySpeiInBatch(ids: string[]): Promise<ApplyResult[]> {
    return inTransaction(this.inbox.pool, async (client) => {
      const { rows } = await client.query(
        `select * from webhook_events where id = any($1::uuid[]) and type = 'spei_in' and status = 'PENDING' order by id for update skip locked`,
        [ids],
      );
      const events = rows.map(toEvent);
      if (events.length === 0) return [];
      const parsed = events.map((e) => ({ e, w: fromSpeiInWebhook(e.payload) }));
      const links = await this.links.clabes([...new Set(parsed.map((p) => p.w.clabe.value))], client);
      const plans = parsed.map(({ e, w }) => {
        const link = links.get(w.clabe.value);
        const target = link?.status === 'active' ? link.ledgerAccountId : SYSTEM_ACCOUNTS.suspense.id;
        const outcome = !link ? 'suspense_unknown_clabe' : link.status === 'active' ? 'credited' : 'suspense_inactive_clabe';
        const posting: TransferInput = {
          idempotencyKey: `wh:${e.id}`,
          legs: [{ debitAccountId: SYSTEM_ACCOUNTS.stpSettlement.id, creditAccountId: target, amount: w.amount.centavos, kind: 'spei_in', externalRef: w.trackingKey, metadata: { event_id: e.id, clabe: w.clabe.value } }],
        };
        return { e, target, outcome, posting };
      });
      const journals = await this.ledger.transferMany(plans.map((p) => p.posting), { db: client });
      await client.query(
        `update webhook_events w set status = 'APPLIED', outcome = v.outcome, ledger_account_id = v.account, ledger_transfer_id = v.transfer,
           applied_at = now(), updated_at = now()
         from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) as v(id, outcome, account, transfer) where w.id = v.id`,
        [plans.map((p) => p.e.id), plans.map((p) => p.outcome), plans.map((p) => p.target), journals.map((j) => j.transfers[0].id)],
      );
      return plans.map((p) => ({ id: p.e.id, status: 'APPLIED', outcome: p.outcome, applied: true }));
    });
  }

  /**
   * Card-debit settlement in batches: up to `limit` authorized DEBIT rows still PENDING (oldest first, rows locked
   * elsewhere or in `exclude` skipped, and none that already failed once: those are the job path's), their holds
   * posted (keys `wh:settle:<event id>` and request hashes as the one-row path's, so each replays the other), the
   * rows APPLIED: one autocommitted statement, `credencial_debit_settle` (see its migration), so the hot accounts'
   * row locks never wait on a round trip to this process. A failure rolls it all back and is thrown as a
   * DebitBatchError naming the rows it would have taken (read again), for the caller to hand them to the job
   * path (retries, backoff, dead letter) one by one.
   */
  async settleDebitBatch(limit: number, exclude: readonly string[] = []): Promise<ApplyResult[]> {
    try {
      const { rows } = await this.inbox.pool.query<{ event_id: string; outcome: string }>({
        name: 'credencial_debit_settle',
        text: 'select event_id, outcome from credencial_debit_settle($1, $2::uuid[])',
        values: [limit, exclude],
      });
      return rows.map((r) => ({ id: r.event_id, status: 'APPLIED', outcome: r.outcome, applied: true }));
    } catch (err) {
      const ids = await this.inbox.pool
        .query<{ id: string }>({
          text: `select id from webhook_events where status = 'PENDING' and type = 'debit' and attempts = 0 and id <> all($2::uuid[]) order by received_at limit $1`,
          values: [limit, exclude],
        })
        .then((r) => r.rows.map((x) => x.id), () => [] as string[]);
      throw new DebitBatchError(ids, err);
    }
  }

  private async effect(ev: WebhookEventRecord, client: pg.PoolClient): Promise<EventPatch> {
    switch (ev.type) {
      case 'clabe_status': {
        const w = fromClabeStatusWebhook(ev.payload);
        // Jobs run concurrently, so 0 then 1 may be applied in the other order: a status older than one already
        // applied changes nothing (the CLABE keeps the latest status received).
        if (await this.inbox.laterClabeStatusApplied(ev, w.clabe.value, client)) return { status: 'APPLIED', outcome: 'superseded' };
        const found = await this.links.setClabeStatus(w.clabe.value, w.status, client);
        if (!found) return { status: 'UNMATCHED', outcome: 'unknown_clabe' };
        return { status: 'APPLIED', outcome: w.status === 'active' ? 'activated' : 'deactivated' };
      }
      case 'spei_in': {
        const w = fromSpeiInWebhook(ev.payload);
        const link = await this.links.clabe(w.clabe.value, client);
        const target = link?.status === 'active' ? link.ledgerAccountId : SYSTEM_ACCOUNTS.suspense.id;
        const j = await this.ledger.transfer(
          {
            idempotencyKey: `wh:${ev.id}`,
            legs: [{ debitAccountId: SYSTEM_ACCOUNTS.stpSettlement.id, creditAccountId: target, amount: w.amount.centavos, kind: 'spei_in', externalRef: w.trackingKey, metadata: { event_id: ev.id, clabe: w.clabe.value } }],
          },
          { db: client },
        );
        const outcome = !link ? 'suspense_unknown_clabe' : link.status === 'active' ? 'credited' : 'suspense_inactive_clabe';
        return { status: 'APPLIED', outcome, ledgerAccountId: target, ledgerTransferId: j.transfers[0].id };
      }
      case 'spei_out_status': {
        const w = fromSpeiOutStatusWebhook(ev.payload);
        const { rows } = await client.query(
          `select id, status from ledger_transfers where external_ref = $1 and kind = $2 and op = 'hold' order by seq desc limit 1`,
          [w.trackingKey, SPEI_OUT_HOLD_KIND],
        );
        const hold = rows[0] as { id: string; status: string } | undefined;
        // An order we do not know (yet): kept and surfaced, replayable once the order exists.
        if (!hold) return { status: 'UNMATCHED', outcome: 'order_unknown' };
        const key = `wh:${ev.id}`;
        if (hold.status === 'pending') {
          const t = w.outcome === 'settled'
            ? await this.ledger.post({ idempotencyKey: key, pendingId: hold.id, metadata: { event_id: ev.id } }, { db: client })
            : await this.ledger.void({ idempotencyKey: key, pendingId: hold.id, metadata: { event_id: ev.id, cause: w.cause ?? '' } }, { db: client });
          await resolveSpeiOutOrder(client, w, w.outcome === 'settled' ? 'hold posted' : 'hold voided');
          return { status: 'APPLIED', outcome: w.outcome === 'settled' ? 'posted' : 'voided', ledgerTransferId: t.transfer.id };
        }
        if (hold.status === 'posted' && w.outcome === 'returned') {
          // Returned after settlement (devolución): the posting is reversed.
          const post = await client.query(`select id from ledger_transfers where pending_id = $1 and op = 'post'`, [hold.id]);
          const t = await this.ledger.reverse({ idempotencyKey: key, transferId: post.rows[0].id, kind: 'spei_out_return', metadata: { event_id: ev.id } }, { db: client });
          await resolveSpeiOutOrder(client, w, 'returned after settlement: posting reversed');
          return { status: 'APPLIED', outcome: 'reversed', ledgerTransferId: t.transfer.id };
        }
        if ((hold.status === 'posted' && w.outcome === 'settled') || (hold.status === 'voided' && w.outcome === 'returned')) {
          return { status: 'APPLIED', outcome: 'already_resolved', ledgerTransferId: hold.id };
        }
        return { status: 'UNMATCHED', outcome: `inconsistent:${hold.status}_then_${w.outcome}` };
      }
      case 'debit': {
        // Settlement of an authorized card debit: post its hold (unless a reversal already resolved it).
        const hold = ev.ledgerTransferId ? (await client.query(`select status from ledger_transfers where id = $1`, [ev.ledgerTransferId])).rows[0]?.status : undefined;
        const outcome = debitSettlementOutcome(ev.ledgerTransferId, hold, ev.outcome);
        if (ev.ledgerTransferId && outcome === 'settled') await this.ledger.post({ idempotencyKey: `wh:settle:${ev.id}`, pendingId: ev.ledgerTransferId, metadata: { event_id: ev.id } }, { db: client });
        return { status: 'APPLIED', outcome };
      }
      default:
        // reverse / balance / movements are applied in the request and never replayed (InboxRepository.markForReplay);
        // should one reach a worker, a reversal-first stays UNMATCHED: that status is what declines its late DEBIT.
        return { status: ev.outcome === 'debit_unknown' ? 'UNMATCHED' : 'APPLIED', outcome: ev.outcome ?? 'answered' };
    }
  }
}
