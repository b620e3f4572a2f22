import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, UseFilters } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Money } from '#libs/domain';
import { runWithFaults } from '../common/sandbox-faults.js';
import { CredencialHttpError, CredencialSandboxExceptionFilter } from './credencial-sandbox.errors.js';
import { CREDENCIAL_SANDBOX_OPERATIONS, CredencialSandboxService, type CredencialOutgoingWebhook } from './credencial-sandbox.service.js';
import { CredencialWebhookSender } from './credencial-webhook.sender.js';

function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new CredencialHttpError(400, 'El cuerpo debe ser un objeto');
  return body as Record<string, unknown>;
}

const toError = (status: number, message: string) => new CredencialHttpError(status, message);

const ACCOUNT = { name: 'account_number', description: 'The card account number the nomination answered (e.g. 544802938).', schema: { type: 'string', example: '544802938' } } as const;
const DELIVERY =
  'Built as Credencial would, signed (Standard Webhooks, CREDENCIAL_WEBHOOK_SECRETS) and POSTed to GATEWAY_URL/webhooks/credencial/…; ' +
  'answers `{ webhook, delivery: { url, webhook_id, delivered, status, answer, duration_ms, error? } }` — `answer` is the gateway\'s synchronous decision ' +
  '(code -1 applied; 1 insufficient funds, 2 unknown account, 3 card not active, 99 other).';

/** The Credencial document's paths, under /credential. */
@ApiTags('Credencial')
@Controller('credential')
@UseFilters(CredencialSandboxExceptionFilter)
export class CredencialSandboxController {
  constructor(@Inject(CredencialSandboxService) private readonly credencial: CredencialSandboxService) {}

  @Post('nomination/:card_number')
  @HttpCode(200)
  nominate(@Param('card_number') cardNumber: string, @Body() body: unknown) {
    return runWithFaults(this.credencial.faults, 'nomination', () => this.credencial.nominate(cardNumber, asObject(body)), toError);
  }

  @Get('cards/:account_number/status')
  status(@Param('account_number') accountNumber: string) {
    return runWithFaults(this.credencial.faults, 'get_status', () => this.credencial.status(accountNumber), toError);
  }

  @Put('cards/:account_number/status')
  updateStatus(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    return runWithFaults(this.credencial.faults, 'update_status', () => this.credencial.updateStatus(accountNumber, asObject(body)), toError);
  }

  @Post('cards/:account_number/initial_nip')
  @HttpCode(200)
  initialNip(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    return runWithFaults(this.credencial.faults, 'initial_nip', () => this.credencial.initialNip(accountNumber, asObject(body)), toError);
  }

  @Post('cards/:account_number/update_nip')
  @HttpCode(200)
  updateNip(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    return runWithFaults(this.credencial.faults, 'update_nip', () => this.credencial.updateNip(accountNumber, asObject(body)), toError);
  }
}

function amountOf(body: Record<string, unknown>): Money {
  try {
    const currency = String(body.currency ?? '484') === '840' ? 'USD' : 'MXN';
    return Money.parse(String(body.amount ?? ''), currency);
  } catch {
    throw new CredencialHttpError(400, 'amount must be a decimal with at most 2 decimals');
  }
}

const optString = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Sandbox-only controls: planned failures, a card's plastic data (expiry, CVC) for tests, and the
 * DEBIT / REVERSE / BALANCE / MOVEMENTS webhooks on demand: built, signed, POSTed to the gateway, and
 * answered with `{ webhook, delivery }` where `delivery.answer` is the gateway's synchronous answer.
 */
@ApiTags('Credencial sandbox controls')
@Controller('credential/_sandbox')
@UseFilters(CredencialSandboxExceptionFilter)
export class CredencialSandboxAdminController {
  constructor(
    @Inject(CredencialSandboxService) private readonly credencial: CredencialSandboxService,
    @Inject(CredencialWebhookSender) private readonly sender: CredencialWebhookSender,
  ) {}

  /** Hands the webhook to the listeners, delivers it, and shows both the payload and the gateway's answer. */
  private async fire(kind: CredencialOutgoingWebhook['kind'], payload: CredencialOutgoingWebhook['payload']) {
    const webhook = this.credencial.emit(kind, payload);
    return { webhook: webhook.payload, delivery: await this.sender.send(webhook) };
  }

  /** { count, mode?: error|timeout|after_processing, status?, delay_ms?, operation?: nomination|get_status|update_status|initial_nip|update_nip } */
  @Post('failures')
  @HttpCode(201)
  addFailures(@Body() body: unknown) {
    const plan = this.credencial.faults.add(asObject(body), CREDENCIAL_SANDBOX_OPERATIONS);
    if (typeof plan === 'string') throw new CredencialHttpError(400, plan);
    return { planned: plan, pending: this.credencial.faults.pending() };
  }

