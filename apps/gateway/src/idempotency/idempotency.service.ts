import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { Prisma, PrismaService } from '#libs/database';

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/** Canonical JSON (sorted keys) so that key order does not change a request's identity. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * A request's identity, keyed: bodies hold PINs, CVCs and PANs (a 4-digit PIN's plain SHA-256 is
 * brute-forced in milliseconds), so the stored hash is an HMAC under a server secret.
 */
export function requestHash(key: string, method: string, path: string, body: unknown): string {
  return createHmac('sha256', key).update(`${method}\n${path}\n${canonicalJson(body)}`).digest('hex');
}

@Injectable()
export class IdempotencyService {
  constructor(
    @Inject(PrismaService) private readonly prisma: PrismaService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  hash(method: string, path: string, body: unknown): string {
    return requestHash(this.config.idempotencyHashKey, method, path, body);
  }

  /** Claims the key for this request, or says what the earlier request with the key became. */
  async claim(apiKeyId: string, key: string, method: string, path: string, hash: string): Promise<Claim> {
    // Insert-first: the primary key decides the race between two concurrent first requests.
    const inserted = await this.prisma.$executeRaw`
      insert into idempotency_records (api_key_id, idempotency_key, method, path, request_hash, state)
      values (${apiKeyId}::uuid, ${key}, ${method}, ${path}, ${hash}, 'in_progress')
      on conflict do nothing`;
    if (inserted === 1) return { kind: 'claimed' };
    const row = await this.prisma.idempotencyRecord.findUnique({ where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: key } } });
    if (!row) return this.claim(apiKeyId, key, method, path, hash); // released between our two statements
    if (row.requestHash !== hash) return { kind: 'mismatch' };
    if (row.state !== 'completed') return { kind: 'in_progress' };
    return { kind: 'replay', status: row.responseStatus!, body: row.responseBody };
  }

  async complete(apiKeyId: string, key: string, status: number, body: unknown): Promise<void> {
    await this.prisma.idempotencyRecord.update({
      where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: key } },
      data: { state: 'completed', responseStatus: status, responseBody: (body ?? Prisma.JsonNull) as Prisma.InputJsonValue, completedAt: new Date() },
    });
  }

  /** The handler failed before producing a result: free the key so a corrected retry can run. */
  async release(apiKeyId: string, key: string): Promise<void> {
    await this.prisma.idempotencyRecord.deleteMany({ where: { apiKeyId, idempotencyKey: key, state: 'in_progress' } });
  }
}
