import pg from 'pg';

/** Database-level helpers for tests and the start script: create/drop a database by name. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function onMaintenance<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function createDatabase(url: string, database: string): Promise<string> {
  if (!SAFE_NAME.test(database)) throw new Error(`unsafe database name ${database}`);
  await onMaintenance(url, async (c) => {
    const { rowCount } = await c.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) await c.query(`create database "${database}"`);
  });
  return withDatabase(url, database);
}

export async function dropDatabase(url: string, database: string): Promise<void> {
  if (!SAFE_NAME.test(database)) throw new Error(`unsafe database name ${database}`);
  await onMaintenance(url, (c) => c.query(`drop database if exists "${database}" with (force)`));
}
