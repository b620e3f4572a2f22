import { Module } from '@nestjs/common';
import { LedgerModule } from '#libs/ledger';
import { CredencialAuthorizer } from './credencial-authorizer.service.js';
import { InboxRepository } from './inbox.repository.js';
import { ProviderLinksRepository } from './provider-links.repository.js';
import { WebhookApplier } from './webhook-applier.service.js';
import { WebhookIntakeService } from './webhook-intake.service.js';

/** The inbox for gateway and worker. Needs the app's global DatabaseModule, QueueModule and ConfigModule. */
@Module({
  imports: [LedgerModule],
  providers: [InboxRepository, ProviderLinksRepository, WebhookIntakeService, CredencialAuthorizer, WebhookApplier],
  exports: [InboxRepository, ProviderLinksRepository, WebhookIntakeService, CredencialAuthorizer, WebhookApplier, LedgerModule],
})
export class InboxModule {}
