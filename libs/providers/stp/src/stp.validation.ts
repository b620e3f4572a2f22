/**
 * The STP document's field rules, checked on the wire payload before any HTTP call (the adapter)
 * and on arrival (the sandbox), so both sides agree. A problem names the field, never its value
 * (a beneficiary account may be a card number).
 */
import { Clabe, institutionBySpeiKey, luhnValid } from '#libs/domain';
import { FieldChecker, type FieldProblem, type Wire } from '#libs/providers/shared';
import { STP_FEDERAL_ENTITIES, STP_MAX_AMOUNT_CENTAVOS } from './stp.catalogs.js';

export { luhnValid } from '#libs/domain';
export { assertNoProblems, type FieldProblem } from '#libs/providers/shared';

const NAME = /^[\p{L}][\p{L} .'-]*$/u;
const RFC_PF = /^[A-ZÑ&]{4}\d{6}[A-Z0-9]{3}$/;
const RFC_PM = /^[A-ZÑ&]{3}\d{6}[A-Z0-9]{3}$/;
const CURP = /^[A-Z][AEIOUX][A-Z]{2}\d{6}[HMX][A-Z]{2}[B-DF-HJ-NP-TV-Z]{3}[A-Z0-9]\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const FREE_TEXT = /^[\p{L}\p{N} .,;:'"#/()&_-]+$/u;
const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;

function isRealDate(y: number, m: number, d: number): boolean {
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** YYYYMMDD, a real calendar date, not in the future, not before 1900. */
export function isStpBirthDate(v: string, today = new Date()): boolean {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || !isRealDate(y, mo, d)) return false;
  return Date.UTC(y, mo - 1, d) <= today.getTime();
}

export function isRfcOrCurp(v: string, opts: { allowCompanyRfc?: boolean } = {}): boolean {
  const u = v.toUpperCase();
  return RFC_PF.test(u) || CURP.test(u) || (opts.allowCompanyRfc === true && RFC_PM.test(u));
}

/** Rules for POST /clabes (Create a CLABE account, physical persons). */
export function checkCreateClabe(wire: Wire, today = new Date()): FieldProblem[] {
  const c = new FieldChecker(wire);
  const enterpriseId = c.required('enterprise_id');
  c.maxLen('enterprise_id', enterpriseId, 50);
  c.check('account_id', c.required('account_id'), (v) => /^[A-Za-z0-9-]{1,36}$/.test(v), 'must be 1-36 letters, digits or dashes');
  for (const field of ['name', 'last_name'] as const) {
    const v = c.required(field);
    c.check(field, v, (x) => NAME.test(x), 'must contain letters only');
    c.maxLen(field, v, 50);
  }
  const second = c.text('second_lastname');
  c.check('second_lastname', second, (x) => NAME.test(x), 'must contain letters only');
  c.maxLen('second_lastname', second, 50);
  c.check('birth_date', c.required('birth_date'), (v) => isStpBirthDate(v, today), 'must be a past date as YYYYMMDD');
  c.check('gender', c.text('gender'), (v) => v === 'H' || v === 'M', 'must be H (male) or M (female)');
  c.check('rfc_or_curp', c.required('rfc_or_curp'), (v) => isRfcOrCurp(v), 'must be a 13-character RFC or an 18-character CURP');
  c.check('federal_entity', c.required('federal_entity'), (v) => v in STP_FEDERAL_ENTITIES, 'must be a Federative Entities Catalog code (1-32)');
  c.check('economy_activity', c.required('economy_activity'), (v) => /^[1-9]\d{0,2}$/.test(v), 'must be a Catalog of Economic Activities code (numeric)');
  c.check('country_of_birth', c.required('country_of_birth'), (v) => /^[1-9]\d{0,2}$/.test(v), 'must be a Country of birth catalog code (numeric)');
  c.check('personal_id', c.text('personal_id'), (v) => /^[A-Za-z0-9]{1,20}$/.test(v), 'must be 1-20 letters or digits');
  for (const [field, max] of [['street', 60], ['suburb', 60], ['municipality', 60], ['outdoor_number', 10], ['interior_number', 10]] as const) {
    const v = c.text(field);
    c.check(field, v, (x) => FREE_TEXT.test(x), 'contains characters that are not allowed');
    c.maxLen(field, v, max);
  }
  c.check('zip_code', c.text('zip_code'), (v) => /^\d{5}$/.test(v), 'must be 5 digits');
  const email = c.text('email');
  c.check('email', email, (v) => EMAIL.test(v), 'must be an email address');
  c.maxLen('email', email, 100);
  c.check('phone', c.text('phone'), (v) => /^\d{10}$/.test(v), 'must be 10 digits');
  return c.problems;
}

/** Rules for POST /transfer (SPEI OUT). */
export function checkTransfer(wire: Wire): FieldProblem[] {
  const c = new FieldChecker(wire);
  const payer = c.required('payer_account');
  if (payer !== undefined) {
    const p = Clabe.problem(payer);
    if (p) c.fail('payer_account', 'must be a valid CLABE');
    else if (!payer.startsWith('646')) c.fail('payer_account', 'must be an STP CLABE (bank code 646)');
  }
  const name = c.required('beneficiary_name');
  c.check('beneficiary_name', name, (v) => FREE_TEXT.test(v), 'contains characters that are not allowed');
  c.maxLen('beneficiary_name', name, 40);

  const type = c.required('beneficiary_account_type');
  c.check('beneficiary_account_type', type, (v) => ['40', '3', '10'].includes(v), 'must be 40 (CLABE), 3 (debit card) or 10 (mobile phone)');
  const account = c.required('beneficiary_account');
  const institution = c.required('counterpart_institution');
  c.check('counterpart_institution', institution, (v) => /^\d{5}$/.test(v) && institutionBySpeiKey(v) !== undefined, 'must be a Catalog of Institutions key');
  if (account !== undefined && !c.has('beneficiary_account_type')) {
    if (type === '40') {
      const p = Clabe.problem(account);
      if (p) c.fail('beneficiary_account', 'must be a valid CLABE (18 digits, known bank, check digit)');
      else if (institution !== undefined && !c.has('counterpart_institution') && Clabe.parse(account).institution.speiKey !== institution) {
        c.fail('counterpart_institution', 'does not match the bank of the beneficiary CLABE');
      }
    } else if (type === '3') {
      c.check('beneficiary_account', account, (v) => /^\d{16}$/.test(v) && luhnValid(v), 'must be a 16-digit card number');
    } else if (type === '10') {
      c.check('beneficiary_account', account, (v) => /^\d{10}$/.test(v), 'must be a 10-digit phone number');
    }
  }
  c.check('beneficiary_rfc_curp', c.required('beneficiary_rfc_curp'), (v) => v === 'ND' || isRfcOrCurp(v, { allowCompanyRfc: true }), 'must be an RFC, a CURP or ND');
  const amount = c.required('amount');
  c.check('amount', amount, (v) => AMOUNT.test(v) && amountCentavos(v) > 0n && amountCentavos(v) <= STP_MAX_AMOUNT_CENTAVOS, 'must be a decimal amount between 0.01 and 999999999999.99 with at most 2 decimals');
  const concept = c.required('payment_concept');
  c.check('payment_concept', concept, (v) => FREE_TEXT.test(v), 'contains characters that are not allowed');
  c.maxLen('payment_concept', concept, 40);
  c.check('numeric_reference', c.required('numeric_reference'), (v) => /^\d{1,7}$/.test(v), 'must be 1-7 digits');
  c.check('tracking_key', c.required('tracking_key'), (v) => /^[A-Za-z0-9]{1,30}$/.test(v), 'must be 1-30 letters or digits');
  const enterprise = c.required('enterprise');
  c.maxLen('enterprise', enterprise, 40);
  return c.problems;
}

function amountCentavos(v: string): bigint {
  const [whole, frac = ''] = v.split('.');
  return BigInt(whole!) * 100n + BigInt(frac.padEnd(2, '0'));
}
