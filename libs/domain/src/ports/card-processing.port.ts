import type { MaskedPan, SensitiveValue } from './card-data.js';

/**
 * Capability: card processing (Credencial): assign a card to an account with the cardholder's data
 * (nomination), read and change the card status, set the initial NIP and change it.
 *
 * Card data rules: the card number, NIPs, expiry and security code travel only as `SensitiveValue`
 * (revealed by the adapter into the provider request, nowhere else): never logged, queued, stored or put
 * in an error message. Results carry at most a masked PAN.
 */

/** The processor's card status, in Pasarela's words (catalogue mapping in the adapter's README). */
export type ProcessorCardStatus = 'active' | 'blocked' | 'lost' | 'stolen' | 'cancelled' | 'inactive';

export interface CardNominationAddress {
  /** e.g. "casa". */
  type: string;
  street: string;
  number?: string;
  /** ISO 3166-1 numeric country code, e.g. "484" (México). */
  country: string;
  state: string;
  suburb: string;
  locality?: string;
  zipCode: string;
}

export interface CardNominationCardholder {
  /** The name embossed on the plastic. */
  cardName: string;
  fullName: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  gender: 'male' | 'female';
  civilStatus: 'single' | 'married' | 'divorced' | 'widowed' | 'free_union';
  email: string;
  /** 10 digits. */
  phone: string;
  address: CardNominationAddress;
  document: { type: string; number: string };
}

export interface CardNominationRequest {
  /** The card number of the plastic being assigned (kind 'pan'). */
  cardNumber: SensitiveValue;
  /** Our account's reference at the processor (Credencial `emi_account_reference`). */
  emiAccountReference: string;
  /** Our account's identifier at the processor (Credencial `emi_account_identifier`). */
  emiAccountIdentifier: string;
  cardholder: CardNominationCardholder;
}

export interface CardNominationResult {
  provider: string;
  /** "************1234". */
  maskedPan: MaskedPan;
  /**
   * The processor's card account number, used by every later operation and in its webhooks,
   * when the processor returns it (the document shows `{}`; see the adapter README).
   */
  accountNumber?: string;
}

export interface ProcessorCardStatusInfo {
  provider: string;
  accountNumber: string;
  status: ProcessorCardStatus;
  /** The processor's own code (e.g. "01"), for support. */
  providerStatusCode: string;
}

/** What proves possession of the card: expiry (MMYY, kind 'expiry') and security code (kind 'cvc'). */
export interface CardVerification {
  expiration: SensitiveValue;
  securityCode: SensitiveValue;
}

export interface InitialNipRequest {
  /** Idempotency/correlation id of the operation (digits); generated when absent. */
  transactionId?: string;
  verification: CardVerification;
  /** 4 digits (kind 'pin'). */
  nip: SensitiveValue;
}

export interface NipChangeRequest {
  transactionId?: string;
  verification: CardVerification;
  currentNip: SensitiveValue;
  newNip: SensitiveValue;
}

export interface NipOperationResult {
  provider: string;
  accountNumber: string;
  transactionId: string;
}

/**
 * Errors: ValidationError (before any call), NotFoundError (unknown card), ProviderDeclinedError
 * (permanent: verification failed, transition not allowed, already nominated...), ProviderUnavailableError (retryable).
 */
export abstract class CardProcessing {
  abstract readonly provider: string;
  abstract nominateCard(request: CardNominationRequest): Promise<CardNominationResult>;
  abstract getCardStatus(accountNumber: string): Promise<ProcessorCardStatusInfo>;
  abstract updateCardStatus(accountNumber: string, status: ProcessorCardStatus): Promise<ProcessorCardStatusInfo>;
  abstract setInitialNip(accountNumber: string, request: InitialNipRequest): Promise<NipOperationResult>;
  abstract changeNip(accountNumber: string, request: NipChangeRequest): Promise<NipOperationResult>;
}
