import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { InboxRepository, WebhookIntakeService } from '#libs/inbox';
import { QueueFactory, QueueName } from '#libs/queue';
import { WORKER_LOGGER } from '../worker.tokens.js';

/**
 * Nothing waits forever: every SWEEPER_INTERVAL_MS, inbox rows still PENDING after SWEEPER_AGE_MS get a job
 * again when theirs is gone (Redis lost it, or the enqueue after the commit failed), finished, or stuck
 * active (a worker killed mid-run). A job still waiting is left alone. Applying is exactly-once by the row
 * lock and status, so an extra job is harmless.
 */
@Injectable()
export class WebhookSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
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

  /** One pass; returns how many rows got a new job. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let requeued = 0;
    try {
      const age = this.config.sweeperAgeMs;
      const rows = await this.inbox.stalePending(age, 2000);
      const queue = this.queues.queue(QueueName.Webhooks);
      for (const row of rows) {
        const job = await queue.getJob(row.id);
        let jobId = row.id;
        if (job) {
          const state = await job.getState();
          if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') continue;
          if (state === 'active' && Date.now() - (job.processedOn ?? 0) < age) continue;
          // Finished, failed or stuck: a new job under a new id (the old id is taken).
          jobId = `${row.id}:sweep:${Date.now()}`;
        }
        if (await this.intake.enqueue(row, jobId)) requeued++;
      }
      if (requeued > 0) this.log.warn({ requeued, candidates: rows.length }, 'sweeper re-enqueued inbox rows left PENDING');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'sweeper pass failed');
    } finally {
      this.running = false;
    }
    return requeued;
  }
}
