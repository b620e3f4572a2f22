import { MaintenanceJob, QueueName, type QueueFactory } from '#libs/queue';
import type { PingResult } from './maintenance/maintenance.processor.js';

/**
 * Proves that some worker consumes the queues: adds a Maintenance `ping` and polls its state until a
 * worker answers. Polling (not QueueEvents) so it works on both backends, Redis and Postgres.
 */
export async function pingWorker(queues: QueueFactory, timeoutMs = 5000): Promise<PingResult & { ms: number }> {
  const started = Date.now();
  const queue = queues.queue(QueueName.Maintenance);
  // One attempt and a short retention: a ping nobody answered must not be retried or pile up.
  const added = await queue.add(MaintenanceJob.Ping, {}, { attempts: 1, removeOnComplete: { age: 300 }, removeOnFail: { age: 300 } });
  const id = added.id!;
  while (Date.now() - started < timeoutMs) {
    const job = await queue.getJob(id);
    if (job?.finishedOn) {
      if (job.failedReason) throw new Error(`worker ping failed: ${job.failedReason}`);
      return { ...(job.returnvalue as PingResult), ms: Date.now() - started };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  await queue.remove(id).catch(() => undefined);
  throw new Error(`no worker answered a ping within ${timeoutMs} ms`);
}
