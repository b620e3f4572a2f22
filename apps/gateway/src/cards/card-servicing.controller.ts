import { Body, Controller, HttpCode, Inject, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { CardServicingService, type CallContext } from './card-servicing.service.js';
import { CardDto } from './dto/card.dto.js';
import {
  BillingCycleDto,
  BillingCycleResultDto,
  CardApplicationDto,
  CardApplicationResultDto,
  CvvDto,
  DeadlinesDto,
  DeadlinesResultDto,
  HoldDto,
  HoldResultDto,
  RegisterCardDto,
  ReplacementDto,
  ReplacementResultDto,
  SecretValidationDto,
} from './dto/card-servicing.dto.js';
import { UUID_PARAM } from './dto/common.dto.js';

const CARD_ID = { name: 'id', description: 'Pasarela card id', schema: { type: 'string', ...UUID_PARAM } } as const;

export function callContext(req: FastifyRequest): CallContext {
  const key = req.headers['idempotency-key'];
  return { requestId: String(req.id), clientIp: req.ip, idempotencyKey: typeof key === 'string' ? key : undefined };
}

/** Card servicing on cards of providers with the CardServicing port (BCS). Others: 422 capability_not_supported. */
@ApiTags('card servicing')
@Controller('v1')
export class CardServicingController {
  constructor(@Inject(CardServicingService) private readonly servicing: CardServicingService) {}

  @Post('cards/registrations')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Register a card the provider already issued (BCS)',
    description:
      'Gives a BCS card a Pasarela id so /v1/cards/{id}/… can address it. `card_number` (clear) is turned into BCS\'s encrypted form and masked — never stored or logged; or give `card_reference` (BCS\'s encrypted number) with `last4`. 409 card_already_registered on a second registration.',
  })
  @ApiCreatedResponse({ type: CardDto })
  register(@Body() body: RegisterCardDto): Promise<CardDto> {
    return this.servicing.register(body);
  }

  @Post('card-applications')
  @HttpCode(202)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Apply for a debit card (BCS "Apply Debit Card")', description: 'The document defines only the path, the invoker headers and `responseType`: the customer goes in X-Invoker-CustId; BCS returns no card, so register it once issued.' })
  @ApiAcceptedResponse({ type: CardApplicationResultDto })
  apply(@Body() body: CardApplicationDto, @Req() req: FastifyRequest): Promise<CardApplicationResultDto> {
    return this.servicing.apply(body, callContext(req));
  }

  @Post('cards/:id/holds')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Hold (block) a card, optionally with all the customer\'s debit cards', description: 'BCS account holds. A block, not an amount: nothing is held in the ledger. 409 card_blocked when a card is already blocked.' })
  @ApiCreatedResponse({ type: HoldResultDto })
  hold(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: HoldDto, @Req() req: FastifyRequest): Promise<HoldResultDto> {
    return this.servicing.hold(id, body, callContext(req));
  }

  @Post('cards/:id/replacement')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Replace a card', description: 'Credit cards: `lock_code` (01). Debit cards: reason, fee, source, delivery, service_agreement (and contact). The old card ends REPLACED.' })
  @ApiCreatedResponse({ type: ReplacementResultDto })
  replace(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReplacementDto, @Req() req: FastifyRequest): Promise<ReplacementResultDto> {
    return this.servicing.replace(id, body, callContext(req));
  }

  @Post('cards/:id/cvv/validation')
  @HttpCode(200)
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Validate a credit card\'s CVV', description: 'Forwarded encrypted; a mismatch is 422 cvv_mismatch, an unknown customer 404 customer_not_found.' })
  @ApiOkResponse({ type: SecretValidationDto })
  cvv(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: CvvDto, @Req() req: FastifyRequest): Promise<SecretValidationDto> {
    return this.servicing.validateCvv(id, body.cvv, callContext(req));
  }

  @Put('cards/:id/billing-cycle')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Change a credit card\'s billing cycle', description: '422 billing_cycle_change_too_soon when too few periods passed since the last change; 422 billing_cycle_unchanged for the current cycle.' })
  @ApiOkResponse({ type: BillingCycleResultDto })
  billingCycle(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: BillingCycleDto, @Req() req: FastifyRequest): Promise<BillingCycleResultDto> {
    return this.servicing.billingCycle(id, body, callContext(req));
  }

  @Put('cards/:id/deadlines')
  @RequireScopes('cards:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CARD_ID)
  @ApiOperation({ summary: 'Change the installments left on credit card purchases', description: 'One term per purchase (transaction sequence). 404 transaction_not_found, 422 term_unchanged / term_out_of_range, 409 card_blocked…' })
  @ApiOkResponse({ type: DeadlinesResultDto })
  deadlines(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: DeadlinesDto, @Req() req: FastifyRequest): Promise<DeadlinesResultDto> {
    return this.servicing.deadlines(id, body, callContext(req));
  }
}
