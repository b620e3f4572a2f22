import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { DomainError } from '#libs/domain';
import { InboxRepository, WEBHOOK_GROUP_JOB, WebhookApplier, WebhookIntakeService, type ApplyResult, type WebhookGroupJobData, type WebhookJobData } from '#libs/inbox';
import { AppConfig } from '#libs/config';
import { QueueName } from '#libs/queue';
import { AppLogger } from '#libs/logging';
import { JobProcessor } from '../job-processor.js';

interface Waiter {
  id: string;
  resolve: (r: ApplyResult | undefined) => void;
  reject: (e: unknown) => void;
}

/** SPEI IN rows collected for one batch: flushed at this size, or after this long. */
const BATCH_MAX = 200;
const BATCH_WAIT_MS = 4;

/**
 * Applies inbox rows (job data: the row id only). Errors a retry cannot fix (a domain error: bad payload,
 * currency mismatch…) fail the row at once; others retry with backoff and the last attempt marks it FAILED
 * (the dead letter, replayable through the API). SPEI IN jobs are grouped into batches (one transaction and
 * one stp:settlement lock per batch); a batch that fails falls back to applying its rows one by one.
 *
 * A `spei_in_group` job (rows the gateway persisted in one statement) joins the same batches; a row of it that
 * fails is handed to its own job, after the first backoff, so its retries and dead letter are the one-row
 * path's and the group's other rows are not retried with it.
 */
@Injectable()
export class WebhookProcessor extends JobProcessor<WebhookJobData | WebhookGroupJobData, ApplyResult | undefined> {
  readonly queue = QueueName.Webhooks;
  override readonly concurrency = 200;
  private batch: Waiter[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(WebhookApplier) private readonly applier: WebhookApplier,
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AppLogger) private readonly log: Logger,
  ) {
    super();
  }

  async process(job: Job<WebhookJobData | WebhookGroupJobData, ApplyResult | undefined>): Promise<ApplyResult | undefined> {
    if (job.name === WEBHOOK_GROUP_JOB) return this.processGroup(job as Job<WebhookGroupJobData>);
    const id = (job.data as WebhookJobData | undefined)?.eventId;
    if (typeof id !== 'string') throw new UnrecoverableError('job without eventId');
    try {
      return job.name === 'spei_in' ? await this.batched(id) : await this.applier.apply(id);
    } catch (err) {
      const permanent = err instanceof DomainError;
      const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const message = (err as Error).message ?? String(err);
      await this.inbox.recordFailure(id, message, final).catch(() => undefined);
      this.log.warn({ event_id: id, type: job.name, attempt: job.attemptsMade + 1, final, err: message }, final ? 'webhook dead-lettered (FAILED)' : 'webhook apply failed; will retry');
      if (permanent) throw new UnrecoverableError(message);
      throw err;
    }
  }

  /** Rows already applied (a retried group) are skipped by the batch; the ones that fail get their own job. */
  private async processGroup(job: Job<WebhookGroupJobData>): Promise<undefined> {
    const ids = job.data?.eventIds;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new UnrecoverableError('group job without eventIds');
    const settled = await Promise.allSettled(ids.map((id) => this.batched(id)));
    for (const [i, r] of settled.entries()) {
      if (r.status === 'fulfilled') continue;
      const err = r.reason as Error;
      this.log.warn({ event_id: ids[i], group_job: job.id, err: err?.message ?? String(err) }, 'webhook of a group failed; it gets its own job');
      // Its own id, so the sweeper sees that job waiting and leaves the row to it. If the queue is down the group
      // job fails and is retried (its applied rows are skipped); the sweeper is the backstop.
      if (!(await this.intake.enqueue({ id: ids[i], type: 'spei_in' }, ids[i], this.config.webhookJobBackoffMs))) throw new Error(`could not hand webhook ${ids[i]} to its own job`);
    }
    return undefined;
  }

  private batched(id: string): Promise<ApplyResult | undefined> {
    return new Promise((resolve, reject) => {
      this.batch.push({ id, resolve, reject });
      if (this.batch.length >= BATCH_MAX) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_WAIT_MS);
    });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.batch;
    this.batch = [];
    if (waiters.length === 0) return;
    void this.applier.applySpeiInBatch(waiters.map((w) => w.id)).then(
      (results) => {
        const byId = new Map(results.map((r) => [r.id, r]));
        for (const w of waiters) w.resolve(byId.get(w.id));
      },
      async () => {
        // One bad row must not hold the others back: apply each alone, each with its own error.
        await Promise.all(waiters.map((w) => this.applier.apply(w.id).then(w.resolve, w.reject)));
      },
    );
  }
}
