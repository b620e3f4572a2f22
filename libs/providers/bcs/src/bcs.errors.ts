import { ConflictError, DomainError, NotFoundError, ProviderDeclinedError, ProviderUnavailableError, ValidationError } from '#libs/domain';

export const PROVIDER = 'bcs';

export type BcsOperation = 'accountHolds' | 'creditCardReplacement' | 'debitCardReplacement' | 'creditCardCvv' | 'debitCardPin' | 'cycleDate' | 'deadlines' | 'applyDebitCard';

/** How a documented code surfaces: 400, 404, 409, 422 (the provider's business rule) or 503 (retryable). */
type Kind = 'validation' | 'not_found' | 'conflict' | 'rule' | 'unavailable';

interface Entry {
  /** Numeric value of the code (the document writes "1" and "00001" for the same one). */
  code: number;
  type?: string;
  /** HTTP status, when the same code means different things under different statuses. */
  status?: number;
  /** Needed when one code has two descriptions (debit replacement, CED 000001). */
  desc?: RegExp;
  /** The core system's code its description starts with ("14-CARD DOES NOT EXIST"), also sent as "VAL14". */
  core?: number;
  kind: Kind;
  domainCode: string;
}

const e = (code: number, kind: Kind, domainCode: string, more: Partial<Entry> = {}): Entry => ({ code, kind, domainCode, ...more });

/** Account holds (HTTP 404/400/500 + VAL codes). */
const HOLDS: Entry[] = [
  e(50001, 'not_found', 'card_not_found', { type: 'VAL', core: 14 }), // 14-CARD DOES NOT EXIST
  e(50002, 'conflict', 'card_blocked', { type: 'VAL', core: 62 }), // 62-CARD IS BLOCKED
  e(50003, 'validation', 'invalid_information', { type: 'VAL', core: 21 }), // 21-INVALID INFORMATION
  e(50004, 'unavailable', 'provider_general_error', { type: 'VAL', core: 89 }), // 89-GENERAL ERROR
  e(50005, 'rule', 'card_block_failed', { type: 'VAL' }), // THERE IS AN ERROR IN ONE OF THE CARDS TO BLOCK
];

/** The OCP table (credit card replacement, deadlines; cycle-date shares its codes). */
const OCP: Entry[] = [
  e(0, 'rule', 'ok'), // "Transaccion exitosa": handled as success before lookup
  e(1, 'validation', 'page_size_not_allowed'),
  e(4650, 'validation', 'page_size_not_allowed'),
  e(2, 'validation', 'initial_position_invalid'),
  e(4651, 'validation', 'initial_position_invalid'),
  e(3, 'validation', 'record_count_invalid'),
  e(4652, 'validation', 'record_count_invalid'),
  e(4, 'validation', 'initial_position_out_of_range'),
  e(4658, 'validation', 'initial_position_out_of_range'),
  e(824, 'validation', 'required_field_missing'),
  e(4152, 'validation', 'required_field_missing'),
  e(4660, 'validation', 'transaction_sequence_required'),
  e(4661, 'validation', 'transaction_sequence_required'),
  e(4662, 'validation', 'term_required'),
  e(4663, 'validation', 'term_must_be_positive'),
  e(4363, 'validation', 'obligation_number_invalid'),
  e(4820, 'validation', 'fixed_term_indicator_invalid'),
  e(4821, 'validation', 'fixed_term_indicator_invalid'),
  e(14, 'not_found', 'card_not_found'),
  e(392, 'not_found', 'card_not_found'),
  e(20, 'not_found', 'card_not_found'),
  e(4657, 'not_found', 'card_not_found'),
  e(1093, 'not_found', 'transaction_not_found'),
  e(4664, 'not_found', 'transaction_not_found'),
  e(156, 'conflict', 'multiple_establishment_codes'),
  e(4659, 'conflict', 'multiple_establishment_codes'),
  e(4588, 'conflict', 'card_permanently_blocked'),
  e(4818, 'conflict', 'card_blocked'),
  e(1074, 'rule', 'billing_cycle_change_too_soon'),
  e(731, 'rule', 'billing_cycle_unchanged'),
  e(4153, 'rule', 'change_too_soon'),
  e(4129, 'rule', 'term_above_maximum'),
  e(2269, 'rule', 'card_expired'),
  e(429, 'rule', 'card_expired'),
  e(2043, 'rule', 'product_stages_not_configured'),
  e(2928, 'rule', 'request_denied'),
  e(1243, 'rule', 'bin_not_found'),
  e(2501, 'rule', 'parameter_missing'),
  e(4154, 'rule', 'fixed_term_not_allowed'),
  e(2424, 'rule', 'card_in_arrears'),
  e(4653, 'rule', 'bin_not_personal'),
  e(4654, 'rule', 'product_not_natural_person'),
  e(4655, 'rule', 'client_is_legal_entity'),
  e(4656, 'rule', 'card_not_principal_or_covered'),
  e(4815, 'rule', 'term_unchanged'),
  e(4816, 'rule', 'term_out_of_range'),
  e(4817, 'rule', 'term_out_of_range'),
  e(4819, 'rule', 'minimum_payment_pending'),
  e(4822, 'rule', 'card_is_priority_pass'),
  e(4823, 'rule', 'replacement_not_allowed'),
  e(170, 'unavailable', 'provider_system_error'),
  e(10100, 'unavailable', 'provider_database_error', { type: 'BD' }),
  e(4933, 'unavailable', 'provider_busy'),
];

