/**
 * Domain <-> STP wire. Amounts: bigint centavos -> "5.04" (exact, Money.toDecimalString) and back
 * with Money.parse. Dates: ISO YYYY-MM-DD -> STP's YYYYMMDD.
 */
import {
  Clabe,
  Money,
  ProviderDeclinedError,
  ValidationError,
  type ClabeAccountCreated,
  type ClabeAccountStatusEvent,
  type CreateClabeAccountRequest,
  type SpeiOutOrder,
  type SpeiOutStatusEvent,
  type SpeiOutSubmission,
} from '#libs/domain';
import { STP_ACCOUNT_TYPES, STP_CLABE_STATUS, STP_ORDER_STATUS } from './stp.catalogs.js';
import { STP } from './stp.errors.js';
import type { StpCreateClabeRequest, StpCreateClabeResponse } from './wire/clabe-account.wire.js';
import type { StpAccountType, StpTransferRequest, StpTransferResponse } from './wire/transfer.wire.js';
import type { StpClabeStatusWebhook, StpSpeiInWebhook, StpSpeiOutStatusWebhook } from './wire/webhooks.wire.js';

/** "1986-02-28" -> "19860228"; anything else passes through for validation to name. */
export function toStpDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? `${m[1]}${m[2]}${m[3]}` : iso;
}

function opt(value: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const t = String(value).trim();
  return t === '' ? undefined : t;
}

function withoutUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export function toCreateClabeWire(request: CreateClabeAccountRequest, enterpriseId: string): StpCreateClabeRequest {
  const h = request.holder;
  const a = h.address ?? {};
  return withoutUndefined<StpCreateClabeRequest>({
    enterprise_id: enterpriseId,
    account_id: opt(request.accountId)!,
    name: opt(h.name)!,
    last_name: opt(h.lastName)!,
    second_lastname: opt(h.secondLastName),
    birth_date: toStpDate(opt(h.birthDate)!),
    gender: h.gender === undefined ? undefined : h.gender === 'male' ? 'H' : h.gender === 'female' ? 'M' : (h.gender as never),
    rfc_or_curp: opt(h.rfcOrCurp)?.toUpperCase()!,
    federal_entity: opt(h.federalEntity)!,
    economy_activity: opt(h.economicActivity)!,
    personal_id: opt(h.personalId),
    street: opt(a.street),
    outdoor_number: opt(a.outdoorNumber),
    interior_number: opt(a.interiorNumber),
    suburb: opt(a.suburb),
    municipality: opt(a.municipality),
    zip_code: opt(a.zipCode),
    country_of_birth: opt(h.countryOfBirth)!,
    email: opt(h.email),
    phone: opt(h.phone),
  });
}

export function fromCreateClabeResponse(response: StpCreateClabeResponse, accountId: string): ClabeAccountCreated {
  if (!Clabe.isValid(response.clabe)) {
    throw new ProviderDeclinedError(STP, 'STP assigned a CLABE that fails validation', { operation: 'create_clabe', reason: Clabe.problem(response.clabe) }, 'stp_invalid_clabe_assigned');
  }
  return { provider: STP, accountId, clabe: Clabe.parse(response.clabe) };
}

const ACCOUNT_TYPE: Record<SpeiOutOrder['beneficiary']['accountType'], StpAccountType> = {
  clabe: STP_ACCOUNT_TYPES.CLABE,
  debit_card: STP_ACCOUNT_TYPES.DEBIT_CARD,
  mobile_phone: STP_ACCOUNT_TYPES.MOBILE_PHONE,
};

export interface StpOrderDefaults {
  enterprise: string;
  payerAccount: string;
}

