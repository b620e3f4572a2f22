import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';

/**
 * A sweeper: a pass `intervalMs` (SWEEPER_INTERVAL_MS unless a subclass says otherwise) after the last one
 * ended, or sooner when `nextDelayMs` says so (never two passes at once). Timer unref'd; at shutdown the timer
 * stops and a pass in flight is waited for (`stopping` tells a long pass to end early); a failed pass is logged
 * and the next one tries again.
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  protected stopping = false;

  protected abstract readonly name: string;
  /** One pass; returns how many rows it handled. */
  protected abstract pass(): Promise<number>;

  constructor(
    protected readonly config: AppConfig,
    protected readonly log: Logger,
  ) {}

  protected get intervalMs(): number {
    return this.config.sweeperIntervalMs;
  }

  /** The wait before the next pass, given how many rows the last one handled: `intervalMs` unless overridden. */
  protected nextDelayMs(_handled: number): number {
    return this.intervalMs;
  }

  onApplicationBootstrap(): void {
    this.schedule(this.intervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      void this.sweep().then((handled) => this.schedule(this.nextDelayMs(handled)));
    }, ms);
    this.timer.unref();
  }

  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = this.pass().catch((err: unknown) => {
      this.log.error({ err: (err as Error).message }, `${this.name} pass failed`);
      return 0;
    });
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }
}

/** Waiting or delayed, or active for less than `ageMs`: someone will still run it. */
async function stillPending(job: Job, ageMs: number): Promise<boolean> {
  const state = await job.getState();
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') return true;
  return state === 'active' && Date.now() - (job.processedOn ?? 0) < ageMs;
}

/** A shared job (of a group of rows) that is still pending in the sense of `stillPending`. */
export async function groupJobPending(queue: Queue, jobId: string, ageMs: number): Promise<boolean> {
  const job = await queue.getJob(jobId);
  return job ? stillPending(job, ageMs) : false;
}

/**
 * The job id to enqueue a stale row under: its own id when it has no job; undefined (leave it) while its job is
 * still waiting or delayed, or active for less than `ageMs`; else (finished, failed, stuck) a new id, the old one
 * being taken.
 */
export async function sweepJobId(queue: Queue, rowId: string, ageMs: number): Promise<string | undefined> {
  const job = await queue.getJob(rowId);
  if (!job) return rowId;
  if (await stillPending(job, ageMs)) return undefined;
  return `${rowId}:sweep:${Date.now()}`;
}
