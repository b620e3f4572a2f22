import { DynamicModule, Module, type Type } from '@nestjs/common';
import { AppConfig, ConfigModule } from '#libs/config';
import { BcsSandboxModule } from './bcs/bcs-sandbox.module.js';
import { CredencialSandboxModule } from './credencial/credencial-sandbox.module.js';
import { NecipcoSandboxModule } from './necipco/necipco-sandbox.module.js';
import { SandboxIndexController } from './sandbox-index.controller.js';
import { StpSandboxModule } from './stp/stp-sandbox.module.js';

/**
 * The provider simulators. Each provider's simulator is its own module under apps/sandbox/src/<provider>/,
 * listed in SIMULATORS, answering with that provider's own paths, payloads and error shapes.
 */
const SIMULATORS: Type[] = [NecipcoSandboxModule, StpSandboxModule, CredencialSandboxModule, BcsSandboxModule];

@Module({})
export class SandboxModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SandboxModule,
      imports: [ConfigModule.forRoot(config), ...SIMULATORS],
      controllers: [SandboxIndexController],
    };
  }
}
