import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '#libs/database';
import { BusinessRuleError, CapabilityNotSupportedError, ConflictError, maskPan, Money, NotFoundError, ProviderUnavailableError, SensitiveValue, ValidationError } from '#libs/domain';
import type { LegInput } from '#libs/ledger';
import { CardLedgerService } from './card-ledger.service.js';
import { CardProviders } from './card-providers.js';
import { CardsService, geo, type CardRow } from './cards.service.js';
import type { CardAmountDto, CardMoneyMovementDto, CardPaymentDto, CardPurchaseDto, CardTransferDto, CardWithdrawalDto, CreateSpeiTransferDto, SpeiTransferDto } from './dto/card-money.dto.js';

export type MovementKind = 'disbursement' | 'payment' | 'withdrawal' | 'purchase' | 'card_transfer' | 'spei_out';

/** What the provider confirmed (no card data: ids, codes, amounts, descriptions). */
interface Confirmation {
  operationId: string;
  authorizationCode?: string;
  description?: string;
  newBalance?: Money;
  extra?: Record<string, string | null>;
}

type MovementRow = Awaited<ReturnType<PrismaService['cardMovement']['findUniqueOrThrow']>>;

/** The ledger key of a /v1 call: the caller's Idempotency-Key scoped to its API key, hashed. */
export function scopedLedgerKey(prefix: string, apiKeyId: string, idempotencyKey: string): string {
  return `${prefix}:${createHash('sha256').update(`${apiKeyId}\n${idempotencyKey.trim()}`).digest('base64url')}`;
}

/**
 * Money on cards. Each movement is a card_movements row keyed by (API key, Idempotency-Key), written
 * `pending` BEFORE the provider is called (no transaction open during the call), `confirmed` with the
 * provider's operation id once it answers, then posted to the ledger under `card-movement:<movement id>`
 * — so the ledger mirrors the provider, and a retry neither calls the provider twice nor posts twice.
 * A decline leaves nothing behind (the row is removed: nothing moved); an unknown outcome (timeout, 5xx)
 * leaves the row `unknown` and the same key answers 409 until it is reconciled.
 */
