import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger } from 'pino';
import { AppConfig, ConfigModule } from '#libs/config';
import { DatabaseModule } from '#libs/database';
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
        LoggerModule.forRoot({
          // Every route (nestjs-pino's default pattern does not match on Fastify here), so logs
          // written while a request runs carry its request_id.
          forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
          pinoHttp: {
            logger: options.logger,
            // Fastify already assigned the id (from X-Request-Id or a new UUID).
            genReqId: (req) => (req as unknown as { id: string }).id,
            // Request lines are written by the gateway's own Fastify onResponse hook (gateway.app.ts),
            // which sees the route template and the final status on every path, errors included.
            autoLogging: false,
            quietReqLogger: true,
            customAttributeKeys: { reqId: 'request_id' },
          },
        }),
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
