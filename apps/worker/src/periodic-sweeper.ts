import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '#libs/config';

/**
 * A sweeper: every `intervalMs`, one pass (never two at once) that gives rows left behind a new job. Timer
 * unref'd, stopped before shutdown; a failed pass is logged and the next one tries again.
 */
export abstract class PeriodicSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  protected abstract readonly name: string;
  /** One pass; returns how many rows got a new job. */
  protected abstract pass(): Promise<number>;

  constructor(
    protected readonly config: AppConfig,
    protected readonly log: Logger,
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
    try {
      return await this.pass();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, `${this.name} pass failed`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}

/**
 * The job id to enqueue a stale row under: its own id when it has no job; undefined (leave it) while its job is
 * still waiting or delayed, or active for less than `ageMs`; else (finished, failed, stuck) a new id, the old one
 * being taken.
 */
export async function sweepJobId(queue: Queue, rowId: string, ageMs: number): Promise<string | undefined> {
  const job = await queue.getJob(rowId);
  if (!job) return rowId;
  const state = await job.getState();
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') return undefined;
  if (state === 'active' && Date.now() - (job.processedOn ?? 0) < ageMs) return undefined;
  return `${rowId}:sweep:${Date.now()}`;
}
