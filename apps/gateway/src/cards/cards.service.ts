import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { maskPan, Money, NotFoundError, type CardholderQuery, ProviderUnavailableError, SensitiveValue, ValidationError, type CardSummary, type GeoLocation, type NewCardholder } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import { CardDataKeysService } from './card-data-keys.service.js';
import { CardLedgerService } from './card-ledger.service.js';
import { CardProviders, type CardProviderName } from './card-providers.js';
import { CardServicingService, type CallContext } from './card-servicing.service.js';
import { CARDHOLDER_SEARCH_FIELDS, type CardholderDto, type CardholderPageDto, type CreateCardholderDto, type ListCardholdersQueryDto } from './dto/cardholder.dto.js';
import type {
  AuthenticationResultDto,
  CardBalanceDto,
  CardDetailsDto,
  CardDto,
  CardMovementPageDto,
  CardPageDto,
  CvcDto,
  IssueCardDto,
  IssuedCardDto,
  MovementsQueryDto,
  PhysicalCardDto,
  PinOperationDto,
  PinValidationDto,
  PosPinDto,
  RequestPhysicalCardDto,
  SetPinDto,
} from './dto/card.dto.js';
import { decodeCursor, encodeCursor, type LocationDto } from './dto/common.dto.js';
import { CardProcessingService } from './card-processing.service.js';
import { cardView, type CardRow } from './card-view.js';

export { cardView, type CardRow };

type CardholderRow = Awaited<ReturnType<PrismaService['cardholder']['findUniqueOrThrow']>>;

const MASKED = /^\*{12}\d{4}$/;

function cardholderSummary(r: CardholderRow) {
  return { id: r.id, provider: r.provider, external_id: r.externalId, created_at: r.createdAt.toISOString() };
}

export function geo(l: LocationDto | { latitude: string; longitude: string }): GeoLocation {
  return { latitude: l.latitude, longitude: l.longitude };
}

/**
 * Cardholders and cards through the owning provider's CardIssuing port. Our ids in, our ids out; the
 * provider's ids live in Postgres. Clear card data never leaves as such: PANs masked, and a PAN / CVC / PIN
 * the caller must see is encrypted to its registered key. No DB transaction is open while a provider is called.
 */