@Injectable()
export class CardMoneyService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(CardProviders) private readonly providers: CardProviders,
    @Inject(CardsService) private readonly cards: CardsService,
    @Inject(CardLedgerService) private readonly ledger: CardLedgerService,
  ) {}

  async disburse(apiKeyId: string, key: string, cardId: string, dto: CardAmountDto): Promise<CardMoneyMovementDto> {
    const card = await this.cards.card(cardId);
    const amount = positive(dto.amount);
    const funds = this.providers.funds(card.provider);
    return movementView(await this.move({ apiKeyId, key, kind: 'disbursement', card, amount }, async () => confirmation(await funds.disburse({ card: { cardId: card.providerCardId }, amount, location: geo(dto.location) })), async () => [
      { debitAccountId: await this.ledger.mainAccount(card.provider), creditAccountId: card.ledgerAccountId, amount: amount.centavos, kind: 'card_disbursement' },
    ]));
  }

  async pay(apiKeyId: string, key: string, cardId: string, dto: CardPaymentDto): Promise<CardMoneyMovementDto> {
    const card = await this.cards.card(cardId);
    const amount = positive(dto.amount);
    const funds = this.providers.funds(card.provider);
    return movementView(
      await this.move(
      { apiKeyId, key, kind: 'payment', card, amount },
      async () => confirmation(await funds.pay({ card: { cardId: card.providerCardId }, amount, description: dto.description, location: geo(dto.location) })),
      async () => [{ debitAccountId: await this.ledger.mainAccount(card.provider), creditAccountId: card.ledgerAccountId, amount: amount.centavos, kind: 'card_payment' }],
    ),
    );
  }

  async withdraw(apiKeyId: string, key: string, cardId: string, dto: CardWithdrawalDto): Promise<CardMoneyMovementDto> {
    const card = await this.cards.card(cardId);
    const amount = positive(dto.amount);
    const funds = this.providers.funds(card.provider);
    return movementView(
      await this.move(
      { apiKeyId, key, kind: 'withdrawal', card, amount },
      async () =>
        confirmation(await funds.withdraw({ card: { cardId: card.providerCardId }, amount, pin: dto.pin ? SensitiveValue.pin(dto.pin) : undefined, location: geo(dto.location) })),
      async () => [{ debitAccountId: card.ledgerAccountId, creditAccountId: await this.ledger.collectionAccount(card.provider), amount: amount.centavos, kind: 'card_withdrawal' }],
    ),
    );
  }

  async purchase(apiKeyId: string, key: string, cardId: string, dto: CardPurchaseDto): Promise<CardMoneyMovementDto> {
    const card = await this.cards.card(cardId);
    const amount = positive(dto.amount);
    const funds = this.providers.funds(card.provider);
    return movementView(
      await this.move(
      { apiKeyId, key, kind: 'purchase', card, amount },
      async () =>
        confirmation(
          await funds.purchase({
            card: { cardId: card.providerCardId },
            amount,
            merchantDescription: dto.merchant_description,
            pin: dto.pin ? SensitiveValue.pin(dto.pin) : undefined,
            location: geo(dto.location),
          }),
        ),
      async () => [{ debitAccountId: card.ledgerAccountId, creditAccountId: await this.ledger.collectionAccount(card.provider), amount: amount.centavos, kind: 'card_purchase' }],
    ),
    );
  }

  async transfer(apiKeyId: string, key: string, dto: CardTransferDto): Promise<CardMoneyMovementDto> {
    if (dto.origin_card_id === dto.destination_card_id) throw new ValidationError('origin and destination must be different cards', { field: 'destination_card_id' }, 'same_card');
    const origin = await this.cards.card(dto.origin_card_id);
    const destination = await this.cards.card(dto.destination_card_id);
    if (origin.provider !== destination.provider) throw new CapabilityNotSupportedError(`${origin.provider}->${destination.provider}`, 'card_transfer_across_providers');
    const amount = positive(dto.amount);
    const funds = this.providers.funds(origin.provider);
    return movementView(
      await this.move(
      { apiKeyId, key, kind: 'card_transfer', card: origin, counterparty: destination, amount },
      async () => {
        const r = await funds.transferBetweenCards({ origin: { cardId: origin.providerCardId }, destination: { cardId: destination.providerCardId }, amount, location: geo(dto.location) });
        return {
          operationId: r.operation.operationId,
          authorizationCode: r.operation.authorizationCode,
          newBalance: r.origin.newBalance,
          extra: { destination_new_balance: r.destination.newBalance?.toDecimalString() ?? null },
        };
      },
      async () => [{ debitAccountId: origin.ledgerAccountId, creditAccountId: destination.ledgerAccountId, amount: amount.centavos, kind: 'card_transfer' }],
    ),
    );
  }

  async speiFromCard(apiKeyId: string, key: string, dto: CreateSpeiTransferDto): Promise<SpeiTransferDto> {
    if (dto.source.type !== 'card') {
      throw new BusinessRuleError('SPEI from a CLABE account is not served by this endpoint yet; use a card source', { field: 'source.type' }, 'source_not_supported');
    }
    if (!dto.source.card_id) throw new ValidationError('source.card_id is required for a card source', { field: 'source.card_id' }, 'validation_failed');
    const card = await this.cards.card(dto.source.card_id);
    const amount = positive(dto.amount);
    const spei = this.providers.spei(card.provider);
    const row = await this.move(
      { apiKeyId, key, kind: 'spei_out', card, amount, details: speiRequestDetails(dto) },
      async () => {
        const r = await spei.sendSpeiFromCard({
          card: { cardId: card.providerCardId },
          amount,
          concept: dto.concept,
          beneficiaryAccount: dto.beneficiary.account,
          beneficiaryInstitution: dto.beneficiary.institution,
          beneficiaryName: dto.beneficiary.name,
          beneficiaryRfcCurp: dto.beneficiary.rfc_curp,
          beneficiaryEmail: dto.beneficiary.email,
          numericReference: dto.numeric_reference,
          location: geo(dto.location),
        });
        return {
          operationId: r.providerOrderId,
          description: dto.concept,
          extra: { tracking_key: r.trackingKey ?? null, commission: r.commission?.toDecimalString() ?? null, vat: r.vat?.toDecimalString() ?? null },
        };
      },
      async (row) => {
        const result = (row.result ?? {}) as Record<string, string | null>;
        const fees = (result.commission ? Money.parse(result.commission).centavos : 0n) + (result.vat ? Money.parse(result.vat).centavos : 0n);
        const settlement = await this.ledger.settlementAccount(card.provider);
        const legs: LegInput[] = [{ debitAccountId: card.ledgerAccountId, creditAccountId: settlement, amount: amount.centavos, kind: 'spei_out' }];
        if (fees > 0n) legs.push({ debitAccountId: card.ledgerAccountId, creditAccountId: settlement, amount: fees, kind: 'spei_out_fee' });
        return legs;
      },
    );
    const extra = (row.result ?? {}) as Record<string, string | null>;
    return { ...movementView(row), tracking_key: extra.tracking_key ?? null, commission: extra.commission ?? null, vat: extra.vat ?? null };
  }

  // ---------------------------------------------------------------- the one path every movement takes

  private async move(
    m: { apiKeyId: string; key: string; kind: MovementKind; card: CardRow; counterparty?: CardRow; amount: Money; details?: Prisma.InputJsonValue },
    call: () => Promise<Confirmation>,
    legs: (row: MovementRow) => Promise<LegInput[]>,
  ): Promise<MovementRow> {
    const where = { apiKeyId_idempotencyKey: { apiKeyId: m.apiKeyId, idempotencyKey: m.key } };
    const existing = await this.prisma.cardMovement.findUnique({ where });
    if (existing) return this.resume(existing, legs);
    let row: MovementRow;
    try {
      row = await this.prisma.cardMovement.create({
        data: {
          id: randomUUID(),
          apiKeyId: m.apiKeyId,
          idempotencyKey: m.key,
          kind: m.kind,
          cardId: m.card.id,
          counterpartyCardId: m.counterparty?.id ?? null,
          amount: m.amount.centavos,
          status: 'pending',
          provider: m.card.provider,
          requestDetails: m.details ?? Prisma.DbNull,
        },
      });
    } catch (e) {
      if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') return this.resume(await this.prisma.cardMovement.findUniqueOrThrow({ where }), legs);
      throw e;
    }

    let confirmed: Confirmation;
    try {
      confirmed = await call();
    } catch (e) {
      if (e instanceof ProviderUnavailableError) {
        await this.prisma.cardMovement.update({ where: { id: row.id }, data: { status: 'unknown', updatedAt: new Date() } });
      } else {
        // Refused before or by the provider: nothing moved, so a corrected retry may run again.
        await this.prisma.cardMovement.delete({ where: { id: row.id } });
      }
      throw e;
    }
    row = await this.prisma.cardMovement.update({
      where: { id: row.id },
      data: {
        status: 'confirmed',
        providerOperationId: confirmed.operationId,
        authorizationCode: confirmed.authorizationCode ?? null,
        result: { description: confirmed.description ?? null, new_balance: confirmed.newBalance?.toDecimalString() ?? null, ...(confirmed.extra ?? {}) },
        updatedAt: new Date(),
      },
    });
    return this.post(row, legs);
  }

  /** The same Idempotency-Key again after a first attempt that did not complete. */
  private async resume(row: MovementRow, legs: (row: MovementRow) => Promise<LegInput[]>): Promise<MovementRow> {
    if (row.status !== 'confirmed') {
      throw new ConflictError('the outcome of the first request with this Idempotency-Key is unknown at the provider; it must be reconciled before a retry', { movement_id: row.id }, 'movement_outcome_unknown');
    }
    return this.post(row, legs);
  }

  private async post(row: MovementRow, legs: (row: MovementRow) => Promise<LegInput[]>): Promise<MovementRow> {
    if (!row.ledgerJournalId) {
      const journal = await this.ledger.post(`card-movement:${row.id}`, (await legs(row)).map((l) => ({ ...l, externalRef: row.providerOperationId ?? undefined, metadata: { movement_id: row.id, provider: row.provider } })));
      row = await this.prisma.cardMovement.update({ where: { id: row.id }, data: { ledgerJournalId: journal.journalId, updatedAt: new Date() } });
    }
    return row;
  }

  async get(id: string): Promise<CardMoneyMovementDto> {
    const row = await this.prisma.cardMovement.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`movement ${id} not found`, { id }, 'movement_not_found');
    return movementView(row);
  }
}

