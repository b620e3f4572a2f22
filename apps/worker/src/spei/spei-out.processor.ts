import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { QueueName, type SpeiOutJobData } from '#libs/queue';
import { AppLogger } from '#libs/logging';
import { JobProcessor } from '../job-processor.js';
import { SpeiOutOrdersRepository, SpeiOutSender, type SpeiOutStatus } from '#libs/spei-out';

export interface SpeiOutJobResult {
  orderId: string;
  status: SpeiOutStatus;
  /** False when this job found nothing to send (already sent or resolved, or claimed by another job). */
  sent: boolean;
}

/**
 * Sends one SPEI OUT order to STP (job data: the order id only). Why an order reaches STP at most once, and
 * why a lost answer is safe:
 * - the tracking key was generated and stored with the order (and its hold) before it was queued; every
 *   attempt sends that same key;
 * - before the call the row moves to `sending` by compare-and-set on (status, attempts): of two jobs for one
 *   order only one claims each attempt; an order already `sent`, `settled`, `returned` or `failed` is skipped;
 * - a timeout or 5xx leaves it `sending` — STP may have it — and the retry (exponential backoff) RESENDS with
 *   the same key rather than guessing: STP refuses a duplicate tracking key (409), which the adapter turns into
 *   `alreadyRegistered`, so the retry either registers the order for the first time or learns it exists.
 *   The document offers no order query, so resending is the only way to find out, and it cannot duplicate.
 * - a refusal (400/403/404, or our validation) is permanent: the hold is voided and the order `failed` in one
 *   transaction; after the last transient failure the order is `unknown` and its hold kept (STP may still have
 *   it: its status webhook posts or voids the hold whenever it comes).
 * No database transaction is open while STP is called. The send itself is SpeiOutSender (libs/spei-out), which
 * the operator's reconcile (POST /v1/spei/transfers/{id}/reconcile) uses too.
 */
@Injectable()
export class SpeiOutProcessor extends JobProcessor<SpeiOutJobData, SpeiOutJobResult> {
  readonly queue = QueueName.SpeiOut;
  override readonly concurrency = 8;

  constructor(
    @Inject(SpeiOutOrdersRepository) private readonly orders: SpeiOutOrdersRepository,
    @Inject(SpeiOutSender) private readonly sender: SpeiOutSender,
    @Inject(AppLogger) private readonly log: Logger,
  ) {
    super();
  }

  async process(job: Job<SpeiOutJobData, SpeiOutJobResult>): Promise<SpeiOutJobResult> {
    const id = job.data?.orderId;
    if (typeof id !== 'string') throw new UnrecoverableError('job without orderId');
    const order = await this.orders.get(id);
    if (!order) throw new UnrecoverableError(`SPEI OUT order ${id} not found`);
    const attempt = order.attempts + 1;
    const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    let outcome;
    try {
      outcome = await this.sender.send(order, { from: ['queued', 'sending'], final });
    } catch (err) {
      // Our own trouble (database, a bug): retried; the row stays `sending`, so the resend is keyed as above.
      this.log.error({ order_id: id, attempt, err: (err as Error).message }, 'SPEI OUT order: unexpected error; will retry');
      throw err;
    }
    switch (outcome.kind) {
      case 'skipped':
        return { orderId: id, status: outcome.status, sent: false };
      case 'sent': {
        const s = outcome.submission;
        this.log.info({ order_id: id, tracking_key: order.trackingKey, attempt, already_registered: s.alreadyRegistered, provider_order_id: s.providerOrderId }, 'SPEI OUT order sent to STP');
        return { orderId: id, status: 'sent', sent: true };
      }
      case 'transient': {
        const err = outcome.error;
        this.log.warn({ order_id: id, tracking_key: order.trackingKey, attempt, final, err: err.message, reason: err.details?.reason }, final ? 'SPEI OUT order: STP never answered; order unknown, hold kept' : 'SPEI OUT order: STP failed transiently; will retry with the same tracking key');
        if (final) throw new UnrecoverableError(err.message);
        throw err;
      }
      case 'refused':
        this.log.warn({ order_id: id, tracking_key: order.trackingKey, attempt, code: outcome.error.code, err: outcome.error.message }, 'SPEI OUT order refused; hold voided');
        throw new UnrecoverableError(outcome.error.message);
    }
  }
}
