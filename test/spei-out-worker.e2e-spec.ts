/**
 * The SPEI OUT sender's guarantees that need the worker stopped or raced: an order whose job is lost is sent
 * by the sweeper; two jobs for one order claim each attempt once (compare-and-set), so STP gets it once.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { LedgerService } from '#libs/ledger';
import { QueueFactory, QueueName } from '#libs/queue';
import { SpeiOutOrdersRepository } from '#libs/spei-out';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { call, type TestGateway } from './support/gateway.js';
import { isolatedEnv, type IsolatedEnv } from './support/isolated.js';
import { startGatewayWithSandbox } from './support/sandbox.js';
import { until } from './support/until.js';

describe('SPEI OUT sender: sweeper and concurrent jobs (e2e)', () => {
  let gw: TestGateway;
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let writer: string;
  let isolated: IsolatedEnv;
  const env: Record<string, string> = { STP_SEND_ATTEMPTS: '3', STP_SEND_BACKOFF_MS: '100', SWEEPER_INTERVAL_MS: '200', SWEEPER_AGE_MS: '500', LOG_LEVEL: 'silent' };

  const post = (path: string, body: unknown) => call(gw, 'POST', path, { key: writer, body, idempotencyKey: randomUUID() });
  const get = (path: string) => call(gw, 'GET', path, { key: writer });

  /** A CLABE account with `centavos` credited straight in the ledger (no worker is running to apply a SPEI IN). */
  async function account(centavos: bigint): Promise<string> {
    const r = await post('/v1/clabe-accounts', { name: 'Ana', last_name: 'Lopez', birth_date: '1990-01-31', rfc_or_curp: 'LOAA900131MDFPNN09', federal_entity: '9', economic_activity: '1', country_of_birth: '187' });
    expect(r.status).toBe(201);
    await gw.app.get(LedgerService).transfer({ idempotencyKey: `fund:${r.body.clabe}`, legs: [{ debitAccountId: '00000000-0000-4000-8000-000000000001', creditAccountId: r.body.ledger_account_id, amount: centavos, kind: 'funding' }] });
    return r.body.clabe;
  }

  const order = (clabe: string) => ({ source: { type: 'clabe', clabe }, amount: '10.00', beneficiary: { account: '012180029588856995', name: 'LUIS TRUTIE RODRIGUEZ' }, concept: 'Envio de SPEI', numeric_reference: '1' });

  beforeAll(async () => {
    isolated = await isolatedEnv('speiworker');
    Object.assign(env, isolated.env);
    ({ gw, sandbox, sandboxUrl } = await startGatewayWithSandbox(env, { STP_SANDBOX_AUTO_RESOLVE_MS: '0' }));
    env.SANDBOX_URL = sandboxUrl; // for the workers this test starts
    writer = await gw.keyWith('spei:read', 'spei:write');
  }, 60_000);

  afterAll(async () => {
    await sandbox?.close();
    await gw?.close();
    await isolated?.drop();
  });

  it('an order whose job was lost is found by the sweeper and sent', async () => {
    const clabe = await account(5_000n);
    const r = await post('/v1/spei/transfers', order(clabe));
    expect(r.body.status).toBe('queued');
    // The job vanishes (as if Redis lost it) before any worker runs.
    const queue = gw.app.get(QueueFactory).queue(QueueName.SpeiOut);
    expect(await queue.getJob(r.body.id)).toBeDefined();
    await queue.remove(r.body.id);
    expect(await queue.getJob(r.body.id)).toBeUndefined();
    let worker: INestApplicationContext | undefined;
    try {
      worker = await createWorkerApp(loadConfig(env));
      const sent = await until('sent', async () => (await get(`/v1/spei/transfers/${r.body.id}`)).body, (b) => b.status === 'sent');
      expect(sent.attempts).toBe(1);
      const orders = ((await (await fetch(`${sandboxUrl}/stp/_sandbox/orders`)).json()) as any).orders.filter((o: any) => o.trackingKey === r.body.tracking_key);
      expect(orders).toHaveLength(1);
    } finally {
      await worker?.close();
    }
  });

  it('two jobs for the same order: one claims the attempt, the other does nothing; STP gets the order once', async () => {
    const clabe = await account(5_000n);
    const r = await post('/v1/spei/transfers', order(clabe));
    const repo = new SpeiOutOrdersRepository(gw.app.get((await import('#libs/database')).DatabasePool), gw.app.get(LedgerService));
    const read = (await repo.get(r.body.id))!;
    // Both read the same state; compare-and-set lets only one claim it.
    const claims = await Promise.all([repo.claimSend(read), repo.claimSend(read)]);
    expect(claims.sort()).toEqual([false, true]);
    // A stale read (attempts moved on) cannot claim either.
    expect(await repo.claimSend(read)).toBe(false);
    const now = (await repo.get(r.body.id))!;
    expect(now).toMatchObject({ status: 'sending', attempts: 1 });
    // A status webhook resolving the order first is never overwritten by a late "sent".
    await repo.markSent(r.body.id, { provider: 'stp', trackingKey: read.trackingKey, alreadyRegistered: false, providerOrderId: '1' });
    expect((await repo.get(r.body.id))!.status).toBe('sent');
    await repo.recordTransient(r.body.id, 'provider_unavailable', 'late', true);
    expect((await repo.get(r.body.id))!.status).toBe('sent');
    expect(await repo.fail(r.body.id, 'stp_bad_request', 'late')).toBe(false);
    expect((await get(`/v1/clabe-accounts/${clabe}`)).body.balance).toMatchObject({ posted: '50.00', available: '40.00', held: '10.00' });
  });
});
