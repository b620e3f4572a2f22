/**
 * The Credencial document's field rules (plus ours where it is silent, see README), on the wire
 * payloads, shared by the adapter (before any HTTP call) and the sandbox (on arrival). Problems
 * name the field, never its value: card numbers, NIPs and security codes pass through here.
 */
import { luhnValid } from '#libs/domain';
import { FieldChecker, type FieldProblem, type Wire } from '#libs/providers/shared';
import { CREDENCIAL_CARD_STATUS } from './credencial.catalogs.js';

export { assertNoProblems, type FieldProblem } from '#libs/providers/shared';

const NAME = /^[\p{L}][\p{L} .'-]*$/u;
const TEXT = /^[\p{L}\p{N} .,;:'#/()_-]+$/u;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

class Checker extends FieldChecker {
  protected override value(path: string): unknown {
    return lookup(this.wire, path);
  }

  protected override label(path: string): string {
    return label(path);
  }

  textField(path: string, max: number, required: boolean, pattern = TEXT): void {
    const v = required ? this.required(path) : this.text(path);
    this.check(path, v, (x) => pattern.test(x), 'contains characters that are not allowed');
    this.maxLen(path, v, max);
  }
}

/** "address.zip_code" -> "address[zip_code]", the document's notation. */
function label(path: string): string {
  const [head, ...rest] = path.split('.');
  return head + rest.map((r) => `[${r}]`).join('');
}

/** Nested JSON ({address: {type}}) or the flat form notation ({"address[type]": ...}). */
function lookup(wire: Wire, path: string): unknown {
  const parts = path.split('.');
  if (parts.length === 1) return wire[path];
  const nested = wire[parts[0]!];
  if (nested && typeof nested === 'object') return (nested as Wire)[parts[1]!];
  return wire[label(path)];
}

export function isCardNumber(v: string): boolean {
  return /^\d{16,19}$/.test(v) && luhnValid(v);
}

function isIsoPastDate(v: string, today: Date): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return false;
  return y >= 1900 && dt.getTime() <= today.getTime();
}

export function checkCardNumber(cardNumber: unknown): FieldProblem[] {
  return typeof cardNumber === 'string' && isCardNumber(cardNumber) ? [] : [{ field: 'card_number', message: 'card_number must be a 16-19 digit card number' }];
}

export function checkAccountNumber(accountNumber: unknown): FieldProblem[] {
  return typeof accountNumber === 'string' && /^\d{1,20}$/.test(accountNumber) ? [] : [{ field: 'account_number', message: 'account_number must be 1-20 digits' }];
}

/** Body of POST /nomination/:card_number. Accepts the table's account_number/account_id for the example's emi_* names. */
export function checkNomination(wire: Wire, today = new Date()): FieldProblem[] {
  const w: Wire = { ...wire };
  if (w.emi_account_reference === undefined && w.account_number !== undefined) w.emi_account_reference = w.account_number;
  if (w.emi_account_identifier === undefined && w.account_id !== undefined) w.emi_account_identifier = w.account_id;
  const c = new Checker(w);
  c.check('emi_account_reference', c.required('emi_account_reference'), (v) => /^[A-Za-z0-9]{1,20}$/.test(v), 'must be 1-20 letters or digits');
  c.check('emi_account_identifier', c.required('emi_account_identifier'), (v) => /^[A-Za-z0-9]{1,20}$/.test(v), 'must be 1-20 letters or digits');
  c.textField('card_name', 26, true, NAME);
  c.textField('full_name', 100, true, NAME);
  c.check('birth_date', c.required('birth_date'), (v) => isIsoPastDate(v, today), 'must be a past date as YYYY-MM-DD');
  c.check('gender', c.required('gender'), (v) => v === 'M' || v === 'F', 'must be M or F');
  c.check('civil_status', c.required('civil_status'), (v) => ['S', 'C', 'D', 'V', 'U'].includes(v), 'must be S, C, D, V or U');
  const email = c.required('email');
  c.check('email', email, (v) => EMAIL.test(v) && v.length <= 100, 'must be an email address');
  c.check('phone', c.required('phone'), (v) => /^\d{10}$/.test(v), 'must be 10 digits');
  c.textField('address.type', 20, true);
  c.textField('address.street', 60, true);
  c.textField('address.number', 10, false);
  c.check('address.country', c.required('address.country'), (v) => /^\d{1,3}$/.test(v) && Number(v) > 0, 'must be an ISO 3166-1 numeric country code');
  c.textField('address.state', 40, true);
  c.textField('address.suburb', 60, true);
  c.textField('address.locality', 60, false);
  c.check('address.zip_code', c.required('address.zip_code'), (v) => /^\d{5}$/.test(v), 'must be 5 digits');
  c.check('document.type', c.required('document.type'), (v) => /^[A-Za-z0-9 ]{1,20}$/.test(v), 'must be 1-20 letters or digits');
  c.check('document.number', c.required('document.number'), (v) => /^[A-Za-z0-9]{1,30}$/.test(v), 'must be 1-30 letters or digits');
  return c.problems;
}

export function checkStatusUpdate(wire: Wire): FieldProblem[] {
  const c = new Checker(wire);
  c.check('status', c.required('status'), (v) => v in CREDENCIAL_CARD_STATUS, `must be one of ${Object.keys(CREDENCIAL_CARD_STATUS).join(', ')}`);
  return c.problems;
}

function checkCardProof(c: Checker): void {
  c.check('transaction_id', c.required('transaction_id'), (v) => /^\d{1,20}$/.test(v), 'must be 1-20 digits');
  c.check('card_expiration', c.required('card_expiration'), (v) => /^(0[1-9]|1[0-2])\d{2}$/.test(v), 'must be MMYY');
  // An Integer on the wire (the document), so a leading zero is gone: 1-4 digits, 0-9999.
  c.check('card_security_code', c.required('card_security_code'), (v) => /^\d{1,4}$/.test(v), 'must be an integer of at most 4 digits');
}

export function checkInitialNip(wire: Wire): FieldProblem[] {
  const c = new Checker(wire);
  checkCardProof(c);
  c.check('card_nip', c.required('card_nip'), (v) => /^\d{4}$/.test(v), 'must be 4 digits');
  return c.problems;
}

export function checkUpdateNip(wire: Wire): FieldProblem[] {
  const c = new Checker(wire);
  checkCardProof(c);
  const actual = c.required('card_nip_actual');
  c.check('card_nip_actual', actual, (v) => /^\d{4}$/.test(v), 'must be 4 digits');
  c.check('card_nip_new', c.required('card_nip_new'), (v) => /^\d{4}$/.test(v) && v !== actual, 'must be 4 digits and differ from card_nip_actual');
  return c.problems;
}
