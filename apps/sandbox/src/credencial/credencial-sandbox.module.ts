import { Module } from '@nestjs/common';
import { CredencialSandboxAdminController, CredencialSandboxController } from './credencial-sandbox.controller.js';
import { CredencialSandboxService } from './credencial-sandbox.service.js';
import { CredencialWebhookSender } from './credencial-webhook.sender.js';

/** The simulated Credencial under /credential (the document's paths) plus /credential/_sandbox controls,
 * including the webhook sender (POSTs signed webhooks to GATEWAY_URL). */
@Module({
  controllers: [CredencialSandboxController, CredencialSandboxAdminController],
  providers: [CredencialSandboxService, CredencialWebhookSender],
  exports: [CredencialSandboxService],
})
export class CredencialSandboxModule {}
