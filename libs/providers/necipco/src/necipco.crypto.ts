import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  type KeyObject,
} from 'node:crypto';

/**
 * RSA for NeCIPCo's sensitive fields. Requests: encrypt with the system public key, then base64 (bodies)
 * or base64url without padding (query strings). Responses: base64 (either alphabet accepted), decrypt
 * with our private key.
 *
 * Padding is configurable: OAEP with SHA-256 (default), OAEP with SHA-1, or PKCS#1 v1.5. Node refuses
 * PKCS#1 v1.5 private decryption since the Marvin attack (CVE-2023-46809), so that one is decrypted here
 * with a raw RSA operation and a padding check that does not branch on the secret bytes early; it is
 * still a legacy mode — prefer OAEP.
 */
export type RsaPadding = 'oaep-sha256' | 'oaep-sha1' | 'pkcs1';
export const RSA_PADDINGS: readonly RsaPadding[] = ['oaep-sha256', 'oaep-sha1', 'pkcs1'];

export class NecipcoCryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NecipcoCryptoError';
  }
}

export function toPublicKey(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPublicKey(normalizePem(pem)) : pem;
}

export function toPrivateKey(pem: string | KeyObject): KeyObject {
  return typeof pem === 'string' ? createPrivateKey(normalizePem(pem)) : pem;
}

/** Accepts PEMs with literal `\n` escapes (env files, JSON). */
export function normalizePem(pem: string): string {
  return pem.replace(/\\n/g, '\n').trim() + '\n';
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Same key, whatever the PEM's line breaks or header flavour. */
export function samePublicKey(a: string | KeyObject, b: string | KeyObject): boolean {
  try {
    const der = (k: string | KeyObject) => toPublicKey(k).export({ type: 'spki', format: 'der' });
    return der(a).equals(der(b));
  } catch {
    return false;
  }
}

export function generateRsaKeyPair(bits = 2048): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

export function rsaEncrypt(plain: string | Buffer, publicKey: KeyObject, padding: RsaPadding): Buffer {
  const data = typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain;
  if (padding === 'pkcs1') return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, data);
  return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: padding === 'oaep-sha1' ? 'sha1' : 'sha256' }, data);
}

export function rsaDecrypt(cipher: Buffer, privateKey: KeyObject, padding: RsaPadding): Buffer {
  try {
    if (padding === 'pkcs1') return pkcs1v15Decrypt(cipher, privateKey);
    return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: padding === 'oaep-sha1' ? 'sha1' : 'sha256' }, cipher);
  } catch {
    // Never say more: a padding oracle is exactly what an attacker wants.
    throw new NecipcoCryptoError('decryption failed');
  }
}

/** RFC 8017 7.2.2 on a raw RSA result: EM = 0x00 || 0x02 || PS (>= 8 non-zero) || 0x00 || M. */
function pkcs1v15Decrypt(cipher: Buffer, privateKey: KeyObject): Buffer {
  const k = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 2048) / 8);
  if (cipher.length !== k) throw new NecipcoCryptoError('decryption failed');
  const em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, cipher);
  let bad = em[0] | (em[1] ^ 0x02);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < em.length; i++) {
    const isZero = em[i] === 0 ? 1 : 0;
    const first = isZero & (found ^ 1);
    separator |= first * i;
    found |= isZero;
  }
  bad |= found ^ 1;
  bad |= separator < 10 ? 1 : 0; // at least 8 padding bytes
  if (bad !== 0) throw new NecipcoCryptoError('decryption failed');
  return em.subarray(separator + 1);
}

/** base64 (RFC 4648 §4), for bodies. */
export function toBase64(buf: Buffer): string {
  return buf.toString('base64');
}

/** base64url (RFC 4648 §5) without '=' padding, for query strings. */
export function toBase64UrlNoPad(buf: Buffer): string {
  return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const B64_ANY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes either alphabet, with or without padding; rejects anything else. */
export function fromBase64Any(text: string): Buffer {
  const t = text.trim();
  if (!B64_ANY.test(t) || (/[+/]/.test(t) && /[-_]/.test(t))) throw new NecipcoCryptoError('not base64');
  const std = t.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) throw new NecipcoCryptoError('not base64');
  return Buffer.from(std, 'base64');
}

/** The document's two encodings, one object per key pair direction. */
export class NecipcoCipher {
  constructor(
    private readonly publicKey: KeyObject,
    private readonly padding: RsaPadding,
  ) {}

  /** For a JSON body field. */
  forBody(plain: string): string {
    return toBase64(rsaEncrypt(plain, this.publicKey, this.padding));
  }

  /** For a query-string parameter. */
  forQuery(plain: string): string {
    return toBase64UrlNoPad(rsaEncrypt(plain, this.publicKey, this.padding));
  }
}

export class NecipcoDecipher {
  constructor(
    private readonly privateKey: KeyObject,
    private readonly padding: RsaPadding,
  ) {}

  decrypt(encoded: string): string {
    return rsaDecrypt(fromBase64Any(encoded), this.privateKey, this.padding).toString('utf8');
  }
}
