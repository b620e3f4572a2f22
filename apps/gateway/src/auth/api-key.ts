import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key format: `psk_<prefix>_<secret>`. The prefix (12 hex chars) finds the row; only
 * SHA-256(secret) is stored. Keys are random 192-bit secrets, so a fast hash is the right tool
 * (no password stretching needed) and lookups stay cheap on every request.
 */
export const SCOPES = [
  'admin',
  'cards:read',
  'cards:write',
  'spei:read',
  'spei:write',
  'ledger:read',
  'ledger:write',
  'webhooks:read',
  'webhooks:write',
  'program:read',
  'program:write',
] as const;
export type Scope = (typeof SCOPES)[number];

const KEY_PATTERN = /^psk_([0-9a-f]{12})_([A-Za-z0-9_-]{32,64})$/;

export interface GeneratedKey {
  key: string;
  prefix: string;
  secretHash: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { key: `psk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** Splits a presented key; undefined when it is not shaped like one of ours. */
export function parseApiKey(key: string): { prefix: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { prefix: m[1], secret: m[2] } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** `admin` implies every scope. */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  return granted.includes('admin') || required.every((s) => granted.includes(s));
}
