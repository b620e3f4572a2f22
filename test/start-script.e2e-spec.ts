import { loadConfig } from '#libs/config';
import { generateApiKey } from '../apps/gateway/src/auth/api-key.js';
import { freePort, runNode } from './support/processes.js';

/**
 * `npm start` on external services (the run's database and Redis): it hides the database password,
 * and when one of its apps dies it stops the others and exits non-zero, saying which one.
 */
describe('npm start with DATABASE_URL and REDIS_URL (e2e)', () => {
  it('keeps passwords out of its output, and stops everything with exit 1 when a child dies', async () => {
    const config = loadConfig();
    // Test Postgres trusts local connections, so any password works; it must never be printed.
    const url = new URL(config.databaseUrl!);
    url.password = 'not-to-be-printed';
    const { key } = generateApiKey();
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const start = runNode('dist/scripts/start.js', {
      DATABASE_URL: url.toString(),
      DEV_API_KEY: key,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      SANDBOX_PORT: String(sandboxPort),
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    try {
      await start.waitFor(/Pasarela is ready/, 60_000);
      const out = start.output();
      expect(out).toContain('database: external');
      expect(out).toContain('queue: BullMQ on Redis');
      expect(out).toContain(key);
      expect(out).not.toContain('not-to-be-printed');
      const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(((await ready.json()) as { info: { queue: { backend: string } } }).info.queue.backend).toBe('redis');

      const workerPid = Number(/worker started \(pid (\d+)\)/.exec(out)?.[1]);
      process.kill(workerPid, 'SIGKILL');
      const { code } = await start.exited();
      expect(code).toBe(1);
      expect(start.output()).toContain('worker exited unexpectedly (SIGKILL); stopping everything');
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${sandboxPort}/health`)).rejects.toThrow();
    } finally {
      if (start.child.exitCode === null) start.child.kill('SIGKILL');
    }
  }, 90_000);
});
