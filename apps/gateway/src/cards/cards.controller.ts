import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '#libs/domain';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { CardDataKeysService, CARD_DATA_ALGORITHM } from './card-data-keys.service.js';
import { CardMoneyService } from './card-money.service.js';
import { CardProcessingService } from './card-processing.service.js';
import { callContext } from './card-servicing.controller.js';
import { CardsService } from './cards.service.js';
import { CardholderDto, CardholderPageDto, CreateCardholderDto, ListCardholdersQueryDto } from './dto/cardholder.dto.js';
import {
  AuthenticationDto,
  AuthenticationResultDto,
  BalanceQueryDto,
  CardBalanceDto,
  CardDataKeyDto,
  CardDetailsDto,
  CardDto,
  CardMovementPageDto,
  CardPageDto,
  ChangeCardStatusDto,
  CvcDto,
  IssueCardDto,
  IssuedCardDto,
  ListCardsQueryDto,
  MovementsQueryDto,
  PhysicalCardDto,
  PinDto,
  PinOperationDto,
  PinValidationDto,
  PosPinDto,
  RegisterCardDataKeyDto,
  RequestPhysicalCardDto,
  SetPinDto,
} from './dto/card.dto.js';
import { NominateCardDto, NominatedCardDto } from './dto/card-nomination.dto.js';
import { CardAmountDto, CardMoneyMovementDto, CardPaymentDto, CardPurchaseDto, CardTransferDto, CardWithdrawalDto } from './dto/card-money.dto.js';
import { LocationQueryDto, UUID_PARAM, WithLocationDto } from './dto/common.dto.js';

const CARD_ID = { name: 'id', description: 'Pasarela card id', schema: { type: 'string', ...UUID_PARAM } } as const;
const apiKeyOf = (req: FastifyRequest) => req.apiKey!.id;

@ApiTags('cardholders')
@Controller('v1/cardholders')
export class CardholdersController {
  constructor(@Inject(CardsService) private readonly cards: CardsService) {}

