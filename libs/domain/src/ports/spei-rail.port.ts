import type { Money } from '../money.js';
import type { CardRef, GeoLocation } from './card-data.js';

/**
 * SPEI OUT paid from a card (NeCIPCo "Create SPEI"), and the provider's institution catalog.
 * CLABE accounts and account-sourced SPEI OUT are the `ClabeAccounts` / `SpeiOut` ports (STP).
 */
export interface CardSpeiOrder {
  /** The card paying (its balance is debited with amount + commission + VAT). */
  readonly card: CardRef;
  readonly amount: Money;
  /** 1-40 characters. */
  readonly concept: string;
  /** CLABE (18), card (16) or phone (10 digits). */
  readonly beneficiaryAccount: string;
  /** Institution as the provider's catalog names it (NeCIPCo: name, e.g. SANTANDER, or its institution key). */
  readonly beneficiaryInstitution: string;
  /** 1-40 characters. */
  readonly beneficiaryName: string;
  /** RFC or CURP; 'ND' when unknown (the default). */
  readonly beneficiaryRfcCurp?: string;
  readonly beneficiaryEmail: string;
  /** 1-7 digits. */
  readonly numericReference: string;
  readonly location: GeoLocation;
}

export interface CardSpeiResult {
  /** The provider's id of the SPEI order. */
  readonly providerOrderId: string;
  readonly trackingKey?: string;
  readonly operationDate?: string;
  readonly referenceOperation?: string;
  readonly amount: Money;
  readonly commission?: Money;
  readonly commissionType?: string;
  /** IVA on the commission. */
  readonly vat?: Money;
  readonly card: { readonly cardId: string; readonly maskedPan: string; readonly type?: string };
  readonly accountId?: string;
}

export interface SpeiInstitutionEntry {
  /** SPEI institution key (e.g. 40014). */
  readonly speiKey: string;
  readonly name: string;
  /** First three CLABE digits (bank code). */
  readonly bankCode?: string;
}

/**
 * SPEI OUT from a card + institutions. A provider without card-sourced SPEI throws
 * CapabilityNotSupportedError. Errors: ValidationError (before any call), NotFoundError (unknown card),
 * ProviderDeclinedError (e.g. insufficient_funds), ProviderUnavailableError (outcome unknown: do not resend blindly).
 */
export abstract class SpeiRail {
  abstract readonly provider: string;

  abstract sendSpeiFromCard(order: CardSpeiOrder): Promise<CardSpeiResult>;
  abstract listSpeiInstitutions(): Promise<SpeiInstitutionEntry[]>;
}
