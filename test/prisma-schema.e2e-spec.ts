import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { testServers } from '#libs/config';
import { createDatabase, DatabasePool, dropDatabase, migrate, Prisma, PrismaService } from '#libs/database';
import { ledgerModelFixtures } from '#libs/ledger';
import { webhookModelFixtures } from '#libs/inbox';
import { cardModelFixtures } from '../apps/gateway/src/cards/cards.fixtures.js';
import { speiModelFixtures } from '../apps/gateway/src/spei/spei.fixtures.js';

/**
 * Proves prisma/schema.prisma and the SQL migrations agree: on the freshly migrated test database,
 * every model does a create / read / update / delete round trip through the generated client, every
 * table has a model, and every column of a table is a field of its model.
 */
interface ModelFixture {
  model: Prisma.ModelName;
  table: string;
  create: Record<string, unknown>;
  where: Record<string, unknown>;
  update: Record<string, unknown>;
  /** False for append-only tables (the ledger's), whose triggers refuse deletes. */
  deletable: boolean;
}

// The client's delegate for a model: `prisma.apiKey` for `ApiKey`.
const delegate = (p: PrismaService, model: string): any => (p as any)[model[0].toLowerCase() + model.slice(1)];

function fixtures(): ModelFixture[] {
  const apiKeyId = randomUUID();
  return [
    {
      model: 'ApiKey',
      table: 'api_keys',
      create: { id: apiKeyId, name: 'schema-test', prefix: randomUUID().replace(/-/g, '').slice(0, 12), secretHash: 'a'.repeat(64), scopes: ['admin'], lastUsedAt: new Date(), revokedAt: null },
      where: { id: apiKeyId },
      update: { name: 'schema-test-2' },
      deletable: true,
    },
    {
      model: 'IdempotencyRecord',
      table: 'idempotency_records',
      create: { apiKeyId, idempotencyKey: 'k-1', method: 'POST', path: '/v1/x', requestHash: 'h', state: 'completed', responseStatus: 201, responseBody: { ok: true }, completedAt: new Date() },
      where: { apiKeyId_idempotencyKey: { apiKeyId, idempotencyKey: 'k-1' } },
      update: { responseStatus: 200 },
      deletable: true,
    },
    ...ledgerModelFixtures(),
    ...webhookModelFixtures(),
    ...cardModelFixtures(apiKeyId),
    ...speiModelFixtures(apiKeyId),
  ];
}

describe('schema.prisma agrees with the migrations', () => {
  // A throwaway database: the fixtures write rows straight through Prisma, bypassing the ledger's
  // posting functions, which would break the run database's balance invariants for other suites.
  const server = testServers().postgresUrl;
  const dbName = `pasarela_schema_${randomBytes(4).toString('hex')}`;
  let pool: DatabasePool;
  let prisma: PrismaService;

  beforeAll(async () => {
    const url = await createDatabase(server, dbName);
    await migrate(url, path.resolve('prisma/migrations'));
    pool = new DatabasePool(url);
    prisma = new PrismaService(pool);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await pool?.close();
    await dropDatabase(server, dbName);
  });

  it('has a fixture for every model and a model for every table', async () => {
    const all = fixtures();
    expect(all.map((f) => f.model).sort()).toEqual(Object.values(Prisma.ModelName).sort());
    const { rows } = await pool.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> '_pasarela_migrations'`,
    );
    expect(rows.map((r) => r.table_name).sort()).toEqual(all.map((f) => f.table).sort());
  });

  it('round-trips every model through the generated client, every column included', async () => {
    const all = fixtures();
    for (const f of all) {
      const created = await delegate(prisma, f.model).create({ data: f.create });
      const read = await delegate(prisma, f.model).findUnique({ where: f.where });
      expect(read).toEqual(created);
      const { rows } = await pool.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`, [f.table]);
      expect({ model: f.model, fields: Object.keys(read).length }).toEqual({ model: f.model, fields: rows.length });
      const updated = await delegate(prisma, f.model).update({ where: f.where, data: f.update });
      for (const [k, v] of Object.entries(f.update)) expect(updated[k]).toEqual(v);
    }
    for (const f of [...all].reverse().filter((x) => x.deletable)) {
      await delegate(prisma, f.model).delete({ where: f.where });
      expect(await delegate(prisma, f.model).findUnique({ where: f.where })).toBeNull();
    }
  });
});
