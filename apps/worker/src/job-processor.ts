import type { Job } from 'bullmq';
import type { QueueName } from '#libs/queue';

/**
 * One BullMQ processor. Each is a Nest provider registered under this abstract class (multi
 * provider via WorkerModule), and the worker starts one BullMQ Worker per processor at bootstrap.
 */
export abstract class JobProcessor<T = unknown, R = unknown> {
  abstract readonly queue: QueueName;
  /** Jobs processed in parallel by this process. */
  readonly concurrency: number = 4;
  abstract process(job: Job<T, R>): Promise<R>;
}
