import { createHash } from 'node:crypto';
import { Money, ValidationError } from '#libs/domain';
import type { WebhookType } from './inbox.types.js';

/**
 * JSON with object keys sorted: the same content always hashes the same. Stored payload hashes are this exact
 * string's, so its output must never change: it is JSON.stringify's over a copy of the value whose objects
 * were rebuilt with sorted keys (which puts array-index keys first, in numeric order, as any JS object does)
 * and whose bigints are strings (canonicalJsonByReplacer, the definition). Every webhook pays for it, so plain
 * JSON values are copied that way first and stringified without a replacer; anything else (a toJSON, a class
 * instance, a boxed primitive) takes the definition's path.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(sortedCopy(value));
  } catch (e) {
    if (e !== NOT_PLAIN) throw e;
  }
  return canonicalJsonByReplacer(value);
}

/** The definition (and the path for values sortedCopy does not take). */
export function canonicalJsonByReplacer(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

const NOT_PLAIN = Symbol('not a plain JSON value');

/** What the definition's replacer makes of a plain JSON value, made up front. */
function sortedCopy(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) throw NOT_PLAIN;
    return v.map(sortedCopy);
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') throw NOT_PLAIN;
  const keys = Object.keys(v).sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    // An assignment would set the copy's prototype, not a "__proto__" property as Object.fromEntries does.
    if (k === '__proto__') throw NOT_PLAIN;
    out[k] = sortedCopy((v as Record<string, unknown>)[k]);
  }
  return out;
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

/** A Credencial reference is meaningful when it has a letter or digit ("", "-" and "?" are placeholders). */
function meaningful(ref: string): boolean {
  return /[A-Za-z0-9]/.test(ref);
}

/** True when the payload names its transaction by its own `reference` (not a placeholder). */
export function hasOwnReference(payload: Record<string, unknown>): boolean {
  return meaningful(text(payload.reference));
}

/** A short, fixed-length digest of some fields (amounts in one spelling): part of a key, never ':' or '#'. */
function fingerprint(payload: Record<string, unknown>, fields: readonly string[], amounts: ReadonlySet<string>): string {
  const picked = fields.map((f) => (amounts.has(f) ? amountText(payload[f]) : text(payload[f])));
  return createHash('sha256').update(JSON.stringify(picked)).digest('base64url').slice(0, 22);
}

const AMOUNT_FIELDS: ReadonlySet<string> = new Set(['amount', 'amount_liq', 'commission', 'commission_liq']);
/** What tells two DEBITs on one card apart when neither has a reference of its own. */
const DEBIT_FINGERPRINT = ['date', 'amount', 'currency', 'amount_liq', 'currency_liq', 'commission_liq', 'terminal', 'origin', 'acquirer', 'trade_name'] as const;
/** The same for two REVERSEs of one transaction identity (its own date, amounts and reason). */
const REVERSE_FINGERPRINT = ['date', 'amount', 'currency', 'amount_liq', 'currency_liq', 'origin', 'reverse_reason', 'trade_name'] as const;

/**
 * The identity a DEBIT and its REVERSE share, from the fields both carry with the same value: the account and
 * the reference; when the reference is a placeholder, the acquirer's identifier (`adq:`) if it has one, else the
 * account alone (`anon`). Neither the date nor the amount is part of it: a REVERSE carries its own date and may
 * be partial. Without a reference this identity may cover several DEBITs (see debitKey / findDebitForReverse).
 */
export function cardTransactionKey(payload: Record<string, unknown>): string {
  const account = text(payload.account_number);
  const ref = text(payload.reference);
  if (meaningful(ref)) return `${account}:${ref}`;
  const adq = text(payload.identifier_adq);
  return meaningful(adq) ? `${account}:adq:${adq}` : `${account}:anon`;
}

/**
 * A DEBIT's dedup key: its transaction identity when it has a reference of its own; otherwise that identity
 * plus `#` and a digest of the transaction's date, amounts, currencies, terminal, origin, acquirer and trade
 * name, so two different debits on one card with placeholder references are two events (the document's own
 * example has reference "-" and identifier_adq "?").
 */
