import { Money, InvalidAmountError } from './money.js';

describe('Money', () => {
  it.each([
    ['150', 15000n],
    ['150.5', 15050n],
    ['150.50', 15050n],
    ['0.01', 1n],
    ['-3.10', -310n],
    ['999999999999.99', 99999999999999n],
  ])('parses %s exactly', (text, centavos) => {
    expect(Money.parse(text).centavos).toBe(centavos);
  });

  it('parses provider numbers through their decimal text, not float arithmetic', () => {
    expect(Money.parse(0.3).centavos).toBe(30n);
    expect(Money.parse(19.99).centavos).toBe(1999n);
    expect(Money.parse(1234.5).centavos).toBe(123450n);
  });

  it.each(['1.001', '0.123', 'abc', '', '1e5', '1,00', '.5', '12.'])('rejects %p', (text) => {
    expect(() => Money.parse(text)).toThrow(InvalidAmountError);
  });

  it('names the decimals problem', () => {
    expect(() => Money.parse('1.001')).toThrow(/more than 2 decimals/);
    expect(() => Money.parse(0.123)).toThrow(/more than 2 decimals/);
  });

  it('formats with two places', () => {
    expect(Money.ofCentavos(5n).toDecimalString()).toBe('0.05');
    expect(Money.ofCentavos(-12345n).toDecimalString()).toBe('-123.45');
    expect(JSON.stringify({ a: Money.ofCentavos(100n) })).toBe('{"a":"1.00"}');
  });

  it('refuses to mix currencies', () => {
    expect(() => Money.ofCentavos(1n, 'MXN').add(Money.ofCentavos(1n, 'USD'))).toThrow(InvalidAmountError);
  });
});
