import { luhnCheckDigit, luhnValid } from './luhn.js';

describe('Luhn', () => {
  it('validates card numbers of any length', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('5555555555554444')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true); // 15 digits
    expect(luhnValid('378282246310006')).toBe(false);
    expect(luhnValid('4222222222222')).toBe(true); // 13 digits
  });

  it('computes the one check digit that completes a number', () => {
    expect(luhnCheckDigit('411111111111111')).toBe('1');
    expect(luhnCheckDigit('37828224631000')).toBe('5');
    for (const body of ['506411000000001', '54961612345678', '411111123456789012']) {
      const check = luhnCheckDigit(body);
      const valid = [...'0123456789'].filter((d) => luhnValid(body + d));
      expect(valid).toEqual([check]);
    }
  });
});
