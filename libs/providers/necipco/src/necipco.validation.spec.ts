import { ValidationError } from '#libs/domain';
import { assertCardholderQuery, assertValid, checkField, findProblems, SCHEMAS } from './necipco.validation.js';

const LOC = { latitude: 19.4326, longitude: -99.1332 };

describe('necipco field rules', () => {
  it('coordinates: at most 5 decimals, in range, numbers or strings', () => {
    expect(checkField({ kind: 'latitude' }, '12.65343')).toBeUndefined();
    expect(checkField({ kind: 'latitude' }, -90)).toBeUndefined();
    expect(checkField({ kind: 'latitude' }, '90.00001')).toMatch(/between -90 and 90/);
    expect(checkField({ kind: 'longitude' }, '-134.87536')).toBeUndefined();
    expect(checkField({ kind: 'longitude' }, 180.5)).toMatch(/between -180 and 180/);
    expect(checkField({ kind: 'latitude' }, '12.123456')).toMatch(/5 decimals/);
    expect(checkField({ kind: 'latitude' }, 'north')).toBeDefined();
    expect(checkField({ kind: 'latitude' }, 1e-7)).toBeDefined();
  });

  it('PINs are 4 digits, PANs 16, cards a PAN or a uuid (the document spells ids with any letter)', () => {
    expect(checkField({ kind: 'pin' }, '0123')).toBeUndefined();
    for (const bad of ['123', '12345', '12a4', 1234]) expect(checkField({ kind: 'pin' }, bad)).toBe('must be 4 digits');
    expect(checkField({ kind: 'pan' }, '5064110000000018')).toBeUndefined();
    expect(checkField({ kind: 'pan' }, '506411000000001')).toBeDefined();
    expect(checkField({ kind: 'card' }, 'ec123456-1qq2-1234-tt5g-8873fe52bf54')).toBeUndefined();
    expect(checkField({ kind: 'card' }, '5064110000000018')).toBeUndefined();
    expect(checkField({ kind: 'card' }, 'card-1')).toBeDefined();
  });

  it('amounts: positive, at most 2 decimals', () => {
    expect(checkField({ kind: 'amount' }, '1000.55')).toBeUndefined();
    expect(checkField({ kind: 'amount' }, 1000)).toBeUndefined();
    expect(checkField({ kind: 'amount' }, '0')).toBe('must be greater than zero');
    expect(checkField({ kind: 'amount', allowZero: true }, '0.00')).toBeUndefined();
    expect(checkField({ kind: 'amount' }, '-5')).toBeDefined();
    expect(checkField({ kind: 'amount' }, '1.005')).toBeDefined();
  });

  it('lengths, digits, dates, emails, RFC/CURP, catalogs', () => {
    expect(checkField({ kind: 'string', min: 1, max: 12 }, 'Ñandú')).toBeUndefined();
    expect(checkField({ kind: 'string', min: 1, max: 12 }, '')).toBe('must be 1-12 characters');
    expect(checkField({ kind: 'digits', lengths: [10, 16, 18] }, '014027000005555558')).toBeUndefined();
    expect(checkField({ kind: 'digits', lengths: [10, 16, 18] }, '12345678901')).toBe('must be 10, 16 or 18 digits');
    expect(checkField({ kind: 'digits', lengths: [2, 3] }, 52)).toBeUndefined();
    expect(checkField({ kind: 'date' }, '2021-02-29')).toBeDefined();
    expect(checkField({ kind: 'date' }, '2020-02-29')).toBeUndefined();
    expect(checkField({ kind: 'email' }, 'a@b.mx')).toBeUndefined();
    expect(checkField({ kind: 'email' }, 'a@b')).toBeDefined();
    expect(checkField({ kind: 'rfcCurp' }, 'ND')).toBeUndefined();
    expect(checkField({ kind: 'rfcCurp' }, 'XEXX010101HNEXXXA4')).toBeUndefined();
    expect(checkField({ kind: 'rfcCurp' }, 'ABC')).toBeDefined();
    expect(checkField({ kind: 'catalog', catalog: 'states' }, 'CDMX', () => ['CDMX'])).toBeUndefined();
    expect(checkField({ kind: 'catalog', catalog: 'states' }, 'NARNIA', () => ['CDMX'])).toMatch(/states catalog/);
    expect(checkField({ kind: 'catalog', catalog: 'states' }, 'NARNIA')).toBeUndefined(); // no catalog at hand: format only
  });

  it('names the field (and never the value) in the ValidationError', () => {
    let error: unknown;
    try {
      assertValid('setAtmPin', SCHEMAS.setAtmPin, { card_number: '5064110000000018', pin: '98765', ...LOC });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const v = error as ValidationError;
    expect(v.message).toBe('pin must be 4 digits');
    expect(v.details).toEqual({ provider: 'necipco', operation: 'setAtmPin', fields: [{ field: 'pin', message: 'must be 4 digits' }] });
    expect(JSON.stringify({ m: v.message, d: v.details })).not.toMatch(/98765|5064110000000018/);
  });

  it('lists every missing required field; optional ones may be absent', () => {
    const problems = findProblems(SCHEMAS.purchase, { card_number: 'ec123456-1qq2-1234-tt5g-8873fe52bf54' });
    expect(problems.map((p) => p.field)).toEqual(['amount', 'merchant_description', 'latitude', 'longitude']);
    expect(findProblems(SCHEMAS.withdrawal, { card_number: '5064110000000018', amount: '1.00', ...LOC })).toEqual([]);
  });

  it('GET /cardholders needs at least one filter', () => {
    expect(() => assertCardholderQuery({})).toThrow(ValidationError);
    expect(() => assertCardholderQuery({ primary_phone: '555' })).toThrow('primary_phone must be 10 digits');
    expect(() => assertCardholderQuery({ curp: 'XEXX010101HNEXXXA4' })).not.toThrow();
  });
});
