import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { QueueFactory, QueueName, type SpeiOutJobData } from '#libs/queue';
import { WORKER_LOGGER } from '../worker.tokens.js';
import { SpeiOutOrdersRepository } from '#libs/spei-out';

/**
 * No order waits forever: every SWEEPER_INTERVAL_MS, orders still `queued` or `sending` after SWEEPER_AGE_MS
 * get a send job again when theirs is gone (the enqueue after the commit failed, Redis lost it), finished, or
 * stuck active (a worker killed mid-send). A job still waiting or delayed (backoff) is left alone. An extra job
 * is harmless: the processor's compare-and-set claims each attempt once, and a resend reuses the tracking key.
 */
@Injectable()
export class SpeiOutSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(SpeiOutOrdersRepository) private readonly orders: SpeiOutOrdersRepository,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(WORKER_LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweeperIntervalMs);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let requeued = 0;
    try {
      const age = this.config.sweeperAgeMs;
      const queue = this.queues.queue<SpeiOutJobData>(QueueName.SpeiOut);
      for (const row of await this.orders.stale(age, 500)) {
        const job = await queue.getJob(row.id);
        let jobId = row.id;
        if (job) {
          const state = await job.getState();
          if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
          if (state === 'active' && Date.now() - (job.processedOn ?? 0) < age) continue;
          jobId = `${row.id}:sweep:${Date.now()}`;
        }
        await queue.add('send', { orderId: row.id }, { jobId, attempts: this.config.stpSendAttempts, backoff: { type: 'exponential', delay: this.config.stpSendBackoffMs } });
        requeued++;
      }
      if (requeued > 0) this.log.warn({ requeued }, 'sweeper re-enqueued SPEI OUT orders left queued or sending');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'SPEI OUT sweeper pass failed');
    } finally {
      this.running = false;
    }
    return requeued;
  }
}
