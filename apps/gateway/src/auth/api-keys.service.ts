import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '#libs/domain';
import { PrismaService } from '#libs/database';
import { generateApiKey, isScope, parseApiKey, secretMatches, type Scope, hashSecret } from './api-key.js';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AuthenticatedKey {
  id: string;
  name: string;
  scopes: string[];
}

const VIEW = { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

@Injectable()
export class ApiKeysService {
  // last_used_at is written at most once a minute per key, so authentication stays a read.
  private readonly touched = new Map<string, number>();

  constructor(@Inject(PrismaService) private readonly prisma: PrismaService) {}

  async create(name: string, scopes: string[]): Promise<{ key: string; apiKey: ApiKeyView }> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw new ValidationError('name must be 1 to 100 characters');
    const unknown = scopes.filter((s) => !isScope(s));
    if (unknown.length) throw new ValidationError(`unknown scopes: ${unknown.join(', ')}`, { unknown });
    if (scopes.length === 0) throw new ValidationError('at least one scope is required');
    const g = generateApiKey();
    const apiKey = await this.prisma.apiKey.create({
      data: { id: randomUUID(), name: trimmed, prefix: g.prefix, secretHash: g.secretHash, scopes: [...new Set(scopes)] },
      select: VIEW,
    });
    return { key: g.key, apiKey };
  }

  /**
   * Makes sure a key with exactly this clear value exists (the development key printed by
   * `npm start`, or DEV_API_KEY). Idempotent.
   */
  async ensure(key: string, name: string, scopes: Scope[]): Promise<void> {
    const parsed = parseApiKey(key);
    if (!parsed) throw new ValidationError('the key is not of the form psk_<12 hex>_<secret>');
    await this.prisma.apiKey.upsert({
      where: { prefix: parsed.prefix },
      create: { id: randomUUID(), name, prefix: parsed.prefix, secretHash: hashSecret(parsed.secret), scopes },
      update: { secretHash: hashSecret(parsed.secret), scopes, revokedAt: null, name },
    });
  }

  list(): Promise<ApiKeyView[]> {
    return this.prisma.apiKey.findMany({ select: VIEW, orderBy: { createdAt: 'asc' } });
  }

  async revoke(idOrPrefix: string): Promise<ApiKeyView> {
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrPrefix);
    const found = await this.prisma.apiKey.findFirst({ where: isUuid ? { id: idOrPrefix } : { prefix: idOrPrefix }, select: VIEW });
    if (!found) throw new NotFoundError(`no API key ${idOrPrefix}`);
    if (found.revokedAt) return found;
    return this.prisma.apiKey.update({ where: { id: found.id }, data: { revokedAt: new Date() }, select: VIEW });
  }

  /** The key's identity and scopes, or undefined when it is unknown, wrong or revoked. */
  async authenticate(presented: string): Promise<AuthenticatedKey | undefined> {
    const parsed = parseApiKey(presented);
    if (!parsed) return undefined;
    const row = await this.prisma.apiKey.findUnique({ where: { prefix: parsed.prefix } });
    if (!row || row.revokedAt || !secretMatches(parsed.secret, row.secretHash)) return undefined;
    const now = Date.now();
    if ((this.touched.get(row.id) ?? 0) < now - 60_000) {
      this.touched.set(row.id, now);
      void this.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
    }
    return { id: row.id, name: row.name, scopes: row.scopes };
  }
}
