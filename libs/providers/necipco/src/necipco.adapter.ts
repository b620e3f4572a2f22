import { Injectable } from '@nestjs/common';
import {
  CardFunds,
  CardIssuing,
  isPanRef,
  Money,
  ProgramAdmin,
  ProviderDeclinedError,
  ProviderUnavailableError,
  SpeiRail,
  type AssignCardRequest,
  type CardAndAccount,
  type CardBalance,
  type CardCreditRequest,
  type CardDetails,
  type Cardholder,
  type CardholderQuery,
  type CardMoneyMovementResult,
  type CardMovements,
  type CardPaymentRequest,
  type CardPurchaseRequest,
  type CardRef,
  type CardSpeiOrder,
  type CardSpeiResult,
  type CardStatus,
  type CardTransferRequest,
  type CardTransferResult,
  type CardWithdrawalRequest,
  type CatalogEntry,
  type CatalogName,
  type DeliveryAddress,
  type FundingResult,
  type GeoLocation,
  type IssuedCard,
  type IssuedVirtualCard,
  type IssueVirtualCardRequest,
  type NewCardholder,
  type NewSubClient,
  type PinOperationResult,
  type PinValidation,
  type PosPin,
  type Product,
  type ProgramClient,
  type ProgramPublicKeys,
  type SensitiveValue,
  type SpeiInstitutionEntry,
  type SubClient,
  type VirtualCardCvc,
} from '#libs/domain';
import { NecipcoClient } from './necipco.client.js';
import { PROVIDER } from './necipco.errors.js';
import * as M from './necipco.mapper.js';
import type * as W from './wire/index.js';

/**
 * NeCIPCo behind the domain ports. Maps domain ↔ wire; the client does validation, crypto, auth and
 * error mapping. Money only as Money; card data only as SensitiveValue; PANs out only masked.
 */
@Injectable()
export class NecipcoAdapter implements CardIssuing, CardFunds, ProgramAdmin, SpeiRail {
  readonly provider = PROVIDER;

  constructor(private readonly client: NecipcoClient) {}

  /** A card reference as the `card_number` field takes it: the card id in clear, or the PAN (encrypted by the client). */
  private cardField(ref: CardRef): SensitiveValue | string {
    return isPanRef(ref) ? ref.pan : ref.cardId;
  }

  /** Fields that take only a card number (transfer destination, physical-from-virtual): look the PAN up by id. */
  private async panOf(ref: CardRef): Promise<SensitiveValue> {
    if (isPanRef(ref)) return ref.pan;
    const info = await this.client.getCardInfo({ card_number: ref.cardId });
    if (!info.card.card_number) throw new ProviderUnavailableError(PROVIDER, 'NeCIPCo did not return the card number', { provider: PROVIDER, operation: 'getCardInfo' });
    return info.card.card_number;
  }

  // ------------------------------------------------------------ CardIssuing

  async getCardholder(query: CardholderQuery): Promise<Cardholder> {
    const data = await this.client.getCardholder({
      id: query.cardholderId,
      rfc: query.rfc,
      curp: query.curp,
      email: query.email,
      primary_phone: query.primaryPhone,
      mobile_phone: query.mobilePhone,
    });
    return M.cardholder(data.cardholder);
  }

  async createCardholder(input: NewCardholder): Promise<Cardholder> {
    const data = await this.client.createCardholder(M.newCardholderToWire(input));
    return M.cardholder(data.cardholder);
  }

  async assignCard(input: AssignCardRequest): Promise<IssuedCard> {
    const d = await this.client.assignCard({
      card_number: input.pan,
      cardholder_id: input.cardholderId,
      document_type: input.document.type,
      document_number: input.document.number,
      observations: input.observations ?? '',
      ...M.location(input.location),
    });
    return { cardholderId: d.cardholder?.id ?? input.cardholderId, card: M.card(d.card), account: M.account(d.account) };
  }

