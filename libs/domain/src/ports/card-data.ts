/**
 * Shared card vocabulary of the ports: masked PANs, sensitive values, card references, locations.
 * Clear card data (PAN, PIN, CVC, expiry) only ever travels inside a `SensitiveValue`, which refuses to
 * serialize or print itself: the caller must `reveal()` it deliberately (and then encrypt it).
 */

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export type SensitiveKind = 'pan' | 'pin' | 'cvc' | 'expiry' | 'authentication';

export class SensitiveValue {
  readonly #value: string;
  constructor(
    value: string,
    readonly kind: SensitiveKind,
  ) {
    this.#value = value;
  }

  static pan(value: string): SensitiveValue {
    return new SensitiveValue(value, 'pan');
  }

  static pin(value: string): SensitiveValue {
    return new SensitiveValue(value, 'pin');
  }

  /** The clear value. Call it only to encrypt it or to hand it to the cardholder's own channel. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return `[sensitive ${this.kind}]`;
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  [INSPECT](): string {
    return `SensitiveValue<${this.kind}>`;
  }
}

/** `************1234` — the only form of a PAN that leaves a port outside a SensitiveValue. */
export type MaskedPan = string;

/** Masks a PAN or builds the mask from the last four digits. */
export function maskPan(panOrLastFour: string): MaskedPan {
  const digits = panOrLastFour.replace(/\D/g, '');
  const last4 = digits.slice(-4).padStart(4, '*');
  return `${'*'.repeat(12)}${last4}`;
}

/**
 * Which card an operation is about: the provider's own card id (what the gateway stores), or the PAN
 * (a card from stock, a card the cardholder typed in).
 */
export type CardRef = { readonly cardId: string } | { readonly pan: SensitiveValue };

export function isPanRef(ref: CardRef): ref is Extract<CardRef, { readonly pan: SensitiveValue }> {
  return 'pan' in ref;
}

/**
 * Where the operation is made from (several providers require it). Decimal degrees as strings
 * ("19.43260") or numbers; providers decide the precision (NeCIPCo: at most 5 decimals).
 */
export interface GeoLocation {
  readonly latitude: string | number;
  readonly longitude: string | number;
}

export type CardType = 'PHYSICAL' | 'VIRTUAL' | 'VIRTUAL_WITH_PHYSICAL';

/** Card statuses are the provider's catalog keys (e.g. ACTIVE, TEMPORARY_INACTIVE, NEED_ACTIVATION). */
export type CardStatus = string;

export interface CardSummary {
  /** The provider's card id. */
  readonly cardId: string;
  readonly maskedPan: MaskedPan;
  readonly type?: CardType;
  readonly status?: CardStatus;
}

export interface CardAccount {
  /** The provider's account id. */
  readonly accountId: string;
  readonly reference?: string;
  readonly clabe?: string | null;
}

export interface IdentityDocument {
  readonly type: string;
  readonly number: string;
}
