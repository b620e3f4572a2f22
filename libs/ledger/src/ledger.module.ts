import { Module } from '@nestjs/common';
import { LedgerService } from './ledger.service.js';

/** The ledger, for any app. Needs DatabasePool and PrismaService, which the app's global DatabaseModule provides. */
@Module({
  providers: [LedgerService],
  exports: [LedgerService],
})
export class LedgerModule {}
