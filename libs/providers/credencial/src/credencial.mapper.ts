/**
 * Domain <-> Credencial wire. Card data (card number, NIPs, security code) is copied into the wire
 * object that goes straight to the client, and nowhere else.
 */
import { randomInt } from 'node:crypto';
import {
  Money,
  ProviderUnavailableError,
  ValidationError,
  type CardNominationRequest,
  type InitialNipRequest,
  type NipChangeRequest,
  type ProcessorCardStatusInfo,
  type SensitiveValue,
} from '#libs/domain';
import { CREDENCIAL_CARD_STATUS, CREDENCIAL_CIVIL_STATUS, CREDENCIAL_CURRENCIES, CREDENCIAL_GENDER, CREDENCIAL_ANSWER_CODE } from './credencial.catalogs.js';
import { CREDENCIAL } from './credencial.errors.js';
import type { CredencialCardStatusResponse } from './wire/card-status.wire.js';
import type { CredencialInitialNipRequest, CredencialUpdateNipRequest } from './wire/nip.wire.js';
import type { CredencialNominationRequest } from './wire/nomination.wire.js';
import type {
  CredencialBalanceAnswer,
  CredencialBalanceWebhook,
  CredencialDebitAnswer,
  CredencialDebitWebhook,
  CredencialMovementsAnswer,
  CredencialMovementsWebhook,
  CredencialReverseAnswer,
  CredencialReverseWebhook,
} from './wire/webhooks.wire.js';

/** Digits like the document's example (1560529031736 = epoch ms) plus 3 random digits: 16 digits. */
export function generateTransactionId(now = Date.now()): string {
  return `${now}${String(randomInt(0, 1000)).padStart(3, '0')}`;
}

