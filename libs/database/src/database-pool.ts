import pg from 'pg';

/**
 * The process's one pg pool. Prisma's adapter and the raw hot paths (the ledger's SQL functions)
 * share it, so there is one place that sizes connections and one place that closes them.
 */
export class DatabasePool {
  readonly pool: pg.Pool;

  constructor(connectionString: string, max = 10) {
    this.pool = new pg.Pool({ connectionString, max, application_name: 'pasarela' });
    // An idle client that errors (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.pool.query<R>(text, values as unknown[]);
  }

  async ping(): Promise<void> {
    await this.pool.query('select 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
