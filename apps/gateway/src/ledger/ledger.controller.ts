import { createHash } from 'node:crypto';
import { Body, Controller, Get, Headers, Inject, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Money, ValidationError } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { AccountBalancesDto, CreateLedgerTransferDto, LedgerEntryDto, LedgerEntryPageDto, LedgerJournalDto, LedgerTransferDto, ListEntriesQueryDto } from './dto/ledger.dto.js';

const UUID_PARAM = { format: 'uuid', example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 36 };

@ApiTags('ledger')
@Controller('v1/accounts')
export class LedgerAccountsController {
  constructor(@Inject(LedgerService) private readonly ledger: LedgerService) {}

  @Get(':id')
  @RequireScopes('ledger:read')
  @ApiParam({ name: 'id', description: 'Ledger account id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'Balances of a ledger account', description: 'Posted, pending and available balances; amounts are decimal strings.' })
  @ApiOkResponse({ type: AccountBalancesDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<AccountBalancesDto> {
    const account = await this.ledger.getAccount(id);
    return AccountBalancesDto.from(account, await this.ledger.balances(id));
  }

  @Get(':id/entries')
  @RequireScopes('ledger:read')
  @ApiParam({ name: 'id', description: 'Ledger account id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'Entries of a ledger account', description: 'Every transfer that names the account, newest first, cursor-paginated.' })
  @ApiOkResponse({ type: LedgerEntryPageDto })
  async entries(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: ListEntriesQueryDto): Promise<LedgerEntryPageDto> {
    const page = await this.ledger.listEntries(id, { limit: query.limit ?? 50, cursor: query.cursor ?? null });
    return { data: page.items.map(LedgerEntryDto.fromEntry), next_cursor: page.nextCursor };
  }
}

@ApiTags('ledger')
@Controller('v1/ledger/transfers')
export class LedgerTransfersController {
  constructor(@Inject(LedgerService) private readonly ledger: LedgerService) {}

  @Get(':id')
  @RequireScopes('ledger:read')
  @ApiParam({ name: 'id', description: 'Ledger transfer id', schema: { type: 'string', ...UUID_PARAM } })
  @ApiOperation({ summary: 'A ledger transfer' })
  @ApiOkResponse({ type: LedgerTransferDto })
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<LedgerTransferDto> {
    return LedgerTransferDto.from(await this.ledger.getTransfer(id));
  }

  @Post()
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Post a manual adjustment',
    description: 'Admin only. One or more legs, written all or nothing; a no-overdraft account is never taken below zero (422 insufficient_funds).',
  })
  @ApiCreatedResponse({ type: LedgerJournalDto })
  async create(@Body() body: CreateLedgerTransferDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<LedgerJournalDto> {
    const legs = body.legs.map((l, i) => {
      const amount = Money.parse(l.amount).centavos;
      if (amount <= 0n) throw new ValidationError(`legs[${i}].amount must be greater than zero`, { field: `legs.${i}.amount` }, 'invalid_amount');
      return { debitAccountId: l.debit_account_id, creditAccountId: l.credit_account_id, amount, kind: l.kind ?? 'adjustment', externalRef: l.external_ref, metadata: l.metadata };
    });
    // The ledger's key is scoped to the caller, so two API keys can never collide on one Idempotency-Key.
    const ledgerKey = `manual:${createHash('sha256').update(`${req.apiKey!.id}\n${key.trim()}`).digest('base64url')}`;
    return LedgerJournalDto.from(await this.ledger.transfer({ idempotencyKey: ledgerKey, currency: body.currency, legs }));
  }
}
