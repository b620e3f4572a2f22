import { Module } from '@nestjs/common';
import { LedgerModule } from '#libs/ledger';
import { LedgerAccountsController, LedgerTransfersController } from './ledger.controller.js';

/** /v1/accounts/{id}, /v1/accounts/{id}/entries and /v1/ledger/transfers over libs/ledger. */
@Module({
  imports: [LedgerModule],
  controllers: [LedgerAccountsController, LedgerTransfersController],
})
export class LedgerApiModule {}
