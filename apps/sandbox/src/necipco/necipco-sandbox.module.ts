import { Module, type DynamicModule } from '@nestjs/common';
import { NecipcoSandboxAdminController } from './necipco-sandbox-admin.controller.js';
import { NecipcoSandboxController } from './necipco-sandbox.controller.js';
import { NECIPCO_SANDBOX_OPTIONS, NecipcoSandboxState, type NecipcoSandboxOptions } from './necipco-sandbox.state.js';

/**
 * The simulated NeCIPCo at /necipco/v1 (the document's paths) plus /necipco/v1/_sandbox controls.
 * Reads AppConfig when present (NECIPCO_API_KEY / NECIPCO_PASSWORD / NECIPCO_RSA_PADDING /
 * NECIPCO_PRIVATE_KEY); `forRoot(options)` overrides (tests).
 */
@Module({
  // The admin controller first: its static routes must not be shadowed by the catch-all.
  controllers: [NecipcoSandboxAdminController, NecipcoSandboxController],
  providers: [NecipcoSandboxState],
  exports: [NecipcoSandboxState],
})
export class NecipcoSandboxModule {
  static forRoot(options: NecipcoSandboxOptions = {}): DynamicModule {
    return {
      module: NecipcoSandboxModule,
      providers: [{ provide: NECIPCO_SANDBOX_OPTIONS, useValue: options }, NecipcoSandboxState],
      exports: [NecipcoSandboxState],
    };
  }
}
