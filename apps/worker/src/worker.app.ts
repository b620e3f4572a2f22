import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '#libs/config';
import { createLogger, PinoNestLogger } from '#libs/logging';
import { WorkerModule } from './worker.module.js';

/**
 * The worker is a Nest application context with no HTTP server: nothing calls it, it only consumes
 * queues, and it is proven alive by a `ping` round trip through the queue (see healthcheck.ts).
 */
export async function createWorkerApp(config: AppConfig, logDestination?: DestinationStream): Promise<INestApplicationContext> {
  const logger = createLogger(config, 'worker', logDestination);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), { logger: new PinoNestLogger(logger) });
  // On SIGTERM/SIGINT: workers finish their in-flight jobs, then queues and the pool close, then
  // exit 0 (process.exit rather than re-raising the signal, so supervisors see a clean stop).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  // Closing waits on the backend (a BullMQ close never returns while Redis is unreachable), so
  // shutdown is bounded: past SHUTDOWN_TIMEOUT_MS the process exits 1 and the job is retried elsewhere.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        logger.error({ signal, shutdown_timeout_ms: config.shutdownTimeoutMs }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }
  logger.info({ queue_backend: config.queueBackend }, 'worker started');
  return app;
}
