import { Module } from '@nestjs/common';
import { InboxModule } from '#libs/inbox';
import { ProviderLinksController, QueuesDashboardController, WebhookEventsController } from './webhook-events.controller.js';
import { CredencialWebhooksController, StpWebhooksController } from './webhook-receivers.controller.js';
import { WebhookVerificationGuard } from './webhook-verification.guard.js';

/** Provider webhook receivers (/webhooks/*), the inbox API (/v1/webhook-events), provider links, /admin/queues. */
@Module({
  imports: [InboxModule],
  controllers: [StpWebhooksController, CredencialWebhooksController, WebhookEventsController, ProviderLinksController, QueuesDashboardController],
  providers: [WebhookVerificationGuard],
})
export class WebhooksApiModule {}
