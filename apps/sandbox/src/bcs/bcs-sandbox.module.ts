import { Module, type DynamicModule } from '@nestjs/common';
import { BcsSandboxAdminController } from './bcs-sandbox-admin.controller.js';
import { BcsSandboxController } from './bcs-sandbox.controller.js';
import { BCS_SANDBOX_OPTIONS, BcsSandboxState, type BcsSandboxOptions } from './bcs-sandbox.state.js';

/**
 * The simulated BCS cards-management API at /cards-management/v1 (and the document's odd
 * /cardsManagement/v1/DebitCard), plus /cards-management/v1/_sandbox controls. Reads AppConfig when
 * present (BCS_CLIENT_ID / BCS_CLIENT_SECRET / BCS_ACCESS_TOKEN / BCS_CIPHER_KEY); `forRoot` overrides.
 */
@Module({
  controllers: [BcsSandboxAdminController, BcsSandboxController],
  providers: [BcsSandboxState],
  exports: [BcsSandboxState],
})
export class BcsSandboxModule {
  static forRoot(options: BcsSandboxOptions = {}): DynamicModule {
    return {
      module: BcsSandboxModule,
      providers: [{ provide: BCS_SANDBOX_OPTIONS, useValue: options }, BcsSandboxState],
      exports: [BcsSandboxState],
    };
  }
}