@Injectable()
export class CardsService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(CardProviders) private readonly providers: CardProviders,
    @Inject(CardDataKeysService) private readonly keys: CardDataKeysService,
    @Inject(CardLedgerService) private readonly cardLedger: CardLedgerService,
    @Inject(LedgerService) private readonly ledger: LedgerService,
    @Inject(CardProcessingService) private readonly processing: CardProcessingService,
    @Inject(CardServicingService) private readonly servicing: CardServicingService,
  ) {}

  // ---------------------------------------------------------------- lookups

  async card(id: string): Promise<CardRow> {
    const row = await this.prisma.card.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`card ${id} not found`, { id }, 'card_not_found');
    return row;
  }

  private async cardholder(id: string): Promise<CardholderRow> {
    const row = await this.prisma.cardholder.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`cardholder ${id} not found`, { id }, 'cardholder_not_found');
    return row;
  }

  private async updateStatus(row: CardRow, summary: CardSummary): Promise<CardRow> {
    const type = summary.type ?? row.type;
    const status = summary.status ?? row.status;
    if (type === row.type && status === row.status) return row;
    return this.prisma.card.update({ where: { id: row.id }, data: { type, status, updatedAt: new Date() } });
  }

  // ---------------------------------------------------------------- cardholders

  async createCardholder(apiKeyId: string, dto: CreateCardholderDto): Promise<CardholderDto> {
    const provider = this.providers.choose(dto.provider);
    const a = dto.address;
    const input: NewCardholder = {
      firstName: dto.first_name,
      secondName: dto.second_name,
      surname: dto.surname,
      secondSurname: dto.second_surname,
      rfc: dto.rfc,
      curp: dto.curp,
      email: dto.email,
      primaryPhone: dto.primary_phone,
      mobilePhone: dto.mobile_phone,
      address: {
        street: a.street,
        externalNumber: a.external_number,
        internalNumber: a.internal_number,
        suburb: a.suburb,
        township: a.township,
        city: a.city,
        state: a.state,
        postalCode: a.postal_code,
        country: a.country,
      },
      birthdate: dto.birthdate,
      gender: dto.gender,
      maritalStatus: dto.marital_status,
      hasKids: dto.has_kids,
      grossMonthlyIncome: dto.gross_monthly_income ? Money.parse(dto.gross_monthly_income) : undefined,
      netMonthlyIncome: dto.net_monthly_income ? Money.parse(dto.net_monthly_income) : undefined,
      observations: dto.observations,
      externalId: dto.external_id,
    };
    const created = await this.providers.issuing(provider).createCardholder(input);
    const row = await this.prisma.cardholder.create({
      data: { id: randomUUID(), provider, providerCardholderId: created.cardholderId, externalId: dto.external_id ?? created.externalId ?? null, createdByApiKeyId: apiKeyId },
    });
    return this.cardholderView(row, created);
  }

  async getCardholder(id: string): Promise<CardholderDto> {
    const row = await this.cardholder(id);
    const remote = await this.providers.issuing(row.provider).getCardholder({ cardholderId: row.providerCardholderId });
    return this.cardholderView(row, remote);
  }

  async listCardholders(q: ListCardholdersQueryDto = {}): Promise<CardholderPageDto> {
    if (CARDHOLDER_SEARCH_FIELDS.some((f) => q[f] !== undefined)) return this.searchCardholders(q);
    const limit = q.limit ?? 50;
    const after = decodeCursor(q.cursor);
    const rows = await this.prisma.cardholder.findMany({
      where: { ...(q.provider ? { provider: q.provider } : {}), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      data: page.map(cardholderSummary),
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null,
    };
  }

  /**
   * The filters go to each card-issuing provider's Get Cardholders (AND); its answers are mapped back to our
   * ids. A cardholder the provider knows but Pasarela did not create is left out: a read registers nothing,
   * and the provider's program may hold other integrators' people.
   */
  private async searchCardholders(q: ListCardholdersQueryDto): Promise<CardholderPageDto> {
    if (q.cursor) throw new ValidationError('a cardholder search is one page: cursor is not allowed with search filters', { field: 'cursor' }, 'validation_failed');
    // `id` is ours: it pins the provider and becomes the provider's id.
    const own = q.id ? await this.prisma.cardholder.findUnique({ where: { id: q.id } }) : undefined;
    if (own === null || (own && q.provider && own.provider !== q.provider)) return { data: [], next_cursor: null };
    const providers = own ? [own.provider] : q.provider ? [q.provider] : this.providers.supporting('card_issuing');
    const query: CardholderQuery = {
      cardholderId: own?.providerCardholderId,
      rfc: q.rfc,
      curp: q.curp,
      email: q.email,
      primaryPhone: q.primary_phone,
      mobilePhone: q.mobile_phone,
    };
    const found = await Promise.all(
      providers.map(async (provider) => {
        try {
          return { provider, cardholderId: (await this.providers.issuing(provider).getCardholder(query)).cardholderId };
        } catch (e) {
          if (e instanceof NotFoundError) return undefined; // no match is an empty result, not a 404
          throw e;
        }
      }),
    );
    const hits = found.filter((f): f is { provider: CardProviderName; cardholderId: string } => f !== undefined);
    const rows = hits.length
      ? await this.prisma.cardholder.findMany({ where: { OR: hits.map((h) => ({ provider: h.provider, providerCardholderId: h.cardholderId })) }, orderBy: { id: 'asc' }, take: q.limit ?? 50 })
      : [];
    return { data: rows.map(cardholderSummary), next_cursor: null };
  }

  private async cardholderView(row: CardholderRow, remote: Awaited<ReturnType<ReturnType<CardProviders['issuing']>['getCardholder']>>): Promise<CardholderDto> {
    const remoteCards = remote.accounts.flatMap((a) => a.cards);
    const ours = remoteCards.length
      ? await this.prisma.card.findMany({ where: { provider: row.provider, providerCardId: { in: remoteCards.map((c) => c.cardId) } } })
      : [];
    const byProviderId = new Map(ours.map((c) => [c.providerCardId, c.id]));
    return {
      id: row.id,
      provider: row.provider,
      external_id: row.externalId,
      first_name: remote.firstName ?? null,
      second_name: remote.secondName ?? null,
      surname: remote.surname ?? null,
      second_surname: remote.secondSurname ?? null,
      rfc: remote.rfc ?? null,
      curp: remote.curp ?? null,
      email: remote.email ?? null,
      mobile_phone: remote.mobilePhone ?? null,
      birthdate: remote.birthdate ?? null,
      cards: remoteCards.map((c) => ({ id: byProviderId.get(c.cardId) ?? null, masked_pan: c.maskedPan, type: c.type ?? null, status: c.status ?? null })),
      created_at: row.createdAt.toISOString(),
    };
  }

  // ---------------------------------------------------------------- cards

  async issue(apiKeyId: string, dto: IssueCardDto): Promise<IssuedCardDto> {
    const holder = await this.cardholder(dto.cardholder_id);
    const issuing = this.providers.issuing(holder.provider);
    const base = {
      cardholderId: holder.providerCardholderId,
      document: { type: dto.document.type, number: dto.document.number },
      observations: dto.observations,
      location: geo(dto.location),
    };
    let summary: CardSummary;
    let accountId: string | undefined;
    let clear: Record<string, SensitiveValue | undefined> = {};
    let pan: SensitiveValue | undefined;
    if (dto.type === 'virtual') {
      if (!dto.product_id) throw new ValidationError('product_id is required for a virtual card', { field: 'product_id' }, 'validation_failed');
      const issued = await issuing.issueVirtualCard({ ...base, productId: dto.product_id });
      summary = issued.card;
      accountId = issued.account.accountId;
      pan = issued.pan;
      clear = { pan: issued.pan, expiry_month: issued.expiryMonth, expiry_year: issued.expiryYear };
    } else {
      if (!dto.card_number) throw new ValidationError('card_number is required to assign a physical card', { field: 'card_number' }, 'validation_failed');
      pan = SensitiveValue.pan(dto.card_number);
      const issued = await issuing.assignCard({ ...base, pan });
      summary = issued.card;
      accountId = issued.account.accountId;
    }
    const maskedPan = MASKED.test(summary.maskedPan) ? summary.maskedPan : pan ? maskPan(pan.reveal()) : summary.maskedPan;
    if (!MASKED.test(maskedPan)) throw new ProviderUnavailableError(holder.provider, 'the provider returned no card number mask', { operation: 'issue_card' });
    const id = randomUUID();
    const ledgerAccountId = await this.cardLedger.cardAccount(id);
    const row = await this.prisma.card.create({
      data: {
        id,
        cardholderId: holder.id,
        provider: holder.provider,
        providerCardId: summary.cardId,
        providerAccountId: accountId || null,
        type: summary.type ?? (dto.type === 'virtual' ? 'VIRTUAL' : 'PHYSICAL'),
        status: summary.status ?? 'NEED_ACTIVATION',
        maskedPan,
        last4: maskedPan.slice(-4),
        ledgerAccountId,
      },
    });
    return { ...cardView(row), card_data: dto.type === 'virtual' ? await this.keys.encrypt(apiKeyId, clear) : null };
  }

  async list(limit = 50, cursor?: string, cardholderId?: string): Promise<CardPageDto> {
    const after = decodeCursor(cursor);
    const rows = await this.prisma.card.findMany({
      where: { ...(cardholderId ? { cardholderId } : {}), ...(after ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: limit + 1,
    });
    const page = rows.slice(0, limit);
    return { data: page.map(cardView), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1].id) : null };
  }

  async details(apiKeyId: string, id: string): Promise<CardDetailsDto> {
    let row = await this.card(id);
    if (this.providers.isProcessor(row.provider)) return this.processing.details(row);
    const d = await this.providers.issuing(row.provider).getCardDetails({ cardId: row.providerCardId });
    row = await this.updateStatus(row, d.card);
    const act = d.activity;
    return {
      ...cardView(row),
      account_reference: d.account.reference ?? null,
      clabe: d.account.clabe ?? null,
      activity: act ? { last_approved_operation: act.lastApprovedOperation ?? null, last_denied_operation: act.lastDeniedOperation ?? null, last_block_status: act.lastBlockStatus ?? null } : null,
      card_data: await this.keys.encrypt(apiKeyId, { pan: d.pan }),
    };
  }

  async activate(id: string, location: LocationDto): Promise<CardDto> {
    const row = await this.card(id);
    const r = await this.providers.issuing(row.provider).activateCard({ cardId: row.providerCardId }, geo(location));
    return cardView(await this.updateStatus(row, { ...r.card, status: r.card.status ?? 'ACTIVE' }));
  }

  async changeStatus(id: string, status: string, location: LocationDto): Promise<CardDto> {
    const row = await this.card(id);
    if (this.providers.isProcessor(row.provider)) return this.processing.changeStatus(row, status);
    const r = await this.providers.issuing(row.provider).changeCardStatus({ cardId: row.providerCardId }, status, geo(location));
    return cardView(await this.updateStatus(row, { ...r.card, status: r.card.status ?? status }));
  }

  async balance(id: string, includeMovements = false): Promise<CardBalanceDto> {
    const row = await this.card(id);
    const b = await this.providers.issuing(row.provider).getBalance({ cardId: row.providerCardId }, { includeMovements });
    const ledger = await this.ledger.balances(row.ledgerAccountId);
    return {
      card_id: row.id,
      available: b.available.toDecimalString(),
      currency: 'MXN',
      ledger_balance: Money.ofCentavos(ledger.posted).toDecimalString(),
      recent_movements: includeMovements
        ? (b.recentMovements ?? []).map((m) => ({
            occurred_at: m.occurredAt,
            amount: m.amount.toDecimalString(),
            merchant: m.merchant,
            description: m.description,
            authorization_code: m.authorizationCode,
          }))
        : null,
    };
  }

  async movements(id: string, q: MovementsQueryDto): Promise<CardMovementPageDto> {
    const row = await this.card(id);
    const r = await this.providers.issuing(row.provider).listMovements({ cardId: row.providerCardId }, { from: q.from, to: q.to });
    const limit = q.limit ?? 50;
    let offset = 0;
    if (q.cursor) {
      offset = Number(Buffer.from(q.cursor, 'base64url').toString());
      if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('cursor is not one this API returned', { field: 'cursor' }, 'invalid_cursor');
    }
    const slice = r.movements.slice(offset, offset + limit);
    return {
      card_id: row.id,
      from: r.from,
      to: r.to,
      data: slice.map((m) => ({
        movement_id: m.movementId,
        occurred_at: m.occurredAt,
        type: m.type?.description ?? m.type?.code ?? null,
        merchant: m.merchant?.description ?? null,
        amount: m.amount.toDecimalString(),
        currency_code: m.currencyCode ?? null,
        authorization_code: m.authorizationCode ?? null,
        status: m.status?.code ?? null,
      })),
      next_cursor: offset + limit < r.movements.length ? Buffer.from(String(offset + limit)).toString('base64url') : null,
    };
  }

  // ---------------------------------------------------------------- PINs, CVC, authentication

  async setPin(id: string, dto: SetPinDto, apiKeyId = '', idempotencyKey = ''): Promise<PinOperationDto> {
    const row = await this.card(id);
    if (this.providers.isProcessor(row.provider)) return this.processing.setPin(row, dto, apiKeyId, idempotencyKey);
    const issuing = this.providers.issuing(row.provider);
    const ref = { cardId: row.providerCardId };
    const r = dto.current_pin
      ? await issuing.changeAtmPin(ref, SensitiveValue.pin(dto.current_pin), SensitiveValue.pin(dto.pin), geo(dto.location))
      : await issuing.setAtmPin(ref, SensitiveValue.pin(dto.pin), geo(dto.location));
    return { card_id: row.id, result: dto.current_pin ? 'changed' : 'set', provider_operation_id: r.operationId ?? null };
  }

  async validatePin(id: string, pin: string, location: LocationDto, call: CallContext = {}): Promise<PinValidationDto> {
    const row = await this.card(id);
    // An issuer validates through CardIssuing; a provider that only services the card (BCS debit cards)
    // through CardServicing, where `location` is unused. Neither: 422 naming card_issuing, as before.
    if (!this.providers.supports(row.provider, 'card_issuing') && this.providers.supports(row.provider, 'card_servicing')) return this.servicing.validatePin(row, pin, call);
    const r = await this.providers.issuing(row.provider).validateAtmPin({ cardId: row.providerCardId }, SensitiveValue.pin(pin), geo(location));
    return { valid: r.valid, attempts_remaining: r.attemptsRemaining ?? null };
  }

  async posPin(apiKeyId: string, id: string, location: LocationDto): Promise<PosPinDto> {
    const row = await this.card(id);
    await this.keys.require(apiKeyId);
    const r = await this.providers.issuing(row.provider).getPosPin({ cardId: row.providerCardId }, geo(location));
    return { card_id: row.id, card_data: (await this.keys.encrypt(apiKeyId, { pin: r.pin }))! };
  }

  async cvc(apiKeyId: string, id: string, pin: string, location: LocationDto): Promise<CvcDto> {
    const row = await this.card(id);
    await this.keys.require(apiKeyId);
    const r = await this.providers.issuing(row.provider).getVirtualCardCvc({ cardId: row.providerCardId }, SensitiveValue.pin(pin), geo(location));
    return { card_id: row.id, card_data: (await this.keys.encrypt(apiKeyId, { cvc: r.cvc }))!, valid_for_minutes: r.validForMinutes ?? null };
  }

  async authenticate(id: string, info: string): Promise<AuthenticationResultDto> {
    const row = await this.card(id);
    return this.providers.issuing(row.provider).authenticateCardholder({ cardId: row.providerCardId }, new SensitiveValue(info, 'authentication'));
  }

  async requestPhysical(id: string, dto: RequestPhysicalCardDto): Promise<PhysicalCardDto> {
    let row = await this.card(id);
    const a = dto.delivery_address;
    const r = await this.providers
      .issuing(row.provider)
      .requestPhysicalCard({ cardId: row.providerCardId }, { street: a.street, streetNumber: a.street_number, township: a.township, state: a.state, postalCode: a.postal_code }, geo(dto.location));
    row = await this.updateStatus(row, r.card);
    const d = r.deliveryAddress;
    return { card: cardView(row), delivery_address: { street: d.street, street_number: d.streetNumber, township: d.township, state: d.state, postal_code: d.postalCode } };
  }
}
