import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { BusinessRuleError, ConflictError, maskPan, Money, NotFoundError, SensitiveValue, ValidationError, type ServicingContext, type ServicingCustomer } from '#libs/domain';
import { CardLedgerService } from './card-ledger.service.js';
import { CardProviders } from './card-providers.js';
import { cardView, type CardRow } from './cards.service.js';
import type { CardDto, PinValidationDto } from './dto/card.dto.js';
import type {
  BillingCycleDto,
  BillingCycleResultDto,
  CardApplicationDto,
  CardApplicationResultDto,
  DeadlinesDto,
  DeadlinesResultDto,
  HoldDto,
  HoldResultDto,
  RegisterCardDto,
  ReplacementDto,
  ReplacementResultDto,
  SecretValidationDto,
} from './dto/card-servicing.dto.js';

/** What the controller knows of the HTTP call, for the provider's invoker headers. */
export interface CallContext {
  requestId?: string;
  clientIp?: string;
  idempotencyKey?: string;
}

/**
 * Card servicing (holds, replacements, CVV / PIN validation, billing cycle, deadlines) through the owning
 * provider's CardServicing port — BCS today; a card of a provider without it is a 422 capability_not_supported.
 * Account holds block cards: they carry no amount, so nothing is held in the ledger (see README).
 */