  async issueVirtualCard(input: IssueVirtualCardRequest): Promise<IssuedVirtualCard> {
    const d = await this.client.createVirtualCard({
      product: input.productId,
      cardholder_id: input.cardholderId,
      document_type: input.document.type,
      document_number: input.document.number,
      observations: input.observations ?? '',
      ...M.location(input.location),
    });
    return {
      cardholderId: d.cardholder?.id ?? input.cardholderId,
      card: M.card({ ...d.card, card_number: undefined }),
      account: M.account(d.account),
      pan: d.card.card_number,
      expiryMonth: d.card.exp_month,
      expiryYear: d.card.exp_year,
    };
  }

  async requestPhysicalCard(card: CardRef, delivery: DeliveryAddress, location: GeoLocation) {
    const d = await this.client.createPhysicalFromVirtual({
      card_number: await this.panOf(card),
      delivery_street: delivery.street,
      delivery_street_number: delivery.streetNumber,
      delivery_township: delivery.township,
      delivery_state: delivery.state,
      delivery_postal_code: delivery.postalCode,
      ...M.location(location),
    });
    const a = d.delivery_address;
    return {
      card: M.card(d.card),
      accountId: d.account?.id,
      deliveryAddress: { street: a.street, streetNumber: a.street_number, township: a.township, state: a.state, postalCode: a.postal_code },
    };
  }

  async activateCard(card: CardRef, location: GeoLocation): Promise<CardAndAccount> {
    return M.cardAndAccount(await this.client.activateCard({ card_number: this.cardField(card), ...M.location(location) }));
  }

  async changeCardStatus(card: CardRef, status: CardStatus, location: GeoLocation): Promise<CardAndAccount> {
    return M.cardAndAccount(await this.client.changeCardStatus({ card_number: this.cardField(card), status, ...M.location(location) }));
  }

  async getBalance(card: CardRef, options: { includeMovements?: boolean } = {}): Promise<CardBalance> {
    const d = await this.client.getBalance({ card_number: this.cardField(card), movements: options.includeMovements ?? false });
    return {
      ...M.cardAndAccount(d),
      available: M.money(d.available, 'available'),
      recentMovements: d.movements?.map(M.balanceMovement),
    };
  }

  async getCardDetails(card: CardRef): Promise<CardDetails> {
    const d = await this.client.getCardInfo({ card_number: this.cardField(card) });
    const act = d.card.activity;
    const ch = d.cardholder;
    return {
      card: M.card({ ...d.card, card_number: undefined }),
      account: M.account(d.account),
      pan: d.card.card_number,
      activity: act
        ? { lastApprovedOperation: act.last_approved_operation, lastDeniedOperation: act.last_denied_operation, lastBlockStatus: act.last_block_status }
        : undefined,
      cardholder: ch
        ? { name: ch.name, phone: ch.phone, address: ch.address, postalCode: ch.postal_code, township: ch.township, country: ch.country?.trim(), document: ch.document }
        : undefined,
    };
  }

  async listMovements(card: CardRef, range: { from: string; to: string }): Promise<CardMovements> {
    const d = await this.client.getMovements({ card_number: this.cardField(card), initial_date: range.from, end_date: range.to });
    return {
      ...M.cardAndAccount(d),
      from: d.movements?.initial_date ?? range.from,
      to: d.movements?.end_date ?? range.to,
      movements: (d.movements?.detail ?? []).map(M.movement),
    };
  }

  async authenticateCardholder(card: CardRef, authentication: SensitiveValue): Promise<{ authenticated: boolean }> {
    const d = await this.client.authenticateCard({ card_number: this.cardField(card), authentication_info: authentication });
    return { authenticated: d.validated === true };
  }

  async getPosPin(card: CardRef, location: GeoLocation): Promise<PosPin> {
    const d = await this.client.getPosPin({ card_number: this.cardField(card), ...M.location(location) });
    return { card: M.card(d.card), account: M.account(d.account), pin: d.card.pin };
  }

