import { Module } from '@nestjs/common';
import { LedgerModule } from '#libs/ledger';
import { NecipcoModule } from '#libs/providers/necipco';
import { CardDataKeysService } from './card-data-keys.service.js';
import { CardLedgerService } from './card-ledger.service.js';
import { CardMoneyService } from './card-money.service.js';
import { CardProviders } from './card-providers.js';
import { CardDataKeyController, CardholdersController, CardsController, CardTransfersController } from './cards.controller.js';
import { CardsService } from './cards.service.js';
import { CardSpeiController, ClientsController, ProductsCatalogsController } from './program.controller.js';
import { ProgramService } from './program.service.js';

/**
 * /v1 cardholders, cards, card money, SPEI from a card, sub-clients, products and catalogs, over the
 * card ports (CardIssuing, CardFunds, ProgramAdmin, SpeiRail) — today bound to NeCIPCo by NecipcoModule.
 */
@Module({
  imports: [LedgerModule, NecipcoModule],
  controllers: [CardholdersController, CardsController, CardTransfersController, CardDataKeyController, ClientsController, ProductsCatalogsController, CardSpeiController],
  providers: [CardProviders, CardDataKeysService, CardLedgerService, CardsService, CardMoneyService, ProgramService],
  // The SPEI module routes card-sourced transfers here.
  exports: [CardMoneyService],
})
export class CardsApiModule {}
