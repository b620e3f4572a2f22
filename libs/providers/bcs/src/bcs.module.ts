import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { CardServicing } from '#libs/domain';
import { BcsAdapter } from './bcs.adapter.js';
import { BcsClient, type BcsClientOptions } from './bcs.client.js';

export function bcsOptionsFromConfig(config: AppConfig): BcsClientOptions {
  return {
    baseUrl: config.bcsBaseUrl,
    clientId: config.bcsClientId,
    clientSecret: config.bcsClientSecret,
    accessToken: config.bcsAccessToken,
    cipherKey: config.bcsCipherKey,
    invoker: config.bcsInvoker,
    timeoutMs: config.bcsTimeoutMs,
  };
}

/** The BCS provider: BcsClient and BcsAdapter bound to CardServicing. Needs AppConfig, or use `forOptions`. */
@Module({
  providers: [
    { provide: BcsClient, useFactory: (config: AppConfig, logger?: Logger) => new BcsClient({ ...bcsOptionsFromConfig(config), logger }), inject: [AppConfig, { token: AppLogger, optional: true }] },
    BcsAdapter,
    { provide: CardServicing, useExisting: BcsAdapter },
  ],
  exports: [BcsClient, BcsAdapter, CardServicing],
})
export class BcsModule {
  static forOptions(options: BcsClientOptions): DynamicModule {
    return {
      module: BcsModule,
      providers: [{ provide: BcsClient, useValue: new BcsClient(options) }, BcsAdapter, { provide: CardServicing, useExisting: BcsAdapter }],
      exports: [BcsClient, BcsAdapter, CardServicing],
    };
  }
}
