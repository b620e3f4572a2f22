import 'reflect-metadata';
import { loadConfig } from '#libs/config';
import { QueueFactory } from '#libs/queue';
import { pingWorker } from './worker-ping.js';

/**
 * Container healthcheck of the worker (`node dist/apps/worker/src/healthcheck.js`): healthy when a
 * `ping` job makes the round trip through the queue backend. The worker has no HTTP server, and
 * this checks what matters — the backend answers and a worker is consuming.
 */
const queues = new QueueFactory(loadConfig());
pingWorker(queues, 5000).then(
  async (r) => {
    process.stdout.write(`ok: pong from pid ${r.pid} in ${r.ms} ms\n`);
    await queues.close();
    process.exit(0);
  },
  async (err: unknown) => {
    process.stderr.write(`unhealthy: ${(err as Error).message}\n`);
    await queues.close();
    process.exit(1);
  },
);
