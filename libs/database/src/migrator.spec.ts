import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { testServers } from '#libs/config';
import { createDatabase, dropDatabase } from './admin.js';
import { migrate, MigrationError } from './migrator.js';

describe('migrate', () => {
  const server = testServers().postgresUrl;
  const dbName = `pasarela_migrator_${randomBytes(4).toString('hex')}`;
  let url: string;
  let dir: string;

  async function write(name: string, sql: string): Promise<void> {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }

  async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<T>(text)).rows;
    } finally {
      await c.end();
    }
  }

  beforeEach(async () => {
    await dropDatabase(server, dbName);
    url = await createDatabase(server, dbName);
    dir = await mkdtemp(path.join(tmpdir(), 'pasarela-migrations-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await dropDatabase(server, dbName);
  });

  it('applies files in order, records them, and is idempotent', async () => {
    await write('20260101000000_a', 'create table a (id int primary key);');
    await write('20260102000000_b', 'alter table a add column b text; insert into a values (1, $$x$$);');
    expect(await migrate(url, dir)).toEqual({ applied: ['20260101000000_a', '20260102000000_b'], skipped: [] });
    expect(await migrate(url, dir)).toEqual({ applied: [], skipped: ['20260101000000_a', '20260102000000_b'] });
    expect(await query('select * from a')).toEqual([{ id: 1, b: 'x' }]);
    const recorded = await query<{ name: string }>('select name from _pasarela_migrations order by name');
    expect(recorded.map((r) => r.name)).toEqual(['20260101000000_a', '20260102000000_b']);
  });

  it('rolls back a failing file entirely and records nothing for it', async () => {
    await write('20260101000000_a', 'create table a (id int primary key);');
    await write('20260102000000_bad', 'create table half (id int); select 1/0;');
    await expect(migrate(url, dir)).rejects.toThrow(/20260102000000_bad failed and was rolled back/);
    const tables = await query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' order by 1`);
    expect(tables.map((t) => t.table_name)).toEqual(['_pasarela_migrations', 'a']);
    expect((await query('select name from _pasarela_migrations')).length).toBe(1);
  });

  it('refuses to run when an applied file has changed', async () => {
    await write('20260101000000_a', 'create table a (id int primary key);');
    await migrate(url, dir);
    await write('20260101000000_a', 'create table a (id bigint primary key);');
    await write('20260102000000_b', 'create table b (id int);');
    await expect(migrate(url, dir)).rejects.toThrow(MigrationError);
    await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
    expect((await query(`select 1 from information_schema.tables where table_name = 'b'`)).length).toBe(0);
  });

  it('refuses to run when an applied file is missing', async () => {
    await write('20260101000000_a', 'create table a (id int primary key);');
    await migrate(url, dir);
    await rm(path.join(dir, '20260101000000_a'), { recursive: true });
    await expect(migrate(url, dir)).rejects.toThrow(/missing/);
  });

  it('serialises concurrent migrators: each file applied once', async () => {
    await write('20260101000000_a', 'create table a (id int primary key); select pg_sleep(0.2);');
    const results = await Promise.all([migrate(url, dir), migrate(url, dir), migrate(url, dir)]);
    expect(results.flatMap((r) => r.applied)).toEqual(['20260101000000_a']);
  });
});
