import { Inject, Injectable } from '@nestjs/common';
import { DomainError, ProviderUnavailableError, SpeiOut, type SpeiOutSubmission } from '#libs/domain';
import { SpeiOutOrdersRepository, type SpeiOutOrderRecord, type SpeiOutStatus } from './spei-out-orders.repository.js';

/** What one send attempt came to. */
export type SpeiOutSendOutcome =
  /** Not sent: the order was not in a sendable state, or another sender claimed this attempt first. */
  | { kind: 'skipped'; status: SpeiOutStatus; order: SpeiOutOrderRecord | null }
  | { kind: 'sent'; submission: SpeiOutSubmission; order: SpeiOutOrderRecord }
  /** STP did not answer (timeout, 5xx): STP may or may not have it. Row: `sending`, or `unknown` when final. */
  | { kind: 'transient'; error: ProviderUnavailableError; final: boolean; order: SpeiOutOrderRecord }
  /** STP (or our own pre-send validation) refused it for good: hold voided, row `failed`. */
  | { kind: 'refused'; error: DomainError; order: SpeiOutOrderRecord };

export interface SpeiOutSendOptions {
  /** States this sender may claim the order from. */
  from: readonly SpeiOutStatus[];
  /** Whether a transient failure is the last try (the row then goes `unknown`, hold kept). */
  final: boolean;
  /** History detail of the claim. */
  claimDetail?: (order: SpeiOutOrderRecord) => string;
  /** History detail when a final transient failure leaves the order `unknown`. */
  unknownDetail?: (message: string) => string;
}

/**
 * One send of a SPEI OUT order to STP, shared by the worker's job processor and the operator's reconcile:
 * claim the attempt by compare-and-set (so two senders never claim the same attempt), call STP with the
 * order's stored tracking key (never a new one: a resend of an order STP already has is answered 409, which
 * the adapter reports as `alreadyRegistered`, so nothing is sent twice), then record the outcome.
 * No database transaction is open while STP is called. Unexpected errors (ours) propagate, row left `sending`.
 */
@Injectable()
export class SpeiOutSender {
  constructor(
    @Inject(SpeiOutOrdersRepository) private readonly orders: SpeiOutOrdersRepository,
    @Inject(SpeiOut) private readonly stp: SpeiOut,
  ) {}

  /** `o`: the order as just read (the claim compares against its status and attempts). */
  async send(o: SpeiOutOrderRecord, opts: SpeiOutSendOptions): Promise<SpeiOutSendOutcome> {
    const id = o.id;
    if (!opts.from.includes(o.status)) return { kind: 'skipped', status: o.status, order: o };
    if (!(await this.orders.claimSend(o, opts.claimDetail?.(o)))) {
      const now = await this.orders.get(id);
      return { kind: 'skipped', status: now?.status ?? o.status, order: now };
    }
    try {
      const submission = await this.stp.sendOrder(o.order);
      await this.orders.markSent(id, submission);
      return { kind: 'sent', submission, order: o };
    } catch (err) {
      if (err instanceof ProviderUnavailableError) {
        await this.orders.recordTransient(id, err.code, err.message, opts.final, opts.unknownDetail?.(err.message));
        return { kind: 'transient', error: err, final: opts.final, order: o };
      }
      if (err instanceof DomainError) {
        await this.orders.fail(id, err.code, err.message);
        return { kind: 'refused', error: err, order: o };
      }
      throw err;
    }
  }
}
