import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { DatabasePool, PrismaService } from '#libs/database';
import { BusinessRuleError, Clabe, ConflictError, Money, NotFoundError, ProviderUnavailableError, SpeiOut, ValidationError, type SpeiOutBeneficiaryAccountType, type SpeiOutOrder } from '#libs/domain';
import { inTransaction, ProviderLinksRepository, SPEI_OUT_HOLD_KIND } from '#libs/inbox';
import { LedgerService, SYSTEM_ACCOUNTS } from '#libs/ledger';
import { assertNoProblems, checkTransfer, STP_MAX_AMOUNT_CENTAVOS, toTransferWire } from '#libs/providers/stp';
import { QueueFactory, QueueName, type SpeiOutJobData } from '#libs/queue';
import { SpeiOutOrdersRepository, SpeiOutSender } from '#libs/spei-out';
import { CardMoneyService } from '../cards/card-money.service.js';
import type { CreateSpeiTransferDto } from '../cards/dto/card-money.dto.js';
import type { CreateSpeiTransferRequestDto, ListSpeiTransfersQueryDto, SpeiTransferDto, SpeiTransferEventDto, SpeiTransferPageDto } from './dto/spei-transfer.dto.js';

type OrderRow = Awaited<ReturnType<PrismaService['speiOutOrder']['findUniqueOrThrow']>>;
type MovementRow = Awaited<ReturnType<PrismaService['cardMovement']['findUniqueOrThrow']>>;

const TYPE_BY_LENGTH: Record<number, SpeiOutBeneficiaryAccountType> = { 18: 'clabe', 10: 'mobile_phone', 16: 'debit_card' };

/** Enqueues an order's send job (job id = order id, so a second enqueue of a waiting job is a no-op). */
export async function enqueueSpeiOut(queues: QueueFactory, config: AppConfig, orderId: string, jobId = orderId): Promise<void> {
  await queues.queue<SpeiOutJobData>(QueueName.SpeiOut).add('send', { orderId }, {
    jobId,
    attempts: config.stpSendAttempts,
    backoff: { type: 'exponential', delay: config.stpSendBackoffMs },
  });
}

/**
 * /v1/spei/transfers — one resource, routed by its source:
 * - `clabe` (STP): validated exactly as STP will be asked (every documented rule; each CLABE's bank code and
 *   check digit), then ONE transaction writes the order row (tracking key generated here, unique) and the
 *   ledger hold on the CLABE's account (kind spei_out, external_ref = tracking key — what the STP status
 *   webhook's applier looks up); after the commit the send job is queued. STP is never called here.
 * - `card` (NeCIPCo): the existing synchronous flow (CardMoneyService.speiFromCard).
 */
