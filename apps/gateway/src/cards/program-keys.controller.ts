import { Body, Controller, Get, Inject, Put, Query } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { RequireScopes } from '../auth/require-scopes.decorator.js';
import { IDEMPOTENCY_HEADER } from '../common/openapi.js';
import { Idempotent } from '../idempotency/idempotent.decorator.js';
import { ProgramKeysDto, RegisterProgramKeyDto } from './dto/program-keys.dto.js';
import { ProviderQueryDto } from './dto/program.dto.js';
import { ProgramKeysService } from './program-keys.service.js';

@ApiTags('program')
@Controller('v1/clients/current/public-key')
export class ProgramKeysController {
  constructor(@Inject(ProgramKeysService) private readonly keys: ProgramKeysService) {}

  @Get()
  @RequireScopes('program:read')
  @ApiOperation({
    summary: 'The program\'s RSA keys at the provider',
    description: 'NeCIPCo "Get Public Key": the key it encrypts card data to (ours, once registered) and its system key for our requests.',
  })
  @ApiOkResponse({ type: ProgramKeysDto })
  get(@Query() q: ProviderQueryDto): Promise<ProgramKeysDto> {
    return this.keys.get(q.provider);
  }

  @Put()
  @RequireScopes('admin')
  @Idempotent()
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiOperation({
    summary: 'Register Pasarela\'s public key at the provider',
    description:
      'NeCIPCo "Add Public Key", with the public half of the configured private key (done automatically at start-up too; this re-registers it after a key rotation or a provider reset).',
  })
  @ApiOkResponse({ type: ProgramKeysDto })
  @ApiUnprocessableEntityResponse({ description: '`public_key_mismatch`: the key given is not ours.' })
  register(@Body() body: RegisterProgramKeyDto): Promise<ProgramKeysDto> {
    return this.keys.register(body.provider, body.public_key);
  }
}
