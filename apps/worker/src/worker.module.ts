import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { QueueModule } from '#libs/queue';
import { LoggingModule } from '#libs/logging';
import { MaintenanceProcessor } from './maintenance/maintenance.processor.js';
import { InboxModule } from '#libs/inbox';
import { StpModule } from '#libs/providers/stp';
import { SpeiOutModule } from '#libs/spei-out';
import { SpeiOutProcessor } from './spei/spei-out.processor.js';
import { SpeiOutSweeper } from './spei/spei-out-sweeper.service.js';
import { DebitSettler } from './webhooks/debit-settler.service.js';
import { WebhookProcessor } from './webhooks/webhook.processor.js';
import { WebhookSweeper } from './webhooks/webhook-sweeper.service.js';
import { WorkerRunner } from './worker-runner.service.js';
import { PROCESSORS } from './worker.tokens.js';

/** Every processor this worker runs; a new queue's processor is added here. */
const PROCESSOR_CLASSES = [MaintenanceProcessor, WebhookProcessor, SpeiOutProcessor];

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), LoggingModule.forRoot(logger), DatabaseModule, QueueModule, InboxModule, StpModule, SpeiOutModule],
      providers: [
        ...PROCESSOR_CLASSES,
        { provide: PROCESSORS, inject: PROCESSOR_CLASSES, useFactory: (...processors: unknown[]) => processors },
        WorkerRunner,
        WebhookSweeper,
        DebitSettler,
        SpeiOutSweeper,
      ],
    };
  }
}
