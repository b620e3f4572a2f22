import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { maskPan, ProviderUnavailableError, SensitiveValue, ValidationError, type ProcessorCardStatus } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import { CardProviders } from './card-providers.js';
import { cardView, type CardRow } from './card-view.js';
import type { CardDetailsDto, CardDto, PinOperationDto, SetPinDto } from './dto/card.dto.js';
import type { NominateCardDto, NominatedCardDto } from './dto/card-nomination.dto.js';

const MASKED = /^\*{12}\d{4}$/;

/** The processor's statuses in the words of Pasarela's card API (the `card_status` catalogue's keys). */
export const PROCESSOR_STATUS_TO_CARD: Readonly<Record<ProcessorCardStatus, string>> = Object.freeze({
  active: 'ACTIVE',
  blocked: 'TEMPORARY_INACTIVE',
  inactive: 'INACTIVE',
  lost: 'LOST',
  stolen: 'STOLEN',
  cancelled: 'CANCELED',
});

const CARD_TO_PROCESSOR_STATUS: Readonly<Record<string, ProcessorCardStatus>> = Object.freeze(
  Object.fromEntries(Object.entries(PROCESSOR_STATUS_TO_CARD).map(([p, c]) => [c, p as ProcessorCardStatus])),
);

/** How the webhook authorizer treats the card's account: only `active` lets DEBITs through. */
const LINK_STATUS: Readonly<Record<ProcessorCardStatus, 'active' | 'blocked' | 'cancelled'>> = Object.freeze({
  active: 'active',
  blocked: 'blocked',
  inactive: 'blocked',
  lost: 'cancelled',
  stolen: 'cancelled',
  cancelled: 'cancelled',
});

/**
 * Cards a processor (Credencial) runs through the CardProcessing port: nomination, status, NIP. A nominated card
 * is a normal Pasarela card (row in `cards`, ledger account `card:<id>` that may not go negative) and its
 * processor account is linked to that ledger account, so the processor's DEBIT webhooks are authorized against
 * it. The PAN is only forwarded (masked PAN + last four kept); NIPs, expiry and CVC are forwarded, never kept.
 */
