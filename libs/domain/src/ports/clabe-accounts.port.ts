import type { Clabe } from '../clabe.js';

/**
 * The account holder of a CLABE account: a physical person (persona física). Field rules are the
 * provider's (STP: see libs/providers/stp/README.md); the adapter validates them before any call.
 */
export interface ClabeAccountHolder {
  name: string;
  lastName: string;
  /** Maternal surname; the document marks it conditional (C) and gives no condition: optional. */
  secondLastName?: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  gender?: 'male' | 'female';
  /** RFC (13 characters) or CURP (18 characters) of the person. */
  rfcOrCurp: string;
  /** Federative-entity catalogue code (INEGI 1-32, e.g. "9" = Ciudad de México). */
  federalEntity: string;
  /** Economic-activity catalogue code (numeric). */
  economicActivity: string;
  /** Country-of-birth catalogue code (numeric, the provider's catalogue; STP: 187 = México). */
  countryOfBirth: string;
  /** INE/IFE, CI or CC number. */
  personalId?: string;
  address?: ClabeAccountHolderAddress;
  email?: string;
  /** 10 digits. */
  phone?: string;
}

export interface ClabeAccountHolderAddress {
  street?: string;
  outdoorNumber?: string;
  interiorNumber?: string;
  suburb?: string;
  municipality?: string;
  /** 5 digits. */
  zipCode?: string;
}

export interface CreateClabeAccountRequest {
  /**
   * Our identifier of the account (sent as STP `account_id`); unique per account, so a retry with
   * the same id cannot create a second CLABE (the provider answers 409 -> ConflictError).
   */
  accountId: string;
  holder: ClabeAccountHolder;
}

export interface ClabeAccountCreated {
  provider: string;
  accountId: string;
  /** The CLABE the provider assigned, already validated (bank code, check digit). */
  clabe: Clabe;
}

/** A CLABE account status notified by the provider (STP "Webhook of CLABE status"). */
export interface ClabeAccountStatusEvent {
  provider: string;
  clabe: Clabe;
  status: 'active' | 'inactive';
}

/**
 * Capability: open CLABE accounts for physical persons (STP).
 * Errors: ValidationError (bad field, before any call), ConflictError (account id already has a CLABE),
 * ProviderDeclinedError (permanent refusal), ProviderUnavailableError (retryable).
 */
export abstract class ClabeAccounts {
  abstract readonly provider: string;
  abstract createClabeAccount(request: CreateClabeAccountRequest): Promise<ClabeAccountCreated>;
}
