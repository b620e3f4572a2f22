import { Module } from '@nestjs/common';
import { LedgerModule } from '#libs/ledger';
import { BcsModule } from '#libs/providers/bcs';
import { CredencialModule } from '#libs/providers/credencial';
import { NecipcoModule } from '#libs/providers/necipco';
import { CardDataKeysService } from './card-data-keys.service.js';
import { CardLedgerService } from './card-ledger.service.js';
import { CardMoneyService } from './card-money.service.js';
import { CardProcessingService } from './card-processing.service.js';
import { CardProviders } from './card-providers.js';
import { CardServicingController } from './card-servicing.controller.js';
import { CardServicingService } from './card-servicing.service.js';
import { CardDataKeyController, CardholdersController, CardsController, CardTransfersController } from './cards.controller.js';
import { CardsService } from './cards.service.js';
import { CardSpeiController, ClientsController, ProductsCatalogsController } from './program.controller.js';
import { ProgramKeysController } from './program-keys.controller.js';
import { ProgramKeysService } from './program-keys.service.js';
import { ProgramService } from './program.service.js';

/**
 * /v1 cardholders, cards, card money, SPEI from a card, sub-clients, products and catalogs, over the
 * card ports (CardIssuing, CardFunds, ProgramAdmin, SpeiRail) bound to NeCIPCo by NecipcoModule, and
 * CardProcessing (nomination, status, NIP) bound to Credencial by CredencialModule.
 */
@Module({
  imports: [LedgerModule, NecipcoModule, CredencialModule, BcsModule],
  controllers: [CardServicingController, CardholdersController, CardsController, CardTransfersController, CardDataKeyController, ClientsController, ProductsCatalogsController, CardSpeiController, ProgramKeysController],
  providers: [CardProviders, CardProcessingService, CardServicingService, CardDataKeysService, CardLedgerService, CardsService, CardMoneyService, ProgramService, ProgramKeysService],
  // The SPEI module routes card-sourced transfers here.
  exports: [CardMoneyService],
})
export class CardsApiModule {}
