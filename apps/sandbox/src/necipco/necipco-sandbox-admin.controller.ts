import { Body, Controller, Get, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { NecipcoSandboxError as E } from './necipco-sandbox.errors.js';
import { NecipcoSandboxExceptionFilter } from './necipco-sandbox.filter.js';
import { NecipcoSandboxState } from './necipco-sandbox.state.js';

/**
 * Sandbox-only controls (not in the NeCIPCo document), under /necipco/v1/_sandbox:
 * the stock's card numbers (test data) and planned failures (429 / 500 / 503) for the next calls.
 */
@ApiTags('NeCIPCo sandbox')
@UseFilters(NecipcoSandboxExceptionFilter)
@Controller('necipco/v1/_sandbox')
export class NecipcoSandboxAdminController {
  constructor(private readonly sb: NecipcoSandboxState) {}

  /** Unassigned physical cards in stock, with their (fake) card numbers, for assignment demos. */
  @Get('stock')
  stock() {
    return { cards: this.sb.stock().map((c) => ({ id: c.id, card_number: c.pan, status: c.status })) };
  }

  /** `{ "status": 503, "count": 2, "path": "/cards/balance" }`: the next `count` calls (matching `path`) answer `status`. */
  @Post('faults')
  @HttpCode(200)
  faults(@Body() body: { status?: unknown; count?: unknown; path?: unknown } | undefined) {
    const status = Number(body?.status ?? 503);
    const count = Number(body?.count ?? 1);
    if (![429, 500, 503].includes(status)) throw E.validation([{ field: 'status', message: 'must be 429, 500 or 503' }]);
    if (!Number.isInteger(count) || count < 1 || count > 100) throw E.validation([{ field: 'count', message: 'must be 1-100' }]);
    this.sb.addFault(status, count, typeof body?.path === 'string' ? body.path : undefined);
    return { planned: { status, count, path: body?.path ?? null } };
  }
}
