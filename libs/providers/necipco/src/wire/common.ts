/**
 * NeCIPCo wire types, exactly as the API document shows them (field names, nesting, number vs string).
 * Request types are generic so the same shape serves three views:
 *   S = a sensitive field (card number, PIN): the encrypted base64 string on the wire;
 *   A = an amount: a JSON number on the wire ("amount": 1000.00);
 *   G = a latitude/longitude: a JSON number with 5 decimals on the wire.
 * The client's callers pass `SensitiveValue`, `Money` and decimal strings; the client turns them into wire values.
 */

/** Every response but login's. */
export interface NecipcoEnvelope<T> {
  success: boolean;
  code: number;
  message: string;
  data: T;
}

/** Error answers (the document shows none; this is the sandbox's shape, the client also copes with others). */
export interface NecipcoErrorBody {
  success: false;
  code: number;
  message: string;
  errors?: Array<{ field: string; message: string }>;
  data?: unknown;
}

export interface WireLocation<G = number> {
  latitude: G;
  longitude: G;
}

/** `card` objects in most answers. The document spells the type PHYSICAL and, in places, PHISYCAL. */
export interface WireCard {
  id: string;
  masked_card_number: string;
  type?: string;
  /** Only `GET /cards/info` says card_type. */
  card_type?: string;
  status?: string;
}

export interface WireAccountRef {
  id: string;
  /** A string in some answers, a number in others. */
  reference: string | number;
  clabe?: string | null;
}

export interface WireCardAndAccount {
  card: WireCard;
  account: WireAccountRef;
}

export interface WireOperation<A = number> {
  id: string;
  /** A number in the transfer answer, a string elsewhere. */
  authorization_code?: string | number;
  amount: A;
}
