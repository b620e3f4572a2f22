import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { childEnvironment, ConfigError, loadConfig, type AppConfig } from '#libs/config';
import { DatabasePool, migrate, PrismaService, resolveDatabase, type ResolvedDatabase } from '#libs/database';
import { QueueFactory } from '#libs/queue';
import { generateApiKey, parseApiKey } from '../apps/gateway/src/auth/api-key.js';
import { ApiKeysService } from '../apps/gateway/src/auth/api-keys.service.js';
import { pingWorker } from '../apps/worker/src/worker-ping.js';

/**
 * `npm start`: the whole system on one machine. Resolves the database (DATABASE_URL, else the
 * embedded Postgres), migrates it, makes sure a development API key exists, then runs gateway,
 * worker and sandbox as child processes until SIGINT/SIGTERM, and stops them before Postgres.
 */
const APPS = ['gateway', 'worker', 'sandbox'] as const;
type AppName = (typeof APPS)[number];
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class StartupError extends Error {}

/** DEV_API_KEY, else the key kept in `.data/dev-api-key` (made once, 0600) so restarts show the same key. */
async function devApiKey(configured: string | undefined, file: string): Promise<{ key: string; origin: string }> {
  if (configured) return { key: configured, origin: 'DEV_API_KEY' };
  const kept = await readFile(file, 'utf8').then((s) => s.trim(), () => undefined);
  if (kept && parseApiKey(kept)) return { key: kept, origin: file };
  if (kept !== undefined) say(`${file} does not hold a valid key; making a new one`);
  const { key } = generateApiKey();
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // writeFile's mode does not apply to an existing file
  return { key, origin: `${file} (new)` };
}

async function portFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return true;
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => server.close(() => resolve(true)));
    server.listen(port, host);
  });
}

