import { BcsCipher } from './bcs.crypto.js';

describe('BcsCipher (encrypted acctId / secretid)', () => {
  const c = new BcsCipher('000102030405060708090a0b0c0d0e0f');

  it('a 16-digit card number is one AES block: 32 hex digits, like the document\'s example; deterministic; round-trips', () => {
    const e = c.encrypt('4570211273204425');
    expect(e).toMatch(/^[0-9a-f]{32}$/);
    expect(c.encrypt('4570211273204425')).toBe(e);
    expect(c.decrypt(e)).toBe('4570211273204425');
  });

  it('short secrets (CVV, PIN) are zero-padded to a block; 19 digits take two blocks', () => {
    expect(c.decrypt(c.encrypt('123'))).toBe('123');
    expect(c.encrypt('1234')).toHaveLength(32);
    expect(c.encrypt('4570211273204425123')).toHaveLength(64);
  });

  it('another key cannot read it; garbage is undefined; a bad key is refused', () => {
    const other = new BcsCipher('ffeeddccbbaa99887766554433221100');
    expect(other.decrypt(c.encrypt('4570211273204425'))).not.toBe('4570211273204425');
    expect(c.decrypt('xyz')).toBeUndefined();
    expect(c.decrypt('abc')).toBeUndefined();
    expect(() => new BcsCipher('short')).toThrow();
  });
});
