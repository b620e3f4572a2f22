import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { CardFunds, CardIssuing, ProgramAdmin, SpeiRail } from '#libs/domain';
import { NecipcoAdapter } from './necipco.adapter.js';
import { NecipcoClient, type NecipcoClientOptions } from './necipco.client.js';

export function necipcoOptionsFromConfig(config: AppConfig): NecipcoClientOptions {
  return {
    baseUrl: config.necipcoBaseUrl,
    apiKey: config.necipcoApiKey,
    password: config.necipcoPassword,
    systemPublicKey: config.necipcoSystemPublicKey,
    privateKey: config.necipcoPrivateKey,
    padding: config.necipcoRsaPadding,
    timeoutMs: config.necipcoTimeoutMs,
    registerPublicKey: config.necipcoRegisterPublicKey,
  };
}

/**
 * The NeCIPCo provider: NecipcoClient (HTTP) and NecipcoAdapter, bound to the ports it implements.
 * Needs AppConfig in the container (ConfigModule.forRoot), or use `forOptions` (tests).
 */
@Module({
  providers: [
    { provide: NecipcoClient, useFactory: (config: AppConfig, logger?: Logger) => new NecipcoClient({ ...necipcoOptionsFromConfig(config), logger }), inject: [AppConfig, { token: AppLogger, optional: true }] },
    NecipcoAdapter,
    { provide: CardIssuing, useExisting: NecipcoAdapter },
    { provide: CardFunds, useExisting: NecipcoAdapter },
    { provide: ProgramAdmin, useExisting: NecipcoAdapter },
    { provide: SpeiRail, useExisting: NecipcoAdapter },
  ],
  exports: [NecipcoClient, NecipcoAdapter, CardIssuing, CardFunds, ProgramAdmin, SpeiRail],
})
export class NecipcoModule {
  static forOptions(options: NecipcoClientOptions): DynamicModule {
    return {
      module: NecipcoModule,
      providers: [
        { provide: NecipcoClient, useValue: new NecipcoClient(options) },
        NecipcoAdapter,
        { provide: CardIssuing, useExisting: NecipcoAdapter },
        { provide: CardFunds, useExisting: NecipcoAdapter },
        { provide: ProgramAdmin, useExisting: NecipcoAdapter },
        { provide: SpeiRail, useExisting: NecipcoAdapter },
      ],
      exports: [NecipcoClient, NecipcoAdapter, CardIssuing, CardFunds, ProgramAdmin, SpeiRail],
    };
  }
}
