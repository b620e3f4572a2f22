import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** Arbitrary constant: one migrator at a time per database, across processes. */
const MIGRATION_LOCK = 7_219_031_337;

export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    files.push({ name, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, each in its own transaction,
 * and records name + checksum. Idempotent; refuses to run when an applied file has changed, since
 * the database would no longer match what the files say.
 */
export async function migrate(databaseUrl: string, dir: string, log: (line: string) => void = () => undefined): Promise<MigrateResult> {
  const files = await readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pasarela-migrate' });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists _pasarela_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const { rows } = await client.query<{ name: string; checksum: string }>('select name, checksum from _pasarela_migrations');
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const known = new Set(files.map((f) => f.name));
    for (const name of applied.keys()) {
      if (!known.has(name)) throw new MigrationError(`migration ${name} is applied in the database but missing from ${dir}`);
    }
    for (const f of files) {
      const checksum = applied.get(f.name);
      if (checksum !== undefined && checksum !== f.checksum) {
        throw new MigrationError(`migration ${f.name} was changed after it was applied (checksum differs); add a new migration instead`);
      }
    }
    const result: MigrateResult = { applied: [], skipped: [] };
    for (const f of files) {
      if (applied.has(f.name)) {
        result.skipped.push(f.name);
        continue;
      }
      await client.query('begin');
      try {
        await client.query(f.sql);
        await client.query('insert into _pasarela_migrations (name, checksum) values ($1, $2)', [f.name, f.checksum]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new MigrationError(`migration ${f.name} failed and was rolled back: ${(err as Error).message}`);
      }
      log(`applied ${f.name}`);
      result.applied.push(f.name);
    }
    return result;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}
