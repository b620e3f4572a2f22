import { createHash } from 'node:crypto';
import { Money, ValidationError } from '#libs/domain';
import type { WebhookType } from './inbox.types.js';

/** JSON with object keys sorted: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('base64url');
}

function text(v: unknown): string {
  return v === undefined || v === null ? '' : String(v).trim();
}

/** "100", 100.0 and "100.00" are one amount. */
function amountText(v: unknown): string {
  try {
    return Money.parse(typeof v === 'number' ? v : text(v)).toDecimalString();
  } catch {
    return text(v);
  }
}

/** A Credencial reference is meaningful when it has a letter or digit ("-" and "" are placeholders). */
function meaningful(ref: string): boolean {
  return /[A-Za-z0-9]/.test(ref);
}

/**
 * The identity of a card transaction: its account and reference; when the reference is a placeholder, the
 * acquirer's identifier and the transaction date stand in for it. A DEBIT and its REVERSE share it.
 */
export function cardTransactionKey(payload: Record<string, unknown>): string {
  const account = text(payload.account_number);
  const ref = text(payload.reference);
  if (meaningful(ref)) return `${account}:${ref}`;
  return `${account}:adq:${text(payload.identifier_adq)}`;
}

/**
 * Dedup key per event type — what makes two deliveries "the same event":
 * - spei_in: CLABE + tracking key (reference). STP resent one transfer under a different webhook id, so
 *   the webhook-id header is NOT part of it; the payload carries no operation date.
 * - spei_out_status: tracking key (folio) + status (a settled order may later be returned: another event).
 * - clabe_status: CLABE + status + the delivery id (webhook-id, else the payload hash): activation can toggle.
 * - debit: account number + reference (see cardTransactionKey).
 * - reverse: the debit's key + amount (a second partial reversal is another event; the same one twice is a duplicate).
 * - balance / movements: queries; the delivery id when signed, else unique (never deduplicated).
 */
export function dedupKey(type: WebhookType, payload: Record<string, unknown>, deliveryId: string | undefined, fallbackUnique: string): string {
  switch (type) {
    case 'spei_in':
      return `${text(payload.clabe)}:${text(payload.reference)}`;
    case 'spei_out_status':
      return `${text(payload.folio)}:${text(payload.status)}`;
    case 'clabe_status':
      return `${text(payload.clabe)}:${text(payload.status)}:${deliveryId ?? payloadHash(payload)}`;
    case 'debit':
      return cardTransactionKey(payload);
    case 'reverse':
      return `${cardTransactionKey(payload)}:${amountText(payload.amount_liq ?? payload.amount)}`;
    case 'balance':
    case 'movements':
      return deliveryId ? `id:${deliveryId}` : `once:${fallbackUnique}`;
    default:
      throw new ValidationError(`unknown webhook type ${String(type)}`, undefined, 'invalid_webhook');
  }
}

/**
 * Replaces the JSON numbers of `fields` in a parsed body by their literal text in the raw body, so amounts
 * (Credencial sends 2000.0) are parsed exactly with Money.parse, never through float arithmetic.
 * Only top-level fields of a flat object are looked up (the providers' payloads are flat).
 */
export function numbersAsText(raw: Buffer, body: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out = { ...body };
  const source = raw.toString('utf8');
  for (const f of fields) {
    if (typeof out[f] !== 'number') continue;
    const m = new RegExp(`"${f}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`).exec(source);
    if (m) out[f] = m[1];
  }
  // One spelling per amount ("300", 300.0 and "300.00" are the same event): two decimals, exactly.
  for (const f of fields) {
    if (typeof out[f] !== 'string') continue;
    try {
      out[f] = Money.parse(out[f] as string).toDecimalString();
    } catch {
      // left as sent: the parser reports it
    }
  }
  return out;
}

/** Fields that must never be stored or queued: a payload carrying one is refused. */
const CARD_DATA_FIELDS = /^(pan|card_number|cardnumber|nip|pin|cvv|cvc|cvv2|card_security_code|card_nip.*|security_code)$/i;

export function assertNoCardData(payload: Record<string, unknown>): void {
  for (const k of Object.keys(payload)) {
    if (CARD_DATA_FIELDS.test(k)) throw new ValidationError(`the webhook carries card data (${k}); it is refused and not stored`, { field: k }, 'card_data_refused');
  }
}