/**
 * What GET /v1/spei/transfers shows of a SPEI from a card (NeCIPCo's answer carries none of it), written with the
 * pending row so even an unknown outcome keeps it. A debit card beneficiary is kept masked only.
 */
export function speiRequestDetails(dto: CreateSpeiTransferDto): Prisma.InputJsonValue {
  const b = dto.beneficiary;
  const accountType = b.account.length === 16 ? 'debit_card' : b.account.length === 10 ? 'mobile_phone' : 'clabe';
  return {
    beneficiary: {
      name: b.name,
      account: accountType === 'debit_card' ? maskPan(b.account) : b.account,
      account_type: accountType,
      institution: b.institution,
      rfc_curp: b.rfc_curp ?? null,
    },
    concept: dto.concept,
    numeric_reference: dto.numeric_reference ?? null,
  };
}

function positive(amount: string): Money {
  const m = Money.parse(amount);
  if (m.centavos <= 0n) throw new ValidationError('amount must be greater than zero', { field: 'amount' }, 'invalid_amount');
  return m;
}

function confirmation(r: { operation: { operationId: string; authorizationCode?: string; description?: string } }): Confirmation {
  return { operationId: r.operation.operationId, authorizationCode: r.operation.authorizationCode, description: r.operation.description };
}

function movementView(row: MovementRow): CardMoneyMovementDto {
  const result = (row.result ?? {}) as Record<string, string | null>;
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    card_id: row.cardId,
    counterparty_card_id: row.counterpartyCardId,
    amount: Money.ofCentavos(row.amount).toDecimalString(),
    currency: row.currency,
    description: result.description ?? null,
    provider_operation_id: row.providerOperationId,
    authorization_code: row.authorizationCode,
    new_balance: result.new_balance ?? null,
    ledger_journal_id: row.ledgerJournalId,
    created_at: row.createdAt.toISOString(),
  };
}
