import { Module } from '@nestjs/common';
import { InboxModule } from '#libs/inbox';
import { LedgerModule } from '#libs/ledger';
import { StpModule } from '#libs/providers/stp';
import { ClabeAccountsController } from './clabe-accounts.controller.js';
import { ClabeAccountsService } from './clabe-accounts.service.js';

/** /v1/clabe-accounts: CLABE accounts opened at STP (ClabeAccounts port), each with its ledger account and link. */
@Module({
  imports: [LedgerModule, InboxModule, StpModule],
  controllers: [ClabeAccountsController],
  providers: [ClabeAccountsService],
})
export class ClabeAccountsApiModule {}
