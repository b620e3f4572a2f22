/**
 * POST {CREDENCIAL_BASE_URL}/nomination/:card_number — "Card Assign" (nomination).
 * Field names follow the document's EXAMPLE (emi_account_reference / emi_account_identifier, address
 * with locality); the parameter table's account_number / account_id and address[number] are
 * accepted by the sandbox as aliases / optional (see README). Sent as JSON, nested objects for the
 * `address[...]` and `document[...]` groups.
 */
export interface CredencialNominationRequest {
  /** The table's `account_number`. */
  emi_account_reference: string;
  /** The table's `account_id`. */
  emi_account_identifier: string;
  /** Name embossed on the plastic. */
  card_name: string;
  full_name: string;
  /** YYYY-MM-DD. */
  birth_date: string;
  /** M (masculino) | F (femenino). */
  gender: CredencialGender;
  /** S soltero, C casado, D divorciado, V viudo, U unión libre. */
  civil_status: CredencialCivilStatus;
  email: string;
  phone: string;
  address: CredencialAddress;
  document: { type: string; number: string };
}

export interface CredencialAddress {
  type: string;
  street: string;
  /** In the table (Y) but not in the example: optional. */
  number?: string;
  /** ISO 3166-1 numeric, e.g. "484". */
  country: string;
  state: string;
  suburb: string;
  /** In the example but not in the table: optional. */
  locality?: string;
  zip_code: string;
}

export type CredencialGender = 'M' | 'F';
export type CredencialCivilStatus = 'S' | 'C' | 'D' | 'V' | 'U';

/**
 * The document's response is `{}`. The sandbox adds `account_number` (the processor's card
 * account, used by /cards/:account_number/* and in the webhooks); the client accepts both.
 */
export interface CredencialNominationResponse {
  account_number?: number | string;
}
