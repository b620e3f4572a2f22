import { Inject, Injectable, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { QueueFactory, type AppWorker } from '#libs/queue';
import { AppLogger } from '#libs/logging';
import { JobProcessor } from './job-processor.js';
import { PROCESSORS } from './worker.tokens.js';

/** Starts a BullMQ Worker per registered processor; on shutdown lets in-flight jobs finish. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: AppWorker[] = [];

  constructor(
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(PROCESSORS) private readonly processors: JobProcessor[],
    @Inject(AppLogger) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    for (const p of this.processors) {
      const w = this.queues.worker(p.queue, (job) => p.process(job), { concurrency: p.concurrency });
      // Backend errors (Redis/Postgres unreachable) repeat on every reconnect: log each distinct one, at most every 30 s.
      let lastError = { message: '', at: 0 };
      w.on('error', (err) => {
        if (err.message === lastError.message && Date.now() - lastError.at < 30_000) return;
        lastError = { message: err.message, at: Date.now() };
        this.log.error({ queue: p.queue, err: err.message }, 'queue backend error');
      });
      w.on('failed', (job, err) => this.log.warn({ queue: p.queue, job_id: job?.id, job_name: job?.name, attempts: job?.attemptsMade, err: err.message }, 'job failed'));
      this.workers.push(w);
      this.log.info({ queue: p.queue, concurrency: p.concurrency }, 'processing queue');
    }
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.log.info({ signal }, 'stopping workers; waiting for jobs in progress');
    // close() waits for the jobs in progress; the queue module then closes connections.
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.log.info('workers stopped');
  }
}
