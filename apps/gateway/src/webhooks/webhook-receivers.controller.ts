import { randomUUID } from 'node:crypto';
import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '#libs/domain';
import { assertNoCardData, assertWebhookShape, CredencialAuthorizer, dedupKey, numbersAsText, payloadHash, WebhookIntakeService, type WebhookType } from '#libs/inbox';
import { fromClabeStatusWebhook, fromSpeiInWebhook, fromSpeiOutStatusWebhook } from '#libs/providers/stp';
import { Public } from '../auth/public.decorator.js';
import {
  CredencialBalanceAnswerDto,
  CredencialDebitAnswerDto,
  CredencialDebitWebhookDto,
  CredencialInquiryWebhookDto,
  CredencialMovementsAnswerDto,
  CredencialReverseWebhookDto,
  StpClabeStatusWebhookDto,
  StpSpeiInWebhookDto,
  StpSpeiOutStatusWebhookDto,
  StpWebhookAckDto,
} from './dto/webhook-payloads.dto.js';
import { WebhookFrom, WebhookVerificationGuard } from './webhook-verification.guard.js';

function bodyOf(req: FastifyRequest, type: WebhookType): Record<string, unknown> {
  const b = req.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw new ValidationError('the webhook body must be a JSON object', undefined, 'invalid_webhook');
  assertNoCardData(b as Record<string, unknown>);
  assertWebhookShape(type, b as Record<string, unknown>);
  return b as Record<string, unknown>;
}

function deliveryId(req: FastifyRequest): string | undefined {
  const v = req.headers['webhook-id'];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : undefined;
}

const UNVERIFIED = 'Signature, basic auth or source address did not verify; nothing was stored.';
const CONFLICT = 'Same identity as an earlier webhook with a different payload: the original is kept (and an alert raised).';

/** STP's webhooks: verified, persisted (unique per dedup key), acknowledged, applied by a worker. */
@Public()
@ApiTags('webhooks')
@Controller('webhooks/stp')
@UseGuards(WebhookVerificationGuard)
@WebhookFrom('stp')
export class StpWebhooksController {
  constructor(@Inject(WebhookIntakeService) private readonly intake: WebhookIntakeService) {}

  @Post('clabe-status')
  @HttpCode(200)
  @ApiOperation({ summary: 'STP: CLABE status', description: 'Activates (1) or deactivates (0) the CLABE account. Signed per STP_WEBHOOK_* settings.' })
  @ApiBody({ type: StpClabeStatusWebhookDto })
  @ApiOkResponse({ type: StpWebhookAckDto, description: 'Persisted (or a duplicate of a persisted one).' })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  @ApiConflictResponse({ description: CONFLICT })
  clabeStatus(@Req() req: FastifyRequest): Promise<StpWebhookAckDto> {
    const body = bodyOf(req, 'clabe_status');
    fromClabeStatusWebhook(body);
    return this.receive('clabe_status', body, req);
  }

  @Post('spei-in')
  @HttpCode(200)
  @ApiOperation({ summary: 'STP: SPEI IN', description: "Credits the CLABE's owner (unknown CLABE: the suspense account). Deduplicated by CLABE + tracking key." })
  @ApiBody({ type: StpSpeiInWebhookDto })
  @ApiOkResponse({ type: StpWebhookAckDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  @ApiConflictResponse({ description: CONFLICT })
  speiIn(@Req() req: FastifyRequest): Promise<StpWebhookAckDto> {
    const body = bodyOf(req, 'spei_in');
    const ev = fromSpeiInWebhook(body);
    return this.receive('spei_in', body, req, ev.amount.centavos);
  }

  @Post('spei-out')
  @HttpCode(200)
  @ApiOperation({ summary: 'STP: SPEI OUT status', description: "Posts (1 settled) or voids (0 returned) the order's hold; a status for an unknown order is kept as UNMATCHED." })
  @ApiBody({ type: StpSpeiOutStatusWebhookDto })
  @ApiOkResponse({ type: StpWebhookAckDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  @ApiConflictResponse({ description: CONFLICT })
  speiOut(@Req() req: FastifyRequest): Promise<StpWebhookAckDto> {
    const body = bodyOf(req, 'spei_out_status');
    fromSpeiOutStatusWebhook(body);
    return this.receive('spei_out_status', body, req);
  }

  private async receive(type: WebhookType, body: Record<string, unknown>, req: FastifyRequest, amount?: bigint): Promise<StpWebhookAckDto> {
    const id = deliveryId(req);
    const e = { provider: 'stp', type, payload: body, payloadHash: payloadHash(body), webhookId: id, amount: amount ?? null } as const;
    // Without a delivery id a CLABE status is keyed on the CLABE's latest one (see clabeStatusKey).
    const { event, duplicate } = type === 'clabe_status' && !id
      ? await this.intake.receiveClabeStatus(e)
      : await this.intake.receive({ ...e, dedupKey: dedupKey(type, body, id, randomUUID()) });
    return { received: true, event_id: event.id, status: event.status, duplicate };
  }
}

/** Credencial's webhooks: answered synchronously with the documented bodies (code -1 = applied). */
@Public()
@ApiTags('webhooks')
@Controller('webhooks/credencial')
@UseGuards(WebhookVerificationGuard)
@WebhookFrom('credencial')
export class CredencialWebhooksController {
  constructor(@Inject(CredencialAuthorizer) private readonly authorizer: CredencialAuthorizer) {}

  @Post('debit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credencial: DEBIT', description: 'Authorized synchronously as a ledger hold (settled later by a worker). Declines: 1 insufficient funds, 2 unknown account, 3 card not active, 99 other.' })
  @ApiBody({ type: CredencialDebitWebhookDto })
  @ApiOkResponse({ type: CredencialDebitAnswerDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  @ApiConflictResponse({ description: CONFLICT })
  async debit(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return (await this.authorizer.debit(this.delivery(req, 'debit'))).body;
  }

  @Post('reverse')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credencial: REVERSE DEBIT', description: 'Voids the matching hold (or posts the remainder), or reverses the settled posting. A reversal before its debit, twice, or for more than the original is answered consistently.' })
  @ApiBody({ type: CredencialReverseWebhookDto })
  @ApiOkResponse({ type: CredencialDebitAnswerDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  @ApiConflictResponse({ description: CONFLICT })
  async reverse(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return (await this.authorizer.reverse(this.delivery(req, 'reverse'))).body;
  }

  @Post('balance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credencial: BALANCE', description: 'The available balance of the account.' })
  @ApiBody({ type: CredencialInquiryWebhookDto })
  @ApiOkResponse({ type: CredencialBalanceAnswerDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  async balance(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return (await this.authorizer.balance(this.delivery(req, 'balance'))).body;
  }

  @Post('movements')
  @HttpCode(200)
  @ApiOperation({ summary: 'Credencial: MOVEMENTS', description: 'The latest entries of the account.' })
  @ApiBody({ type: CredencialInquiryWebhookDto })
  @ApiOkResponse({ type: CredencialMovementsAnswerDto })
  @ApiUnauthorizedResponse({ description: UNVERIFIED })
  async movements(@Req() req: FastifyRequest): Promise<Record<string, unknown>> {
    return (await this.authorizer.movements(this.delivery(req, 'movements'))).body;
  }

  private delivery(req: FastifyRequest, type: WebhookType) {
    const body = bodyOf(req, type);
    const payload = req.rawBody ? numbersAsText(req.rawBody, body, ['amount', 'amount_liq', 'commission', 'commission_liq']) : body;
    return { payload, webhookId: deliveryId(req), deliveryNonce: randomUUID() };
  }
}
