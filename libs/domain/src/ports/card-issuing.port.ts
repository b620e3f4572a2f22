import type { Money } from '../money.js';
import type {
  CardAccount,
  CardRef,
  CardStatus,
  CardSummary,
  GeoLocation,
  IdentityDocument,
  MaskedPan,
  SensitiveValue,
} from './card-data.js';

export interface CardholderAddress {
  readonly street: string;
  readonly externalNumber: string;
  readonly internalNumber?: string;
  readonly suburb: string;
  readonly township?: string;
  readonly city: string;
  /** Catalog key (NeCIPCo: catalogs/states). */
  readonly state: string;
  readonly postalCode: string;
  readonly country?: string;
}

export interface NewCardholder {
  readonly firstName: string;
  readonly secondName: string;
  readonly surname: string;
  readonly secondSurname: string;
  readonly rfc: string;
  readonly curp: string;
  readonly email: string;
  readonly primaryPhone: string;
  readonly mobilePhone: string;
  readonly address: CardholderAddress;
  /** YYYY-MM-DD */
  readonly birthdate: string;
  /** Catalog keys. */
  readonly gender: string;
  readonly maritalStatus: string;
  readonly hasKids: boolean;
  readonly grossMonthlyIncome?: Money;
  readonly netMonthlyIncome?: Money;
  readonly observations?: string;
  /** Our reference at the provider (unique there). */
  readonly externalId?: string;
}

export interface CardholderCardSummary extends CardSummary {
  readonly assignedAt?: string;
}

export interface CardholderAccount extends CardAccount {
  readonly status?: string;
  readonly createdAt?: string;
  readonly activatedAt?: string | null;
  readonly document?: IdentityDocument;
  readonly cards: CardholderCardSummary[];
}

export interface Cardholder {
  /** The provider's cardholder id. */
  readonly cardholderId: string;
  readonly firstName: string;
  readonly secondName?: string;
  readonly surname: string;
  readonly secondSurname?: string;
  readonly rfc?: string;
  readonly curp?: string;
  readonly email?: string;
  readonly primaryPhone?: string;
  readonly mobilePhone?: string;
  readonly address?: Partial<CardholderAddress>;
  readonly birthdate?: string;
  readonly gender?: string;
  readonly maritalStatus?: string;
  readonly hasKids?: boolean;
  readonly externalId?: string;
  readonly accounts: CardholderAccount[];
}

/** At least one filter; several are combined with AND. */
export interface CardholderQuery {
  readonly cardholderId?: string;
  readonly rfc?: string;
  readonly curp?: string;
  readonly email?: string;
  readonly primaryPhone?: string;
  readonly mobilePhone?: string;
}

export interface CardIssueRequestBase {
  readonly cardholderId: string;
  readonly document: IdentityDocument;
  readonly observations?: string;
  readonly location: GeoLocation;
}

/** Assign a physical card from the program's stock (identified by its PAN) to a cardholder. */
export interface AssignCardRequest extends CardIssueRequestBase {
  readonly pan: SensitiveValue;
}

export interface IssueVirtualCardRequest extends CardIssueRequestBase {
  /** Provider product id. */
  readonly productId: string;
}

export interface IssuedCard {
  readonly cardholderId: string;
  readonly card: CardSummary;
  readonly account: CardAccount;
}

export interface IssuedVirtualCard extends IssuedCard {
  readonly pan?: SensitiveValue;
  readonly expiryMonth?: SensitiveValue;
  readonly expiryYear?: SensitiveValue;
}

export interface DeliveryAddress {
  readonly street: string;
  readonly streetNumber: string;
  readonly township: string;
  /** Catalog key (states). */
  readonly state: string;
  readonly postalCode: string;
}

export interface PhysicalCardRequested {
  readonly card: CardSummary;
  readonly accountId: string;
  readonly deliveryAddress: DeliveryAddress;
}

export interface CardAndAccount {
  readonly card: CardSummary;
  readonly account: CardAccount;
}

/** A recent movement as the balance query reports it. */
export interface RecentMovement {
  /** ISO-ish local date-time as the provider gives it (YYYY-MM-DDTHH:mm:ss). */
  readonly occurredAt: string;
  readonly merchant: string | null;
  readonly amount: Money;
  readonly description: string | null;
  readonly authorizationCode: string | null;
}

