import { constants, publicEncrypt } from 'node:crypto';
import {
  fromBase64Any,
  generateRsaKeyPair,
  NecipcoCipher,
  NecipcoCryptoError,
  NecipcoDecipher,
  publicKeyPem,
  rsaDecrypt,
  rsaEncrypt,
  samePublicKey,
  toBase64UrlNoPad,
  toPrivateKey,
  type RsaPadding,
} from './necipco.crypto.js';

describe('necipco crypto', () => {
  const { publicKey, privateKey } = generateRsaKeyPair();

  it.each<RsaPadding>(['oaep-sha256', 'oaep-sha1', 'pkcs1'])('round-trips with %s, in body and query encodings', (padding) => {
    const cipher = new NecipcoCipher(publicKey, padding);
    const decipher = new NecipcoDecipher(privateKey, padding);
    for (const plain of ['5064110000000018', '1234', '']) {
      const body = cipher.forBody(plain);
      const query = cipher.forQuery(plain);
      expect(body).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(query).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decipher.decrypt(body)).toBe(plain);
      expect(decipher.decrypt(query)).toBe(plain);
    }
  });

  it('encrypts randomly (no two ciphertexts alike)', () => {
    const c = new NecipcoCipher(publicKey, 'oaep-sha256');
    expect(c.forBody('1234')).not.toBe(c.forBody('1234'));
  });

  it('decrypts PKCS#1 v1.5 produced by Node itself (which refuses to decrypt it)', () => {
    const ct = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from('4321'));
    expect(rsaDecrypt(ct, privateKey, 'pkcs1').toString()).toBe('4321');
  });

  it('fails closed, without detail: wrong key, wrong padding, garbage', () => {
    const other = generateRsaKeyPair();
    const ct = rsaEncrypt('1234', publicKey, 'oaep-sha256');
    expect(() => rsaDecrypt(ct, other.privateKey, 'oaep-sha256')).toThrow(NecipcoCryptoError);
    expect(() => rsaDecrypt(ct, privateKey, 'pkcs1')).toThrow('decryption failed');
    expect(() => rsaDecrypt(ct, privateKey, 'oaep-sha1')).toThrow('decryption failed');
    expect(() => rsaDecrypt(Buffer.from('xyz'), privateKey, 'pkcs1')).toThrow('decryption failed');
  });

  it('base64url has no padding and no + or /; the decoder takes both alphabets and rejects a mix', () => {
    const buf = Buffer.from([0xfb, 0xff, 0xfe, 0x01]);
    expect(buf.toString('base64')).toBe('+//+AQ==');
    expect(toBase64UrlNoPad(buf)).toBe('-__-AQ');
    expect(fromBase64Any('-__-AQ').equals(buf)).toBe(true);
    expect(fromBase64Any('+//+AQ==').equals(buf)).toBe(true);
    expect(() => fromBase64Any('+_/-AQ')).toThrow(NecipcoCryptoError);
    expect(() => fromBase64Any('not base64!')).toThrow(NecipcoCryptoError);
  });

  it('reads PEMs with literal \\n escapes and compares keys by content', () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().replace(/\n/g, '\\n');
    const again = toPrivateKey(pem);
    expect(samePublicKey(publicKeyPem(again), publicKey)).toBe(true);
    expect(samePublicKey(publicKeyPem(again), generateRsaKeyPair().publicKey)).toBe(false);
    expect(samePublicKey('garbage', publicKey)).toBe(false);
  });
});
