import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, UseFilters } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { runWithFaults } from '../common/sandbox-faults.js';
import { StpHttpError, StpSandboxExceptionFilter } from './stp-sandbox.errors.js';
import { STP_SANDBOX_OPERATIONS, StpSandboxService } from './stp-sandbox.service.js';
import { StpWebhookSender } from './stp-webhook-sender.service.js';

function asObject(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new StpHttpError(400, 'the body must be an object');
  return body as Record<string, unknown>;
}

const toStpError = (status: number, message: string) => new StpHttpError(status, message);

/** The STP document's paths: POST /stp/clabes, POST /stp/transfer. */
@ApiTags('STP')
@Controller('stp')
@UseFilters(StpSandboxExceptionFilter)
export class StpSandboxController {
  constructor(@Inject(StpSandboxService) private readonly stp: StpSandboxService) {}

  @Post('clabes')
  @HttpCode(201)
  createClabe(@Body() body: unknown) {
    return runWithFaults(this.stp.faults, 'clabes', () => this.stp.createClabe(asObject(body)), toStpError);
  }

  @Post('transfer')
  @HttpCode(200)
  transfer(@Body() body: unknown) {
    return runWithFaults(this.stp.faults, 'transfer', () => this.stp.transfer(asObject(body)), toStpError);
  }
}

/**
 * Sandbox-only controls (not part of STP's API): planned failures, per-order outcomes, CLABE
 * status and SPEI IN deposits. Each state change answers with the webhook payload STP would send,
 * and the webhook sender POSTs it, signed, to the gateway. Served under /stp/_sandbox and, for QA
 * driving the flow from Swagger UI, under /sandbox/stp (e.g. POST /sandbox/stp/deposits).
 */
@ApiTags('STP sandbox controls')
@Controller(['stp/_sandbox', 'sandbox/stp'])
@UseFilters(StpSandboxExceptionFilter)
export class StpSandboxAdminController {
  constructor(
    @Inject(StpSandboxService) private readonly stp: StpSandboxService,
    @Inject(StpWebhookSender) private readonly sender: StpWebhookSender,
  ) {}

  /** The webhooks sent to the gateway, newest first: state (delivered, rejected, failed), attempts, last status. */
  @Get('webhooks')
  webhooks() {
    return { deliveries: this.sender.list() };
  }

  @Get('settings')
  settings() {
    return { auto_resolve_ms: this.stp.autoResolveMs, next_outcomes: this.stp.pendingOutcomes() };
  }

  /** { auto_resolve_ms: 0-3600000 } — how long after arriving an order settles/returns by itself (0 = only on command). */
  @Put('settings')
  updateSettings(@Body() body: unknown) {
    const ms = Number(asObject(body).auto_resolve_ms);
    if (!Number.isInteger(ms) || ms < 0 || ms > 3_600_000) throw new StpHttpError(400, 'auto_resolve_ms must be an integer between 0 and 3600000');
    this.stp.autoResolveMs = ms;
    return this.settings();
  }

  /** { outcome: settle|return, count?: 1-1000, cause? } — the outcome of the next accepted orders (their tracking keys are not known yet). */
  @Post('next-outcomes')
  @HttpCode(201)
  nextOutcomes(@Body() body: unknown) {
    const b = asObject(body);
    if (b.outcome !== 'settle' && b.outcome !== 'return') throw new StpHttpError(400, 'outcome must be settle or return');
    const count = Number(b.count ?? 1);
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new StpHttpError(400, 'count must be an integer between 1 and 1000');
    return { next_outcomes: this.stp.planNextOutcomes(b.outcome, count, typeof b.cause === 'string' ? b.cause : undefined) };
  }

  /** { clabe, amount: "150.00", reference? } -> "Webhook of SPEI IN" sent to the gateway (same as POST spei-in). */
  @Post('deposits')
  @HttpCode(200)
  deposit(@Body() body: unknown) {
    return this.speiIn(body);
  }