export interface CardBalance extends CardAndAccount {
  readonly available: Money;
  readonly recentMovements?: RecentMovement[];
}

export interface CardDetails extends CardAndAccount {
  /** Clear PAN, only when the provider returns it (encrypted) — never log or store it. */
  readonly pan?: SensitiveValue;
  readonly activity?: {
    readonly lastApprovedOperation?: string | null;
    readonly lastDeniedOperation?: string | null;
    readonly lastBlockStatus?: string | null;
  };
  readonly cardholder?: {
    readonly name?: string;
    readonly phone?: string;
    readonly address?: string;
    readonly postalCode?: string;
    readonly township?: string;
    readonly country?: string;
    readonly document?: IdentityDocument;
  };
}

export interface PinOperationResult extends CardAndAccount {
  readonly operationId?: string;
}

export interface PinValidation {
  readonly valid: boolean;
  /** Attempts left before the lock, when the provider says. */
  readonly attemptsRemaining?: number;
}

export interface PosPin extends CardAndAccount {
  readonly pin: SensitiveValue;
}

export interface VirtualCardCvc extends CardAndAccount {
  readonly cvc: SensitiveValue;
  /** Minutes the CVC stays valid, as the provider says. */
  readonly validForMinutes?: number;
}

export interface CardMovement {
  readonly movementId: string;
  readonly referenceId?: string;
  readonly occurredAt: string;
  readonly type?: { readonly code: string; readonly subtype?: string; readonly description?: string };
  readonly merchant?: { readonly code?: string; readonly description?: string };
  readonly country?: { readonly code?: string; readonly description?: string };
  /** Original amount (currency as the provider's ISO 4217 numeric code, 484 = MXN). */
  readonly amount: Money;
  readonly currencyCode?: string;
  readonly settledAmount?: Money;
  readonly channel?: string;
  readonly authorizationCode?: string;
  readonly status?: { readonly code: string; readonly description?: string };
  readonly retrievalReference?: string;
}

export interface CardMovements extends CardAndAccount {
  /** YYYY-MM-DD */
  readonly from: string;
  readonly to: string;
  readonly movements: CardMovement[];
}

/**
 * Card issuing: cardholders, physical and virtual cards, activation, status, PINs, balance, movements, CVC.
 * Implemented per provider (`provider` names it); an operation a provider lacks throws
 * CapabilityNotSupportedError. Errors are DomainErrors; clear card data only inside SensitiveValue.
 */
export abstract class CardIssuing {
  abstract readonly provider: string;

  abstract getCardholder(query: CardholderQuery): Promise<Cardholder>;
  abstract createCardholder(input: NewCardholder): Promise<Cardholder>;

  abstract assignCard(input: AssignCardRequest): Promise<IssuedCard>;
  abstract issueVirtualCard(input: IssueVirtualCardRequest): Promise<IssuedVirtualCard>;
  abstract requestPhysicalCard(card: CardRef, delivery: DeliveryAddress, location: GeoLocation): Promise<PhysicalCardRequested>;

  abstract activateCard(card: CardRef, location: GeoLocation): Promise<CardAndAccount>;
  abstract changeCardStatus(card: CardRef, status: CardStatus, location: GeoLocation): Promise<CardAndAccount>;
  abstract getBalance(card: CardRef, options?: { includeMovements?: boolean }): Promise<CardBalance>;
  abstract getCardDetails(card: CardRef): Promise<CardDetails>;
  abstract listMovements(card: CardRef, range: { from: string; to: string }): Promise<CardMovements>;

  /** Cardholder authentication with the last four PAN digits + the last two ATM PIN digits (6 digits). */
  abstract authenticateCardholder(card: CardRef, authentication: SensitiveValue): Promise<{ authenticated: boolean }>;
  abstract getPosPin(card: CardRef, location: GeoLocation): Promise<PosPin>;
  abstract setAtmPin(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<PinOperationResult>;
  abstract changeAtmPin(card: CardRef, oldPin: SensitiveValue, newPin: SensitiveValue, location: GeoLocation): Promise<PinOperationResult>;
  abstract validateAtmPin(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<PinValidation>;
  abstract getVirtualCardCvc(card: CardRef, pin: SensitiveValue, location: GeoLocation): Promise<VirtualCardCvc>;
}


