import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { NecipcoSandboxState } from '../apps/sandbox/src/necipco/necipco-sandbox.state.js';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';
import { call, startGateway, type TestGateway } from './support/gateway.js';

/** NeCIPCo "Get Public Key" / "Add Public Key" through /v1/clients/current/public-key, against the sandbox. */
describe('program public keys (e2e, NeCIPCo sandbox)', () => {
  let sandbox: NestFastifyApplication;
  let gw: TestGateway;
  let sandboxUrl: string;
  let reader: string;
  let writer: string;
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ours = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    sandbox = await createSandboxApp(loadConfig({ LOG_LEVEL: 'silent' }));
    await sandbox.listen(0, '127.0.0.1');
    sandboxUrl = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
    gw = await startGateway({ NECIPCO_BASE_URL: `${sandboxUrl}/necipco/v1`, SANDBOX_URL: sandboxUrl, NECIPCO_PRIVATE_KEY: ours });
    reader = await gw.keyWith('program:read');
    writer = await gw.keyWith('program:read', 'program:write');
  }, 30_000);

  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('GET shows the registered key, the system key, and that the registered one is ours', async () => {
    const r = await call(gw, 'GET', '/v1/clients/current/public-key', { key: reader });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ provider: 'necipco', registered_key_is_ours: true });
    expect(r.body.our_public_key).toContain('BEGIN PUBLIC KEY');
    expect(r.body.system_public_key).toContain('BEGIN PUBLIC KEY');
    expect(r.body.registered_public_key).toContain('BEGIN PUBLIC KEY');
    expect(JSON.stringify(r.body)).not.toContain('PRIVATE KEY');
  });

  it('PUT (admin) re-registers our key, with or without it in the body; another key is a 422; idempotent', async () => {
    const idem = randomUUID();
    const first = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: {}, idempotencyKey: idem });
    expect(first.status).toBe(200);
    expect(first.body.registered_key_is_ours).toBe(true);
    const replay = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: {}, idempotencyKey: idem });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);

    const explicit = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: { public_key: first.body.our_public_key }, idempotencyKey: randomUUID() });
    expect(explicit.status).toBe(200);

    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const mismatch = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: { public_key: other }, idempotencyKey: randomUUID() });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body).toMatchObject({ code: 'public_key_mismatch' });
    // Nothing changed at the provider.
    expect((await call(gw, 'GET', '/v1/clients/current/public-key', { key: reader })).body.registered_key_is_ours).toBe(true);

    const garbage = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: { public_key: `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(120)}\n-----END PUBLIC KEY-----` }, idempotencyKey: randomUUID() });
    expect(garbage.status).toBe(400);
    expect(garbage.body).toMatchObject({ code: 'invalid_public_key' });
    const badProvider = await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: { provider: 'nope' }, idempotencyKey: randomUUID() });
    expect(badProvider.status).toBe(400);
  });

  it('needs an Idempotency-Key, the admin scope to register, program:read to read', async () => {
    expect((await call(gw, 'PUT', '/v1/clients/current/public-key', { key: gw.adminKey, body: {} })).status).toBe(400);
    expect((await call(gw, 'PUT', '/v1/clients/current/public-key', { key: writer, body: {}, idempotencyKey: randomUUID() })).status).toBe(403);
    expect((await call(gw, 'GET', '/v1/clients/current/public-key', { key: await gw.keyWith('cards:read') })).status).toBe(403);
    expect((await call(gw, 'GET', '/v1/clients/current/public-key')).status).toBe(401);
  });

  it('a gateway that shuts down logs out of NeCIPCo (its token is revoked, not left to expire)', async () => {
    const state = sandbox.get(NecipcoSandboxState);
    const revoked = () => (state as unknown as { revoked: Set<string> }).revoked.size;
    const other = await startGateway({ NECIPCO_BASE_URL: `${sandboxUrl}/necipco/v1`, SANDBOX_URL: sandboxUrl, NECIPCO_PRIVATE_KEY: ours });
    expect((await call(other, 'GET', '/v1/clients/current/public-key', { key: other.adminKey })).status).toBe(200);
    const before = revoked();
    await other.close();
    expect(revoked()).toBe(before + 1);
  });
});
