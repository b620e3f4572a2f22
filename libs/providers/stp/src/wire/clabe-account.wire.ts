/**
 * POST {STP_BASE_URL}/clabes — "Create a CLABE account (Physical accounts)". Field names, types
 * (all strings) and required flags exactly as the document's parameter table.
 */
export interface StpCreateClabeRequest {
  /** Y — identifier of the company the CLABE account belongs to. */
  enterprise_id: string;
  /** Y — account number identifier (ours). */
  account_id: string;
  /** Y */
  name: string;
  /** Y — paternal surname. */
  last_name: string;
  /** C — maternal surname. */
  second_lastname?: string;
  /** Y — YYYYMMDD. */
  birth_date: string;
  /** N — H (male) | M (female). */
  gender?: StpGender;
  /** Y */
  rfc_or_curp: string;
  /** Y — Federative Entities Catalog. */
  federal_entity: string;
  /** Y — Catalog of Economic Activities. */
  economy_activity: string;
  /** N — INE/IFE, CI, CC. */
  personal_id?: string;
  /** N */
  street?: string;
  /** N */
  outdoor_number?: string;
  /** N */
  interior_number?: string;
  /** N */
  suburb?: string;
  /** N */
  municipality?: string;
  /** N */
  zip_code?: string;
  /** Y — Country of birth catalog. */
  country_of_birth: string;
  /** N */
  email?: string;
  /** N */
  phone?: string;
}

export type StpGender = 'H' | 'M';

/**
 * Success answer. The document shows only an error example; the CLABE has to come back somehow,
 * so the sandbox answers 201 with this (see README). `account_id` echoes the request.
 */
export interface StpCreateClabeResponse {
  clabe: string;
  account_id?: string;
}
