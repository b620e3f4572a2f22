import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { ClabeAccountsService } from './clabe-accounts.service.js';
import { ClabeAccountDto, CreateClabeAccountDto } from './dto/clabe-account.dto.js';

@ApiTags('spei')
@Controller('v1/clabe-accounts')
export class ClabeAccountsController {
  constructor(@Inject(ClabeAccountsService) private readonly accounts: ClabeAccountsService) {}

  @Post()
  @RequireScopes('spei:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Open a CLABE account (physical person, STP)',
    description:
      'STP assigns the CLABE (check digit verified); Pasarela creates its ledger account (no overdraft) and maps the CLABE to it, so SPEI IN credits it and SPEI OUT can be sent from it. Field rules and catalogs are STP\'s: a broken rule is a 400 naming the field; STP refusing is a 422; STP unavailable is a 503.',
  })
  @ApiCreatedResponse({ type: ClabeAccountDto })
  create(@Body() body: CreateClabeAccountDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<ClabeAccountDto> {
    return this.accounts.create(req.apiKey!.id, key.trim(), body);
  }

  @Post(':ref/reconcile')
  @HttpCode(200)
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam({
    name: 'ref',
    description: 'The CLABE account id (a UUID; a 409 clabe_account_outcome_unknown names it) or its 18-digit CLABE.',
    schema: { type: 'string', pattern: '^(\\d{18}|[0-9a-fA-F-]{36})$', maxLength: 36, example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11' },
  })
  @ApiOperation({
    summary: 'Reconcile a CLABE account whose opening is unknown',
    description:
      'Admin. For an account left `unknown` (STP\'s answer to the opening was lost): the same request is sent again with the same STP account_id, so no second CLABE can be opened. STP opens it → 200 with the CLABE. STP answers it already has that account_id → 409 clabe_account_exists_at_stp (its CLABE was only in the lost answer and STP offers no query; it stays unknown). STP refuses → 422 and the account is dropped. STP unavailable → 503, stays unknown. An account in any other state → 409 clabe_account_not_reconcilable.',
  })
  @ApiOkResponse({ type: ClabeAccountDto })
  reconcile(@Param('ref') ref: string): Promise<ClabeAccountDto> {
    return this.accounts.reconcile(ref);
  }

  @Get(':clabe')
  @RequireScopes('spei:read')
  @ApiParam({ name: 'clabe', description: 'The 18-digit CLABE (check digit verified: 400 otherwise).', schema: { type: 'string', pattern: '^\\d{18}$', maxLength: 18, example: '646180123310000012' } })
  @ApiOperation({ summary: 'A CLABE account with its balance', description: 'Posted and available balance from the ledger (available = posted less SPEI OUT holds).' })
  @ApiOkResponse({ type: ClabeAccountDto })
  get(@Param('clabe') clabe: string): Promise<ClabeAccountDto> {
    return this.accounts.get(clabe);
  }
}