  async setAtmPin(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<PinOperationResult> {
    const d = await this.client.setAtmPin({ card_number: this.cardField(card), pin, ...M.location(location) });
    return { ...M.cardAndAccount(d), operationId: d.operation?.id };
  }

  async changeAtmPin(card: CardRef, oldPin: SensitiveValue, newPin: SensitiveValue, location: GeoLocation): Promise<PinOperationResult> {
    const d = await this.client.updateAtmPin({ card_number: this.cardField(card), old_pin: oldPin, new_pin: newPin, ...M.location(location) });
    return { ...M.cardAndAccount(d), operationId: d.operation?.id };
  }

  /** A wrong PIN is `{ valid: false }`; a locked PIN is a ProviderDeclinedError `pin_locked`. */
  async validateAtmPin(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<PinValidation> {
    try {
      const d = await this.client.validateAtmPin({ card_number: this.cardField(card), pin, ...M.location(location) });
      return { valid: d.validated === true, attemptsRemaining: d.attempts_remaining };
    } catch (e) {
      if (e instanceof ProviderDeclinedError && e.code === 'pin_invalid') {
        const left = e.details?.attempts_remaining;
        return { valid: false, attemptsRemaining: typeof left === 'number' ? left : undefined };
      }
      throw e;
    }
  }

  async getVirtualCardCvc(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<VirtualCardCvc> {
    const d = await this.client.getVirtualCardCvc({ card_number: this.cardField(card), pin, ...M.location(location) });
    const minutes = Number(d.card.remaining_time);
    return { card: M.card(d.card), account: M.account(d.account), cvc: d.card.cvc, validForMinutes: Number.isFinite(minutes) ? minutes : undefined };
  }

  // ------------------------------------------------------------ CardFunds

  async transferBetweenCards(input: CardTransferRequest): Promise<CardTransferResult> {
    const d = await this.client.transfer({
      origin_card: this.cardField(input.origin),
      destination_card: await this.panOf(input.destination),
      amount: input.amount,
      ...M.location(input.location),
    });
    const side = (s: W.TransferSide, field: string) => ({
      cardId: s.id,
      accountId: s.account_id,
      maskedPan: M.masked(s.card_number),
      previousBalance: M.optionalMoney(s.previous_balance, `${field}.previous_balance`),
      newBalance: M.optionalMoney(s.new_balance, `${field}.new_balance`),
    });
    return {
      operation: {
        operationId: d.operation.id,
        authorizationCode: d.operation.authorization_code === undefined ? undefined : String(d.operation.authorization_code),
        amount: M.money(d.operation.amount, 'operation.amount'),
      },
      origin: side(d.origin_card, 'origin_card'),
      destination: side(d.destination_card, 'destination_card'),
    };
  }

  private movementResult(d: W.MoneyOperationResponseData): CardMoneyMovementResult {
    return {
      operation: {
        operationId: d.operation.id,
        authorizationCode: d.operation.authorization_code === undefined ? undefined : String(d.operation.authorization_code),
        amount: M.money(d.operation.amount, 'operation.amount'),
        description: d.operation.payment_description ?? d.operation.merchant_description,
      },
      ...M.cardAndAccount(d),
    };
  }

  async disburse(input: CardCreditRequest): Promise<CardMoneyMovementResult> {
    return this.movementResult(await this.client.disbursement({ card_number: this.cardField(input.card), amount: input.amount, ...M.location(input.location) }));
  }

  async pay(input: CardPaymentRequest): Promise<CardMoneyMovementResult> {
    return this.movementResult(
      await this.client.payment({ card_number: this.cardField(input.card), amount: input.amount, payment_description: input.description, ...M.location(input.location) }),
    );
  }

  async withdraw(input: CardWithdrawalRequest): Promise<CardMoneyMovementResult> {
    return this.movementResult(await this.client.withdrawal({ card_number: this.cardField(input.card), amount: input.amount, pin: input.pin, ...M.location(input.location) }));
  }

  async purchase(input: CardPurchaseRequest): Promise<CardMoneyMovementResult> {
    return this.movementResult(
      await this.client.purchase({
        card_number: this.cardField(input.card),
        amount: input.amount,
        merchant_description: input.merchantDescription,
        pin: input.pin,
        ...M.location(input.location),
      }),
    );
  }

  // ------------------------------------------------------------ ProgramAdmin

  async getClient(): Promise<ProgramClient> {
    const { client: c } = await this.client.getClient();
    return {
      clientId: c.id,
      name: c.name,
      alias: c.alias,
      code: c.code,
      email: c.email,
      available: M.money(c.available, 'client.available'),
      balance: M.optionalMoney(c.balance, 'client.balance'),
      timezone: c.time_zone ?? c.timezone,
      status: c.status,
    };
  }

  async getPublicKeys(): Promise<ProgramPublicKeys> {
    const d = await this.client.getPublicKey();
    return { clientId: d.client?.id, apiKeyId: d.api_key?.id, clientPublicKey: d.api_key?.public_key ?? undefined, systemPublicKey: d.system?.public_key };
  }

  ourPublicKey(): string {
    return this.client.ourPublicKeyPem;
  }

  async registerPublicKey(publicKeyPem: string): Promise<ProgramPublicKeys> {
    const d = await this.client.addPublicKey(publicKeyPem);
    return { clientId: d.client?.id, apiKeyId: d.api_key?.id, clientPublicKey: d.api_key?.public_key };
  }

  async createSubClient(input: NewSubClient): Promise<SubClient> {
    const { subclient: s } = await this.client.createClient(M.newSubClientToWire(input));
    return {
      clientId: s.id,
      code: s.code,
      name: s.name,
      available: M.money(s.available, 'subclient.available'),
      rfc: s.rfc,
      apiKey: s.api_client ? { id: M.apiClientId(s.api_client), alias: s.api_client.alias, description: s.api_client.description } : undefined,
    };
  }

  async fundSubClient(subClientId: string, amount: Money): Promise<FundingResult> {
    const d = await this.client.fundClient({ client_id: subClientId, amount });
    return {
      client: { clientId: d.client.id, name: d.client.name, available: M.money(d.client.available, 'client.available') },
      subClient: { clientId: d.subclient.id, name: d.subclient.name, available: M.money(d.subclient.available, 'subclient.available') },
    };
  }

  async listProducts(): Promise<Product[]> {
    const d = await this.client.getProducts();
    return (d.products?.detail ?? []).map(M.product);
  }

  async getCatalog(name: CatalogName): Promise<CatalogEntry[]> {
    return (await this.client.getCatalog(name)).map(M.catalogEntry);
  }

  // ------------------------------------------------------------ SpeiRail

  async sendSpeiFromCard(order: CardSpeiOrder): Promise<CardSpeiResult> {
    const d = await this.client.createSpei({
      card_number: this.cardField(order.card),
      payment_concept: order.concept,
      beneficiary_account: order.beneficiaryAccount,
      beneficiary_institution: order.beneficiaryInstitution,
      amount: order.amount,
      beneficiary_name: order.beneficiaryName,
      numeric_reference: order.numericReference,
      beneficiary_rfc_curp: order.beneficiaryRfcCurp ?? 'ND',
      beneficiary_email: order.beneficiaryEmail,
      ...M.location(order.location),
    });
    const s = d.spei;
    return {
      providerOrderId: String(s.id),
      trackingKey: s.tracking_key,
      operationDate: s.operation_date,
      referenceOperation: s.reference_operation,
      amount: M.money(s.amount, 'spei.amount'),
      commission: M.optionalMoney(s.commission, 'spei.commission'),
      commissionType: s.commission_type,
      vat: M.optionalMoney(s.iva, 'spei.iva'),
      card: { cardId: d.card.card_id, maskedPan: M.masked(d.card.masked_card_number), type: M.cardType(d.card.card_type) },
      accountId: d.account?.account_id,
    };
  }

  async listSpeiInstitutions(): Promise<SpeiInstitutionEntry[]> {
    const d = await this.client.getSpeiInstitutions();
    return (d.spei_institutions ?? []).map(M.speiInstitution);
  }
}