@Injectable()
export class CardServicingService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(CardProviders) private readonly providers: CardProviders,
    @Inject(CardLedgerService) private readonly cardLedger: CardLedgerService,
  ) {}

  private async card(id: string): Promise<CardRow> {
    const row = await this.prisma.card.findUnique({ where: { id } });
    if (!row) throw new NotFoundError(`card ${id} not found`, { id }, 'card_not_found');
    return row;
  }

  /** The customer as the provider identifies them, kept as the cardholder's provider id "CC:51680607". */
  private async customer(row: CardRow): Promise<ServicingCustomer> {
    const holder = await this.prisma.cardholder.findUniqueOrThrow({ where: { id: row.cardholderId } });
    const [idType, idNumber] = holder.providerCardholderId.split(':');
    return { idType, idNumber };
  }

  private ctx(call: CallContext, customer?: ServicingCustomer): ServicingContext {
    return { requestId: call.requestId, clientIp: call.clientIp, requestNumber: call.idempotencyKey, customerId: customer?.idNumber };
  }

  private requireKind(row: CardRow, type: 'CREDIT' | 'DEBIT', operation: string): void {
    if (row.type !== type) throw new BusinessRuleError(`${operation} applies to ${type.toLowerCase()} cards; card ${row.id} is ${row.type.toLowerCase()}`, { card_id: row.id, card_type: row.type }, 'operation_not_for_card_type');
  }

  // ---------------------------------------------------------------- registration

  async register(dto: RegisterCardDto): Promise<CardDto> {
    const provider = this.providers.choose(dto.provider);
    const servicing = this.providers.servicing(provider);
    if (!!dto.card_number === !!dto.card_reference) throw new ValidationError('give either card_number or card_reference', { field: 'card_number' });
    let reference: string;
    let maskedPan: string;
    if (dto.card_number) {
      const pan = SensitiveValue.pan(dto.card_number);
      reference = servicing.cardReference(pan);
      maskedPan = maskPan(pan.reveal());
    } else {
      if (!dto.last4) throw new ValidationError('last4 is required with card_reference', { field: 'last4' });
      reference = dto.card_reference!;
      maskedPan = maskPan(dto.last4);
    }
    if (await this.prisma.card.findUnique({ where: { provider_providerCardId: { provider, providerCardId: reference } } })) {
      throw new ConflictError('this card is already registered', { provider }, 'card_already_registered');
    }
    const holderKey = `${dto.customer.id_type}:${dto.customer.id_number}`;
    const holder = await this.prisma.cardholder.upsert({
      where: { provider_providerCardholderId: { provider, providerCardholderId: holderKey } },
      create: { id: randomUUID(), provider, providerCardholderId: holderKey },
      update: {},
    });
    const id = randomUUID();
    const ledgerAccountId = await this.cardLedger.cardAccount(id);
    const row = await this.prisma.card.create({
      data: {
        id,
        cardholderId: holder.id,
        provider,
        providerCardId: reference,
        providerAccountId: dto.account_number ?? null,
        type: dto.kind === 'credit' ? 'CREDIT' : 'DEBIT',
        status: 'ACTIVE',
        maskedPan,
        last4: maskedPan.slice(-4),
        ledgerAccountId,
      },
    });
    return cardView(row);
  }

  // ---------------------------------------------------------------- operations

  async hold(id: string, dto: HoldDto, call: CallContext): Promise<HoldResultDto> {
    const row = await this.card(id);
    const servicing = this.providers.servicing(row.provider);
    const customer = await this.customer(row);
    const others = await Promise.all((dto.additional_card_ids ?? []).filter((x) => x !== id).map((x) => this.card(x)));
    for (const o of others) {
      if (o.provider !== row.provider || o.cardholderId !== row.cardholderId) throw new ValidationError(`card ${o.id} does not belong to the same customer`, { field: 'additional_card_ids' }, 'card_of_another_customer');
    }
    const all = dto.all_debit_cards ?? false;
    const targets = [row, ...others];
    await servicing.holdAccounts({ customer, allDebitCards: all, accounts: targets.map((c) => ({ encrypted: c.providerCardId })) }, this.ctx(call, customer));
    const blocked = new Set(targets.map((c) => c.id));
    if (all) {
      for (const d of await this.prisma.card.findMany({ where: { cardholderId: row.cardholderId, provider: row.provider, type: 'DEBIT' } })) blocked.add(d.id);
    }
    await this.prisma.card.updateMany({ where: { id: { in: [...blocked] } }, data: { status: 'BLOCKED', updatedAt: new Date() } });
    return { card_id: row.id, blocked_card_ids: [...blocked], all_debit_cards: all };
  }

  async replace(id: string, dto: ReplacementDto, call: CallContext): Promise<ReplacementResultDto> {
    const row = await this.card(id);
    const servicing = this.providers.servicing(row.provider);
    const customer = await this.customer(row);
    let biller: string | null = null;
    let ref: string | null = null;
    if (row.type === 'CREDIT') {
      await servicing.replaceCreditCard({ card: { encrypted: row.providerCardId }, lockCode: dto.lock_code ?? '01' }, this.ctx(call, customer));
    } else {
      const missing = (['reason', 'fee', 'source', 'delivery', 'service_agreement'] as const).find((f) => dto[f] === undefined);
      if (missing) throw new ValidationError(`${missing} is required to replace a debit card`, { field: missing });
      if (!row.providerAccountId) throw new BusinessRuleError('the card was registered without its deposit account (account_number)', { card_id: row.id }, 'deposit_account_unknown');
      const r = await servicing.replaceDebitCard(
        {
          customer,
          depositAccount: row.providerAccountId,
          card: { encrypted: row.providerCardId },
          operationType: dto.operation_type,
          fee: Money.parse(dto.fee!).centavos,
          blockType: dto.block_type ?? '',
          reason: dto.reason!,
          source: dto.source!,
          agreement: { allyId: dto.service_agreement!.ally_id, serviceId: dto.service_agreement!.service_id, serviceRequestId: dto.service_agreement!.service_request_id },
          delivery: { type: dto.delivery!.type, country: dto.delivery!.country, addressLine: dto.delivery!.address_line, city: dto.delivery!.city, postalCode: dto.delivery!.postal_code },
          contact: dto.contact ? { email: dto.contact.email, cellPhone: dto.contact.cell_phone } : undefined,
        },
        this.ctx(call, customer),
      );
      biller = r.billerNumber ?? null;
      ref = r.referenceId ?? null;
    }
    await this.prisma.card.update({ where: { id: row.id }, data: { status: 'REPLACED', updatedAt: new Date() } });
    return { card_id: row.id, status: 'REPLACED', biller_number: biller, reference_id: ref };
  }

  async validateCvv(id: string, cvv: string, call: CallContext): Promise<SecretValidationDto> {
    const row = await this.card(id);
    const servicing = this.providers.servicing(row.provider);
    this.requireKind(row, 'CREDIT', 'CVV validation');
    const customer = await this.customer(row);
    await servicing.validateCreditCardCvv(customer, new SensitiveValue(cvv, 'cvc'), this.ctx(call, customer));
    return { valid: true };
  }

  /** Called by CardsService for /v1/cards/{id}/pin/validation when the card's provider is a servicing one. */
  async validatePin(row: CardRow, pin: string, call: CallContext): Promise<PinValidationDto> {
    const servicing = this.providers.servicing(row.provider);
    this.requireKind(row, 'DEBIT', 'PIN validation');
    const customer = await this.customer(row);
    await servicing.validateDebitCardPin(customer, SensitiveValue.pin(pin), this.ctx(call, customer));
    return { valid: true, attempts_remaining: null };
  }

  async billingCycle(id: string, dto: BillingCycleDto, call: CallContext): Promise<BillingCycleResultDto> {
    const row = await this.card(id);
    const servicing = this.providers.servicing(row.provider);
    this.requireKind(row, 'CREDIT', 'billing cycle change');
    if (!row.providerAccountId) throw new BusinessRuleError('the card was registered without its account number (account_number)', { card_id: row.id }, 'card_account_unknown');
    const customer = await this.customer(row);
    await servicing.changeBillingCycle({ account: row.providerAccountId, daysCycle: dto.days_cycle, email: dto.email, cellPhone: dto.cell_phone, idNumber: customer.idNumber }, this.ctx(call, customer));
    return { card_id: row.id, days_cycle: dto.days_cycle };
  }

  async deadlines(id: string, dto: DeadlinesDto, call: CallContext): Promise<DeadlinesResultDto> {
    const row = await this.card(id);
    const servicing = this.providers.servicing(row.provider);
    this.requireKind(row, 'CREDIT', 'deadline change');
    const customer = await this.customer(row);
    await servicing.modifyDeadlines({ card: { encrypted: row.providerCardId }, terms: dto.terms.map((t) => ({ sequence: t.sequence, installments: t.installments })) }, this.ctx(call, customer));
    return { card_id: row.id, terms: dto.terms.map((t) => ({ sequence: t.sequence, installments: t.installments })) };
  }

  async apply(dto: CardApplicationDto, call: CallContext): Promise<CardApplicationResultDto> {
    const provider = this.providers.choose(dto.provider);
    await this.providers.servicing(provider).applyDebitCard(this.ctx(call, { idType: dto.customer.id_type, idNumber: dto.customer.id_number }));
    return { status: 'submitted', provider };
  }
}