async function waitForOk(url: string, timeoutMs: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new StartupError(why);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (e) {
      last = (e as Error).message; // not listening yet
    }
    await sleep(200);
  }
  throw new StartupError(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})`);
}

/** A URL without its password: what may be printed for an external database or Redis. */
function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

function describeDatabase(config: AppConfig, db: ResolvedDatabase): string {
  if (db.source === 'external') return `external PostgreSQL ${redact(db.url)} (DATABASE_URL)`;
  // The embedded dev password is a fixed, local-only default, so its full URL is printed for psql.
  const where = `${db.url}, data in ${path.resolve(config.embeddedPgDir)}`;
  return db.source === 'embedded' ? `embedded PostgreSQL 17 at ${where}` : `embedded PostgreSQL 17 at ${where} (already running; not stopped on exit)`;
}

function describeQueue(config: AppConfig): string {
  if (config.redisUrl) {
    const u = new URL(config.redisUrl);
    return `BullMQ on Redis ${u.hostname}:${u.port || 6379} (REDIS_URL, prefix ${config.queuePrefix})`;
  }
  return 'BullMQ Postgres backend, in the same database (set REDIS_URL to use Redis)';
}

async function main(): Promise<void> {
  const config = loadConfig();
  const children = new Map<AppName, ChildProcess>();
  let db: ResolvedDatabase | undefined;
  let step: Promise<unknown> = Promise.resolve();
  let stopping: Promise<void> | undefined;
  let died: string | undefined;

  const running = () => [...children.values()].filter((c) => c.exitCode === null && c.signalCode === null);

  /** Children first (SIGTERM, then SIGKILL after SHUTDOWN_TIMEOUT_MS), then the embedded Postgres. */
  const stop = (code: number, reason: string): Promise<void> => {
    stopping ??= (async () => {
      say(reason);
      const live = running();
      if (live.length) {
        const exited = live.map((c) => new Promise<void>((r) => c.once('exit', () => r())));
        for (const c of live) c.kill('SIGTERM');
        const timer = setTimeout(() => {
          for (const c of running()) {
            say(`${nameOf(c)} did not stop within ${config.shutdownTimeoutMs} ms (SHUTDOWN_TIMEOUT_MS); killing it`);
            c.kill('SIGKILL');
          }
        }, config.shutdownTimeoutMs);
        await Promise.all(exited);
        clearTimeout(timer);
      }
      // A signal can arrive mid-step (e.g. while Postgres starts): let it finish so nothing is left half-started.
      await step.catch(() => undefined);
      if (db) {
        await db.stop().catch((e: unknown) => say(`stopping the embedded Postgres failed: ${(e as Error).message}`));
        if (db.source === 'embedded') say('embedded PostgreSQL stopped');
      }
      say(code === 0 ? 'stopped' : 'stopped after a failure (see above)');
      process.exit(code);
    })();
    return stopping;
  };
  const nameOf = (c: ChildProcess) => [...children].find(([, v]) => v === c)?.[0] ?? 'child';

  // This script owns the lifecycle: children first, then Postgres (startEmbeddedPostgres removes the
  // package's own exit-at-first-signal hooks).
  let signals = 0;
  for (const s of SIGNALS) {
    process.on(s, () => {
      if (++signals > 1 && stopping) {
        say(`${s} again: killing what is left`);
        for (const c of running()) c.kill('SIGKILL');
        return;
      }
      void stop(0, `${s} received: stopping gateway, worker and sandbox…`);
    });
  }
  const run = <T>(p: Promise<T>): Promise<T> => {
    step = p;
    return p;
  };

  try {
    for (const [name, port] of [['PORT', config.port], ['SANDBOX_PORT', config.sandboxPort]] as const) {
      if (!(await portFree(port, config.host))) throw new StartupError(`port ${port} (${name}) is already in use on ${config.host}; stop what uses it or set ${name}`);
    }
    const t0 = Date.now();
    if (!config.databaseUrl) say(`starting the embedded PostgreSQL 17 (data in ${path.resolve(config.embeddedPgDir)})…`);
    const database = await run(resolveDatabase(config, say).then((d) => (db = d)));
    if (stopping) return;
    say(`database: ${database.source === 'external' ? `external (${redact(database.url)})` : `embedded PostgreSQL 17 on 127.0.0.1:${config.embeddedPgPort} (${database.source})`}`);
    say(`queue: ${describeQueue(config)}`);
    const { applied, skipped } = await run(migrate(database.url, path.resolve('prisma/migrations'), (l) => say(`migrations: ${l}`)));
    say(`migrations: ${applied.length} applied, ${skipped.length} already in place`);

    const dev = await run(devApiKey(config.devApiKey, path.join(path.dirname(path.resolve(config.embeddedPgDir)), 'dev-api-key')));
    const pool = new DatabasePool(database.url, 1);
    const prisma = new PrismaService(pool);
    try {
      await run(new ApiKeysService(prisma).ensure(dev.key, 'development', ['admin']));
    } finally {
      await prisma.$disconnect();
      await pool.close();
    }
    if (stopping) return;

    const env = childEnvironment({ DATABASE_URL: database.url, REDIS_URL: config.redisUrl });
    for (const name of APPS) {
      const child = spawn(process.execPath, [path.resolve(`dist/apps/${name}/src/main.js`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.set(name, child);
      say(`${name} started (pid ${child.pid})`);
      for (const [stream, out] of [[child.stdout!, process.stdout], [child.stderr!, process.stderr]] as const) {
        createInterface({ input: stream }).on('line', (line) => out.write(`[${name}] ${line}\n`));
      }
      child.on('error', (e) => {
        died ??= `${name} could not be started: ${e.message}`;
        void stop(1, died);
      });
      child.on('exit', (code, signal) => {
        if (stopping) return;
        died ??= `${name} exited unexpectedly (${signal ?? `exit code ${code}`}); stopping everything`;
        void stop(1, died);
      });
    }

    const probeHost = ['0.0.0.0', '::', ''].includes(config.host) ? '127.0.0.1' : config.host;
    const failed = () => died ?? (stopping ? 'stopping' : undefined);
    await waitForOk(`http://${probeHost}:${config.port}/health/ready`, 90_000, failed);
    await waitForOk(`http://${probeHost}:${config.sandboxPort}/health`, 30_000, failed);
    // A real round trip through the queue: proves the worker is consuming, on either backend.
    const queues = new QueueFactory(loadConfig({ DATABASE_URL: database.url }));
    const pong = await pingWorker(queues, 30_000).finally(() => queues.close());
    if (stopping) return;

    const api = `http://localhost:${config.port}`;
    const sandbox = `http://localhost:${config.sandboxPort}`;
    const lines = [
      '',
      `Pasarela is ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      `  database       ${describeDatabase(config, database)}`,
      `  queue          ${describeQueue(config)}`,
      `  API            ${api}/v1`,
      `  Swagger UI     ${api}/docs   (OpenAPI JSON ${api}/docs-json)`,
      `  health         ${api}/health/ready   metrics ${api}/metrics`,
      `  queues         ${api}/admin/queues   (Bull Board; in the login prompt: any user, the dev API key as password)`,
      `  sandbox        ${sandbox}   (Swagger UI ${sandbox}/docs)`,
      `  worker         consuming (ping round trip ${pong.ms} ms)`,
      `  dev API key    ${dev.key}   (scope admin, from ${dev.origin})`,
      `                 curl -H 'X-API-Key: ${dev.key}' ${api}/v1/api-keys`,
      'Ctrl-C stops everything.',
      '',
    ];
    for (const l of lines) say(l);
  } catch (err) {
    if (stopping) return;
    const message = err instanceof StartupError ? err.message : ((err as Error | undefined)?.stack ?? String(err));
    await stop(1, `start failed: ${died ?? message}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[start] ${err instanceof ConfigError ? err.message : ((err as Error | undefined)?.stack ?? String(err))}\n`);
  process.exit(1);
});
