import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { ConfigError, DEV_IDEMPOTENCY_HASH_KEY, loadConfig } from '#libs/config';
import { DatabasePool, PrismaService } from '#libs/database';
import { canonicalJson, IdempotencyService, requestHash } from './idempotency.service.js';

const KEY = 'k'.repeat(32);

describe('request identity for idempotency', () => {
  it('ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { y: [1, { d: 2, c: 3 }], x: undefined } })).toBe('{"a":{"y":[1,{"c":3,"d":2}]},"b":1}');
    expect(requestHash(KEY, 'POST', '/v1/x', { a: 1, b: 2 })).toBe(requestHash(KEY, 'POST', '/v1/x', { b: 2, a: 1 }));
  });

  it('differs by method, path and content', () => {
    const base = requestHash(KEY, 'POST', '/v1/x', { a: 1 });
    expect(requestHash(KEY, 'PUT', '/v1/x', { a: 1 })).not.toBe(base);
    expect(requestHash(KEY, 'POST', '/v1/y', { a: 1 })).not.toBe(base);
    expect(requestHash(KEY, 'POST', '/v1/x', { a: '1' })).not.toBe(base);
    expect(requestHash(KEY, 'POST', '/v1/x', null)).not.toBe(base);
  });

  it('a PIN body is not recoverable from its hash: keyed (HMAC), not a plain SHA-256, and another key gives another hash', () => {
    const path = '/v1/cards/0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11/pin';
    const body = { pin: '1357', current_pin: '2468', location: { latitude: '19.43260', longitude: '-99.13320' } };
    const text = `PUT\n${path}\n${canonicalJson(body)}`;
    const hash = requestHash(KEY, 'PUT', path, body);
    expect(hash).not.toBe(createHash('sha256').update(text).digest('hex'));
    expect(hash).not.toBe(createHash('sha256').update(canonicalJson(body)).digest('hex'));
    expect(hash).toBe(createHmac('sha256', KEY).update(text).digest('hex'));
    expect(requestHash('o'.repeat(32), 'PUT', path, body)).not.toBe(hash);
  });
});

describe('IDEMPOTENCY_HASH_KEY', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env, {});
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it('defaults to a fixed development key (replays survive restarts); required, 32+ characters and not the default in production', () => {
    expect(loadConfig({}, {}).idempotencyHashKey).toBe(DEV_IDEMPOTENCY_HASH_KEY);
    expect(loadConfig({ IDEMPOTENCY_HASH_KEY: KEY }, {}).idempotencyHashKey).toBe(KEY);
    const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgresql://db/x', STP_WEBHOOK_SECRETS: 's'.repeat(16), CREDENCIAL_WEBHOOK_SECRETS: 's'.repeat(16) };
    expect(problems(prod)).toEqual([expect.stringContaining('IDEMPOTENCY_HASH_KEY is required')]);
    expect(problems({ ...prod, IDEMPOTENCY_HASH_KEY: DEV_IDEMPOTENCY_HASH_KEY })).toEqual([expect.stringContaining('development default')]);
    expect(problems({ ...prod, IDEMPOTENCY_HASH_KEY: 'short' })).toEqual([expect.stringContaining('at least 32')]);
    expect(problems({ ...prod, IDEMPOTENCY_HASH_KEY: KEY })).toEqual([]);
  });
});

describe('IdempotencyService (Postgres)', () => {
  const config = loadConfig({ IDEMPOTENCY_HASH_KEY: KEY });
  const pool = new DatabasePool(config.databaseUrl!, 2);
  const prisma = new PrismaService(pool);
  const store = new IdempotencyService(prisma, config);
  const apiKeyId = randomUUID();
  const path = `/v1/cards/${randomUUID()}/pin`;
  const body = { pin: '1357', location: { latitude: '19.43260', longitude: '-99.13320' } };

  beforeAll(async () => {
    await prisma.apiKey.create({ data: { id: apiKeyId, name: 'idempotency spec', prefix: `psk_${randomBytes(6).toString('hex')}`, secretHash: '0'.repeat(64), scopes: [] } });
  });

  afterAll(async () => {
    await prisma.idempotencyRecord.deleteMany({ where: { apiKeyId } });
    await prisma.apiKey.delete({ where: { id: apiKeyId } });
    await prisma.$disconnect();
    await pool.close();
  });

  it('stores the keyed hash; the same body replays, another body is a mismatch', async () => {
    const key = randomUUID();
    const hash = store.hash('PUT', path, body);
    expect(await store.claim(apiKeyId, key, 'PUT', path, hash)).toEqual({ kind: 'claimed' });
    await store.complete(apiKeyId, key, 200, { card_id: 'c', result: 'set' });

    const row = await prisma.idempotencyRecord.findUniqueOrThrow({ where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: key } } });
    expect(row.requestHash).toBe(requestHash(KEY, 'PUT', path, body));
    expect(row.requestHash).not.toBe(createHash('sha256').update(`PUT\n${path}\n${canonicalJson(body)}`).digest('hex'));
    expect(JSON.stringify(row)).not.toContain('1357');

    expect(await store.claim(apiKeyId, key, 'PUT', path, store.hash('PUT', path, { ...body }))).toEqual({ kind: 'replay', status: 200, body: { card_id: 'c', result: 'set' } });
    expect(await store.claim(apiKeyId, key, 'PUT', path, store.hash('PUT', path, { ...body, pin: '2468' }))).toEqual({ kind: 'mismatch' });
    // Under another server key the same request no longer matches: the key really is part of the hash.
    const other = new IdempotencyService(prisma, loadConfig({ IDEMPOTENCY_HASH_KEY: 'o'.repeat(32) }));
    expect(await other.claim(apiKeyId, key, 'PUT', path, other.hash('PUT', path, body))).toEqual({ kind: 'mismatch' });
  });
});