export function debitKey(payload: Record<string, unknown>): string {
  const tx = cardTransactionKey(payload);
  return hasOwnReference(payload) ? tx : `${tx}#${fingerprint(payload, DEBIT_FINGERPRINT, AMOUNT_FIELDS)}`;
}

/**
 * A REVERSE's dedup key: the transaction identity, `:`, the amount (a second partial reversal is another
 * event; the same one twice is a duplicate), and without a reference of its own a digest of its date, amounts
 * and reason. It always starts with `<cardTransactionKey>:`, which is how a late DEBIT finds an early REVERSE.
 */
export function reverseKey(payload: Record<string, unknown>): string {
  const base = `${cardTransactionKey(payload)}:${amountText(payload.amount_liq ?? payload.amount)}`;
  return hasOwnReference(payload) ? base : `${base}#${fingerprint(payload, REVERSE_FINGERPRINT, AMOUNT_FIELDS)}`;
}

/**
 * CLABE status. STP's payload is only {clabe, status}: no id, no timestamp, so its content cannot tell a
 * re-send from a genuine later change (0 → 1 → 0 sends the same {status: 0} twice).
 * - Signed (webhook-id): the delivery id is the event's identity; a retry carries the same id.
 * - Unsigned (basic auth or IP allowlist only): the key is the transition from the latest status received for
 *   the CLABE (`after:<that event's id>`, `after:none` for the first). A status equal to the latest one is
 *   answered as a duplicate of it (re-applying it would change nothing); a different one is a new event,
 *   so 0 → 1 → 0 is three events. Two copies of one transition collide on the unique key. What no key can tell
 *   without an id is a stale retry of an older status arriving after a newer one: it is applied as a change
 *   (a lost change would be silent; a wrong one is visible and STP re-sends the current status).
 */
export function clabeStatusKey(payload: Record<string, unknown>, deliveryId: string | undefined, previousEventId?: string | null): string {
  const base = `${text(payload.clabe)}:${text(payload.status)}`;
  if (deliveryId) return `${base}:${deliveryId}`;
  if (previousEventId === undefined) throw new Error('an unsigned CLABE status is keyed on the latest one received (WebhookIntakeService.receiveClabeStatus)');
  return `${base}:after:${previousEventId ?? 'none'}`;
}

/**
 * Dedup key per event type — what makes two deliveries "the same event":
 * - spei_in: CLABE + tracking key (reference). STP resent one transfer under a different webhook id, so
 *   the webhook-id header is NOT part of it; the payload carries no operation date.
 * - spei_out_status: tracking key (folio) + status (a settled order may later be returned: another event).
 * - clabe_status: see clabeStatusKey (unsigned deliveries need the latest event: receiveClabeStatus).
 * - debit: see debitKey; reverse: see reverseKey.
 * - balance / movements: queries; the delivery id when signed, else unique (never deduplicated).
 */
export function dedupKey(type: WebhookType, payload: Record<string, unknown>, deliveryId: string | undefined, fallbackUnique: string): string {
  switch (type) {
    case 'spei_in':
      return `${text(payload.clabe)}:${text(payload.reference)}`;
    case 'spei_out_status':
      return `${text(payload.folio)}:${text(payload.status)}`;
    case 'clabe_status':
      return clabeStatusKey(payload, deliveryId);
    case 'debit':
      return debitKey(payload);
    case 'reverse':
      return reverseKey(payload);
    case 'balance':
    case 'movements':
      return deliveryId ? `id:${deliveryId}` : `once:${fallbackUnique}`;
    default:
      throw new ValidationError(`unknown webhook type ${String(type)}`, undefined, 'invalid_webhook');
  }
}

const numberPatterns = new Map<string, RegExp>();
/** The literal of a top-level JSON number field, compiled once per field name (the names are the code's own). */
function numberPattern(field: string): RegExp {
  let re = numberPatterns.get(field);
  if (!re) {
    re = new RegExp(`"${field}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?)`);
    numberPatterns.set(field, re);
  }
  return re;
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
    const m = numberPattern(f).exec(source);
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
