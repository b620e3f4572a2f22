import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DatabasePool } from '#libs/database';
import { Clabe } from '#libs/domain';
import { loadConfig } from '#libs/config';
import { InboxRepository, payloadHash, WEBHOOK_GROUP_JOB, WebhookApplier } from '#libs/inbox';
import { LedgerService, SYSTEM_ACCOUNTS } from '#libs/ledger';
import { QueueFactory, QueueName } from '#libs/queue';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { call, startGateway, type TestGateway } from './support/gateway.js';
import { debitPayload, fundedAccount, newClabe, reversePayload, sendWebhook, settled, watchEnqueues } from './support/webhooks.js';

// Webhook jobs: 3 tries, backoff 300 ms then 600 ms, so a dead letter takes about a second.
const WORKER_ENV = { SWEEPER_INTERVAL_MS: '300', SWEEPER_AGE_MS: '1000', WEBHOOK_JOB_ATTEMPTS: '3', WEBHOOK_JOB_BACKOFF_MS: '300' };

describe('provider webhooks (e2e)', () => {
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let ledger: LedgerService;
  let db: DatabasePool;

  beforeAll(async () => {
    gw = await startGateway({ ...WORKER_ENV, LOG_LEVEL: 'warn' });
    worker = await createWorkerApp(loadConfig(WORKER_ENV));
    ledger = gw.app.get(LedgerService);
    db = gw.app.get(DatabasePool);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await gw?.close();
  });

  const rowsWithKey = async (key: string) => (await db.query('select count(*)::int as n from webhook_events where dedup_key like $1', [`%${key}%`])).rows[0].n;
  const rowsWithWebhookId = async (id: string) => (await db.query('select count(*)::int as n from webhook_events where webhook_id = $1', [id])).rows[0].n;

  /**
   * Every bad payload is a 4xx naming its reason, leaves no inbox row (none whose dedup key contains `marker`,
   * none with its webhook-id) and adds no job.
   */
  async function expectRefused(target: TestGateway, path: string, bodies: Array<[unknown, RegExp]>, marker: string): Promise<void> {
    const jobs = watchEnqueues(target);
    try {
      for (const [body, reason] of bodies) {
        const webhookId = `msg_${randomUUID()}`;
        const r = await sendWebhook(target, path, body, { webhookId });
        expect({ body, status: r.status }).toEqual({ body, status: 400 });
        expect(r.body.detail).toMatch(reason);
        expect(await rowsWithWebhookId(webhookId)).toBe(0);
      }
      expect(await rowsWithKey(marker)).toBe(0);
    } finally {
      expect(jobs.stop()).toBe(0);
    }
  }

  async function linkClabe(accountId: string, status = 'active'): Promise<string> {
    const clabe = newClabe();
    const r = await call(gw, 'POST', '/v1/provider-links/stp-clabes', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { clabe, ledger_account_id: accountId, status } });
    expect(r.status).toBe(201);
    return clabe;
  }

  async function linkCard(accountId: string, status = 'active'): Promise<{ accountNumber: string; emi: string }> {
    const accountNumber = String(randomInt(100_000_000, 999_999_999));
    const emi = String(randomInt(10_000_000, 99_999_999));
    const r = await call(gw, 'POST', '/v1/provider-links/credencial-accounts', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { account_number: accountNumber, emi_account_identifier: emi, ledger_account_id: accountId, status } });
    expect(r.status).toBe(201);
    return { accountNumber, emi };
  }

  describe('verification', () => {
    it('refuses a bad signature, a stale timestamp, a missing signature and a rotated-out secret with 401, leaving no row', async () => {
      const clabe = newClabe();
      const reference = `BAD${randomInt(1e6, 9e6)}`;
      const body = { clabe, reference, amount: '10.00' };
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', body, { secret: 'whsec_' + Buffer.from('not-the-secret-at-all!').toString('base64') })).status).toBe(401);
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', body, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', body, { unsigned: true })).status).toBe(401);
      expect((await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload('123', '1', 1, reference), { unsigned: true })).status).toBe(401);
      expect(await rowsWithKey(reference)).toBe(0);
    });

    it('accepts any of several secrets (rotation), and checks basic auth and the IP allowlist when configured', async () => {
      const other = await startGateway({
        STP_WEBHOOK_SECRETS: 'whsec_' + Buffer.from('old-secret-0123456789').toString('base64') + ',new-raw-secret-0123456789',
        STP_WEBHOOK_BASIC_AUTH: 'stp:s3cret',
        // STP's webhooks come from an allowlisted address (the tests' 127.0.0.1); Credencial's from one that is not.
        STP_WEBHOOK_IP_ALLOWLIST: '10.9.9.0/24,127.0.0.1',
        CREDENCIAL_WEBHOOK_IP_ALLOWLIST: '10.9.9.0/24',
      });
      try {
        const basic = { authorization: `Basic ${Buffer.from('stp:s3cret').toString('base64')}` };
        const body = () => ({ clabe: newClabe(), reference: `ROT${randomInt(1e6, 9e6)}`, amount: '1.00' });
        const accepted = [body(), body()];
        const newSecret = await sendWebhook(other, '/webhooks/stp/spei-in', accepted[0], { secret: 'new-raw-secret-0123456789', headers: basic });
        expect(newSecret.status).toBe(200);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', accepted[1], { secret: 'whsec_' + Buffer.from('old-secret-0123456789').toString('base64'), headers: basic })).status).toBe(200);
        for (const b of accepted) expect(await rowsWithKey(b.reference)).toBe(1);
        const refused = [body(), body(), body()];
        // Basic auth missing, then wrong; a secret that was rotated out.
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', refused[0], { secret: 'new-raw-secret-0123456789' })).status).toBe(401);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', refused[1], { secret: 'new-raw-secret-0123456789', headers: { authorization: `Basic ${Buffer.from('stp:nope').toString('base64')}` } })).status).toBe(401);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', refused[2], { secret: 'whsec_' + Buffer.from('retired-secret-0123456789').toString('base64'), headers: basic })).status).toBe(401);
        for (const b of refused) expect(await rowsWithKey(b.reference)).toBe(0);
        // 127.0.0.1 is not in 10.9.9.0/24 (for Credencial): refused, and no row for the signed delivery.
        const webhookId = `msg_${randomUUID()}`;
        const fromElsewhere = await sendWebhook(other, '/webhooks/credencial/balance', { emi_account_identifier: '1', account_number: 1, reference: '', origin: 'X' }, { webhookId });
        expect(fromElsewhere).toMatchObject({ status: 401, body: { code: 'webhook_unverified', detail: expect.stringMatching(/is not allowlisted/) } });
        expect(await rowsWithWebhookId(webhookId)).toBe(0);
      } finally {
        await other.close();
      }
    });
    it('reads the client address from X-Forwarded-For only when the proxy is trusted (TRUST_PROXY)', async () => {
      const env = { STP_WEBHOOK_IP_ALLOWLIST: '203.0.113.0/24' };
      const direct = await startGateway(env);
      const behindProxy = await startGateway({ ...env, TRUST_PROXY: 'loopback' });
      try {
        const forwarded = { 'x-forwarded-for': '203.0.113.7' };
        const body = () => ({ clabe: newClabe(), reference: `XFF${randomInt(1e6, 9e6)}`, amount: '1.00' });
        // Not trusted: the header is ignored, the socket's 127.0.0.1 is not allowlisted.
        const spoofed = body();
        expect((await sendWebhook(direct, '/webhooks/stp/spei-in', spoofed, { headers: forwarded })).status).toBe(401);
        expect(await rowsWithKey(spoofed.reference)).toBe(0);
        // Trusted proxy on loopback: the forwarded client address is the one checked.
        const relayed = body();
        expect((await sendWebhook(behindProxy, '/webhooks/stp/spei-in', relayed, { headers: forwarded })).status).toBe(200);
        expect(await rowsWithKey(relayed.reference)).toBe(1);
        const outside = body();
        expect((await sendWebhook(behindProxy, '/webhooks/stp/spei-in', outside, { headers: { 'x-forwarded-for': '198.51.100.9' } })).status).toBe(401);
      } finally {
        await direct.close();
        await behindProxy.close();
      }
    });
  });

  describe('STP', () => {
    it('SPEI IN credits the CLABE owner once; a resend under another webhook id is a duplicate; another amount is a 409', async () => {
      const account = await fundedAccount(ledger, 0n);
      const clabe = await linkClabe(account);
      const reference = `MBAN${randomInt(1e8, 9e8)}`;
      const first = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe, reference, amount: '150.25' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ received: true, duplicate: false });
      const ev = await settled(gw, first.body.event_id);
      expect(ev).toMatchObject({ status: 'APPLIED', outcome: 'credited', amount: '150.25', ledger_account_id: account });
      const again = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe, reference, amount: '150.25' });
      expect(again.body).toMatchObject({ event_id: first.body.event_id, duplicate: true, status: 'APPLIED' });
      const conflict = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe, reference, amount: '999.00' });
      expect(conflict.status).toBe(409);
      expect(conflict.body.code).toBe('webhook_conflict');
      const original = await call(gw, 'GET', `/v1/webhook-events/${first.body.event_id}`, { key: gw.adminKey });
      expect(original.body).toMatchObject({ amount: '150.25', conflict_count: 1, status: 'APPLIED' });
      expect((await ledger.balances(account)).posted).toBe(15_025n);
      expect(gw.logs()).toContain('webhook_dedup_conflict');
    });

    it('concurrent SPEI INs are persisted in groups and applied through group jobs, each exactly once; redeliveries find their original', async () => {
      // 30 CLABEs, three transfers each, and a redelivery (new webhook-id) of every first transfer, all at once.
      const accounts = await Promise.all(Array.from({ length: 30 }, () => fundedAccount(ledger, 0n)));
      const clabes = await Promise.all(accounts.map((a) => linkClabe(a)));
      const sends = clabes.flatMap((clabe, i) => {
        const transfers = [1, 2, 3].map((k) => ({ clabe, reference: `GRP${i}T${k}R${randomInt(1e6, 9e6)}`, amount: `${k}.${String(i).padStart(2, '0')}` }));
        return [...transfers.map((body) => ({ i, body })), { i, body: transfers[0] }];
      });
      const jobs = watchEnqueues(gw);
      const answers = await Promise.all(sends.map((s) => sendWebhook(gw, '/webhooks/stp/spei-in', s.body)));
      const enqueues = jobs.stop();
      expect(answers.map((a) => a.status)).toEqual(sends.map(() => 200));
      const ids = new Map<string, string[]>();
      sends.forEach((s, k) => ids.set(s.body.reference, [...(ids.get(s.body.reference) ?? []), answers[k].body.event_id]));
      // A transfer and its redelivery: one event, one of the two answers a duplicate.
      for (const [ref, evs] of ids) expect({ ref, same: new Set(evs).size }).toEqual({ ref, same: 1 });
      expect(answers.filter((a) => a.body.duplicate).length).toBe(30);
      const events = [...new Set(answers.map((a) => a.body.event_id as string))];
      expect(events).toHaveLength(90);
      // Fewer jobs than events: the rows of a group share one.
      expect(enqueues).toBeLessThan(90);
      for (const id of events) expect(await settled(gw, id)).toMatchObject({ status: 'APPLIED', outcome: 'credited' });
      for (const [i, account] of accounts.entries()) expect((await ledger.balances(account)).posted).toBe(600n + 3n * BigInt(i));
      // One row per transfer, every row credited exactly once.
      const rows = (await db.query(`select count(*)::int as n from webhook_events where type = 'spei_in' and dedup_key = any($1::text[])`, [sends.map((s) => `${s.body.clabe}:${s.body.reference}`)])).rows;
      expect(rows[0].n).toBe(90);
      const credits = (await db.query(`select count(*)::int as n from ledger_transfers where idempotency_key = any($1::text[])`, [events.map((id) => `wh:${id}`)])).rows[0].n;
      expect(credits).toBe(90);
      // The group jobs carry the row ids only, and between them cover rows of several groups.
      const queue = gw.app.get(QueueFactory).queue(QueueName.Webhooks);
      const groupJobs = (await queue.getJobs(['completed'])).filter((j) => j.name === WEBHOOK_GROUP_JOB && (j.data as { eventIds: string[] }).eventIds.some((id) => events.includes(id)));
      expect(groupJobs.length).toBeGreaterThan(0);
      for (const j of groupJobs) expect(Object.keys(j.data as object)).toEqual(['eventIds']);
      expect(groupJobs.flatMap((j) => (j.data as { eventIds: string[] }).eventIds).filter((id) => events.includes(id)).length).toBeGreaterThan(1);
      const metrics = (await call(gw, 'GET', '/metrics')).text;
      expect(Number(/^pasarela_webhook_intake_statements_total\{kind="group"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    }, 60_000);

    it('a row of a group job that fails goes to its own job (retries, dead letter) while the group\'s other rows are applied', async () => {
      const good = await Promise.all([1, 2, 3].map(() => fundedAccount(ledger, 0n)));
      const usd = await ledger.createAccount({ code: `test:wh:usd:${randomUUID()}`, type: 'liability', currency: 'USD' });
      const clabes = [...(await Promise.all(good.map((a) => linkClabe(a)))), await linkClabe(usd.id)];
      // Rows as a group statement writes them, with no job yet; then the group's job.
      const bodies = clabes.map((clabe, k) => ({ clabe, reference: `GJOB${k}R${randomInt(1e7, 9e7)}`, amount: '7.00' }));
      const found = await gw.app.get(InboxRepository).insertOrFindMany(bodies.map((b) => ({
        provider: 'stp', type: 'spei_in', dedupKey: `${b.clabe}:${b.reference}`, payload: b, payloadHash: payloadHash(b), amount: 700n,
      })));
      const ids = found.map((f) => f!.row.id);
      const queue = gw.app.get(QueueFactory).queue(QueueName.Webhooks);
      await queue.add(WEBHOOK_GROUP_JOB, { eventIds: ids }, { jobId: `group-${ids[0]}`, attempts: 3 });
      const results = await Promise.all(ids.map((id) => settled(gw, id)));
      expect(results.slice(0, 3).map((r) => [r.status, r.outcome])).toEqual([['APPLIED', 'credited'], ['APPLIED', 'credited'], ['APPLIED', 'credited']]);
      for (const a of good) expect((await ledger.balances(a)).posted).toBe(700n);
      // The USD row failed in the batch, then alone, then in the job of its own id: a permanent error, FAILED.
      expect(results[3]).toMatchObject({ status: 'FAILED', last_error: expect.stringMatching(/currency/) });
      expect((await queue.getJob(ids[3]))?.name).toBe('spei_in');
    }, 30_000);

    it('the sweeper leaves the rows of a group job still waiting alone, and gives each its own job once that job is gone', async () => {
      const account = await fundedAccount(ledger, 0n);
      const clabe = await linkClabe(account);
      const bodies = [1, 2].map((k) => ({ clabe, reference: `SWG${k}R${randomInt(1e7, 9e7)}`, amount: '1.00' }));
      const jobId = `group-${randomUUID()}`;
      const found = await gw.app.get(InboxRepository).insertOrFindMany(
        bodies.map((b) => ({ provider: 'stp', type: 'spei_in', dedupKey: `${b.clabe}:${b.reference}`, payload: b, payloadHash: payloadHash(b), amount: 100n })),
        undefined,
        jobId,
      );
      const ids = found.map((f) => f!.row.id);
      const queue = gw.app.get(QueueFactory).queue(QueueName.Webhooks);
      await queue.add(WEBHOOK_GROUP_JOB, { eventIds: ids }, { jobId, delay: 60_000 });
      // Older than SWEEPER_AGE_MS (1 s) and several sweeper passes (every 300 ms) later: no job of their own.
      await new Promise((r) => setTimeout(r, 2000));
      for (const id of ids) expect(await queue.getJob(id)).toBeUndefined();
      const pending = (await db.query(`select status, job_id from webhook_events where id = any($1::uuid[])`, [ids])).rows;
      expect(pending).toEqual([{ status: 'PENDING', job_id: jobId }, { status: 'PENDING', job_id: jobId }]);
      // The group's job is lost (as in a Redis flush): the sweeper enqueues each row, and each is applied once.
      await (await queue.getJob(jobId))!.remove();
      for (const id of ids) expect(await settled(gw, id)).toMatchObject({ status: 'APPLIED', outcome: 'credited' });
      expect((await ledger.balances(account)).posted).toBe(200n);
    }, 30_000);

    it('SPEI IN to an unknown CLABE credits suspense and is surfaced by outcome', async () => {
      const before = (await ledger.balances(SYSTEM_ACCOUNTS.suspense.id)).posted;
      const r = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: newClabe(), reference: `UNK${randomInt(1e8, 9e8)}`, amount: 12.5 });
      const ev = await settled(gw, r.body.event_id);
      expect(ev).toMatchObject({ status: 'APPLIED', outcome: 'suspense_unknown_clabe', ledger_account_id: SYSTEM_ACCOUNTS.suspense.id });
      expect((await ledger.balances(SYSTEM_ACCOUNTS.suspense.id)).posted - before).toBe(1250n);
      const metric = /pasarela_suspense_balance_centavos (\d+)/.exec((await call(gw, 'GET', '/metrics')).text);
      expect(BigInt(metric?.[1] ?? -1)).toBe((await ledger.balances(SYSTEM_ACCOUNTS.suspense.id)).posted);
      const list = await call(gw, 'GET', '/v1/webhook-events?provider=stp&type=spei_in&outcome=suspense_unknown_clabe', { key: gw.adminKey });
      expect(list.body.data.map((e: any) => e.id)).toContain(r.body.event_id);
    });

    it('SPEI IN with a bad payload is a 400 and stores nothing', async () => {
      const reference = `BADAMT${randomInt(1e6, 9e6)}`;
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: newClabe(), reference, amount: '1.234' })).status).toBe(400);
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: '123', reference, amount: '1.00' })).status).toBe(400);
      expect(await rowsWithKey(reference)).toBe(0);
    });

    it('CLABE status and SPEI OUT status with malformed payloads are a 400 with the reason, leaving no row and no job', async () => {
      const clabe = newClabe();
      const wrongCheck = clabe.slice(0, 17) + String((Number(clabe[17]) + 1) % 10);
      await expectRefused(
        gw,
        '/webhooks/stp/clabe-status',
        [
          [{ clabe }, /status must be 1 \(active\) or 0 \(inactive\)/],
          [{ status: 1 }, /clabe is required/],
          [{ clabe, status: 'active' }, /status must be 1/],
          [{ clabe, status: 2 }, /status must be 1/],
          [{ clabe, status: 1.5 }, /status must be 1/],
          [{ clabe: Number(clabe), status: 1 }, /clabe must be a string/],
          [{ clabe: wrongCheck, status: 1 }, /clabe has a wrong check digit/],
        ],
        wrongCheck.slice(0, 17),
      );
      const folio = `BADOUT${randomInt(1e8, 9e8)}`;
      await expectRefused(
        gw,
        '/webhooks/stp/spei-out',
        [
          [{ id: 1, status: 1, cause: 'Liquidación' }, /folio must be the order tracking key/],
          [{ id: 1, folio, cause: 'Liquidación' }, /status must be 1 \(settled\) or 0 \(returned\)/],
          [{ id: 1, folio: Number(folio.slice(6)), status: 1 }, /folio must be/],
          [{ id: 1, folio, status: '1.0' }, /status must be 1/],
          [{ id: 1, folio, status: 1, cause: { text: 'Liquidación' } }, /cause must be a string/],
        ],
        folio.slice(6),
      );
      await expectRefused(gw, '/webhooks/stp/spei-in', [[{ clabe, reference: folio, amount: '10.005' }, /amount must be a decimal with at most 2 decimals/], [{ clabe, reference: folio }, /amount is required/]], folio);
    });

    it('CLABE status without signatures (basic auth only): 0 → 1 → 0 is three changes; a re-send of the current status is a duplicate', async () => {
      // A comma is an empty secret list (an empty value means the development secret): basic auth only, no webhook-id.
      const basicOnly = await startGateway({ ...WORKER_ENV, STP_WEBHOOK_SECRETS: ',', STP_WEBHOOK_BASIC_AUTH: 'stp:s3cret' });
      try {
        const auth = { unsigned: true, headers: { authorization: `Basic ${Buffer.from('stp:s3cret').toString('base64')}` } };
        const account = await fundedAccount(ledger, 0n);
        const clabe = await linkClabe(account);
        const linkStatus = async () => (await call(gw, 'GET', `/v1/provider-links/stp-clabes/${clabe}`, { key: gw.adminKey })).body.status;
        expect((await sendWebhook(basicOnly, '/webhooks/stp/clabe-status', { clabe, status: 0 })).status).toBe(401);
        const off = await sendWebhook(basicOnly, '/webhooks/stp/clabe-status', { clabe, status: 0 }, auth);
        expect(off.body).toMatchObject({ received: true, duplicate: false });
        expect((await settled(gw, off.body.event_id)).outcome).toBe('deactivated');
        const resend = await sendWebhook(basicOnly, '/webhooks/stp/clabe-status', { clabe, status: 0 }, auth);
        expect(resend.body).toMatchObject({ event_id: off.body.event_id, duplicate: true });
        const on = await sendWebhook(basicOnly, '/webhooks/stp/clabe-status', { clabe, status: 1 }, auth);
        expect(on.body.duplicate).toBe(false);
        expect((await settled(gw, on.body.event_id)).outcome).toBe('activated');
        expect(await linkStatus()).toBe('active');
        const offAgain = await sendWebhook(basicOnly, '/webhooks/stp/clabe-status', { clabe, status: 0 }, auth);
        expect(offAgain.body.duplicate).toBe(false);
        expect(offAgain.body.event_id).not.toBe(off.body.event_id);
        expect((await settled(gw, offAgain.body.event_id)).outcome).toBe('deactivated');
        expect(await linkStatus()).toBe('inactive');
        expect(await rowsWithKey(clabe)).toBe(3);
      } finally {
        await basicOnly.close();
      }
    });

    it('a CLABE status applied after a later one has been applied changes nothing (jobs may run out of order)', async () => {
      const account = await fundedAccount(ledger, 0n);
      const clabe = await linkClabe(account);
      const insert = async (status: number, receivedAt: string) =>
        (await db.query(
          `insert into webhook_events (provider, type, dedup_key, payload, payload_hash, status, received_at) values ('stp', 'clabe_status', $1, $2, 'h', 'PENDING', $3) returning id`,
          [`${clabe}:${status}:test-${randomUUID()}`, { clabe, status }, receivedAt],
        )).rows[0].id as string;
      const now = Date.now();
      const earlierOff = await insert(0, new Date(now - 2000).toISOString());
      const laterOn = await insert(1, new Date(now - 1000).toISOString());
      const applier = gw.app.get(WebhookApplier);
      expect(await applier.apply(laterOn)).toMatchObject({ applied: true, outcome: 'activated' });
      expect(await applier.apply(earlierOff)).toMatchObject({ applied: true, status: 'APPLIED', outcome: 'superseded' });
      expect((await call(gw, 'GET', `/v1/provider-links/stp-clabes/${clabe}`, { key: gw.adminKey })).body.status).toBe('active');
    });

    it('registering an STP CLABE checks its bank code and check digit (400 naming the field)', async () => {
      const account = await fundedAccount(ledger, 0n);
      const good = newClabe();
      const wrongCheck = good.slice(0, 17) + String((Number(good[17]) + 1) % 10);
      let unknownBank = '';
      for (let code = 0; code < 1000 && !unknownBank; code++) {
        const first17 = `${String(code).padStart(3, '0')}18012330000040`;
        const candidate = `${first17}${Clabe.checkDigit(first17)}`;
        if (Clabe.problem(candidate) === 'bank_code') unknownBank = candidate;
      }
      expect(unknownBank).toHaveLength(18);
      for (const [clabe, reason] of [[wrongCheck, /check digit/], [unknownBank, /bank code/], ['64618012330000040', /18 digits/], ['6461801233000004a8', /digits only/]] as const) {
        const r = await call(gw, 'POST', '/v1/provider-links/stp-clabes', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { clabe, ledger_account_id: account } });
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('validation_failed');
        expect(r.body.errors).toEqual([{ field: 'clabe', message: expect.stringMatching(reason) }]);
        expect((await call(gw, 'GET', `/v1/provider-links/stp-clabes/${clabe}`, { key: gw.adminKey })).status).toBe(404);
      }
      const ok = await call(gw, 'POST', '/v1/provider-links/stp-clabes', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { clabe: good, ledger_account_id: account } });
      expect(ok.status).toBe(201);
    });

    it('CLABE status deactivates and reactivates the account; an unknown CLABE is kept UNMATCHED', async () => {
      const account = await fundedAccount(ledger, 0n);
      const clabe = await linkClabe(account);
      const off = await sendWebhook(gw, '/webhooks/stp/clabe-status', { clabe, status: 0 });
      expect((await settled(gw, off.body.event_id)).outcome).toBe('deactivated');
      expect((await call(gw, 'GET', `/v1/provider-links/stp-clabes/${clabe}`, { key: gw.adminKey })).body.status).toBe('inactive');
      // SPEI IN to an inactive CLABE lands in suspense.
      const dep = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe, reference: `INA${randomInt(1e8, 9e8)}`, amount: '5.00' });
      expect((await settled(gw, dep.body.event_id)).outcome).toBe('suspense_inactive_clabe');
      const on = await sendWebhook(gw, '/webhooks/stp/clabe-status', { clabe, status: '1' });
      expect((await settled(gw, on.body.event_id)).outcome).toBe('activated');
      expect((await call(gw, 'GET', `/v1/provider-links/stp-clabes/${clabe}`, { key: gw.adminKey })).body.status).toBe('active');
      const unknown = await sendWebhook(gw, '/webhooks/stp/clabe-status', { clabe: newClabe(), status: 1 });
      expect(await settled(gw, unknown.body.event_id)).toMatchObject({ status: 'UNMATCHED', outcome: 'unknown_clabe' });
    });

    it('SPEI OUT status before its order is known is kept UNMATCHED, then applied by a replay; a return voids the hold', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const folio = `PASARELA${randomInt(1e8, 9e8)}`;
      const r = await sendWebhook(gw, '/webhooks/stp/spei-out', { id: 8610843, folio, status: 1, cause: 'Liquidación' });
      expect(r.status).toBe(200);
      expect(await settled(gw, r.body.event_id)).toMatchObject({ status: 'UNMATCHED', outcome: 'order_unknown' });
      const unmatched = await call(gw, 'GET', '/v1/webhook-events?status=UNMATCHED&type=spei_out_status', { key: gw.adminKey });
      expect(unmatched.body.data.map((e: any) => e.id)).toContain(r.body.event_id);
      // The order becomes known (the SPEI OUT flow holds the amount, external_ref = tracking key).
      const hold = await ledger.hold({ idempotencyKey: `spei-out:${folio}`, debitAccountId: account, creditAccountId: SYSTEM_ACCOUNTS.stpSettlement.id, amount: 40_000n, kind: 'spei_out', externalRef: folio });
      const replay = await call(gw, 'POST', `/v1/webhook-events/${r.body.event_id}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(replay.status).toBe(200);
      expect(replay.body.enqueued).toBe(true);
      expect(await settled(gw, r.body.event_id)).toMatchObject({ status: 'APPLIED', outcome: 'posted' });
      expect((await ledger.getTransfer(hold.transfer.id)).status).toBe('posted');
      expect((await ledger.balances(account)).posted).toBe(60_000n);
      // Replaying an APPLIED event never applies it again.
      const again = await call(gw, 'POST', `/v1/webhook-events/${r.body.event_id}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(again.body.enqueued).toBe(false);

      const folio2 = `PASARELA${randomInt(1e8, 9e8)}`;
      const hold2 = await ledger.hold({ idempotencyKey: `spei-out:${folio2}`, debitAccountId: account, creditAccountId: SYSTEM_ACCOUNTS.stpSettlement.id, amount: 10_000n, kind: 'spei_out', externalRef: folio2 });
      const ret = await sendWebhook(gw, '/webhooks/stp/spei-out', { id: 8610844, folio: folio2, status: 0, cause: 'Devolución: cuenta inexistente' });
      expect(await settled(gw, ret.body.event_id)).toMatchObject({ status: 'APPLIED', outcome: 'voided' });
      expect((await ledger.getTransfer(hold2.transfer.id)).status).toBe('voided');
      expect((await ledger.balances(account)).available).toBe(60_000n);
    });

    it('a permanent apply error dead-letters the row as FAILED; a replay after the fix applies it', async () => {
      const usd = await ledger.createAccount({ code: `test:wh:usd:${randomUUID()}`, type: 'liability', currency: 'USD' });
      const clabe = await linkClabe(usd.id);
      const r = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe, reference: `USD${randomInt(1e8, 9e8)}`, amount: '3.00' });
      const ev = await settled(gw, r.body.event_id);
      expect(ev.status).toBe('FAILED');
      expect(ev.last_error).toMatch(/currency/);
      const failed = await call(gw, 'GET', '/v1/webhook-events?status=FAILED', { key: gw.adminKey });
      expect(failed.body.data.map((e: any) => e.id)).toContain(r.body.event_id);
      const mxn = await fundedAccount(ledger, 0n);
      await call(gw, 'POST', '/v1/provider-links/stp-clabes', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { clabe, ledger_account_id: mxn } });
      await call(gw, 'POST', `/v1/webhook-events/${r.body.event_id}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(await settled(gw, r.body.event_id)).toMatchObject({ status: 'APPLIED', outcome: 'credited' });
      expect((await ledger.balances(mxn)).posted).toBe(300n);
    });
    it('a transiently failing job is retried with backoff, then dead-lettered as FAILED; a replay of the failed settlement applies it', async () => {
      const account = await fundedAccount(ledger, 10_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `T${randomInt(1e8, 9e8)}`;
      const key = `${accountNumber}:${ref}`;
      const fn = `test_transient_${randomUUID().replace(/-/g, '')}`;
      // The settlement's commit fails as a serialization failure would (40001: not a domain error, so retried).
      await db.query(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'injected transient failure' using errcode = '40001'; end $$`);
      await db.query(`create trigger ${fn} before update on webhook_events for each row when (new.type = 'debit' and new.dedup_key = '${key}' and new.status = 'APPLIED') execute function ${fn}()`);
      let dropped = false;
      const drop = async () => {
        if (dropped) return;
        dropped = true;
        await db.query(`drop trigger if exists ${fn} on webhook_events`);
        await db.query(`drop function if exists ${fn}()`);
      };
      try {
        const started = Date.now();
        const r = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 25, ref));
        expect(r.body.code).toBe(-1);
        const id = (await db.query('select id from webhook_events where type = $1 and dedup_key = $2', ['debit', key])).rows[0].id as string;
        const ev = await settled(gw, id, 20_000);
        expect(ev).toMatchObject({ status: 'FAILED', attempts: 3 });
        expect(ev.last_error).toMatch(/injected transient failure/);
        // Three tries with 300 ms then 600 ms between them.
        const job = await gw.app.get(QueueFactory).queue(QueueName.Webhooks).getJob(id);
        expect(job?.attemptsMade).toBe(3);
        expect(job!.finishedOn! - job!.timestamp).toBeGreaterThanOrEqual(880);
        expect(Date.now() - started).toBeGreaterThanOrEqual(880);
        const failed = await call(gw, 'GET', '/v1/webhook-events?status=FAILED&type=debit', { key: gw.adminKey });
        expect(failed.body.data.map((e: any) => e.id)).toContain(id);
        // Still authorized and held, not settled.
        expect(await ledger.balances(account)).toMatchObject({ posted: 10_000n, available: 7_500n });
        await drop();
        const replay = await call(gw, 'POST', `/v1/webhook-events/${id}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() });
        expect(replay.status).toBe(200);
        expect(replay.body).toMatchObject({ enqueued: true, event: { status: 'PENDING' } });
        expect(await settled(gw, id)).toMatchObject({ status: 'APPLIED', outcome: 'settled' });
        expect(await ledger.balances(account)).toMatchObject({ posted: 7_500n, available: 7_500n });
      } finally {
        await drop();
      }
    }, 30_000);
  });

  describe('Credencial', () => {
    it('DEBIT is authorized as a hold with the balances of the same transaction, replayed to a duplicate, and settled by the worker', async () => {
      const account = await fundedAccount(ledger, 700_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `D${randomInt(1e8, 9e8)}`;
      const r = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 2000.0, ref));
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ code: -1, message: 'Retiro aplicado con éxito.', emi_account_identifier: emi, balance_actual: 5000, balance_last: 7000, reference: ref });
      expect(typeof r.body.date).toBe('number');
      const dup = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 2000.0, ref));
      expect(dup.body).toEqual(r.body);
      const conflict = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 2500.0, ref));
      expect(conflict.status).toBe(409);
      const list = await call(gw, 'GET', '/v1/webhook-events?provider=credencial&type=debit', { key: gw.adminKey });
      const ev = list.body.data.find((e: any) => e.dedup_key === `${accountNumber}:${ref}`);
      expect(await settled(gw, ev.id)).toMatchObject({ status: 'APPLIED', outcome: 'settled', amount: '2000.00' });
      const b = await ledger.balances(account);
      expect(b.posted).toBe(500_000n);
      expect(b.available).toBe(500_000n);
      // Settled by the worker's batch settler, not by a job per DEBIT; the hold posted under the one-row path's key.
      expect(await gw.app.get(QueueFactory).queue(QueueName.Webhooks).getJob(ev.id)).toBeUndefined();
      const post = await ledger.findByIdempotencyKey(`wh:settle:${ev.id}`);
      expect(post?.transfers[0]).toMatchObject({ op: 'post', status: 'posted', amount: 200_000n, kind: 'card_debit' });
    });

    it('a DEBIT whose locks the ledger cannot take in time is declined (99), stores and holds nothing, and its retry is authorized', async () => {
      const account = await fundedAccount(ledger, 10_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `L${randomInt(1e8, 9e8)}`;
      // Another transaction on the same card transaction (a REVERSE stuck mid-way) holds its advisory lock.
      const blocker = await db.pool.connect();
      try {
        await blocker.query('begin');
        await blocker.query('select pg_advisory_xact_lock(hashtext($1))', [`credencial:${accountNumber}:${ref}`]);
        const started = Date.now();
        const r = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 25, ref));
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ code: 99, message: 'Sistema no disponible, intente más tarde.', emi_account_identifier: emi, balance_actual: 0, balance_last: 0, reference: ref });
        expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      } finally {
        await blocker.query('rollback');
        blocker.release();
      }
      const { rows } = await db.query('select id from webhook_events where type = $1 and dedup_key = $2', ['debit', `${accountNumber}:${ref}`]);
      expect(rows).toEqual([]);
      expect(await ledger.balances(account)).toMatchObject({ posted: 10_000n, available: 10_000n });
      const retry = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 25, ref));
      expect(retry.body).toMatchObject({ code: -1, balance_actual: 75, balance_last: 100 });
    });

    it('declines insufficient funds, a blocked card and an unknown account with a code and a message, holding nothing', async () => {
      const account = await fundedAccount(ledger, 1_000n);
      const { accountNumber, emi } = await linkCard(account);
      const poor = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 10.01, `P${randomInt(1e8, 9e8)}`));
      expect(poor.body).toMatchObject({ code: 1, message: 'Fondos insuficientes.', balance_actual: 10, balance_last: 10 });
      const blockedAccount = await fundedAccount(ledger, 1_000n);
      const blocked = await linkCard(blockedAccount, 'blocked');
      const b = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(blocked.accountNumber, blocked.emi, 1, `B${randomInt(1e8, 9e8)}`));
      expect(b.body.code).toBe(3);
      expect(b.body.message).toMatch(/bloqueada/);
      const u = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload('999999999999', '1', 1, `U${randomInt(1e8, 9e8)}`));
      expect(u.body.code).toBe(2);
      expect(u.body.message).toMatch(/desconocida/);
      expect((await ledger.balances(account)).available).toBe(1_000n);
      expect((await ledger.balances(blockedAccount)).available).toBe(1_000n);
    });

    it('REVERSE voids the hold, is answered the same when sent twice, refuses more than the original, and reverses a settled debit', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `R${randomInt(1e8, 9e8)}`;
      expect((await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 300, ref))).body.code).toBe(-1);
      const over = await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 300.01, ref));
      expect(over.body.code).toBe(99);
      expect(over.body.message).toMatch(/excede/);
      const rev = await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 300, ref));
      expect(rev.body).toMatchObject({ code: -1, message: 'Reversa aplicada con éxito.', balance_actual: 1000, balance_last: 700 });
      const twice = await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, '300.00', ref));
      expect(twice.body).toEqual(rev.body);
      expect((await ledger.balances(account)).available).toBe(100_000n);

      // Settled first, then reversed in two parts.
      const ref2 = `S${randomInt(1e8, 9e8)}`;
      await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 100, ref2));
      const list = await call(gw, 'GET', '/v1/webhook-events?provider=credencial&type=debit', { key: gw.adminKey });
      const ev = list.body.data.find((e: any) => e.dedup_key === `${accountNumber}:${ref2}`);
      expect((await settled(gw, ev.id)).outcome).toBe('settled');
      expect((await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 40, ref2))).body).toMatchObject({ code: -1, balance_actual: 940, balance_last: 900 });
      expect((await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 70, ref2))).body.code).toBe(99);
      expect((await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 60, ref2))).body).toMatchObject({ code: -1, balance_actual: 1000 });
      expect((await ledger.balances(account)).posted).toBe(100_000n);
    });

    it('REVERSE before its DEBIT is answered and kept; the late DEBIT is then declined and holds nothing', async () => {
      const account = await fundedAccount(ledger, 50_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `E${randomInt(1e8, 9e8)}`;
      const rev = await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 20, ref));
      expect(rev.body).toMatchObject({ code: -1, balance_actual: 500, balance_last: 500 });
      const pending = await call(gw, 'GET', '/v1/webhook-events?provider=credencial&type=reverse&status=UNMATCHED', { key: gw.adminKey });
      expect(pending.body.data.some((e: any) => e.dedup_key.startsWith(`${accountNumber}:${ref}:`))).toBe(true);
      const late = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 20, ref));
      expect(late.body.code).toBe(99);
      expect(late.body.message).toMatch(/reversado/);
      expect((await ledger.balances(account)).available).toBe(50_000n);
    });

    it('a reversal-first cannot be replayed (409): it stays UNMATCHED and its late DEBIT is still declined; queries cannot be replayed either', async () => {
      const account = await fundedAccount(ledger, 50_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `F${randomInt(1e8, 9e8)}`;
      expect((await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 20, ref))).body.code).toBe(-1);
      const rows = await call(gw, 'GET', '/v1/webhook-events?provider=credencial&type=reverse&status=UNMATCHED', { key: gw.adminKey });
      const early = rows.body.data.find((e: any) => e.dedup_key.startsWith(`${accountNumber}:${ref}:`));
      const replay = await call(gw, 'POST', `/v1/webhook-events/${early.id}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(replay.status).toBe(409);
      expect(replay.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(replay.body).toMatchObject({ code: 'webhook_not_replayable', status: 409 });
      expect(replay.body.detail).toMatch(/reverse/);
      // Given time, no worker touches it: still UNMATCHED.
      await new Promise((res) => setTimeout(res, 300));
      expect((await call(gw, 'GET', `/v1/webhook-events/${early.id}`, { key: gw.adminKey })).body).toMatchObject({ status: 'UNMATCHED', outcome: 'debit_unknown' });
      const late = await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 20, ref));
      expect(late.body).toMatchObject({ code: 99, message: expect.stringMatching(/reversado/) });
      expect((await ledger.balances(account)).available).toBe(50_000n);
      expect((await call(gw, 'GET', `/v1/webhook-events/${early.id}`, { key: gw.adminKey })).body).toMatchObject({ status: 'APPLIED', outcome: 'matched_late_debit' });

      const webhookId = `msg_${randomUUID()}`;
      await sendWebhook(gw, '/webhooks/credencial/balance', { emi_account_reference: '1', emi_account_identifier: emi, account_number: Number(accountNumber), identifier_adq: '', reference: '', origin: 'X' }, { webhookId });
      const query = (await db.query('select id from webhook_events where webhook_id = $1', [webhookId])).rows[0].id;
      expect((await call(gw, 'POST', `/v1/webhook-events/${query}/replay`, { key: gw.adminKey, idempotencyKey: randomUUID() })).body.code).toBe('webhook_not_replayable');
    });

    it('a REVERSE shaped exactly like the document\'s example (currency "?", date "?", reference "?") reverses its DEBIT', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const { accountNumber, emi } = await linkCard(account);
      const debit = await sendWebhook(gw, '/webhooks/credencial/debit', { ...debitPayload(accountNumber, emi, 100, '?'), identifier_adq: '?' });
      expect(debit.body).toMatchObject({ code: -1, balance_actual: 900 });
      // The document's REVERSE DEBIT example, field for field, on this card.
      const example = {
        emi_account_identifier: emi,
        account_number: Number(accountNumber),
        identifier_adq: '?',
        origin: '?',
        reverse_reason: '?',
        amount: 100,
        currency: '?',
        amount_liq: 100,
        currency_liq: '?',
        date: '?',
        reference: '?',
        trade_name: '?',
      };
      const rev = await sendWebhook(gw, '/webhooks/credencial/reverse', example);
      expect(rev.status).toBe(200);
      expect(rev.body).toMatchObject({ code: -1, emi_account_identifier: emi, balance_actual: 1000, balance_last: 900 });
      expect((await ledger.balances(account)).available).toBe(100_000n);
      // A real currency code we do not settle in is still refused.
      const usd = await sendWebhook(gw, '/webhooks/credencial/reverse', { ...example, currency_liq: 999 });
      expect(usd.status).toBe(400);
    });

    it('DEBITs with placeholder reference and identifier_adq (the document\'s "-" and "?") are told apart by their transaction; a REVERSE still finds its DEBIT', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const { accountNumber, emi } = await linkCard(account);
      const doc = (amount: number, date: string, terminal: string) => ({ ...debitPayload(accountNumber, emi, amount, '-'), identifier_adq: '?', date, terminal });
      const first = await sendWebhook(gw, '/webhooks/credencial/debit', doc(100, '18/12/2012 03:29:30 PM', '?'));
      expect(first.body).toMatchObject({ code: -1, balance_actual: 900, reference: '-' });
      // Another debit on the card, with the same placeholders: a new transaction, not a duplicate nor a 409.
      const second = await sendWebhook(gw, '/webhooks/credencial/debit', doc(150, '18/12/2012 03:31:02 PM', '?'));
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ code: -1, balance_actual: 750, balance_last: 900 });
      const third = await sendWebhook(gw, '/webhooks/credencial/debit', doc(100, '18/12/2012 03:29:30 PM', 'TERM0002'));
      expect(third.body).toMatchObject({ code: -1, balance_actual: 650 });
      // The same delivery again is a duplicate.
      expect((await sendWebhook(gw, '/webhooks/credencial/debit', doc(150, '18/12/2012 03:31:02 PM', '?'))).body).toEqual(second.body);
      expect(await rowsWithKey(`${accountNumber}:adq`)).toBe(0);
      const keys = (await db.query(`select dedup_key from webhook_events where type = 'debit' and starts_with(dedup_key, $1)`, [`${accountNumber}:`])).rows.map((r) => r.dedup_key);
      expect(keys).toHaveLength(3);
      expect(keys.every((k: string) => k.startsWith(`${accountNumber}:anon#`))).toBe(true);
      // The reversal of the 150.00 one (placeholders too, its own date): that debit's hold is voided.
      const rev = await sendWebhook(gw, '/webhooks/credencial/reverse', { ...reversePayload(accountNumber, emi, 150, '-'), identifier_adq: '?', date: '?' });
      expect(rev.body).toMatchObject({ code: -1, balance_actual: 800, balance_last: 650 });
      const debits = await call(gw, 'GET', '/v1/webhook-events?provider=credencial&type=debit', { key: gw.adminKey });
      const reversed = debits.body.data.filter((e: any) => keys.includes(e.dedup_key) && e.reversed_amount !== '0.00');
      expect(reversed.map((e: any) => [e.amount, e.reversed_amount])).toEqual([['150.00', '150.00']]);
      expect((await ledger.balances(account)).available).toBe(80_000n);

      // Reversal first with placeholders: kept; the late DEBIT it reverses is declined and holds nothing.
      const other = await linkCard(await fundedAccount(ledger, 10_000n));
      const early = await sendWebhook(gw, '/webhooks/credencial/reverse', { ...reversePayload(other.accountNumber, other.emi, 30, '-'), identifier_adq: '?' });
      expect(early.body.code).toBe(-1);
      const late = await sendWebhook(gw, '/webhooks/credencial/debit', { ...debitPayload(other.accountNumber, other.emi, 30, '-'), identifier_adq: '?' });
      expect(late.body).toMatchObject({ code: 99, message: expect.stringMatching(/reversado/) });
      const next = await sendWebhook(gw, '/webhooks/credencial/debit', { ...debitPayload(other.accountNumber, other.emi, 30, '-'), identifier_adq: '?', date: '18/12/2012 04:00:00 PM' });
      expect(next.body).toMatchObject({ code: -1, balance_actual: 70 });
    });

    it('DEBIT, REVERSE, BALANCE and MOVEMENTS with malformed payloads are a 400 with the reason, leaving no row and no job', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `X${randomInt(1e8, 9e8)}`;
      const debit = debitPayload(accountNumber, emi, 10, ref);
      const { amount_liq: _liq, ...noAmountLiq } = debit;
      const { emi_account_identifier: _emi, ...noEmi } = debit;
      await expectRefused(
        gw,
        '/webhooks/credencial/debit',
        [
          [noAmountLiq, /amount_liq is required/],
          [noEmi, /emi_account_identifier is required/],
          [{ ...debit, amount: 10.005 }, /amount must be an amount with at most 2 decimals/],
          [{ ...debit, amount_liq: '10.125' }, /amount_liq must be an amount with at most 2 decimals/],
          [{ ...debit, account_number: 'ABC123' }, /account_number must be digits/],
          [{ ...debit, amount_liq: true }, /amount_liq is required/],
          [{ ...debit, terminal: { id: 'T1' } }, /terminal must be a string/],
          [{ ...debit, emi_account_identifier: ['1'] }, /emi_account_identifier must be a string/],
        ],
        ref,
      );
      const reverse = reversePayload(accountNumber, emi, 10, ref);
      const { amount_liq: _rliq, ...revNoAmountLiq } = reverse;
      await expectRefused(
        gw,
        '/webhooks/credencial/reverse',
        [
          [revNoAmountLiq, /amount_liq is required/],
          [{ ...reverse, amount_liq: 9.999 }, /amount_liq must be an amount with at most 2 decimals/],
          [{ ...reverse, account_number: { n: 1 } }, /account_number must be digits/],
          [{ ...reverse, emi_account_identifier: '' }, /emi_account_identifier is required/],
          [{ ...reverse, reference: [ref] }, /reference must be a string/],
        ],
        ref,
      );
      const inquiry = { emi_account_reference: '0001003143', emi_account_identifier: emi, account_number: Number(accountNumber), identifier_adq: '', reference: ref, origin: 'MASTER_ATM' };
      const { account_number: _n, ...noAccount } = inquiry;
      for (const path of ['/webhooks/credencial/balance', '/webhooks/credencial/movements']) {
        await expectRefused(
          gw,
          path,
          [
            [noAccount, /account_number must be digits/],
            [{ ...inquiry, account_number: '12.5' }, /account_number must be digits/],
            [{ ...inquiry, emi_account_identifier: null }, /emi_account_identifier is required/],
            [{ ...inquiry, origin: false }, /origin must be a string/],
          ],
          ref,
        );
      }
      expect((await ledger.balances(account)).available).toBe(100_000n);
    });

    it('a DEBIT settled in an unsupported currency (currency_liq 840) is declined, holds nothing and queues nothing', async () => {
      const account = await fundedAccount(ledger, 100_000n);
      const { accountNumber, emi } = await linkCard(account);
      const ref = `USD${randomInt(1e8, 9e8)}`;
      const jobs = watchEnqueues(gw);
      const r = await sendWebhook(gw, '/webhooks/credencial/debit', { ...debitPayload(accountNumber, emi, 10, ref), currency: 840, currency_liq: 840 });
      expect(jobs.stop()).toBe(0);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ code: 99, message: expect.stringMatching(/Moneda de liquidación no soportada \(840\)/), balance_actual: 1000, balance_last: 1000, reference: ref });
      const row = (await db.query(`select status, outcome, ledger_transfer_id from webhook_events where type = 'debit' and dedup_key = $1`, [`${accountNumber}:${ref}`])).rows[0];
      expect(row).toEqual({ status: 'APPLIED', outcome: 'declined:currency', ledger_transfer_id: null });
      expect((await ledger.balances(account)).available).toBe(100_000n);
    });

    it('BALANCE answers the available balance; MOVEMENTS the latest entries in the documented shape', async () => {
      const account = await fundedAccount(ledger, 123_456n);
      const { accountNumber, emi } = await linkCard(account);
      const reference = String(randomInt(10_000, 99_999));
      await sendWebhook(gw, '/webhooks/credencial/debit', { ...debitPayload(accountNumber, emi, 0.56, reference), terminal: '0116TERM0050101' });
      const inquiry = { emi_account_reference: '0001003143', emi_account_identifier: emi, account_number: Number(accountNumber), identifier_adq: '', reference: '', origin: 'MASTER_ATM' };
      const bal = await sendWebhook(gw, '/webhooks/credencial/balance', inquiry);
      expect(bal.body).toMatchObject({ code: -1, message: 'Consulta aplicada con éxito.', balance_actual: 1234, reference: '-' });
      const mov = await sendWebhook(gw, '/webhooks/credencial/movements', inquiry);
      expect(mov.body).toMatchObject({ code: -1, reference: '-' });
      expect(mov.body.movements.length).toBeGreaterThanOrEqual(2);
      // The DEBIT's own reference and terminal (the document's example: "25487", "0116TERM0050101").
      expect(mov.body.movements[0]).toEqual({ reference, type: '33', amount: 0.56, currency: 484, date: expect.any(Number), terminal: '0116TERM0050101' });
      expect(mov.body.movements.some((m: any) => m.type === '1027' && m.amount === 1234.56 && m.reference === '-' && m.terminal === '-')).toBe(true);
      // Settled, then partly reversed: the settled charge and the reversal both carry the DEBIT's reference and terminal.
      const debitId = (await db.query(`select id from webhook_events where type = 'debit' and dedup_key = $1`, [`${accountNumber}:${reference}`])).rows[0].id;
      expect((await settled(gw, debitId)).outcome).toBe('settled');
      expect((await sendWebhook(gw, '/webhooks/credencial/reverse', reversePayload(accountNumber, emi, 0.5, reference))).body.code).toBe(-1);
      const after = await sendWebhook(gw, '/webhooks/credencial/movements', inquiry);
      expect(after.body.movements.slice(0, 2)).toEqual([
        { reference, type: '1027', amount: 0.5, currency: 484, date: expect.any(Number), terminal: '0116TERM0050101' },
        { reference, type: '33', amount: 0.56, currency: 484, date: expect.any(Number), terminal: '0116TERM0050101' },
      ]);
      const unknown = await sendWebhook(gw, '/webhooks/credencial/balance', { ...inquiry, account_number: 1 });
      expect(unknown.body.code).toBe(2);
    });

    it('200 concurrent DEBITs on one card never overdraw', async () => {
      const account = await fundedAccount(ledger, 10_000n);
      const { accountNumber, emi } = await linkCard(account);
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) => sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 1, `C${i}x${randomInt(1e6, 9e6)}`))),
      );
      expect(answers.every((a) => a.status === 200)).toBe(true);
      const approved = answers.filter((a) => a.body.code === -1);
      expect(approved.length).toBe(100);
      expect(answers.filter((a) => a.body.code === 1).length).toBe(100);
      expect(approved.every((a) => a.body.balance_actual >= 0 && a.body.balance_last - a.body.balance_actual === 1)).toBe(true);
      expect(new Set(approved.map((a) => a.body.balance_actual)).size).toBe(100);
      const b = await ledger.balances(account);
      expect(b.available).toBe(0n);
    }, 30_000);

    it('concurrent DEBITs on many cards are authorized in groups, each exactly once and as it would be alone', async () => {
      // 40 cards with 10.00 each; per card three DEBITs of 4.00 (the third cannot fit) and a redelivery of the first.
      const cards = await Promise.all(Array.from({ length: 40 }, async () => linkCard(await fundedAccount(ledger, 1_000n))));
      const ids = await Promise.all(cards.map(async (c) => (await db.query(`select ledger_account_id from credencial_account_links where account_number = $1`, [c.accountNumber])).rows[0].ledger_account_id as string));
      const jobs = watchEnqueues(gw);
      const sends = cards.flatMap((c, i) => {
        const refs = [0, 1, 2].map((k) => `G${i}k${k}x${randomInt(1e6, 9e6)}`);
        return [...refs.map((ref) => ({ card: i, ref, body: debitPayload(c.accountNumber, c.emi, 4, ref) })), { card: i, ref: refs[0], body: debitPayload(c.accountNumber, c.emi, 4, refs[0]) }];
      });
      const answers = await Promise.all(sends.map((s) => sendWebhook(gw, '/webhooks/credencial/debit', s.body)));
      expect(jobs.stop()).toBe(0);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      for (let i = 0; i < cards.length; i++) {
        const mine = sends.map((s, k) => ({ ...s, answer: answers[k].body })).filter((s) => s.card === i);
        // Two approved (10.00 → 6.00 → 2.00), one declined for funds; the redelivery answers as its original did.
        const approved = mine.slice(0, 3).filter((m) => m.answer.code === -1);
        expect(approved.map((m) => [m.answer.balance_last, m.answer.balance_actual]).sort()).toEqual([[10, 6], [6, 2]]);
        expect(mine.slice(0, 3).filter((m) => m.answer.code === 1)).toHaveLength(1);
        const original = mine.find((m, k) => k < 3 && m.ref === mine[3].ref)!;
        expect(mine[3].answer).toEqual(original.answer);
        expect((await ledger.balances(ids[i])).available).toBe(200n);
      }
      // Exactly one inbox row and at most one hold per DEBIT sent, the holds as LedgerService.hold() places them.
      const rows = (await db.query(
        `select e.dedup_key, e.status, e.outcome, j.xmin::text as tx, t.idempotency_key = 'wh:' || e.id as keyed, j.request_hash = credencial_debit_hold_hash(t.debit_account_id, t.credit_account_id, t.amount, t.external_ref, e.id) as hashed
           from webhook_events e left join ledger_transfers t on t.id = e.ledger_transfer_id left join ledger_journals j on j.id = t.journal_id
          where e.type = 'debit' and e.dedup_key = any($1::text[])`,
        [sends.map((s) => `${cards[s.card].accountNumber}:${s.ref}`)],
      )).rows;
      expect(rows).toHaveLength(120);
      const held = rows.filter((r) => r.outcome === 'authorized' || r.outcome === 'settled'); // the settler may have posted some already
      expect(held).toHaveLength(80);
      expect(held.every((r) => r.keyed && r.hashed)).toBe(true);
      expect(rows.filter((r) => r.outcome === 'declined:insufficient_funds')).toHaveLength(40);
      // Groups did form: several holds' journals were written by one transaction.
      const perTx = new Map<string, number>();
      for (const r of held) perTx.set(r.tx, (perTx.get(r.tx) ?? 0) + 1);
      expect(Math.max(...perTx.values())).toBeGreaterThan(1);
      // And /metrics counts them.
      const metrics = (await call(gw, 'GET', '/metrics')).text;
      const sample = (name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm').exec(metrics)?.[1] ?? NaN);
      expect(sample('pasarela_credencial_debit_statements_total{kind="group"}')).toBeGreaterThan(0);
      expect(sample('pasarela_credencial_debits_grouped_total{result="authorized"}')).toBeGreaterThan(1);
      expect(sample('pasarela_credencial_debits_grouped_total{result="left_out"}')).toBeGreaterThanOrEqual(0);
    }, 60_000);
  });

  describe('operations', () => {
    it('lists and filters webhook events, needs webhooks:read, exposes metrics and the queue dashboard to admins', async () => {
      expect((await call(gw, 'GET', '/v1/webhook-events')).status).toBe(401);
      const reader = await gw.keyWith('webhooks:read');
      const page = await call(gw, 'GET', '/v1/webhook-events?provider=stp&limit=2', { key: reader });
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      expect(page.body.data.every((e: any) => e.provider === 'stp')).toBe(true);
      if (page.body.next_cursor) {
        const next = await call(gw, 'GET', `/v1/webhook-events?provider=stp&limit=2&cursor=${page.body.next_cursor}`, { key: reader });
        expect(next.body.data[0]?.id).not.toBe(page.body.data[0].id);
      }
      expect((await call(gw, 'POST', `/v1/webhook-events/${randomUUID()}/replay`, { key: reader, idempotencyKey: randomUUID() })).status).toBe(403);
      expect((await call(gw, 'GET', `/v1/webhook-events/${randomUUID()}`, { key: reader })).status).toBe(404);
      const metrics = await call(gw, 'GET', '/metrics');
      expect(metrics.text).toMatch(/pasarela_webhook_events\{provider="stp",type="spei_in",status="FAILED"\}|pasarela_webhook_events\{/);
      expect(metrics.text).toContain('pasarela_queue_jobs{queue="webhooks"');
      expect((await call(gw, 'GET', '/admin/queues', { key: reader })).status).toBe(403);
      // Bull Board's page is an app shell; its own API lists the queues (test/admin-queues.e2e-spec.ts has the rest).
      const dash = await call(gw, 'GET', '/admin/queues/api/queues', { key: gw.adminKey });
      expect(dash.status).toBe(200);
      expect(dash.body.queues.map((q: { name: string }) => q.name)).toContain('webhooks');
    });
  });
});