export function toTransferWire(order: SpeiOutOrder, defaults: StpOrderDefaults): StpTransferRequest {
  if (order.amount.currency !== 'MXN') {
    throw new ValidationError('amount must be in MXN for SPEI', { field: 'amount', errors: [{ field: 'amount', message: 'amount must be in MXN for SPEI' }] });
  }
  const b = order.beneficiary;
  const type = ACCOUNT_TYPE[b.accountType];
  const account = opt(b.account) ?? '';
  let institution = opt(b.institution);
  // A CLABE names its bank: derive the institution when not given (validation checks a given one).
  if (institution === undefined && b.accountType === 'clabe' && Clabe.isValid(account)) {
    institution = Clabe.parse(account).institution.speiKey;
  }
  return {
    payer_account: opt(order.payerAccount) ?? defaults.payerAccount,
    beneficiary_name: opt(b.name)!,
    beneficiary_account: account,
    beneficiary_account_type: type,
    counterpart_institution: institution!,
    beneficiary_rfc_curp: opt(b.rfcOrCurp)?.toUpperCase() ?? 'ND',
    amount: order.amount.toDecimalString(),
    payment_concept: opt(order.concept)!,
    numeric_reference: opt(order.numericReference)!,
    tracking_key: opt(order.trackingKey)!,
    enterprise: defaults.enterprise,
  };
}

export function fromTransferResponse(response: StpTransferResponse, trackingKey: string): SpeiOutSubmission {
  const id = response.id;
  return {
    provider: STP,
    trackingKey,
    providerOrderId: id === undefined || id === null || id === '' ? undefined : String(id),
    alreadyRegistered: false,
  };
}

// ---- webhooks (the gateway's receivers use these; the sandbox builds the same shapes) ----

function bad(message: string, field: string): ValidationError {
  return new ValidationError(message, { field, errors: [{ field, message }] }, 'invalid_webhook');
}

function codeOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** "Webhook of SPEI OUT": {id, folio, status, cause}; status 1 = settled, 0 = returned. */
export function fromSpeiOutStatusWebhook(body: unknown): SpeiOutStatusEvent {
  const w = (body ?? {}) as Partial<StpSpeiOutStatusWebhook>;
  if (typeof w.folio !== 'string' || !/^[A-Za-z0-9]{1,30}$/.test(w.folio)) throw bad('folio must be the order tracking key', 'folio');
  const status = codeOf(w.status);
  if (status !== STP_ORDER_STATUS.SETTLED && status !== STP_ORDER_STATUS.RETURNED) throw bad('status must be 1 (settled) or 0 (returned)', 'status');
  const id = w.id === undefined || w.id === null || w.id === '' ? undefined : String(w.id);
  return {
    provider: STP,
    providerOrderId: id,
    trackingKey: w.folio,
    outcome: status === STP_ORDER_STATUS.SETTLED ? 'settled' : 'returned',
    cause: typeof w.cause === 'string' ? w.cause : undefined,
  };
}

export interface SpeiInEvent {
  provider: string;
  clabe: Clabe;
  trackingKey: string;
  amount: Money;
}

/** "Webhook of SPEI IN": {clabe, reference, amount "10.50"}. */
export function fromSpeiInWebhook(body: unknown): SpeiInEvent {
  const w = (body ?? {}) as Partial<StpSpeiInWebhook>;
  const clabe = Clabe.parse(String(w.clabe ?? ''), 'clabe');
  if (typeof w.reference !== 'string' || w.reference.trim() === '' || w.reference.length > 30) throw bad('reference must be the tracking key', 'reference');
  if (typeof w.amount !== 'string' && typeof w.amount !== 'number') throw bad('amount is required', 'amount');
  let amount: Money;
  try {
    amount = Money.parse(w.amount);
  } catch {
    throw bad('amount must be a decimal with at most 2 decimals', 'amount');
  }
  if (!amount.isPositive()) throw bad('amount must be positive', 'amount');
  return { provider: STP, clabe, trackingKey: w.reference.trim(), amount };
}

/** "Webhook of CLABE status": {clabe, status 1|0}. */
export function fromClabeStatusWebhook(body: unknown): ClabeAccountStatusEvent {
  const w = (body ?? {}) as Partial<StpClabeStatusWebhook>;
  const clabe = Clabe.parse(String(w.clabe ?? ''), 'clabe');
  const status = codeOf(w.status);
  if (status !== STP_CLABE_STATUS.ACTIVE && status !== STP_CLABE_STATUS.INACTIVE) throw bad('status must be 1 (active) or 0 (inactive)', 'status');
  return { provider: STP, clabe, status: status === STP_CLABE_STATUS.ACTIVE ? 'active' : 'inactive' };
}
