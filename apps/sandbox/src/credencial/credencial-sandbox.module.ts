import { Module } from '@nestjs/common';
import { CredencialSandboxAdminController, CredencialSandboxController } from './credencial-sandbox.controller.js';
import { CredencialSandboxService } from './credencial-sandbox.service.js';

/** The simulated Credencial under /credential (the document's paths) plus /credential/_sandbox controls. */
@Module({
  controllers: [CredencialSandboxController, CredencialSandboxAdminController],
  providers: [CredencialSandboxService],
  exports: [CredencialSandboxService],
})
export class CredencialSandboxModule {}
