import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { RequireScopes } from './require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';

@ApiTags('api-keys')
@RequireScopes('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  @Post()
  @Idempotent({ omitOnReplay: ['key'] })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({ summary: 'Create an API key', description: 'Admin only. The secret is returned once.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { key, apiKey } = await this.keys.create(body.name, body.scopes);
    return { ...ApiKeyDto.from(apiKey), key };
  }

  @Get()
  @ApiOperation({ summary: 'List API keys', description: 'Admin only. Secrets are never listed.' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<ApiKeyListDto> {
    return { data: (await this.keys.list()).map(ApiKeyDto.from) };
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiParam({ name: 'id', description: 'Key id (UUID) or prefix', example: '3fa85f6457b2', schema: { type: 'string', maxLength: 36, pattern: '^([0-9a-f]{12}|[0-9a-fA-F-]{36})$' } })
  @ApiOperation({ summary: 'Revoke an API key', description: 'Admin only. Revoking twice is harmless.' })
  @ApiOkResponse({ type: ApiKeyDto })
  async revoke(@Param('id') id: string): Promise<ApiKeyDto> {
    return ApiKeyDto.from(await this.keys.revoke(id));
  }
}
