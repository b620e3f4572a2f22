import { Module } from '@nestjs/common';
import { InboxModule } from '#libs/inbox';
import { LedgerModule } from '#libs/ledger';
import { StpModule } from '#libs/providers/stp';
import { SpeiOutModule } from '#libs/spei-out';
import { CardsApiModule } from '../cards/cards-api.module.js';
import { SpeiTransfersController } from './spei-transfers.controller.js';
import { SpeiTransfersService } from './spei-transfers.service.js';

/** /v1/spei/transfers: one resource, routed by source — CLABE → STP (hold, queue, worker), card → NeCIPCo. */
@Module({
  imports: [LedgerModule, InboxModule, StpModule, SpeiOutModule, CardsApiModule],
  controllers: [SpeiTransfersController],
  providers: [SpeiTransfersService],
})
export class SpeiApiModule {}
