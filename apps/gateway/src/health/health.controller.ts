import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DatabasePool } from '#libs/database';
import { QueueFactory } from '#libs/queue';
import { Public } from '../auth/public.decorator.js';
import { ShutdownState } from './shutdown-state.js';

/** Liveness says the process answers; readiness says it can do work (Postgres + queue backend). */
@Public()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(DatabasePool) private readonly db: DatabasePool,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(ShutdownState) private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const s = this.indicators.check('accepting_traffic');
        return this.shutdown.stopping ? s.down({ reason: 'shutting down' }) : s.up();
      },
      async () => {
        const s = this.indicators.check('database');
        try {
          await withTimeout(this.db.ping(), 2000);
          return s.up();
        } catch (e) {
          return s.down({ message: (e as Error).message });
        }
      },
      async () => {
        const s = this.indicators.check('queue');
        try {
          await this.queues.ping(2000);
          return s.up({ backend: this.queues.backend });
        } catch (e) {
          return s.down({ backend: this.queues.backend, message: (e as Error).message });
        }
      },
    ]);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`no answer in ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
