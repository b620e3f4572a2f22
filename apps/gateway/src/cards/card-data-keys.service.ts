import { constants, createHash, createPublicKey, publicEncrypt, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '#libs/database';
import { BusinessRuleError, ValidationError, type SensitiveValue } from '#libs/domain';

export const CARD_DATA_ALGORITHM = 'RSA-OAEP-256';

export interface RegisteredKey {
  fingerprint: string;
  publicKeyPem: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EncryptedCardData {
  algorithm: typeof CARD_DATA_ALGORITHM;
  key_fingerprint: string;
  /** Field name → base64 of RSA-OAEP(SHA-256) of the clear value. */
  values: Record<string, string>;
}

/**
 * The public key each API key registers so that a clear PAN, CVC or PIN can be handed to it: encrypted
 * with RSA-OAEP (SHA-256) to that key, base64. The gateway never returns, logs or stores them in clear.
 */
@Injectable()
export class CardDataKeysService {
  private readonly cache = new Map<string, { key: KeyObject; fingerprint: string } | null>();

  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async register(apiKeyId: string, pem: string): Promise<RegisteredKey> {
    let key: KeyObject;
    try {
      key = createPublicKey(pem.replace(/\\n/g, '\n'));
    } catch {
      throw new ValidationError('public_key must be an RSA public key in PEM (SPKI)', { field: 'public_key' }, 'invalid_public_key');
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (key.asymmetricKeyType !== 'rsa' || bits < 2048 || bits > 8192) {
      throw new ValidationError('public_key must be an RSA key of 2048 to 8192 bits', { field: 'public_key' }, 'invalid_public_key');
    }
    const spki = key.export({ type: 'spki', format: 'pem' }).toString();
    const fingerprint = fingerprintOf(key);
    const row = await this.prisma.cardDataKey.upsert({
      where: { apiKeyId },
      create: { apiKeyId, publicKeyPem: spki, fingerprint },
      update: { publicKeyPem: spki, fingerprint, updatedAt: new Date() },
    });
    this.cache.set(apiKeyId, { key, fingerprint });
    return row;
  }

  async get(apiKeyId: string): Promise<RegisteredKey | null> {
    return this.prisma.cardDataKey.findUnique({ where: { apiKeyId } });
  }

  private async keyOf(apiKeyId: string): Promise<{ key: KeyObject; fingerprint: string } | null> {
    if (this.cache.has(apiKeyId)) return this.cache.get(apiKeyId)!;
    const row = await this.get(apiKeyId);
    const entry = row ? { key: createPublicKey(row.publicKeyPem), fingerprint: row.fingerprint } : null;
    if (entry) this.cache.set(apiKeyId, entry);
    return entry;
  }

  /** Fails (422 public_key_required) before anything is asked of a provider when the caller has no key. */
  async require(apiKeyId: string): Promise<void> {
    if (!(await this.keyOf(apiKeyId))) {
      throw new BusinessRuleError('register a public key first (PUT /v1/card-data-key): clear card data is only returned encrypted to it', undefined, 'public_key_required');
    }
  }

  /** Encrypts the given values to the caller's key; null when it has none (or there is nothing to encrypt). */
  async encrypt(apiKeyId: string, values: Record<string, SensitiveValue | undefined>): Promise<EncryptedCardData | null> {
    const present = Object.entries(values).filter((e): e is [string, SensitiveValue] => e[1] !== undefined);
    if (!present.length) return null;
    const entry = await this.keyOf(apiKeyId);
    if (!entry) return null;
    const out: Record<string, string> = {};
    for (const [name, v] of present) {
      out[name] = publicEncrypt({ key: entry.key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(v.reveal(), 'utf8')).toString('base64');
    }
    return { algorithm: CARD_DATA_ALGORITHM, key_fingerprint: entry.fingerprint, values: out };
  }
}

/** base64url SHA-256 of the key's DER SPKI (43 characters). */
export function fingerprintOf(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('base64url');
}
