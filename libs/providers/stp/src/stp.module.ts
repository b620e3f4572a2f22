import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { ClabeAccounts, SpeiOut } from '#libs/domain';
import { StpAdapter } from './stp.adapter.js';
import { StpClient } from './stp.client.js';

/**
 * Needs AppConfig from the (global) ConfigModule. Provides the client, the adapter (also under its
 * class, for a gateway that routes by provider) and the two port tokens it implements.
 */
@Module({
  providers: [
    {
      provide: StpClient,
      inject: [AppConfig, { token: AppLogger, optional: true }],
      useFactory: (config: AppConfig, logger?: Logger) => new StpClient({ baseUrl: config.stpBaseUrl, timeoutMs: config.stpTimeoutMs, logger }),
    },
    {
      provide: StpAdapter,
      inject: [StpClient, AppConfig],
      useFactory: (client: StpClient, config: AppConfig) =>
        new StpAdapter(client, {
          enterprise: config.stpEnterprise,
          enterpriseId: config.stpEnterpriseId,
          payerAccount: config.stpPayerAccount,
          trackingKeyPrefix: config.stpTrackingKeyPrefix,
        }),
    },
    { provide: ClabeAccounts, useExisting: StpAdapter },
    { provide: SpeiOut, useExisting: StpAdapter },
  ],
  exports: [StpClient, StpAdapter, ClabeAccounts, SpeiOut],
})
export class StpModule {}
