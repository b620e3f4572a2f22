import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { CardProcessing } from '#libs/domain';
import { CredencialAdapter } from './credencial.adapter.js';
import { CredencialClient } from './credencial.client.js';

/** Needs AppConfig from the (global) ConfigModule. Provides the client, the adapter and the CardProcessing port. */
@Module({
  providers: [
    {
      provide: CredencialClient,
      inject: [AppConfig, { token: AppLogger, optional: true }],
      useFactory: (config: AppConfig, logger?: Logger) =>
        new CredencialClient({ baseUrl: config.credencialBaseUrl, timeoutMs: config.credencialTimeoutMs, maxRetries: config.credencialMaxRetries, logger }),
    },
    { provide: CredencialAdapter, inject: [CredencialClient], useFactory: (client: CredencialClient) => new CredencialAdapter(client) },
    { provide: CardProcessing, useExisting: CredencialAdapter },
  ],
  exports: [CredencialClient, CredencialAdapter, CardProcessing],
})
export class CredencialModule {}
