import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

export const SIMULATED_PROVIDERS = [
  { provider: 'necipco', description: 'NeCIPCo card issuing (JWT auth, RSA-encrypted card data)', base_path: '/necipco/v1' },
  { provider: 'stp', description: 'STP: CLABE accounts and SPEI OUT', base_path: '/stp' },
  { provider: 'credencial', description: 'Credencial card processing: nomination, status, NIP', base_path: '/credential' },
  { provider: 'bcs', description: 'BCS cards-management: holds, replacements, CVV/PIN validation, billing cycle', base_path: '/cards-management/v1' },
] as const;

/** What this sandbox simulates and where; the simulators keep their state in memory. */
@ApiTags('sandbox')
@Controller()
export class SandboxIndexController {
  @Get()
  @ApiOperation({ summary: 'The simulated providers and their base paths' })
  @ApiOkResponse({ description: 'The simulated providers' })
  index() {
    return { name: 'Pasarela provider sandbox', providers: SIMULATED_PROVIDERS, docs: '/docs' };
  }

  @Get('health')
  @ApiOperation({ summary: 'Liveness of the sandbox' })
  health() {
    return { status: 'ok' };
  }
}