@Injectable()
export class SpeiTransfersService {
  private readonly log: Logger;

  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(DatabasePool) private readonly database: DatabasePool,
    @Inject(SpeiOut) private readonly stp: SpeiOut,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(ProviderLinksRepository) private readonly links: ProviderLinksRepository,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(CardMoneyService) private readonly cardMoney: CardMoneyService,
    @Inject(SpeiOutOrdersRepository) private readonly orders: SpeiOutOrdersRepository,
    @Inject(SpeiOutSender) private readonly sender: SpeiOutSender,
    @Inject(AppLogger) logger: Logger,
  ) {
    this.log = logger.child({ context: 'SpeiTransfers' });
  }

  async create(apiKeyId: string, key: string, dto: CreateSpeiTransferRequestDto): Promise<SpeiTransferDto> {
    return dto.source.type === 'clabe' ? this.fromClabe(apiKeyId, key, dto) : this.fromCard(apiKeyId, key, dto);
  }

  /**
   * Both sources in one list, newest first: STP orders (spei_out_orders) and SPEI from cards (card_movements of
   * kind spei_out, whose status is shown as the GET shows it). Keyset cursor on (created_at, id).
   */
  async list(q: ListSpeiTransfersQueryDto): Promise<SpeiTransferPageDto> {
    const limit = q.limit ?? 50;
    const from = q.created_from ? boundary(q.created_from, 'created_from', false) : null;
    const to = q.created_to ? boundary(q.created_to, 'created_to', true) : null;
    if (from && to && from.getTime() > to.getTime()) {
      throw new ValidationError('created_from must not be after created_to', { field: 'created_from' }, 'invalid_date_range');
    }
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: string, ...v: unknown[]) => {
      let i = values.length;
      values.push(...v);
      where.push(sql.replace(/\?/g, () => `$${++i}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.source_type) add('source_type = ?', q.source_type);
    if (q.clabe) add('source_clabe = ?', Clabe.parse(q.clabe, 'clabe').value);
    if (from) add('created_at >= ?::timestamptz', from.toISOString());
    if (to) add('created_at <= ?::timestamptz', to.toISOString());
    if (q.cursor) {
      const m = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(Buffer.from(q.cursor, 'base64url').toString('utf8'));
      if (!m) throw new ValidationError('cursor is not one this API returned', { field: 'cursor' }, 'invalid_cursor');
      add('(created_at, id) < (?::timestamptz, ?::uuid)', m[1], m[2]);
    }
    values.push(limit + 1);
    const { rows } = await this.database.query(
      `select id, source_type, created_at from (
         select id, created_at, 'clabe'::text as source_type, status, source_clabe from spei_out_orders
         union all
         select id, created_at, 'card'::text, case status when 'confirmed' then 'settled' when 'pending' then 'sending' else status end, null::text
           from card_movements where kind = 'spei_out'
       ) t ${where.length ? `where ${where.join(' and ')}` : ''}
       order by created_at desc, id desc limit $${values.length}`,
      values,
    );
    const page = (rows as Array<{ id: string; source_type: string; created_at: Date }>).slice(0, limit);
    const orderIds = page.filter((r) => r.source_type === 'clabe').map((r) => r.id);
    const movementIds = page.filter((r) => r.source_type === 'card').map((r) => r.id);
    const [orders, movements] = await Promise.all([
      orderIds.length ? this.prisma.speiOutOrder.findMany({ where: { id: { in: orderIds } } }) : [],
      movementIds.length ? this.prisma.cardMovement.findMany({ where: { id: { in: movementIds } } }) : [],
    ]);
    const views = new Map<string, SpeiTransferDto>([...orders.map((o) => [o.id, orderView(o)] as const), ...movements.map((m) => [m.id, movementView(m)] as const)]);
    const last = page[page.length - 1];
    return {
      data: page.map((r) => views.get(r.id)!).filter(Boolean),
      next_cursor: rows.length > limit && last ? Buffer.from(`${new Date(last.created_at).toISOString()}|${last.id}`).toString('base64url') : null,
    };
  }

  /**
   * An operator settles an order whose send outcome is unknown (every retry failed transiently; hold kept) or
   * that is stuck `sending` (no attempt for longer than the sweeper's age): it is sent again with its SAME
   * tracking key through the worker's sender. STP answering 409 (it has that key) or accepting → `sent`;
   * refusing → `failed`, hold voided; still failing → stays `unknown`, 503. No transaction is open during the call.
   */
  async reconcile(id: string): Promise<SpeiTransferDto> {
    const order = await this.orders.get(id);
    if (!order) {
      const movement = await this.prisma.cardMovement.findUnique({ where: { id } });
      if (movement?.kind === 'spei_out') {
        throw new ConflictError('a SPEI from a card is sent by the card provider synchronously; there is no STP order to reconcile', { id }, 'order_not_reconcilable');
      }
      throw new NotFoundError(`SPEI transfer ${id} not found`, { id }, 'spei_transfer_not_found');
    }
    const stuck = order.status === 'sending' && Date.now() - order.updatedAt.getTime() >= this.config.sweeperAgeMs;
    if (order.status !== 'unknown' && !stuck) {
      throw new ConflictError(
        order.status === 'sending' ? 'the order is being sent right now; reconcile only an order left unknown or stuck sending' : `the order is ${order.status}; only an unknown (or stuck sending) order can be reconciled`,
        { id, status: order.status },
        'order_not_reconcilable',
      );
    }
    const outcome = await this.sender.send(order, {
      from: ['unknown', 'sending'],
      final: true,
      claimDetail: (o) => `reconcile (operator), attempt ${o.attempts + 1}: resending to STP with the same tracking key`,
      unknownDetail: (message) => `reconcile: STP still did not answer (${message}); hold kept`,
    });
    if (outcome.kind === 'skipped') {
      throw new ConflictError(`the order moved to ${outcome.status} meanwhile; nothing was sent`, { id, status: outcome.status }, 'order_not_reconcilable');
    }
    if (outcome.kind === 'transient') {
      this.log.warn({ order_id: id, tracking_key: order.trackingKey, err: outcome.error.message }, 'SPEI OUT reconcile: STP still unavailable; order stays unknown');
      throw new ProviderUnavailableError('stp', 'STP still did not answer; the order stays unknown with its hold kept — reconcile again later', { id, reason: outcome.error.details?.reason ?? null });
    }
    this.log.info({ order_id: id, tracking_key: order.trackingKey, outcome: outcome.kind }, 'SPEI OUT order reconciled');
    return orderView(await this.prisma.speiOutOrder.findUniqueOrThrow({ where: { id } }));
  }

  async get(id: string): Promise<SpeiTransferDto> {
    const order = await this.prisma.speiOutOrder.findUnique({ where: { id } });
    if (order) return orderView(order);
    const movement = await this.prisma.cardMovement.findUnique({ where: { id } });
    if (movement?.kind === 'spei_out') return movementView(movement);
    throw new NotFoundError(`SPEI transfer ${id} not found`, { id }, 'spei_transfer_not_found');
  }

  // ---------------------------------------------------------------- CLABE source (STP)

  private async fromClabe(apiKeyId: string, key: string, dto: CreateSpeiTransferRequestDto): Promise<SpeiTransferDto> {
    const where = { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: key } };
    const existing = await this.prisma.speiOutOrder.findUnique({ where });
    if (existing) return orderView(existing);

    if (!dto.source.clabe) throw new ValidationError('source.clabe is required for a clabe source', { field: 'source.clabe' }, 'validation_failed');
    if (dto.source.card_id) throw new ValidationError('source.card_id is not allowed for a clabe source', { field: 'source.card_id' }, 'validation_failed');
    const source = Clabe.parse(dto.source.clabe, 'source.clabe');
    const link = await this.links.clabe(source.value);
    const account = await this.prisma.clabeAccount.findUnique({ where: { clabe: source.value } });
    if (!link || !account || account.state !== 'created') throw new NotFoundError(`no CLABE account ${source.value}`, { clabe: source.value }, 'clabe_account_not_found');
    if (link.status !== 'active') throw new BusinessRuleError(`CLABE account ${source.value} is inactive at STP`, { clabe: source.value }, 'clabe_account_inactive');

    const amount = Money.parse(dto.amount);
    if (amount.centavos <= 0n) throw new ValidationError('amount must be greater than zero', { field: 'amount' }, 'invalid_amount');
    if (amount.centavos > STP_MAX_AMOUNT_CENTAVOS) throw new ValidationError('amount must be at most 999999999999.99 (STP maximum per order)', { field: 'amount' }, 'invalid_amount');
    const accountType = dto.beneficiary.account_type ?? TYPE_BY_LENGTH[dto.beneficiary.account.length]!;
    if (accountType === 'debit_card') {
      // A queued order is stored until STP takes it, and Pasarela never stores a clear card number.
      throw new BusinessRuleError('SPEI from a CLABE account to a debit card is not offered: send to the card holder\'s CLABE or phone', { field: 'beneficiary.account_type' }, 'beneficiary_card_not_supported');
    }

    const order: SpeiOutOrder = {
      trackingKey: this.stp.newTrackingKey(),
      amount,
      beneficiary: { name: dto.beneficiary.name.trim(), account: dto.beneficiary.account, accountType, institution: dto.beneficiary.institution, rfcOrCurp: dto.beneficiary.rfc_curp },
      concept: dto.concept.trim(),
      numericReference: dto.numeric_reference,
      payerAccount: source.value,
    };
    // The same rules the adapter applies before sending (and the sandbox on arrival): refuse now, not in the worker.
    const wire = toTransferWire(order, { enterprise: this.config.stpEnterprise, payerAccount: source.value });
    assertNoProblems(checkTransfer(wire as unknown as Record<string, unknown>));

    const id = randomUUID();
    const now = new Date().toISOString();
    const created = await inTransaction(this.database.pool, async (client) => {
      const inserted = await client.query(
        `insert into spei_out_orders (id, api_key_id, idempotency_key, provider, tracking_key, source_clabe, ledger_account_id, amount,
           beneficiary_name, beneficiary_account, beneficiary_account_type, counterpart_institution, beneficiary_rfc_curp,
           payment_concept, numeric_reference, status, history)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'queued', $16::jsonb)
         on conflict (api_key_id, idempotency_key) do nothing`,
        [
          id, apiKeyId, key, this.stp.provider, wire.tracking_key, source.value, link.ledgerAccountId, amount.centavos.toString(),
          wire.beneficiary_name, wire.beneficiary_account, accountType, wire.counterpart_institution, wire.beneficiary_rfc_curp,
          wire.payment_concept, wire.numeric_reference, JSON.stringify([{ status: 'queued', at: now, detail: `${amount.toDecimalString()} held on ${source.value}; queued for STP` }]),
        ],
      );
      if (inserted.rowCount === 0) return false; // a concurrent request with the same key won
      const hold = await this.ledger.hold(
        {
          idempotencyKey: `spei-out:${id}`,
          debitAccountId: link.ledgerAccountId,
          creditAccountId: SYSTEM_ACCOUNTS.stpSettlement.id,
          amount: amount.centavos,
          kind: SPEI_OUT_HOLD_KIND,
          externalRef: wire.tracking_key,
          metadata: { spei_out_order_id: id },
        },
        { db: client },
      );
      await client.query('update spei_out_orders set hold_transfer_id = $2 where id = $1', [id, hold.transfer.id]);
      return true;
    });
    if (!created) return orderView(await this.prisma.speiOutOrder.findUniqueOrThrow({ where }));
    try {
      await enqueueSpeiOut(this.queues, this.config, id);
    } catch (err) {
      // The order and its hold are committed; the worker's sweeper queues orders left `queued`.
      this.log.warn({ order_id: id, err: (err as Error).message }, 'SPEI OUT order committed but not queued; the sweeper will queue it');
    }
    return orderView(await this.prisma.speiOutOrder.findUniqueOrThrow({ where: { id } }));
  }

  // ---------------------------------------------------------------- card source (NeCIPCo)

  private async fromCard(apiKeyId: string, key: string, dto: CreateSpeiTransferRequestDto): Promise<SpeiTransferDto> {
    const missing = [
      !dto.source.card_id && 'source.card_id',
      dto.source.clabe && 'source.clabe (not allowed)',
      !dto.beneficiary.institution && 'beneficiary.institution',
      !dto.beneficiary.email && 'beneficiary.email',
      !dto.location && 'location',
    ].filter(Boolean) as string[];
    if (missing.length) throw new ValidationError(`a card source needs: ${missing.join(', ')}`, { field: missing[0] }, 'validation_failed');
    const cardDto = {
      amount: dto.amount,
      location: dto.location!,
      source: { type: 'card', card_id: dto.source.card_id },
      beneficiary: { account: dto.beneficiary.account, institution: dto.beneficiary.institution!, name: dto.beneficiary.name, rfc_curp: dto.beneficiary.rfc_curp, email: dto.beneficiary.email! },
      concept: dto.concept,
      numeric_reference: dto.numeric_reference,
    } as CreateSpeiTransferDto;
    const r = await this.cardMoney.speiFromCard(apiKeyId, key, cardDto);
    return movementView(await this.prisma.cardMovement.findUniqueOrThrow({ where: { id: r.id } }));
  }
}

/** A created_from / created_to bound: a date is its day's start (from) or end (to), UTC; a date-time is itself. */
function boundary(text: string, field: string, end: boolean): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const d = new Date(dateOnly ? `${text}T00:00:00.000Z` : text);
  if (Number.isNaN(d.getTime())) throw new ValidationError(`${field} is not a valid date`, { field }, 'invalid_date');
  if (dateOnly && d.toISOString().slice(0, 10) !== text) throw new ValidationError(`${field} is not a valid date`, { field }, 'invalid_date');
  return dateOnly && end ? new Date(d.getTime() + 86_400_000 - 1) : d;
}

function orderView(row: OrderRow): SpeiTransferDto {
  return {
    id: row.id,
    kind: 'spei_out',
    source: { type: 'clabe', clabe: row.sourceClabe, card_id: null },
    card_id: null,
    provider: row.provider,
    status: row.status,
    amount: Money.ofCentavos(row.amount).toDecimalString(),
    currency: row.currency,
    beneficiary: {
      name: row.beneficiaryName,
      account: row.beneficiaryAccount,
      account_type: row.beneficiaryAccountType,
      institution: row.counterpartInstitution,
      rfc_curp: row.beneficiaryRfcCurp,
    },
    concept: row.paymentConcept,
    numeric_reference: row.numericReference,
    tracking_key: row.trackingKey,
    provider_order_id: row.providerOrderId,
    cause: row.cause,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    attempts: row.attempts,
    commission: null,
    vat: null,
    hold_ledger_transfer_id: row.holdTransferId,
    ledger_journal_id: null,
    history: (Array.isArray(row.history) ? row.history : []) as unknown as SpeiTransferEventDto[],
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const CARD_STATUS: Record<string, string> = { confirmed: 'settled', pending: 'sending', unknown: 'unknown' };

function movementView(row: MovementRow): SpeiTransferDto {
  const result = (row.result ?? {}) as Record<string, string | null>;
  const status = CARD_STATUS[row.status] ?? row.status;
  // Kept with the movement since it was created (a debit card beneficiary masked); older rows have none.
  const details = (row.requestDetails ?? {}) as { beneficiary?: Record<string, string | null>; concept?: string; numeric_reference?: string | null };
  const b = details.beneficiary ?? {};
  return {
    id: row.id,
    kind: 'spei_out',
    source: { type: 'card', clabe: null, card_id: row.cardId },
    card_id: row.cardId,
    provider: row.provider,
    status,
    amount: Money.ofCentavos(row.amount).toDecimalString(),
    currency: row.currency,
    beneficiary: {
      name: b.name ?? null,
      account: b.account ?? null,
      account_type: b.account_type ?? null,
      institution: b.institution ?? null,
      rfc_curp: b.rfc_curp ?? null,
    },
    concept: details.concept ?? result.description ?? null,
    numeric_reference: details.numeric_reference ?? null,
    tracking_key: result.tracking_key ?? null,
    provider_order_id: row.providerOperationId,
    cause: null,
    error: null,
    attempts: 1,
    commission: result.commission ?? null,
    vat: result.vat ?? null,
    hold_ledger_transfer_id: null,
    ledger_journal_id: row.ledgerJournalId,
    history: [{ status, at: row.updatedAt.toISOString(), detail: row.status === 'confirmed' ? `confirmed by ${row.provider} and posted to the ledger` : `${row.provider} outcome ${row.status}` }],
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}
