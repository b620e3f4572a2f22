import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { testServers } from '#libs/config';
import { createDatabase, dropDatabase, migrate } from '#libs/database';

export interface IsolatedEnv {
  /** DATABASE_URL and QUEUE_PREFIX of this suite's own database and queues. */
  env: { DATABASE_URL: string; QUEUE_PREFIX: string };
  drop(): Promise<void>;
}

/**
 * A database and a queue prefix of its own, for a suite that runs its own worker against its own sandbox:
 * workers of other suites (same run database and prefix) would otherwise take its jobs or sweep its rows
 * and send them to a provider URL that is not theirs.
 */
export async function isolatedEnv(name: string): Promise<IsolatedEnv> {
  const server = testServers().postgresUrl;
  const db = `pasarela_${name}_${randomBytes(4).toString('hex')}`;
  const url = await createDatabase(server, db);
  await migrate(url, path.resolve('prisma/migrations'));
  return {
    env: { DATABASE_URL: url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX ?? 'pasarela_test'}_${name}` },
    drop: () => dropDatabase(server, db),
  };
}
