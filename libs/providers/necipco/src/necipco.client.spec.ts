import { fiveDecimals, jwtExpiry, toWireJson } from './necipco.client.js';

describe('necipco client helpers', () => {
  it('writes coordinates with exactly five decimals, without float arithmetic', () => {
    expect(fiveDecimals('12.1')).toBe('12.10000');
    expect(fiveDecimals(-99.1332)).toBe('-99.13320');
    expect(fiveDecimals('19')).toBe('19.00000');
    expect(() => fiveDecimals('1e-7')).toThrow();
  });

  it('reads the exp of a JWT', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 2_000_000_000 })).toString('base64url');
    expect(jwtExpiry(`h.${payload}.s`)).toBe(2_000_000_000_000);
    expect(jwtExpiry('opaque-token')).toBeUndefined();
  });

  it('serializes JSON without touching strings', () => {
    expect(toWireJson({ a: 'x', b: 1, c: true })).toBe('{"a":"x","b":1,"c":true}');
  });
});