function opt(v: string | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  const t = String(v).trim();
  return t === '' ? undefined : t;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function toNominationWire(request: CardNominationRequest): CredencialNominationRequest {
  const h = request.cardholder;
  const a = h?.address ?? ({} as CardNominationRequest['cardholder']['address']);
  return withoutUndefined<CredencialNominationRequest>({
    emi_account_reference: opt(request.emiAccountReference)!,
    emi_account_identifier: opt(request.emiAccountIdentifier)!,
    card_name: opt(h?.cardName)?.toUpperCase()!,
    full_name: opt(h?.fullName)!,
    birth_date: opt(h?.birthDate)!,
    gender: (h?.gender === undefined ? undefined : (CREDENCIAL_GENDER[h.gender] ?? h.gender)) as never,
    civil_status: (h?.civilStatus === undefined ? undefined : (CREDENCIAL_CIVIL_STATUS[h.civilStatus] ?? h.civilStatus)) as never,
    email: opt(h?.email)!,
    phone: opt(h?.phone)!,
    address: withoutUndefined({
      type: opt(a.type)!,
      street: opt(a.street)!,
      number: opt(a.number),
      country: opt(a.country)!,
      state: opt(a.state)!,
      suburb: opt(a.suburb)!,
      locality: opt(a.locality),
      zip_code: opt(a.zipCode)!,
    }),
    document: withoutUndefined({ type: opt(h?.document?.type)!, number: opt(h?.document?.number)! }),
  });
}

export function fromStatusResponse(response: CredencialCardStatusResponse, accountNumber: string): ProcessorCardStatusInfo {
  const code = response.status === undefined || response.status === null ? undefined : String(response.status).padStart(2, '0');
  const known = code === undefined ? undefined : CREDENCIAL_CARD_STATUS[code];
  if (!known) {
    throw new ProviderUnavailableError(CREDENCIAL, 'Credencial answered a card status we do not know', { operation: 'get_status', reason: 'bad_response' });
  }
  return { provider: CREDENCIAL, accountNumber, status: known.status, providerStatusCode: code! };
}

/** Reveals a sensitive value for the wire; an absent one becomes undefined (validation names the field). */
function reveal(value: SensitiveValue | undefined): string | undefined {
  return value && typeof value.reveal === 'function' ? value.reveal() : undefined;
}

/** The security code is an Integer on the wire; checked as text first so "12a" never becomes NaN. */
function securityCode(value: SensitiveValue | undefined): number {
  const text = reveal(value);
  if (typeof text !== 'string' || !/^\d{3,4}$/.test(text)) {
    throw new ValidationError('card_security_code must be 3 or 4 digits', { field: 'card_security_code', errors: [{ field: 'card_security_code', message: 'card_security_code must be 3 or 4 digits' }] });
  }
  return Number(text);
}

export function toInitialNipWire(request: InitialNipRequest, transactionId: string): CredencialInitialNipRequest {
  return {
    transaction_id: transactionId,
    card_expiration: reveal(request.verification?.expiration)!,
    card_security_code: securityCode(request.verification?.securityCode),
    card_nip: reveal(request.nip)!,
  };
}

export function toUpdateNipWire(request: NipChangeRequest, transactionId: string): CredencialUpdateNipRequest {
  return {
    transaction_id: transactionId,
    card_expiration: reveal(request.verification?.expiration)!,
    card_security_code: securityCode(request.verification?.securityCode),
    card_nip_actual: reveal(request.currentNip)!,
    card_nip_new: reveal(request.newNip)!,
  };
}

// ---- webhooks: parse what Credencial sends, build the synchronous answers ----

function bad(field: string, message: string): ValidationError {
  return new ValidationError(`${field} ${message}`, { field, errors: [{ field, message: `${field} ${message}` }] }, 'invalid_webhook');
}

function money(value: unknown, currencyCode: unknown, field: string): Money {
  const currency = CREDENCIAL_CURRENCIES[String(currencyCode)];
  if (!currency) throw bad(field, `has an unsupported currency ${String(currencyCode)}`);
  if (typeof value !== 'number' && typeof value !== 'string') throw bad(field, 'is required');
  try {
    return Money.parse(value, currency);
  } catch {
    throw bad(field, 'must be an amount with at most 2 decimals');
  }
}

function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function accountNumberOf(body: { account_number?: unknown }): string {
  const v = str(body.account_number);
  if (!/^\d{1,20}$/.test(v)) throw bad('account_number', 'must be digits');
  return v;
}

/** A card debit the processor asks us to authorize (answered synchronously). */
export interface CredencialDebitEvent {
  accountNumber: string;
  emiAccountReference?: string;
  emiAccountIdentifier: string;
  /** Transaction amount in its currency. */
  amount: Money;
  /** Settlement amount (`amount_liq`, `currency_liq`): what the account is charged. */
  settlementAmount: Money;
  commission: Money;
  origin: string;
  reason: string;
  reference: string;
  identifierAdq: string;
  acquirer: string;
  city: string;
  terminal: string;
  tradeName: string;
  /** As sent ("18/12/2012 03:29:30 PM"). */
  date: string;
}

export function fromDebitWebhook(body: unknown): CredencialDebitEvent {
  const w = (body ?? {}) as Partial<CredencialDebitWebhook>;
  const settlementAmount = money(w.amount_liq, w.currency_liq, 'amount_liq');
  return {
    accountNumber: accountNumberOf(w),
    emiAccountReference: w.emi_account_reference === undefined ? undefined : str(w.emi_account_reference),
    emiAccountIdentifier: str(w.emi_account_identifier),
    amount: money(w.amount, w.currency, 'amount'),
    settlementAmount,
    commission: money(w.commission_liq ?? 0, w.currency_liq, 'commission_liq'),
    origin: str(w.origin),
    reason: str(w.reason),
    reference: str(w.reference),
    identifierAdq: str(w.identifier_adq),
    acquirer: str(w.acquirer),
    city: str(w.city),
    terminal: str(w.terminal),
    tradeName: str(w.trade_name),
    date: str(w.date),
  };
}

export interface CredencialReverseEvent {
  accountNumber: string;
  emiAccountIdentifier: string;
  amount: Money;
  settlementAmount: Money;
  origin: string;
  reverseReason: string;
  reference: string;
  identifierAdq: string;
  tradeName: string;
  date: string;
}

/**
 * The document's REVERSE example sends `currency: "?"` and `currency_liq: "?"`. A reversal is in the currency
 * of the debit it undoes, and a debit we authorized always settled in MXN (others are declined), so an absent or
 * placeholder currency on a REVERSE is read as MXN; a real code other than a known one is still refused.
 */
function reverseCurrency(code: unknown): unknown {
  return code === undefined || code === null || (typeof code === 'string' && /^[\s?-]*$/.test(code)) ? '484' : code;
}

export function fromReverseWebhook(body: unknown): CredencialReverseEvent {
  const w = (body ?? {}) as Partial<CredencialReverseWebhook>;
  return {
    accountNumber: accountNumberOf(w),
    emiAccountIdentifier: str(w.emi_account_identifier),
    amount: money(w.amount, reverseCurrency(w.currency), 'amount'),
    settlementAmount: money(w.amount_liq, reverseCurrency(w.currency_liq), 'amount_liq'),
    origin: str(w.origin),
    reverseReason: str(w.reverse_reason),
    reference: str(w.reference),
    identifierAdq: str(w.identifier_adq),
    tradeName: str(w.trade_name),
    date: str(w.date),
  };
}

export interface CredencialInquiryEvent {
  accountNumber: string;
  emiAccountReference?: string;
  emiAccountIdentifier: string;
  reference: string;
  origin: string;
  identifierAdq: string;
}

export function fromInquiryWebhook(body: unknown): CredencialInquiryEvent {
  const w = (body ?? {}) as Partial<CredencialBalanceWebhook & CredencialMovementsWebhook>;
  return {
    accountNumber: accountNumberOf(w),
    emiAccountReference: w.emi_account_reference === undefined ? undefined : str(w.emi_account_reference),
    emiAccountIdentifier: str(w.emi_account_identifier),
    reference: str(w.reference),
    origin: str(w.origin),
    identifierAdq: str(w.identifier_adq),
  };
}

/** Money as the JSON number the document shows (2000.0): the exact decimal's shortest number form. */
export function toWireNumber(m: Money): number {
  return Number(m.toDecimalString());
}

export interface AnswerBase {
  /** -1 applied; see CREDENCIAL_ANSWER_CODE for refusals. */
  code?: number;
  message?: string;
  reference: string;
  at?: Date;
}

export function toDebitAnswer(a: AnswerBase & { emiAccountIdentifier: string; balanceActual: Money; balanceLast: Money }): CredencialDebitAnswer {
  const code = a.code ?? CREDENCIAL_ANSWER_CODE.APPLIED;
  return {
    code,
    message: a.message ?? (code === CREDENCIAL_ANSWER_CODE.APPLIED ? 'Retiro aplicado con éxito.' : 'Retiro rechazado.'),
    emi_account_identifier: a.emiAccountIdentifier,
    date: (a.at ?? new Date()).getTime(),
    balance_actual: toWireNumber(a.balanceActual),
    balance_last: toWireNumber(a.balanceLast),
    reference: a.reference,
  };
}

export function toReverseAnswer(a: AnswerBase & { emiAccountIdentifier: string; balanceActual: Money; balanceLast: Money }): CredencialReverseAnswer {
  const code = a.code ?? CREDENCIAL_ANSWER_CODE.APPLIED;
  return {
    code,
    message: a.message ?? (code === CREDENCIAL_ANSWER_CODE.APPLIED ? 'Reversa aplicada con éxito.' : 'Reversa rechazada.'),
    emi_account_identifier: a.emiAccountIdentifier,
    balance_actual: toWireNumber(a.balanceActual),
    balance_last: toWireNumber(a.balanceLast),
    date: (a.at ?? new Date()).getTime(),
    reference: a.reference,
  };
}

export function toBalanceAnswer(a: AnswerBase & { balanceActual: Money }): CredencialBalanceAnswer {
  const code = a.code ?? CREDENCIAL_ANSWER_CODE.APPLIED;
  return {
    code,
    message: a.message ?? (code === CREDENCIAL_ANSWER_CODE.APPLIED ? 'Consulta aplicada con éxito.' : 'Consulta rechazada.'),
    balance_actual: toWireNumber(a.balanceActual),
    date: (a.at ?? new Date()).getTime(),
    reference: a.reference,
  };
}

export function toMovementsAnswer(
  a: AnswerBase & { movements: Array<{ reference: string; type: string; amount: Money; at: Date; terminal: string }> },
): CredencialMovementsAnswer {
  const code = a.code ?? CREDENCIAL_ANSWER_CODE.APPLIED;
  const iso: Record<string, number> = { MXN: 484, USD: 840 };
  return {
    code,
    message: a.message ?? (code === CREDENCIAL_ANSWER_CODE.APPLIED ? 'Consulta aplicado con éxito' : 'Consulta rechazada.'),
    reference: a.reference,
    movements: a.movements.map((m) => ({ reference: m.reference, type: m.type, amount: toWireNumber(m.amount), currency: iso[m.amount.currency]!, date: m.at.getTime(), terminal: m.terminal })),
    date: (a.at ?? new Date()).getTime(),
  };
}
