import { Inject, Injectable } from '@nestjs/common';
import { DatabasePool } from '#libs/database';
import { Money, type SpeiOutBeneficiaryAccountType, type SpeiOutOrder, type SpeiOutSubmission } from '#libs/domain';
import { inTransaction } from '#libs/inbox';
import { LedgerService } from '#libs/ledger';

export type SpeiOutStatus = 'queued' | 'sending' | 'sent' | 'settled' | 'returned' | 'failed' | 'unknown';

export interface SpeiOutOrderRecord {
  id: string;
  trackingKey: string;
  status: SpeiOutStatus;
  attempts: number;
  updatedAt: Date;
  holdTransferId: string | null;
  order: SpeiOutOrder;
}

type Row = Record<string, any>;

const HISTORY = `history = history || jsonb_build_array(jsonb_build_object('status', $2::text, 'at', to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'detail', $3::text))`;

function toRecord(r: Row): SpeiOutOrderRecord {
  return {
    id: r.id,
    trackingKey: r.tracking_key,
    status: r.status,
    attempts: r.attempts,
    updatedAt: r.updated_at,
    holdTransferId: r.hold_transfer_id,
    order: {
      trackingKey: r.tracking_key,
      amount: Money.ofCentavos(BigInt(r.amount)),
      beneficiary: {
        name: r.beneficiary_name,
        account: r.beneficiary_account,
        accountType: r.beneficiary_account_type as SpeiOutBeneficiaryAccountType,
        institution: r.counterpart_institution,
        rfcOrCurp: r.beneficiary_rfc_curp,
      },
      concept: r.payment_concept,
      numericReference: r.numeric_reference,
      payerAccount: r.source_clabe,
    },
  };
}

/**
 * The SPEI OUT order row's state machine, as the sender worker moves it. Every transition is a conditional
 * update on the state it read (compare-and-set), so two workers holding jobs for the same order cannot both
 * claim one send, and a status webhook that resolved the order first is never overwritten.
 */
@Injectable()
export class SpeiOutOrdersRepository {
  constructor(
    @Inject(DatabasePool) private readonly database: DatabasePool,
    @Inject(LedgerService) private readonly ledger: LedgerService,
  ) {}

  async get(id: string): Promise<SpeiOutOrderRecord | null> {
    const { rows } = await this.database.query('select * from spei_out_orders where id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * → sending, attempts + 1, only if nobody moved it since it was read (queued|sending for the worker;
   * unknown|sending for an operator's reconcile).
   */
  async claimSend(o: SpeiOutOrderRecord, detail = `attempt ${o.attempts + 1}: sending to STP`): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `update spei_out_orders set status = 'sending', attempts = attempts + 1, updated_at = now(), ${HISTORY}
       where id = $1 and status = $4 and attempts = $5`,
      [o.id, 'sending', detail, o.status, o.attempts],
    );
    return (rowCount ?? 0) === 1;
  }

  /** STP has the order (accepted now, or already had it: 409 on the tracking key). */
  async markSent(id: string, s: SpeiOutSubmission): Promise<void> {
    const detail = s.alreadyRegistered ? 'STP already had this tracking key (an earlier answer was lost): not sent again' : `accepted by STP${s.providerOrderId ? ` (order ${s.providerOrderId})` : ''}`;
    await this.database.query(
      `update spei_out_orders set status = 'sent', provider_order_id = coalesce($4, provider_order_id), error_code = null, error_message = null,
         sent_at = now(), updated_at = now(), ${HISTORY}
       where id = $1 and status = 'sending'`,
      [id, 'sent', detail, s.providerOrderId ?? null],
    );
  }

  /** A transient failure: stays `sending` (STP may or may not have it) until the retry; after the last, `unknown`. */
  async recordTransient(id: string, code: string, message: string, final: boolean, finalDetail?: string): Promise<void> {
    const status = final ? 'unknown' : 'sending';
    const detail = final ? finalDetail ?? `STP did not answer after every retry (${message}); hold kept until STP's status webhook resolves it` : `transient failure: ${message}; will retry with the same tracking key`;
    await this.database.query(
      `update spei_out_orders set status = $2, error_code = $4, error_message = $5, updated_at = now(), ${HISTORY}
       where id = $1 and status = 'sending'`,
      [id, status, detail, code, message.slice(0, 500)],
    );
  }

  /** STP refused the order for good: void the hold and fail the order, in one transaction. */
  async fail(id: string, code: string, message: string): Promise<boolean> {
    return inTransaction(this.database.pool, async (client) => {
      const { rows } = await client.query('select status, hold_transfer_id from spei_out_orders where id = $1 for update', [id]);
      const row = rows[0] as { status: string; hold_transfer_id: string | null } | undefined;
      if (!row || row.status !== 'sending') return false;
      if (row.hold_transfer_id) {
        await this.ledger.void({ idempotencyKey: `spei-out-failed:${id}`, pendingId: row.hold_transfer_id, metadata: { spei_out_order_id: id, error_code: code } }, { db: client });
      }
      await client.query(
        `update spei_out_orders set status = $2, error_code = $4, error_message = $5, resolved_at = now(), updated_at = now(), ${HISTORY} where id = $1`,
        [id, 'failed', `refused: ${message}; hold voided`, code, message.slice(0, 500)],
      );
      return true;
    });
  }

  /** Orders left queued or sending longer than `ageMs` (their job lost, or a worker killed mid-send). */
  async stale(ageMs: number, limit: number): Promise<Array<{ id: string; status: SpeiOutStatus }>> {
    const { rows } = await this.database.query(
      `select id, status from spei_out_orders where status in ('queued', 'sending') and updated_at < now() - ($1::int * interval '1 millisecond') order by updated_at limit $2`,
      [ageMs, limit],
    );
    return rows as Array<{ id: string; status: SpeiOutStatus }>;
  }
}
