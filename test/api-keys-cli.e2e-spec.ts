import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { call, startGateway, type TestGateway } from './support/gateway.js';

const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', ['dist/scripts/api-keys.js', ...args], { env: process.env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('api-keys CLI (e2e)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('creates a key the gateway accepts, lists it, and revokes it', async () => {
    const created = await cli('create', '--name', 'cli-made', '--scopes', 'cards:read,admin');
    expect(created.code).toBe(0);
    const key = /key: (psk_\S+)/.exec(created.stdout)?.[1];
    const id = /created ([0-9a-f-]{36})/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect((await call(gw, 'GET', '/v1/api-keys', { key })).status).toBe(200);

    const listed = await cli('list');
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain(key);

    const revoked = await cli('revoke', id!);
    expect(revoked.code).toBe(0);
    expect((await call(gw, 'GET', '/v1/api-keys', { key })).status).toBe(401);
  }, 30_000);

  it('refuses unknown scopes and unknown commands with a non-zero exit', async () => {
    const bad = await cli('create', '--name', 'x', '--scopes', 'root');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown scopes: root');
    const usage = await cli('frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stdout).toContain('Usage');
  }, 30_000);
});
