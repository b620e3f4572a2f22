import { Module } from '@nestjs/common';
import { LedgerModule } from '#libs/ledger';
import { StpModule } from '#libs/providers/stp';
import { SpeiOutOrdersRepository } from './spei-out-orders.repository.js';
import { SpeiOutSender } from './spei-out-sender.service.js';

/** The SPEI OUT order state machine and its sender, for the worker (jobs) and the gateway (reconcile). Needs the global DatabaseModule and ConfigModule. */
@Module({
  imports: [LedgerModule, StpModule],
  providers: [SpeiOutOrdersRepository, SpeiOutSender],
  exports: [SpeiOutOrdersRepository, SpeiOutSender],
})
export class SpeiOutModule {}