  /** { count, mode?: error|timeout|after_processing, status?, delay_ms?, operation?: clabes|transfer } */
  @Post('failures')
  @HttpCode(201)
  addFailures(@Body() body: unknown) {
    const plan = this.stp.faults.add(asObject(body ?? {}), STP_SANDBOX_OPERATIONS);
    if (typeof plan === 'string') throw new StpHttpError(400, plan);
    return { planned: plan, pending: this.stp.faults.pending() };
  }

  @Get('failures')
  failures() {
    return { pending: this.stp.faults.pending() };
  }

  @Delete('failures')
  @HttpCode(204)
  clearFailures(): void {
    this.stp.faults.clear();
  }

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.stp.reset();
    this.sender.clear();
  }

  @Get('clabes/:clabe')
  clabe(@Param('clabe') clabe: string) {
    const account = this.stp.account(clabe);
    if (!account) throw new StpHttpError(404, 'clabe not found');
    return account;
  }

  /** { status: 1 | 0 } -> "Webhook of CLABE status". */
  @Post('clabes/:clabe/status')
  @HttpCode(200)
  clabeStatus(@Param('clabe') clabe: string, @Body() body: unknown) {
    const status = Number(asObject(body).status);
    if (status !== 0 && status !== 1) throw new StpHttpError(400, 'status must be 1 (active) or 0 (inactive)');
    return { webhook: this.stp.setClabeStatus(clabe, status) };
  }

  /** { clabe, amount: "150.00", reference? } -> "Webhook of SPEI IN". */
  @Post('spei-in')
  @HttpCode(200)
  speiIn(@Body() body: unknown) {
    const b = asObject(body);
    try {
      return { webhook: this.stp.speiIn(String(b.clabe ?? ''), String(b.amount ?? ''), b.reference === undefined ? undefined : String(b.reference)) };
    } catch (err) {
      if (err instanceof StpHttpError) throw err;
      throw new StpHttpError(400, (err as Error).message);
    }
  }

  @Get('orders')
  orders() {
    return { orders: this.stp.listOrders() };
  }

  @Get('orders/:tracking_key')
  order(@Param('tracking_key') trackingKey: string) {
    const order = this.stp.order(trackingKey);
    if (!order) throw new StpHttpError(404, 'order not found');
    return order;
  }

  /** { outcome: settle|return, cause? } — chosen in advance, applied when the order is resolved. */
  @Put('orders/:tracking_key/outcome')
  planOutcome(@Param('tracking_key') trackingKey: string, @Body() body: unknown) {
    const b = asObject(body);
    if (b.outcome !== 'settle' && b.outcome !== 'return') throw new StpHttpError(400, 'outcome must be settle or return');
    return this.stp.planOutcome(trackingKey, b.outcome, typeof b.cause === 'string' ? b.cause : undefined);
  }

  /** Resolve now with the planned outcome (settle when none). */
  @Post('orders/:tracking_key/resolve')
  @HttpCode(200)
  resolve(@Param('tracking_key') trackingKey: string) {
    return this.stp.resolveOrder(trackingKey);
  }

  @Post('orders/:tracking_key/settle')
  @HttpCode(200)
  settle(@Param('tracking_key') trackingKey: string, @Body() body: unknown) {
    const cause = body && typeof body === 'object' && typeof (body as { cause?: unknown }).cause === 'string' ? (body as { cause: string }).cause : undefined;
    return this.stp.resolveOrder(trackingKey, 'settle', cause);
  }

  @Post('orders/:tracking_key/return')
  @HttpCode(200)
  returnOrder(@Param('tracking_key') trackingKey: string, @Body() body: unknown) {
    const cause = body && typeof body === 'object' && typeof (body as { cause?: unknown }).cause === 'string' ? (body as { cause: string }).cause : undefined;
    return this.stp.resolveOrder(trackingKey, 'return', cause);
  }
}
