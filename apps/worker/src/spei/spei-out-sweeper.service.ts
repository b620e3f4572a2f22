import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { QueueFactory, QueueName, type SpeiOutJobData } from '#libs/queue';
import { AppLogger } from '#libs/logging';
import { PeriodicSweeper, sweepJobId } from '../periodic-sweeper.js';
import { SpeiOutOrdersRepository } from '#libs/spei-out';

/**
 * No order waits forever: every SWEEPER_INTERVAL_MS, orders still `queued` or `sending` after SWEEPER_AGE_MS
 * get a send job again when theirs is gone (the enqueue after the commit failed, Redis lost it), finished, or
 * stuck active (a worker killed mid-send). A job still waiting or delayed (backoff) is left alone. An extra job
 * is harmless: the processor's compare-and-set claims each attempt once, and a resend reuses the tracking key.
 */
@Injectable()
export class SpeiOutSweeper extends PeriodicSweeper {
  protected readonly name = 'SPEI OUT sweeper';

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(SpeiOutOrdersRepository) private readonly orders: SpeiOutOrdersRepository,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(AppLogger) log: Logger,
  ) {
    super(config, log);
  }

  protected async pass(): Promise<number> {
    const age = this.config.sweeperAgeMs;
    const queue = this.queues.queue<SpeiOutJobData>(QueueName.SpeiOut);
    let requeued = 0;
    for (const row of await this.orders.stale(age, 500)) {
      const jobId = await sweepJobId(queue, row.id, age);
      if (!jobId) continue;
      await queue.add('send', { orderId: row.id }, { jobId, attempts: this.config.stpSendAttempts, backoff: { type: 'exponential', delay: this.config.stpSendBackoffMs } });
      requeued++;
    }
    if (requeued > 0) this.log.warn({ requeued }, 'sweeper re-enqueued SPEI OUT orders left queued or sending');
    return requeued;
  }
}
