import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { MaintenanceJob, QueueName } from '#libs/queue';
import { JobProcessor } from '../job-processor.js';

export interface PingResult {
  pong: true;
  at: string;
  pid: number;
}

/** Housekeeping jobs. `ping` is a real round trip through the queue: tests and ops use it to prove a worker is alive. */
@Injectable()
export class MaintenanceProcessor extends JobProcessor<Record<string, never>, PingResult> {
  readonly queue = QueueName.Maintenance;

  async process(job: Job<Record<string, never>, PingResult>): Promise<PingResult> {
    if (job.name !== MaintenanceJob.Ping) throw new Error(`unknown maintenance job ${job.name}`);
    return { pong: true, at: new Date().toISOString(), pid: process.pid };
  }
}
