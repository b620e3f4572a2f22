import { ValidationError } from '#libs/domain';

/**
 * The document's field rules, per operation, as data: the client checks a request (sensitive fields in
 * clear, before encryption) and the sandbox checks what it received (after decryption) with the same
 * table. A failure is a ValidationError naming the field and the rule — never the value.
 */
export type CatalogRef = 'states' | 'gender' | 'marital_status' | 'document_types' | 'card_status' | 'spei_institutions';

export type Rule =
  | { kind: 'string'; min: number; max: number }
  | { kind: 'digits'; lengths: readonly number[] } // exact digit counts, e.g. [10] or [10, 16, 18]
  | { kind: 'digitsRange'; min: number; max: number }
  | { kind: 'uuid' }
  | { kind: 'card' } // 16-digit card number or card id
  | { kind: 'pan' } // 16-digit card number
  | { kind: 'pin' } // 4 digits
  | { kind: 'email' }
  | { kind: 'date' }
  | { kind: 'boolean' }
  | { kind: 'amount'; allowZero?: boolean }
  | { kind: 'latitude' }
  | { kind: 'longitude' }
  | { kind: 'rfcCurp' } // 'ND', 10-13 or 18 characters
  | { kind: 'pem' }
  | { kind: 'catalog'; catalog: CatalogRef; min?: number; max?: number };

export interface FieldSpec {
  rule: Rule;
  required: boolean;
  /** Encrypted on the wire. */
  sensitive?: boolean;
}

export type Schema = Record<string, FieldSpec>;

const req = (rule: Rule, sensitive = false): FieldSpec => ({ rule, required: true, sensitive });
const opt = (rule: Rule, sensitive = false): FieldSpec => ({ rule, required: false, sensitive });
const str = (min: number, max: number): Rule => ({ kind: 'string', min, max });
const digits = (...lengths: number[]): Rule => ({ kind: 'digits', lengths });
const catalog = (c: CatalogRef): Rule => ({ kind: 'catalog', catalog: c });
const LOCATION: Schema = { latitude: req({ kind: 'latitude' }), longitude: req({ kind: 'longitude' }) };
/** "16 digits* or uuid": a card id in clear or a card number (then encrypted). */
const CARD = req({ kind: 'card' }, true);
const PIN = req({ kind: 'pin' }, true);

export const UUID_LIKE = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const COORDINATE = /^-?\d{1,3}(\.\d{1,5})?$/;
const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;