/** Debit card replacement (HTTP 206, responseType ER400). */
const DEBIT_REPLACEMENT: Entry[] = [
  e(1, 'validation', 'identification_type_invalid', { type: 'CED', desc: /identificaci/i }),
  e(1, 'not_found', 'statements_not_found', { type: 'CED' }),
  e(2, 'validation', 'month_invalid', { type: 'CED' }),
  e(3, 'validation', 'year_invalid', { type: 'CED' }),
  e(4, 'validation', 'product_number_invalid', { type: 'CED' }),
  e(1, 'unavailable', 'provider_table_missing', { type: 'OSB' }),
  e(5622, 'rule', 'client_not_account_holder', { type: 'RGN' }),
];

/** Cycle date (HTTP 206, no error type). */
const CYCLE_DATE: Entry[] = [
  e(1074, 'rule', 'billing_cycle_change_too_soon'),
  e(731, 'rule', 'billing_cycle_unchanged'),
  e(4654, 'rule', 'product_not_natural_person'),
  e(4819, 'rule', 'minimum_payment_pending'),
  e(392, 'not_found', 'card_not_found'),
];

/**
 * Sandbox-only: the document lists no answer for a CVV / PIN that does not match, so the sandbox answers
 * 400 VAL 99 and this maps it to 422 cvv_mismatch / pin_mismatch.
 */
export const SANDBOX_MISMATCH_CODE = '99';

const CVV: Entry[] = [
  e(45, 'validation', 'identification_type_invalid', { status: 400, type: 'VAL' }),
  e(14, 'validation', 'identification_number_invalid', { status: 400, type: 'VAL' }),
  e(45, 'not_found', 'customer_not_found', { status: 404, type: 'VAL' }),
  e(99, 'rule', 'cvv_mismatch', { status: 400, type: 'VAL' }),
];

const PIN: Entry[] = [
  e(101, 'not_found', 'customer_or_active_cards_not_found', { type: 'VAL' }),
  e(100, 'unavailable', 'pinblock_generation_error', { type: 'VAL' }),
  e(102, 'unavailable', 'provider_cursor_error', { type: 'VAL' }),
  e(100, 'unavailable', 'provider_decryption_service_error', { type: 'TRX' }),
  e(101, 'unavailable', 'provider_cryptography_service_error', { type: 'TRX' }),
  e(102, 'unavailable', 'provider_customer_lookup_error', { type: 'TRX' }),
  e(103, 'unavailable', 'provider_cursor_error', { type: 'TRX' }),
  e(104, 'unavailable', 'provider_cursor_error', { type: 'TRX' }),
  e(105, 'unavailable', 'provider_cursor_error', { type: 'TRX' }),
  e(1, 'rule', 'secret_decryption_failed', { type: 'TRX' }),
  e(99, 'rule', 'pin_mismatch', { status: 400, type: 'VAL' }),
];

export const BCS_ERROR_TABLES: Record<BcsOperation, Entry[]> = {
  accountHolds: HOLDS,
  creditCardReplacement: OCP,
  debitCardReplacement: DEBIT_REPLACEMENT,
  creditCardCvv: CVV,
  debitCardPin: PIN,
  cycleDate: CYCLE_DATE,
  deadlines: OCP,
  applyDebitCard: [],
};

export interface BcsErrorDetail {
  code: string;
  desc: string;
  type: string;
}

const PAN_LIKE = /\d{13,19}/g;

/** `responseType.value` of either spelling. */
export function responseValue(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, { value?: unknown } | undefined>;
  const v = (b.responseType ?? b.ResponseType)?.value;
  return typeof v === 'string' ? v : undefined;
}

/** `responseDetail` of either spelling, scrubbed of anything that looks like a card number. */
export function errorDetail(body: unknown): BcsErrorDetail | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, Record<string, unknown> | undefined>;
  const d = b.responseDetail ?? b.ResponseDetail;
  if (!d || typeof d !== 'object') return undefined;
  const pick = (k: string) => {
    const v = d[k] ?? d[k[0].toUpperCase() + k.slice(1)];
    return v === undefined || v === null ? '' : String(v);
  };
  return { code: pick('errorCode'), desc: pick('errorDesc').replace(PAN_LIKE, '[redacted]').slice(0, 200), type: pick('errorType') };
}

