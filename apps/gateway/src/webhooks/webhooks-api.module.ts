import { Module } from '@nestjs/common';
import { InboxModule } from '#libs/inbox';
import { ProviderLinksController, WebhookEventsController } from './webhook-events.controller.js';
import { CredencialWebhooksController, StpWebhooksController } from './webhook-receivers.controller.js';
import { WebhookVerificationGuard } from './webhook-verification.guard.js';

/** Provider webhook receivers (/webhooks/*), the inbox API (/v1/webhook-events), provider links. */
@Module({
  imports: [InboxModule],
  controllers: [StpWebhooksController, CredencialWebhooksController, WebhookEventsController, ProviderLinksController],
  providers: [WebhookVerificationGuard],
})
export class WebhooksApiModule {}
