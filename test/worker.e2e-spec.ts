import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '#libs/config';
import { MaintenanceJob, QueueFactory, QueueName } from '#libs/queue';
import { runNode } from './support/processes.js';

describe('worker (e2e)', () => {
  it('processes a maintenance ping through Redis, and stops gracefully on SIGTERM', async () => {
    const config = loadConfig();
    const worker = runNode('dist/apps/worker/src/main.js', { LOG_LEVEL: 'info' });
    const queues = new QueueFactory(config);
    const connection = new Redis(config.redisUrl!, { maxRetriesPerRequest: null });
    const events = new QueueEvents(QueueName.Maintenance, { connection, prefix: config.queuePrefix });
    try {
      await worker.waitFor(/worker started/, 30_000);
      await events.waitUntilReady();
      const job = await queues.queue(QueueName.Maintenance).add(MaintenanceJob.Ping, {});
      const result = (await job.waitUntilFinished(events, 15_000)) as { pong: boolean; pid: number };
      expect(result.pong).toBe(true);
      expect(result.pid).toBe(worker.child.pid);
    } finally {
      worker.child.kill('SIGTERM');
      const { code } = await worker.exited();
      // Shutdown hooks ran (workers closed, then queues and the pool) and the process exited 0.
      expect(code).toBe(0);
      expect(worker.output()).toContain('workers stopped');
      await events.close();
      await queues.close();
      connection.disconnect();
    }
  }, 60_000);
});