  @Get('failures')
  failures() {
    return { pending: this.credencial.faults.pending() };
  }

  @Delete('failures')
  @HttpCode(204)
  clearFailures(): void {
    this.credencial.faults.clear();
  }

  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.credencial.reset();
  }

  /** The card as the processor sees it, with the plastic's expiry and CVC (sandbox only); never the card number or NIP. */
  @Get('cards/:account_number')
  card(@Param('account_number') accountNumber: string) {
    const card = this.credencial.card(accountNumber);
    if (!card) throw new CredencialHttpError(404, 'Tarjeta no encontrada');
    return {
      account_number: card.accountNumber,
      masked_pan: card.maskedPan,
      emi_account_reference: card.emiAccountReference,
      emi_account_identifier: card.emiAccountIdentifier,
      status: card.statusCode,
      card_expiration: card.expiration,
      card_security_code: card.securityCode,
      has_nip: card.nipHash !== undefined,
      cardholder: card.cardholder,
    };
  }

  /** { nip } -> { matches } (sandbox only). */
  @Post('cards/:account_number/nip-check')
  @HttpCode(200)
  nipCheck(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    return { matches: this.credencial.nipMatches(accountNumber, String(asObject(body).nip ?? '')) };
  }

  /** { amount: "99.90", currency?: 484|840, origin?, reference?, trade_name?, terminal?, city? } -> DEBIT webhook, sent; the gateway's answer in `delivery.answer`. */
  @Post('cards/:account_number/debit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fire a DEBIT webhook (the card spends at a POS / ATM)', description: DELIVERY })
  @ApiParam(ACCOUNT)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['amount'],
      properties: {
        amount: { type: 'string', example: '99.90', description: 'Decimal, at most 2 places.' },
        currency: { type: 'string', enum: ['484', '840'], example: '484' },
        reference: { type: 'string', example: '123456789012', description: 'Generated when absent; a REVERSE names it.' },
        origin: { type: 'string', example: 'MASTER_POS' },
        trade_name: { type: 'string', example: 'OXXO' },
        terminal: { type: 'string', example: 'SBXTERM0001' },
        city: { type: 'string', example: 'CDMX' },
      },
    },
  })
  debit(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    const b = asObject(body);
    const payload = this.credencial.buildDebitWebhook(accountNumber, {
      amount: amountOf(b),
      origin: optString(b.origin),
      reference: optString(b.reference),
      tradeName: optString(b.trade_name),
      terminal: optString(b.terminal),
      city: optString(b.city),
    });
    return this.fire('debit', payload);
  }

  /** { amount, reference (the debit's), reverse_reason?, currency? } -> REVERSE DEBIT webhook, sent. */
  @Post('cards/:account_number/reverse')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fire a REVERSE DEBIT webhook (all or part of a debit is undone)', description: DELIVERY })
  @ApiParam(ACCOUNT)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['amount', 'reference'],
      properties: {
        amount: { type: 'string', example: '99.90' },
        reference: { type: 'string', example: '123456789012', description: 'The reference of the debit being reversed.' },
        currency: { type: 'string', enum: ['484', '840'], example: '484' },
        reverse_reason: { type: 'string', example: 'REVERSO' },
        origin: { type: 'string', example: 'MASTER_POS' },
      },
    },
  })
  reverse(@Param('account_number') accountNumber: string, @Body() body: unknown) {
    const b = asObject(body);
    const reference = optString(b.reference);
    if (!reference) throw new CredencialHttpError(400, 'reference (of the debit) is required');
    const payload = this.credencial.buildReverseWebhook(accountNumber, { amount: amountOf(b), reference, reverseReason: optString(b.reverse_reason), origin: optString(b.origin) });
    return this.fire('reverse', payload);
  }

  @Post('cards/:account_number/balance')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fire a BALANCE webhook (balance inquiry at an ATM)', description: DELIVERY })
  @ApiParam(ACCOUNT)
  balance(@Param('account_number') accountNumber: string) {
    return this.fire('balance', this.credencial.buildBalanceWebhook(accountNumber));
  }

  @Post('cards/:account_number/movements')
  @HttpCode(200)
  @ApiOperation({ summary: 'Fire a MOVEMENTS webhook (last movements inquiry)', description: DELIVERY })
  @ApiParam(ACCOUNT)
  movements(@Param('account_number') accountNumber: string) {
    return this.fire('movements', this.credencial.buildMovementsWebhook(accountNumber));
  }
}
