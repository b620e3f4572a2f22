import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, runNode, type RunningProcess } from './support/processes.js';

/**
 * The first-run experience: `npm start` with neither DATABASE_URL nor REDIS_URL brings up the whole
 * system on an embedded Postgres (and BullMQ's Postgres backend), and stops cleanly on SIGTERM.
 */
describe('npm start on the embedded default (e2e)', () => {
  let dir: string;
  let start: RunningProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'pasarela-embedded-'));
    // As root, Postgres runs as its own system user, which must be able to reach its data directory.
    await chmod(dir, 0o755);
  });

  afterAll(async () => {
    if (start && start.child.exitCode === null) {
      start.child.kill('SIGKILL');
      await start.exited();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('starts gateway, worker and sandbox with no Postgres or Redis configured, then stops cleanly', async () => {
    const [port, sandboxPort, pgPort] = [await freePort(), await freePort(), await freePort()];
    const env = {
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      QUEUE_PREFIX: undefined,
      DEV_API_KEY: undefined,
      LOG_LEVEL: 'info',
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      EMBEDDED_PG_PORT: String(pgPort),
      EMBEDDED_PG_DIR: path.join(dir, 'postgres'),
      SHUTDOWN_TIMEOUT_MS: '15000',
    };
    start = runNode('dist/scripts/start.js', env);
    await start.waitFor(/Pasarela is ready/, 90_000);
    const out = start.output();
    expect(out).toContain(`database: embedded PostgreSQL 17 on 127.0.0.1:${pgPort}`);
    expect(out).toContain('BullMQ Postgres backend');
    expect(out).toContain(`http://localhost:${port}/docs`);
    const key = /dev API key\s+(psk_\S+)/.exec(out)?.[1];
    expect(key).toBeDefined();
    expect((await stat(path.join(dir, 'dev-api-key'))).mode & 0o777).toBe(0o600);

    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { info: Record<string, { status: string; backend?: string }> };
    expect(body.info.database.status).toBe('up');
    expect(body.info.queue).toEqual({ status: 'up', backend: 'postgres' });
    expect((await fetch(`http://127.0.0.1:${port}/docs`)).status).toBe(200);
    const keys = await fetch(`http://127.0.0.1:${port}/v1/api-keys`, { headers: { 'x-api-key': key! } });
    expect(keys.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${sandboxPort}/health`)).status).toBe(200);

    const stopAsked = Date.now();
    start.child.kill('SIGTERM');
    const { code } = await start.exited();
    expect(code).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(15_000);
    expect(start.output()).toContain('workers stopped');
    expect(start.output()).toContain('embedded PostgreSQL stopped');
    expect(start.output()).toContain('[start] stopped');
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();

    // A restart reuses the data directory (nothing left to migrate) and prints the same key.
    start = runNode('dist/scripts/start.js', { ...env, EMBEDDED_PG_PORT: String(await freePort()) });
    await start.waitFor(/Pasarela is ready/, 90_000);
    expect(start.output()).toContain('migrations: 0 applied');
    expect(/dev API key\s+(psk_\S+)/.exec(start.output())?.[1]).toBe(key);
    start.child.kill('SIGTERM');
    expect((await start.exited()).code).toBe(0);
  }, 180_000);

  it('says why when the embedded Postgres cannot start (its port is taken), and exits non-zero', async () => {
    // Something else holds the port on every address, so Postgres cannot listen on localhost.
    const squatter = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(0, '::', resolve));
    const pgPort = (squatter.address() as { port: number }).port;
    try {
      const failing = runNode('dist/scripts/start.js', {
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        PORT: String(await freePort()),
        SANDBOX_PORT: String(await freePort()),
        EMBEDDED_PG_PORT: String(pgPort),
        EMBEDDED_PG_DIR: path.join(dir, 'postgres-busy-port'),
      });
      const { code } = await failing.exited();
      expect(code).not.toBe(0);
      expect(failing.output()).toContain(`the embedded Postgres on port ${pgPort} did not start`);
      expect(failing.output()).toMatch(/could not (bind|create)/);
      expect(failing.output()).not.toContain("Cannot read properties of undefined");
    } finally {
      squatter.close();
    }
  }, 90_000);
});
