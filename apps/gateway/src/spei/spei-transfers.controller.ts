import { Body, Controller, Get, Headers, HttpCode, Inject, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { UUID_PARAM } from '../cards/dto/common.dto.js';
import { CreateSpeiTransferRequestDto, ListSpeiTransfersQueryDto, SpeiTransferDto, SpeiTransferPageDto } from './dto/spei-transfer.dto.js';
import { SpeiTransfersService } from './spei-transfers.service.js';

@ApiTags('spei')
@Controller('v1/spei/transfers')
export class SpeiTransfersController {
  constructor(@Inject(SpeiTransfersService) private readonly spei: SpeiTransfersService) {}

  @Post()
  @RequireScopes('spei:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Send a SPEI transfer',
    description:
      'Routed by `source.type`. **clabe** (STP): validated (every STP rule; bank code and check digit of each CLABE), the amount is held on the CLABE account\'s ledger account (422 insufficient_funds otherwise) and the order is queued (status `queued`); a worker sends it to STP with a tracking key Pasarela generated, retrying transient failures with backoff, never sending it twice; STP\'s status webhook then posts the hold (`settled`) or voids it (`returned`). Follow it with GET /v1/spei/transfers/{id}. **card** (NeCIPCo): the card is debited with amount + commission + VAT synchronously and the ledger posted once confirmed.',
  })
  @ApiCreatedResponse({ type: SpeiTransferDto })
  create(@Body() body: CreateSpeiTransferRequestDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<SpeiTransferDto> {
    return this.spei.create(req.apiKey!.id, key.trim(), body);
  }

  @Get()
  @RequireScopes('spei:read')
  @ApiOperation({
    summary: 'SPEI transfers, both sources',
    description:
      'CLABE-sourced (STP) and card-sourced (NeCIPCo) transfers, newest first, each as GET /v1/spei/transfers/{id} shows it. Filters: status, source_type, clabe (source CLABE), created_from / created_to (a date or an ISO 8601 date-time; from ≤ to, 400 otherwise). Cursor-paginated (`limit`, `cursor`, `next_cursor`).',
  })
  @ApiOkResponse({ type: SpeiTransferPageDto })
  list(@Query() q: ListSpeiTransfersQueryDto): Promise<SpeiTransferPageDto> {
    return this.spei.list(q);
  }

  @Post(':id/reconcile')
  @HttpCode(200)
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam({ name: 'id', description: 'Pasarela SPEI transfer id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({
    summary: 'Reconcile an STP order whose outcome is unknown',
    description:
      'Admin. For a CLABE-sourced order left `unknown` (STP never answered after every retry; hold kept) or stuck `sending`: sends it again with the SAME tracking key, so STP cannot register it twice. STP answering that it already has the key, or accepting it → `sent`; STP refusing it → `failed` and the hold voided; STP still unavailable → 503 and the order stays `unknown`. Any other status (or a card-sourced transfer) → 409 order_not_reconcilable.',
  })
  @ApiOkResponse({ type: SpeiTransferDto })
  reconcile(@Param('id', new ParseUUIDPipe()) id: string): Promise<SpeiTransferDto> {
    return this.spei.reconcile(id);
  }

  @Get(':id')
  @RequireScopes('spei:read')
  @ApiParam({ name: 'id', description: 'Pasarela SPEI transfer id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'A SPEI transfer and its lifecycle', description: 'Status, tracking key, STP order id and cause, attempts, the ledger hold, and every status it went through.' })
  @ApiOkResponse({ type: SpeiTransferDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<SpeiTransferDto> {
    return this.spei.get(id);
  }
}
