import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { DestinationStream, Logger } from 'pino';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
import { LoggingModule } from '#libs/logging';
import { QueueModule } from '#libs/queue';
import { AuthModule } from './auth/auth.module.js';
import { CardsApiModule } from './cards/cards-api.module.js';
import { ClabeAccountsApiModule } from './clabe-accounts/clabe-accounts-api.module.js';
import { BodyLogInterceptor } from './common/body-log.interceptor.js';
import { ProblemDetailsFilter } from './common/problem-details.filter.js';
import { HealthModule } from './health/health.module.js';
import { LedgerApiModule } from './ledger/ledger-api.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SpeiApiModule } from './spei/spei-api.module.js';
import { WebhooksApiModule } from './webhooks/webhooks-api.module.js';

export interface GatewayOptions {
  /** Where logs go (stdout by default); tests pass a stream to read them. */
  logDestination?: DestinationStream;
}

export interface GatewayModuleOptions {
  logger: Logger;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: GatewayModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(options.logger),
        DatabaseModule,
        QueueModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        LedgerApiModule,
        WebhooksApiModule,
        CardsApiModule,
        ClabeAccountsApiModule,
        SpeiApiModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_INTERCEPTOR, useClass: BodyLogInterceptor },
      ],
    };
  }
}