export const SCHEMAS = {
  getCardholder: {
    id: opt({ kind: 'uuid' }),
    rfc: opt(str(10, 13)),
    curp: opt(str(18, 18)),
    email: opt(str(5, 100)),
    primary_phone: opt(digits(10)),
    mobile_phone: opt(digits(10)),
  },
  createCardholder: {
    first_name: req(str(1, 12)),
    second_name: req(str(1, 12)),
    surname: req(str(1, 12)),
    second_surname: req(str(1, 12)),
    rfc: req(str(10, 13)),
    curp: req(str(18, 18)),
    email: req({ kind: 'email' }),
    primary_phone: req(digits(10)),
    mobile_phone: req(digits(10)),
    street: req(str(1, 20)),
    ext_street_number: req(str(1, 5)),
    int_street_number: opt(str(1, 5)),
    suburb: req(str(1, 25)),
    township: opt(str(1, 25)),
    city: req(str(1, 25)),
    state: req(catalog('states')),
    postal_code: req(digits(5)),
    birthdate: req({ kind: 'date' }),
    gender: req(catalog('gender')),
    marital_status: req(catalog('marital_status')),
    has_kids: req({ kind: 'boolean' }),
    gross_monthly_income: opt({ kind: 'amount', allowZero: true }),
    net_monthly_income: opt({ kind: 'amount', allowZero: true }),
    observations: opt(str(0, 100)),
    external_id: opt(str(0, 40)),
  },
  assignCard: {
    card_number: req({ kind: 'pan' }, true),
    cardholder_id: req({ kind: 'uuid' }),
    document_type: req(catalog('document_types')),
    document_number: req(str(1, 27)),
    observations: opt(str(0, 100)),
    ...LOCATION,
  },
  activateCard: { card_number: CARD, ...LOCATION },
  changeCardStatus: { card_number: CARD, status: req(catalog('card_status')), ...LOCATION },
  getBalance: { card_number: CARD, movements: req({ kind: 'boolean' }) },
  getCardInfo: { card_number: CARD },
  authenticate: { card_number: CARD, authentication_info: req(digits(6)) },
  getPosPin: { card_number: CARD, ...LOCATION },
  setAtmPin: { card_number: CARD, pin: PIN, ...LOCATION },
  updateAtmPin: { card_number: CARD, old_pin: PIN, new_pin: PIN, ...LOCATION },
  validateAtmPin: { card_number: CARD, pin: PIN, ...LOCATION },
  transfer: { origin_card: CARD, destination_card: req({ kind: 'pan' }, true), amount: req({ kind: 'amount' }), ...LOCATION },
  disbursement: { card_number: CARD, amount: req({ kind: 'amount' }), ...LOCATION },
  payment: { card_number: CARD, amount: req({ kind: 'amount' }), payment_description: req(str(1, 32)), ...LOCATION },
  withdrawal: { card_number: CARD, amount: req({ kind: 'amount' }), pin: opt({ kind: 'pin' }, true), ...LOCATION },
  purchase: {
    card_number: CARD,
    amount: req({ kind: 'amount' }),
    merchant_description: req(str(1, 32)),
    pin: opt({ kind: 'pin' }, true),
    ...LOCATION,
  },
  movements: { card_number: CARD, initial_date: req({ kind: 'date' }), end_date: req({ kind: 'date' }) },
  createVirtualCard: {
    product: req({ kind: 'uuid' }),
    cardholder_id: req({ kind: 'uuid' }),
    document_type: req(catalog('document_types')),
    document_number: req(str(1, 27)),
    observations: req(str(0, 100)),
    ...LOCATION,
  },
  physicalFromVirtual: {
    card_number: req({ kind: 'pan' }, true),
    delivery_street: req(str(1, 20)),
    delivery_street_number: req(str(1, 10)),
    delivery_township: req(str(1, 25)),
    delivery_state: req(catalog('states')),
    delivery_postal_code: req(digits(5)),
    ...LOCATION,
  },
  virtualCardCvc: { card_number: CARD, pin: PIN, ...LOCATION },
  addPublicKey: { public_key: req({ kind: 'pem' }) },
  createClient: {
    name: req(str(5, 30)),
    alias: req(str(3, 10)),
    email: req({ kind: 'email' }),
    available: req({ kind: 'amount', allowZero: true }),
    phone: req(digits(10)),
    mobile_phone: req(digits(10)),
    rfc: req(str(10, 13)),
    street: req(str(1, 20)),
    ext_street_number: req(str(1, 5)),
    int_street_number: opt(str(1, 5)),
    suburb: req(str(1, 25)),
    township: req(str(1, 25)),
    city: req(str(1, 25)),
    state: req(catalog('states')),
    postal_code: req(digits(5)),
    contact_name: req(str(1, 12)),
    contact_second_name: opt(str(1, 12)),
    contact_surname: req(str(1, 12)),
    contact_second_surname: opt(str(1, 12)),
    contact_email: req({ kind: 'email' }),
    contact_telephone_country_code: req(digits(2, 3)),
    contact_telephone: req(digits(10)),
    contact_mobile_phone_country_code: req(digits(2, 3)),
    contact_mobile_phone: req(digits(10)),
    legal_representative_name: opt(str(1, 12)),
    legal_representative_second_name: opt(str(1, 12)),
    legal_representative_surname: opt(str(1, 12)),
    legal_representative_second_surname: opt(str(1, 12)),
    legal_representative_email: opt({ kind: 'email' }),
    legal_representative_telephone_country_code: opt(digits(2, 3)),
    legal_representative_telephone: opt(digits(10)),
    legal_representative_mobile_phone_country_code: opt(digits(2, 3)),
    legal_representative_mobile_phone: opt(digits(10)),
    api_key_name: req(str(5, 30)),
    api_key_description: opt(str(1, 30)),
    api_key_password: req(str(1, 30)),
  },
  fundClient: { client_id: req({ kind: 'uuid' }), amount: req({ kind: 'amount' }) },
  createSpei: {
    card_number: CARD,
    payment_concept: req(str(1, 40)),
    beneficiary_account: req(digits(10, 16, 18)),
    beneficiary_institution: req(catalog('spei_institutions')),
    amount: req({ kind: 'amount' }),
    beneficiary_name: req(str(1, 40)),
    numeric_reference: req({ kind: 'digitsRange', min: 1, max: 7 }),
    beneficiary_rfc_curp: req({ kind: 'rfcCurp' }),
    beneficiary_email: req({ kind: 'email' }),
    ...LOCATION,
  },
} satisfies Record<string, Schema>;

export type OperationName = keyof typeof SCHEMAS;

export interface FieldProblem {
  field: string;
  message: string;
}

/** Lookup of catalog keys; undefined = unknown catalog (skip the check). */
export type CatalogLookup = (catalog: CatalogRef) => readonly string[] | undefined;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