/** True when the answer is an error envelope (ER, ER400…) whatever the HTTP status (206 included). */
export function isErrorAnswer(status: number, body: unknown): boolean {
  const v = responseValue(body);
  if (v !== undefined) return v.toUpperCase() !== 'OK';
  return status < 200 || status >= 300 || status === 206;
}

/** "Transaccion exitosa" (OCP 0) sits in the deadlines error table: an ER with code 0 is a success. */
export function isSuccessCode(op: BcsOperation, detail: BcsErrorDetail | undefined): boolean {
  return op === 'deadlines' && detail !== undefined && /^0+$/.test(detail.code);
}

function build(kind: Kind, domainCode: string, message: string, details: Record<string, unknown>): DomainError {
  switch (kind) {
    case 'validation':
      return new ValidationError(message, details, domainCode);
    case 'not_found':
      return new NotFoundError(message, details, domainCode);
    case 'conflict':
      return new ConflictError(message, details, domainCode);
    case 'rule':
      return new ProviderDeclinedError(PROVIDER, message, details, domainCode);
    default:
      return new ProviderUnavailableError(PROVIDER, message, { ...details, reason: domainCode });
  }
}

/**
 * The forms one documented code arrives in. The document's tables run HTTP status, code and type together
 * ("40450001VAL14-CARD DOES NOT EXIST"), and implementations echo that: "50001" with errorType "VAL",
 * "40450001" (status-prefixed), "VAL14" (type + the core code of the description), "40400014OCP". Returns the
 * numbers to look up, most literal first, with the type and the HTTP status they imply.
 */
export function codeForms(status: number, detail: BcsErrorDetail): Array<{ code: number; type: string; status: number }> {
  const m = /^([A-Z]{2,5})?(\d+)([A-Z]{2,5})?$/.exec(detail.code.trim().toUpperCase());
  if (!m) return [];
  const type = detail.type.trim().toUpperCase() || m[1] || m[3] || '';
  const digits = m[2];
  const forms = [{ code: Number(digits), type, status }];
  // A 4xx/5xx prefix counts when it is the answer's status, or inside a 2xx envelope (206 ER400) where it
  // is the only error status there is; what is left must still be a code (2+ digits: "5000" is no "500" + "0").
  const prefix = Number(digits.slice(0, 3));
  if (digits.length >= 5 && prefix >= 400 && prefix <= 599 && (prefix === status || (status >= 200 && status < 300))) {
    forms.push({ code: Number(digits.slice(3)), type, status: prefix });
  }
  return forms;
}

/** Operations on a card (or its account): an unmatched 404 there means the card. CVV / PIN look the customer up. */
const NOT_FOUND_CODE: Record<BcsOperation, string> = {
  accountHolds: 'card_not_found',
  creditCardReplacement: 'card_not_found',
  debitCardReplacement: 'card_not_found',
  cycleDate: 'card_not_found',
  deadlines: 'card_not_found',
  creditCardCvv: 'customer_not_found',
  debitCardPin: 'customer_not_found',
  applyDebitCard: 'not_found',
};

/** A BCS error answer → a domain error, by the operation's documented table, else by HTTP status. */
export function mapBcsError(op: BcsOperation, status: number, body: unknown): DomainError {
  const detail = errorDetail(body);
  const details: Record<string, unknown> = { provider: PROVIDER, operation: op, http_status: status };
  if (detail) Object.assign(details, { provider_code: detail.code, provider_error_type: detail.type, provider_message: detail.desc });
  let effective = status;
  for (const f of detail ? codeForms(status, detail) : []) {
    const hit = BCS_ERROR_TABLES[op].find(
      (x) =>
        (x.code === f.code || x.core === f.code) &&
        (x.type === undefined || x.type === f.type) &&
        (x.status === undefined || x.status === f.status) &&
        (x.desc === undefined || x.desc.test(detail!.desc)),
    );
    if (hit) return build(hit.kind, hit.domainCode, `BCS: ${detail!.desc || hit.domainCode}`, details);
    if (f.status !== status) effective = f.status;
  }
  const message = `BCS ${op} failed${detail?.desc ? `: ${detail.desc}` : ''} (HTTP ${effective})`;
  if (effective === 401 || effective === 403) return new ProviderUnavailableError(PROVIDER, 'BCS refused our credentials', details);
  if (effective === 429 || effective >= 500 || effective === 0) return new ProviderUnavailableError(PROVIDER, message, details);
  if (effective === 400 || effective === 422) return new ValidationError(message, details, 'provider_validation_failed');
  // Not in the table but "not found": the thing looked up is missing, not a refusal (404, not 422).
  if (effective === 404) return new NotFoundError(message, details, NOT_FOUND_CODE[op]);
  return new ProviderDeclinedError(PROVIDER, message, details, 'provider_declined');
}