  @Post()
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Create a cardholder', description: 'At the provider chosen (default NeCIPCo); Pasarela keeps its own id mapped to the provider\'s.' })
  @ApiCreatedResponse({ type: CardholderDto })
  create(@Body() body: CreateCardholderDto, @Req() req: FastifyRequest): Promise<CardholderDto> {
    return this.cards.createCardholder(apiKeyOf(req), body);
  }

  @Get()
  @RequireScopes('cards:read')
  @ApiOperation({
    summary: 'List or search cardholders',
    description:
      'Without filters: Pasarela\'s cardholders, cursor-paginated, oldest id first (`provider` narrows them). ' +
      'With any of `id`, `rfc`, `curp`, `email`, `primary_phone`, `mobile_phone`: a search at the provider (NeCIPCo Get Cardholders; filters combined with AND) ' +
      'of `provider`, else of every provider that issues cards; `id` is a Pasarela id. The provider answers at most one cardholder per search, mapped back to its Pasarela id; ' +
      'a cardholder the provider knows but that was not created through Pasarela is left out (a search registers nothing), so no match and a foreign match are both an empty page. ' +
      'A search is one page (`next_cursor` null; `cursor` with filters is a 400). A malformed filter is a 400 naming it.',
  })
  @ApiOkResponse({ type: CardholderPageDto })
  list(@Query() q: ListCardholdersQueryDto): Promise<CardholderPageDto> {
    return this.cards.listCardholders(q);
  }

  @Get(':id')
  @RequireScopes('cards:read')
  @ApiParam({ name: 'id', description: 'Pasarela cardholder id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'Get a cardholder', description: 'As the provider holds it, with the cards (masked) and their Pasarela ids.' })
  @ApiOkResponse({ type: CardholderDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CardholderDto> {
    return this.cards.getCardholder(id);
  }
}

@ApiTags('cards')
@Controller('v1/cards')
export class CardsController {
  constructor(
    @Inject(CardsService) private readonly cards: CardsService,
    @Inject(CardMoneyService) private readonly money: CardMoneyService,
    @Inject(CardProcessingService) private readonly processing: CardProcessingService,
  ) {}

  @Post()
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Issue a virtual card or assign a physical card from stock',
    description:
      '`type: virtual` creates a virtual card of `product_id`; its PAN and expiry come back only in `card_data`, encrypted to the public key registered for the calling API key (PUT /v1/card-data-key). ' +
      '`type: physical` assigns the stock card whose `card_number` is given (the PAN is never stored, logged or returned). The card starts NEED_ACTIVATION.',
  })
  @ApiCreatedResponse({ type: IssuedCardDto })
  issue(@Body() body: IssueCardDto, @Req() req: FastifyRequest): Promise<IssuedCardDto> {
    return this.cards.issue(apiKeyOf(req), body);
  }

  @Post('nominations')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Nominate a card (assign a plastic to an account with the cardholder\'s data)',
    description:
      'At a card processor (Credencial). The card becomes a Pasarela card (ACTIVE) with its own ledger account (`card:<id>`, never below zero) that the ' +
      'processor\'s DEBIT / REVERSE / BALANCE / MOVEMENTS webhooks act on. `card_number` is only forwarded: never stored, logged or returned. ' +
      '404 card_not_found (the processor does not know the plastic), 409 card_already_nominated, 422 capability_not_supported (a provider that nominates no cards).',
  })
  @ApiCreatedResponse({ type: NominatedCardDto })
  nominate(@Body() body: NominateCardDto, @Req() req: FastifyRequest): Promise<NominatedCardDto> {
    return this.processing.nominate(apiKeyOf(req), body);
  }

  @Get()
  @RequireScopes('cards:read')
  @ApiOperation({ summary: 'List cards', description: 'Cursor-paginated; filter by cardholder.' })
  @ApiOkResponse({ type: CardPageDto })
  list(@Query() q: ListCardsQueryDto): Promise<CardPageDto> {
    return this.cards.list(q.limit, q.cursor, q.cardholder_id);
  }

  @Get(':id')
  @RequireScopes('cards:read')
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Card information', description: 'From the provider (status, account, activity). The PAN only in `card_data`, encrypted to the caller\'s registered key. Credencial cards: the status as Credencial reports it, `account_reference`, no card data.' })
  @ApiOkResponse({ type: CardDetailsDto })
  get(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: FastifyRequest): Promise<CardDetailsDto> {
    return this.cards.details(apiKeyOf(req), id);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Activate a card' })
  @ApiOkResponse({ type: CardDto })
  activate(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: WithLocationDto): Promise<CardDto> {
    return this.cards.activate(id, body.location);
  }

  @Put(':id/status')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({
    summary: 'Change a card\'s status',
    description:
      'Block (TEMPORARY_INACTIVE), unblock (ACTIVE), cancel… — keys of the `card_status` catalog. Credencial cards take ACTIVE, TEMPORARY_INACTIVE, INACTIVE, LOST, STOLEN, ' +
      'CANCELED (others: 400 unknown_card_status; LOST, STOLEN and CANCELED are final: changing them is 422). The card\'s DEBIT webhooks are declined unless it is ACTIVE.',
  })
  @ApiOkResponse({ type: CardDto })
  status(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ChangeCardStatusDto): Promise<CardDto> {
    return this.cards.changeStatus(id, body.status, body.location);
  }

  @Get(':id/balance')
  @RequireScopes('cards:read')
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Card balance', description: 'The provider\'s available balance, the card\'s ledger balance, and optionally recent movements.' })
  @ApiOkResponse({ type: CardBalanceDto })
  balance(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: BalanceQueryDto): Promise<CardBalanceDto> {
    return this.cards.balance(id, q.include_movements ?? false);
  }

  @Get(':id/movements')
  @RequireScopes('cards:read')
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Card movements in a date range', description: 'As the provider reports them, paginated with limit / cursor.' })
  @ApiOkResponse({ type: CardMovementPageDto })
  movements(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: MovementsQueryDto): Promise<CardMovementPageDto> {
    return this.cards.movements(id, q);
  }

  @Put(':id/pin')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({
    summary: 'Set or change the ATM PIN (NIP)',
    description:
      'Without `current_pin` sets the first PIN; with it, changes the PIN. PINs travel encrypted to the provider and are never stored or logged. ' +
      'Credencial cards also need `card_expiration` (MMYY) and `card_security_code` (the plastic proves possession); a wrong one is 422 card_verification_failed.',
  })
  @ApiOkResponse({ type: PinOperationDto })
  setPin(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: SetPinDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<PinOperationDto> {
    return this.cards.setPin(id, body, apiKeyOf(req), key);
  }

  @Get(':id/pin')
  @RequireScopes('cards:read')
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'The POS PIN', description: 'Returned only encrypted to the caller\'s registered public key (422 public_key_required without one).' })
  @ApiOkResponse({ type: PosPinDto })
  posPin(@Param('id', new ParseUUIDPipe()) id: string, @Query() q: LocationQueryDto, @Req() req: FastifyRequest): Promise<PosPinDto> {
    return this.cards.posPin(apiKeyOf(req), id, q);
  }

  @Post(':id/pin/validation')
  @HttpCode(200)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Validate the ATM PIN', description: 'A wrong PIN is `valid: false` with the attempts left; after 5 the PIN is locked (422 pin_locked). BCS debit cards: validated by BCS (PIN sent encrypted; `location` unused); a mismatch is 422 pin_mismatch.' })
  @ApiOkResponse({ type: PinValidationDto })
  validatePin(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: PinDto, @Req() req: FastifyRequest): Promise<PinValidationDto> {
    return this.cards.validatePin(id, body.pin, body.location, callContext(req));
  }

  @Post(':id/cvc')
  @HttpCode(200)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Dynamic CVC of a virtual card', description: 'Needs the ATM PIN; the CVC comes back only encrypted to the caller\'s registered public key.' })
  @ApiOkResponse({ type: CvcDto })
  cvc(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: PinDto, @Req() req: FastifyRequest): Promise<CvcDto> {
    return this.cards.cvc(apiKeyOf(req), id, body.pin, body.location);
  }

  @Post(':id/authentication')
  @HttpCode(200)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Authenticate the cardholder', description: 'With the card number\'s last four digits and the ATM PIN\'s last two; a failure counts as a PIN attempt.' })
  @ApiOkResponse({ type: AuthenticationResultDto })
  authenticate(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: AuthenticationDto): Promise<AuthenticationResultDto> {
    return this.cards.authenticate(id, body.authentication_info);
  }

  @Post(':id/physical-card')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Order the physical card of a virtual card', description: 'The card becomes VIRTUAL_WITH_PHYSICAL; once per card.' })
  @ApiCreatedResponse({ type: PhysicalCardDto })
  physical(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: RequestPhysicalCardDto): Promise<PhysicalCardDto> {
    return this.cards.requestPhysical(id, body);
  }

  @Post(':id/disbursements')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Disburse to a card', description: 'Program main balance → card. Posted to the ledger (program main → card) once the provider confirms.' })
  @ApiCreatedResponse({ type: CardMoneyMovementDto })
  disburse(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CardAmountDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<CardMoneyMovementDto> {
    return this.money.disburse(apiKeyOf(req), key.trim(), id, body);
  }

  @Post(':id/payments')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Pay to a card', description: 'Program main balance → card, with a description; posted to the ledger once confirmed.' })
  @ApiCreatedResponse({ type: CardMoneyMovementDto })
  pay(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CardPaymentDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<CardMoneyMovementDto> {
    return this.money.pay(apiKeyOf(req), key.trim(), id, body);
  }

  @Post(':id/withdrawals')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Withdraw from a card', description: 'Card → program collection balance (optionally validating the PIN); posted to the ledger once confirmed.' })
  @ApiCreatedResponse({ type: CardMoneyMovementDto })
  withdraw(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CardWithdrawalDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<CardMoneyMovementDto> {
    return this.money.withdraw(apiKeyOf(req), key.trim(), id, body);
  }

  @Post(':id/purchases')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Purchase with a card', description: 'Card → program collection balance, with a merchant description; posted to the ledger once confirmed.' })
  @ApiCreatedResponse({ type: CardMoneyMovementDto })
  purchase(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CardPurchaseDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<CardMoneyMovementDto> {
    return this.money.purchase(apiKeyOf(req), key.trim(), id, body);
  }
}

@ApiTags('cards')
@Controller('v1/card-transfers')
export class CardTransfersController {
  constructor(@Inject(CardMoneyService) private readonly money: CardMoneyService) {}

  @Post()
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Transfer between two cards', description: 'Both cards at the same provider; posted to the ledger (origin card → destination card) once confirmed.' })
  @ApiCreatedResponse({ type: CardMoneyMovementDto })
  create(@Body() body: CardTransferDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<CardMoneyMovementDto> {
    return this.money.transfer(apiKeyOf(req), key.trim(), body);
  }

  @Get(':id')
  @RequireScopes('cards:read')
  @ApiParam({ name: 'id', description: 'Pasarela movement id (of any card money movement)', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'A card money movement' })
  @ApiOkResponse({ type: CardMoneyMovementDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<CardMoneyMovementDto> {
    return this.money.get(id);
  }
}

@ApiTags('cards')
@Controller('v1/card-data-key')
export class CardDataKeyController {
  constructor(@Inject(CardDataKeysService) private readonly keys: CardDataKeysService) {}

  @Put()
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Register the calling API key\'s public key',
    description: 'An RSA public key (PEM). A clear PAN, expiry, CVC or POS PIN is only ever returned encrypted to it (RSA-OAEP, SHA-256, base64). Replaces the previous key.',
  })
  @ApiOkResponse({ type: CardDataKeyDto })
  async put(@Body() body: RegisterCardDataKeyDto, @Req() req: FastifyRequest): Promise<CardDataKeyDto> {
    const k = await this.keys.register(apiKeyOf(req), body.public_key);
    return { algorithm: CARD_DATA_ALGORITHM, key_fingerprint: k.fingerprint, public_key: k.publicKeyPem, updated_at: k.updatedAt.toISOString() };
  }

  @Get()
  @RequireScopes('cards:read')
  @ApiOperation({ summary: 'The calling API key\'s registered public key' })
  @ApiOkResponse({ type: CardDataKeyDto })
  async get(@Req() req: FastifyRequest): Promise<CardDataKeyDto> {
    const k = await this.keys.get(apiKeyOf(req));
    if (!k) throw new NotFoundError('no public key registered for this API key', undefined, 'public_key_not_registered');
    return { algorithm: CARD_DATA_ALGORITHM, key_fingerprint: k.fingerprint, public_key: k.publicKeyPem, updated_at: k.updatedAt.toISOString() };
  }
}