@Injectable()
export class CardProcessingService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(CardProviders) private readonly providers: CardProviders,
    @Inject(LedgerService) private readonly ledger: LedgerService,
  ) {}

  async nominate(apiKeyId: string, dto: NominateCardDto): Promise<NominatedCardDto> {
    const provider = this.providers.choose(dto.provider ?? 'credencial');
    const processing = this.providers.processing(provider);
    const h = dto.cardholder;
    const pan = SensitiveValue.pan(dto.card_number);
    const result = await processing.nominateCard({
      cardNumber: pan,
      emiAccountReference: dto.account_reference,
      emiAccountIdentifier: dto.account_identifier,
      cardholder: {
        cardName: h.card_name,
        fullName: h.full_name,
        birthDate: h.birth_date,
        gender: h.gender,
        civilStatus: h.civil_status,
        email: h.email,
        phone: h.phone,
        address: {
          type: h.address.type,
          street: h.address.street,
          number: h.address.number,
          country: h.address.country,
          state: h.address.state,
          suburb: h.address.suburb,
          locality: h.address.locality,
          zipCode: h.address.zip_code,
        },
        document: { type: h.document.type, number: h.document.number },
      },
    });
    // Every later call and every webhook names the card by this number; without it the card is unreachable.
    if (!result.accountNumber) throw new ProviderUnavailableError(provider, 'the processor returned no card account number', { operation: 'nominate_card' });
    const accountNumber = result.accountNumber;
    const maskedPan = MASKED.test(result.maskedPan) ? result.maskedPan : maskPan(pan.reveal());
    const id = randomUUID();
    // The card's money: a liability that may not go below zero, so DEBIT holds check the available balance.
    const ledgerAccount = await this.ledger.createAccount({ code: `card:${id}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } });
    const row = await this.prisma.$transaction(async (tx) => {
      const holder = await tx.cardholder.create({
        data: { id: randomUUID(), provider, providerCardholderId: accountNumber, externalId: dto.external_id ?? null, createdByApiKeyId: apiKeyId },
      });
      const card = await tx.card.create({
        data: {
          id,
          cardholderId: holder.id,
          provider,
          providerCardId: accountNumber,
          providerAccountId: dto.account_identifier,
          type: 'PHYSICAL',
          status: PROCESSOR_STATUS_TO_CARD.active,
          maskedPan,
          last4: maskedPan.slice(-4),
          ledgerAccountId: ledgerAccount.id,
        },
      });
      const link = { emiAccountIdentifier: dto.account_identifier, emiAccountReference: dto.account_reference, ledgerAccountId: ledgerAccount.id, status: 'active', cardId: id, updatedAt: new Date() };
      await tx.credencialAccountLink.upsert({ where: { accountNumber }, create: { accountNumber, ...link }, update: link });
      return card;
    });
    return { ...cardView(row), provider_account_number: accountNumber, account_reference: dto.account_reference, account_identifier: dto.account_identifier };
  }

  async details(row: CardRow): Promise<CardDetailsDto> {
    const info = await this.providers.processing(row.provider).getCardStatus(row.providerCardId);
    const updated = await this.syncStatus(row, info.status);
    const link = await this.prisma.credencialAccountLink.findUnique({ where: { accountNumber: row.providerCardId } });
    return { ...cardView(updated), account_reference: link?.emiAccountReference ?? null, clabe: null, activity: null, card_data: null };
  }

  async changeStatus(row: CardRow, status: string): Promise<CardDto> {
    const wanted = CARD_TO_PROCESSOR_STATUS[status];
    if (!wanted) {
      const allowed = Object.keys(CARD_TO_PROCESSOR_STATUS).join(', ');
      throw new ValidationError(`status ${status} is not one ${row.provider} cards take (${allowed})`, { field: 'status', allowed: Object.keys(CARD_TO_PROCESSOR_STATUS) }, 'unknown_card_status');
    }
    const info = await this.providers.processing(row.provider).updateCardStatus(row.providerCardId, wanted);
    return cardView(await this.syncStatus(row, info.status));
  }

  /** Without `current_pin`: the initial NIP; with it: a NIP change. The card's expiry and CVC prove possession. */
  async setPin(row: CardRow, dto: SetPinDto, apiKeyId: string, idempotencyKey: string): Promise<PinOperationDto> {
    const missing = (['card_expiration', 'card_security_code'] as const).filter((f) => !dto[f]);
    if (missing.length) {
      throw new ValidationError(`${missing.join(' and ')} required to set the NIP of a ${row.provider} card`, { field: missing[0], errors: missing.map((field) => ({ field, message: `${field} is required` })) }, 'validation_failed');
    }
    const processing = this.providers.processing(row.provider);
    const verification = { expiration: new SensitiveValue(dto.card_expiration!, 'expiry'), securityCode: new SensitiveValue(dto.card_security_code!, 'cvc') };
    // Derived from the caller's Idempotency-Key: a retried request is the same operation at the processor.
    const transactionId = transactionIdFor(apiKeyId, idempotencyKey);
    const r = dto.current_pin
      ? await processing.changeNip(row.providerCardId, { transactionId, verification, currentNip: SensitiveValue.pin(dto.current_pin), newNip: SensitiveValue.pin(dto.pin) })
      : await processing.setInitialNip(row.providerCardId, { transactionId, verification, nip: SensitiveValue.pin(dto.pin) });
    return { card_id: row.id, result: dto.current_pin ? 'changed' : 'set', provider_operation_id: r.transactionId };
  }

  /** The card row and the account link follow the processor's status (a blocked card's DEBITs are declined). */
  private async syncStatus(row: CardRow, status: ProcessorCardStatus): Promise<CardRow> {
    const cardStatus = PROCESSOR_STATUS_TO_CARD[status];
    await this.prisma.credencialAccountLink.updateMany({ where: { accountNumber: row.providerCardId, cardId: row.id, NOT: { status: LINK_STATUS[status] } }, data: { status: LINK_STATUS[status], updatedAt: new Date() } });
    if (cardStatus === row.status) return row;
    return this.prisma.card.update({ where: { id: row.id }, data: { status: cardStatus, updatedAt: new Date() } });
  }
}

/** 18 decimal digits from the caller's key (Credencial's transaction_id is digits). */
export function transactionIdFor(apiKeyId: string, idempotencyKey: string): string {
  const hex = createHash('sha256').update(`${apiKeyId}\n${idempotencyKey.trim()}`).digest('hex').slice(0, 15);
  return BigInt(`0x${hex}`).toString().padStart(18, '0');
}
