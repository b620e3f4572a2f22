import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { InboxRepository, WebhookIntakeService } from '#libs/inbox';
import { QueueFactory, QueueName } from '#libs/queue';
import { AppLogger } from '#libs/logging';
import { groupJobPending, PeriodicSweeper, sweepJobId } from '../periodic-sweeper.js';

/**
 * Nothing waits forever: every SWEEPER_INTERVAL_MS, inbox rows still PENDING after SWEEPER_AGE_MS get a job
 * again when theirs is gone (Redis lost it, or the enqueue after the commit failed), finished, or stuck
 * active (a worker killed mid-run). A job still waiting is left alone, and so is a row whose group's job (rows
 * persisted in one statement share one) is still waiting. Applying is exactly-once by the row
 * lock and status, so an extra job is harmless.
 */
@Injectable()
export class WebhookSweeper extends PeriodicSweeper {
  protected readonly name = 'sweeper';

  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(AppLogger) log: Logger,
  ) {
    super(config, log);
  }

  protected async pass(): Promise<number> {
    const age = this.config.sweeperAgeMs;
    const rows = await this.inbox.stalePending(age, 2000);
    const queue = this.queues.queue(QueueName.Webhooks);
    let requeued = 0;
    for (const row of rows) {
      // A row persisted in a group shares its group's job: while that one is waiting (or recently active), so is the row.
      if (row.jobId && (await groupJobPending(queue, row.jobId, age))) continue;
      const jobId = await sweepJobId(queue, row.id, age);
      if (jobId && (await this.intake.enqueue(row, jobId))) requeued++;
    }
    if (requeued > 0) this.log.warn({ requeued, candidates: rows.length }, 'sweeper re-enqueued inbox rows left PENDING');
    return requeued;
  }
}
