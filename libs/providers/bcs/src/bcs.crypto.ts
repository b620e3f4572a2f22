import { createCipheriv, createDecipheriv } from 'node:crypto';

/**
 * BCS's "encrypted value" for `acctId` and `secretid` (CVV / PIN). The document does not name the cipher;
 * its example (`f46626ae2ffa16e81c96b8374cd4b259`, 32 hex digits for a 16-digit card number) is one AES
 * block, so: AES-128-ECB over the digits zero-padded to a block, hex. Deterministic on purpose: the
 * encrypted card number doubles as the card's reference. The key is shared with BCS (BCS_CIPHER_KEY).
 */
export class BcsCipher {
  private readonly key: Buffer;

  constructor(keyHex: string) {
    if (!/^[0-9a-fA-F]{32}$/.test(keyHex)) throw new Error('BCS cipher key must be 32 hex digits (AES-128)');
    this.key = Buffer.from(keyHex, 'hex');
  }

  encrypt(clear: string): string {
    const data = Buffer.from(clear, 'utf8');
    const padded = Buffer.alloc(Math.max(16, Math.ceil(data.length / 16) * 16));
    data.copy(padded);
    const c = createCipheriv('aes-128-ecb', this.key, null);
    c.setAutoPadding(false);
    return Buffer.concat([c.update(padded), c.final()]).toString('hex');
  }

  /** undefined when the value is not something this key encrypted (wrong length, not hex, not text). */
  decrypt(hex: string): string | undefined {
    if (!/^(?:[0-9a-fA-F]{32})+$/.test(hex)) return undefined;
    const d = createDecipheriv('aes-128-ecb', this.key, null);
    d.setAutoPadding(false);
    const clear = Buffer.concat([d.update(Buffer.from(hex, 'hex')), d.final()]);
    const end = clear.indexOf(0);
    const text = clear.subarray(0, end === -1 ? clear.length : end).toString('utf8');
    return /^[\x20-\x7e]+$/.test(text) ? text : undefined;
  }
}

/** An encrypted acctId / secretid as BCS writes it. */
export const BCS_ENCRYPTED = /^(?:[0-9a-f]{32})+$/;
