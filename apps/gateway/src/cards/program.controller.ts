import { Body, Controller, Get, Headers, Inject, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CATALOG_NAMES } from '#libs/domain';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { SpeiInstitutionListDto } from './dto/card-money.dto.js';
import { PageQueryDto, UUID_PARAM } from './dto/common.dto.js';
import { CatalogDto, ClientDto, ClientPageDto, CreateClientDto, FundClientDto, FundingDto, ProductListDto, ProgramDto, ProviderQueryDto } from './dto/program.dto.js';
import { ProgramService } from './program.service.js';

const CLIENT_ID = { name: 'id', description: 'Pasarela sub-client id', schema: { type: 'string', ...UUID_PARAM } } as const;

@ApiTags('program')
@Controller('v1/clients')
export class ClientsController {
  constructor(@Inject(ProgramService) private readonly program: ProgramService) {}

  @Get('current')
  @RequireScopes('program:read')
  @ApiOperation({ summary: 'The program itself', description: 'The program\'s client at the provider: main (available) and collection balances.' })
  @ApiOkResponse({ type: ProgramDto })
  current(@Query() q: ProviderQueryDto): Promise<ProgramDto> {
    return this.program.program(q.provider);
  }

  @Post()
  @RequireScopes('program:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Create a sub-client', description: 'Its initial available balance is taken from the program\'s main balance (and posted to the ledger).' })
  @ApiCreatedResponse({ type: ClientDto })
  create(@Body() body: CreateClientDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<ClientDto> {
    return this.program.createClient(req.apiKey!.id, key.trim(), body);
  }

  @Get()
  @RequireScopes('program:read')
  @ApiOperation({ summary: 'List sub-clients', description: 'Cursor-paginated.' })
  @ApiOkResponse({ type: ClientPageDto })
  list(@Query() q: PageQueryDto): Promise<ClientPageDto> {
    return this.program.listClients(q.limit, q.cursor);
  }

  @Get(':id')
  @RequireScopes('program:read')
  @ApiParam(CLIENT_ID)
  @ApiOperation({ summary: 'A sub-client' })
  @ApiOkResponse({ type: ClientDto })
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<ClientDto> {
    return this.program.getClient(id);
  }

  @Post(':id/funding')
  @RequireScopes('program:write')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam(CLIENT_ID)
  @ApiOperation({ summary: 'Fund a sub-client', description: 'Program main balance → sub-client; posted to the ledger once the provider confirms.' })
  @ApiCreatedResponse({ type: FundingDto })
  fund(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: FundClientDto, @Headers('idempotency-key') key: string, @Req() req: FastifyRequest): Promise<FundingDto> {
    return this.program.fund(req.apiKey!.id, key.trim(), id, body.amount);
  }
}

@ApiTags('program')
@Controller('v1')
export class ProductsCatalogsController {
  constructor(@Inject(ProgramService) private readonly program: ProgramService) {}

  @Get('products')
  @RequireScopes('program:read')
  @ApiOperation({ summary: 'Card products', description: 'A product id is what issuing a virtual card takes.' })
  @ApiOkResponse({ type: ProductListDto })
  products(@Query() q: ProviderQueryDto): Promise<ProductListDto> {
    return this.program.products(q.provider);
  }

  @Get('catalogs/:name')
  @RequireScopes('program:read')
  @ApiParam({ name: 'name', schema: { type: 'string', enum: [...CATALOG_NAMES] } })
  @ApiOperation({ summary: 'A catalog', description: 'card_status, document_types, states, marital_status or gender: the keys other operations take.' })
  @ApiOkResponse({ type: CatalogDto })
  catalog(@Param('name') name: string, @Query() q: ProviderQueryDto): Promise<CatalogDto> {
    return this.program.catalog(name, q.provider);
  }
}

@ApiTags('spei')
@Controller('v1/spei')
export class CardSpeiController {
  // POST/GET /v1/spei/transfers live in apps/gateway/src/spei (one resource routed by source).
  constructor(@Inject(ProgramService) private readonly program: ProgramService) {}

  @Get('institutions')
  @RequireScopes('spei:read')
  @ApiOperation({ summary: 'SPEI institutions', description: 'As the card provider lists them (name, SPEI key, bank code).' })
  @ApiOkResponse({ type: SpeiInstitutionListDto })
  institutions(@Query() q: ProviderQueryDto): Promise<SpeiInstitutionListDto> {
    return this.program.institutions(q.provider);
  }
}
