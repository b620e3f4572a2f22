import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '#libs/config';
import { MaintenanceJob, QueueFactory, QueueName } from '#libs/queue';
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { startGateway } from './support/gateway.js';
import { isolatedEnv } from './support/isolated.js';
import { runNode } from './support/processes.js';
import { until } from './support/until.js';
import { newClabe, sendWebhook } from './support/webhooks.js';

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

/**
 * Graceful shutdown with work in flight: SIGTERM while the worker is inside a job's transaction lets that job
 * finish and commit (the row ends APPLIED, once) before the process exits 0. On its own database and queue prefix,
 * so no other suite's worker can take the job.
 */
describe('worker shutdown with a job in flight (e2e)', () => {
  it('finishes the running job before exiting on SIGTERM', async () => {
    const isolated = await isolatedEnv('shutdown');
    const gw = await startGateway(isolated.env);
    const db = new pg.Client({ connectionString: isolated.env.DATABASE_URL });
    await db.connect();
    const worker = runNode('dist/apps/worker/src/main.js', { ...isolated.env, LOG_LEVEL: 'info' });
    try {
      await worker.waitFor(/worker started/, 30_000);
      const reference = `SLOW${randomInt(1e6, 9e6)}`;
      // The applying transaction of this one event sleeps 2 s before its status change: SIGTERM lands mid-job.
      await db.query(`create function slow_apply() returns trigger language plpgsql as $$ begin perform pg_sleep(2); return new; end $$`);
      await db.query(`create trigger slow_apply before update on webhook_events for each row
                        when (new.status = 'APPLIED' and new.dedup_key like '%${reference}%') execute function slow_apply()`);
      const sent = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: newClabe(), reference, amount: '12.34' });
      expect(sent.status).toBe(200);
      const id = sent.body.event_id as string;
      // Wait until the worker is inside the sleep, i.e. mid-transaction.
      await until(
        'the job to be mid-transaction',
        async () => (await db.query(`select 1 from pg_stat_activity where wait_event = 'PgSleep' and datname = current_database()`)).rowCount,
        (n) => (n ?? 0) > 0,
        10_000,
      );
      const asked = Date.now();
      worker.child.kill('SIGTERM');
      const { code } = await worker.exited();
      expect(code).toBe(0);
      // It waited for the job (the sleep had up to 2 s left) rather than dropping it.
      expect(Date.now() - asked).toBeGreaterThan(500);
      expect(worker.output()).toContain('workers stopped');
      const { rows } = await db.query('select status, attempts from webhook_events where id = $1', [id]);
      expect(rows[0]).toMatchObject({ status: 'APPLIED' });
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await db.query('drop trigger if exists slow_apply on webhook_events').catch(() => undefined);
      await db.end();
      await gw.close();
      await isolated.drop();
    }
  }, 60_000);
});
