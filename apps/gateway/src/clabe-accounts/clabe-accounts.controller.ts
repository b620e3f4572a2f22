import { Body, Controller, Get, Headers, Inject, Param, Post, Req } from '@nestjs/common';
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

  @Get(':clabe')
  @RequireScopes('spei:read')
  @ApiParam({ name: 'clabe', description: 'The 18-digit CLABE (check digit verified: 400 otherwise).', schema: { type: 'string', pattern: '^\\d{18}$', maxLength: 18, example: '646180123310000012' } })
  @ApiOperation({ summary: 'A CLABE account with its balance', description: 'Posted and available balance from the ledger (available = posted less SPEI OUT holds).' })
  @ApiOkResponse({ type: ClabeAccountDto })
  get(@Param('clabe') clabe: string): Promise<ClabeAccountDto> {
    return this.accounts.get(clabe);
  }
}
