import pg from 'pg';
import type { AppConfig } from '#libs/config';
import { embeddedDatabaseUrl, startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  source: 'external' | 'embedded' | 'embedded (already running)';
  /** Stops the embedded Postgres when this call started it; otherwise does nothing. */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres — reused when `npm start` already runs
 * it (so CLI commands work beside a running system), started otherwise.
 */
export async function resolveDatabase(config: AppConfig, log: (line: string) => void = () => undefined): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, source: 'external', stop: async () => undefined };
  const url = embeddedDatabaseUrl(config.embeddedPgPort);
  if (await answers(url)) return { url, source: 'embedded (already running)', stop: async () => undefined };
  const handle = await startEmbeddedPostgres(config.embeddedPgDir, config.embeddedPgPort, log);
  return { url: handle.url, source: 'embedded', stop: handle.stop };
}
