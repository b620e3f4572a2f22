import { Module } from '@nestjs/common';
import { StpSandboxAdminController, StpSandboxController } from './stp-sandbox.controller.js';
import { StpSandboxService } from './stp-sandbox.service.js';
import { StpWebhookSender } from './stp-webhook-sender.service.js';

/**
 * The simulated STP under /stp (the document's paths) plus /stp/_sandbox controls. Needs AppConfig
 * (global ConfigModule): it accepts STP_ENTERPRISE / STP_ENTERPRISE_ID and knows STP_PAYER_ACCOUNT.
 */
@Module({
  controllers: [StpSandboxController, StpSandboxAdminController],
  providers: [StpSandboxService, StpWebhookSender],
  exports: [StpSandboxService, StpWebhookSender],
})
export class StpSandboxModule {}
