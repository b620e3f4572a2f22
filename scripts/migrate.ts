import path from 'node:path';
import { ConfigError, loadConfig } from '#libs/config';
import { migrate, resolveDatabase } from '#libs/database';

// `npm run migrate`: applies prisma/migrations to DATABASE_URL, or to the embedded Postgres.
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await resolveDatabase(config, (l) => process.stdout.write(`${l}\n`));
  try {
    const { applied, skipped } = await migrate(db.url, path.resolve('prisma/migrations'), (l) => process.stdout.write(`${l}\n`));
    process.stdout.write(`migrations: ${applied.length} applied, ${skipped.length} already applied (${db.source} database)\n`);
  } finally {
    await db.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`migrate: ${err instanceof ConfigError ? err.message : (err as Error).message}\n`);
  process.exit(1);
});