/** One field against its rule; returns a message (never containing the value) or undefined. */
export function checkField(rule: Rule, value: unknown, catalogs?: CatalogLookup): string | undefined {
  switch (rule.kind) {
    case 'string': {
      if (typeof value !== 'string') return 'must be a string';
      const n = [...value].length;
      if (n < rule.min || n > rule.max) return rule.min === rule.max ? `must be ${rule.min} characters` : `must be ${rule.min}-${rule.max} characters`;
      return undefined;
    }
    case 'digits': {
      const t = text(value);
      if (t === undefined || !/^\d+$/.test(t) || !rule.lengths.includes(t.length)) return `must be ${rule.lengths.join(', ').replace(/, (\d+)$/, ' or $1')} digits`;
      return undefined;
    }
    case 'digitsRange': {
      const t = text(value);
      if (t === undefined || !/^\d+$/.test(t) || t.length < rule.min || t.length > rule.max) return `must be ${rule.min}-${rule.max} digits`;
      return undefined;
    }
    case 'uuid':
      return typeof value === 'string' && UUID_LIKE.test(value) ? undefined : 'must be a uuid';
    case 'card':
      return typeof value === 'string' && (UUID_LIKE.test(value) || /^\d{16}$/.test(value)) ? undefined : 'must be a 16-digit card number or a card id (uuid)';
    case 'pan':
      return typeof value === 'string' && /^\d{16}$/.test(value) ? undefined : 'must be a 16-digit card number';
    case 'pin':
      return typeof value === 'string' && /^\d{4}$/.test(value) ? undefined : 'must be 4 digits';
    case 'email':
      return typeof value === 'string' && value.length <= 100 && EMAIL.test(value) ? undefined : 'must be an email address';
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value)) return 'must be a date YYYY-MM-DD';
      const d = new Date(`${value}T00:00:00Z`);
      return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value ? 'must be a date YYYY-MM-DD' : undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : 'must be true or false';
    case 'amount': {
      const t = text(value);
      if (t === undefined || !AMOUNT.test(t)) return 'must be a positive amount with at most 2 decimals';
      if (!rule.allowZero && Number(t) === 0) return 'must be greater than zero';
      return undefined;
    }
    case 'latitude':
    case 'longitude': {
      const t = text(value);
      const limit = rule.kind === 'latitude' ? 90 : 180;
      if (t === undefined || !COORDINATE.test(t)) return `must be decimal degrees with at most 5 decimals`;
      if (Math.abs(Number(t)) > limit) return `must be between -${limit} and ${limit}`;
      return undefined;
    }
    case 'rfcCurp': {
      if (typeof value !== 'string') return "must be 'ND', an RFC (10-13) or a CURP (18 characters)";
      const n = value.length;
      return value === 'ND' || (n >= 10 && n <= 13) || n === 18 ? undefined : "must be 'ND', an RFC (10-13) or a CURP (18 characters)";
    }
    case 'pem':
      return typeof value === 'string' && /-----BEGIN (RSA )?PUBLIC KEY-----/.test(value) ? undefined : 'must be an RSA public key (PEM)';
    case 'catalog': {
      if (typeof value !== 'string' || value.length === 0) return 'must be a string';
      const keys = catalogs?.(rule.catalog);
      if (keys && !keys.includes(value)) return `must be one of the ${rule.catalog} catalog keys`;
      return undefined;
    }
  }
}

/** All problems of a payload against a schema (missing required fields first, in schema order). */
export function findProblems(schema: Schema, payload: Record<string, unknown>, catalogs?: CatalogLookup): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, spec] of Object.entries(schema)) {
    const value = payload[field];
    if (value === undefined || value === null || (value === '' && spec.rule.kind !== 'string')) {
      if (spec.required) problems.push({ field, message: 'is required' });
      continue;
    }
    const message = checkField(spec.rule, value, catalogs);
    if (message) problems.push({ field, message });
  }
  return problems;
}

export function catalogsUsed(schema: Schema): CatalogRef[] {
  return [...new Set(Object.values(schema).flatMap((s) => (s.rule.kind === 'catalog' ? [s.rule.catalog] : [])))];
}

/** Throws a ValidationError naming the fields (first one in the message), code `validation_failed`. */
export function assertValid(operation: OperationName | string, schema: Schema, payload: Record<string, unknown>, catalogs?: CatalogLookup): void {
  const problems = findProblems(schema, payload, catalogs);
  if (problems.length === 0) return;
  throw validationError(operation, problems);
}

export function validationError(operation: string, problems: FieldProblem[]): ValidationError {
  const first = problems[0];
  return new ValidationError(`${first.field} ${first.message}`, { provider: 'necipco', operation, fields: problems });
}

/** GET /cardholders needs at least one filter. */
export function assertCardholderQuery(query: Record<string, unknown>): void {
  const keys = Object.keys(SCHEMAS.getCardholder).filter((k) => query[k] !== undefined && query[k] !== '');
  if (keys.length === 0) {
    throw validationError('getCardholder', [{ field: 'id', message: 'at least one filter is required (id, rfc, curp, email, primary_phone, mobile_phone)' }]);
  }
  assertValid('getCardholder', SCHEMAS.getCardholder, query);
}
