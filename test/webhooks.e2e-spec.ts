import { randomInt, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { DatabasePool } from '#libs/database';
import { loadConfig } from '#libs/config';
import { LedgerService, SYSTEM_ACCOUNTS } from '#libs/ledger';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { call, startGateway, type TestGateway } from './support/gateway.js';
import { debitPayload, fundedAccount, newClabe, reversePayload, sendWebhook, settled } from './support/webhooks.js';

const WORKER_ENV = { SWEEPER_INTERVAL_MS: '300', SWEEPER_AGE_MS: '1000' };

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
        CREDENCIAL_WEBHOOK_IP_ALLOWLIST: '10.9.9.0/24',
      });
      try {
        const basic = { authorization: `Basic ${Buffer.from('stp:s3cret').toString('base64')}` };
        const body = () => ({ clabe: newClabe(), reference: `ROT${randomInt(1e6, 9e6)}`, amount: '1.00' });
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', body(), { secret: 'new-raw-secret-0123456789', headers: basic })).status).toBe(200);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', body(), { secret: 'whsec_' + Buffer.from('old-secret-0123456789').toString('base64'), headers: basic })).status).toBe(200);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', body(), { secret: 'new-raw-secret-0123456789' })).status).toBe(401);
        expect((await sendWebhook(other, '/webhooks/stp/spei-in', body(), { secret: 'new-raw-secret-0123456789', headers: { authorization: `Basic ${Buffer.from('stp:nope').toString('base64')}` } })).status).toBe(401);
        // 127.0.0.1 is not in 10.9.9.0/24.
        expect((await sendWebhook(other, '/webhooks/credencial/balance', { emi_account_identifier: '1', account_number: 1, reference: '', origin: 'X' })).status).toBe(401);
      } finally {
        await other.close();
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

    it('SPEI IN to an unknown CLABE credits suspense and is surfaced by outcome', async () => {
      const before = (await ledger.balances(SYSTEM_ACCOUNTS.suspense.id)).posted;
      const r = await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: newClabe(), reference: `UNK${randomInt(1e8, 9e8)}`, amount: 12.5 });
      const ev = await settled(gw, r.body.event_id);
      expect(ev).toMatchObject({ status: 'APPLIED', outcome: 'suspense_unknown_clabe', ledger_account_id: SYSTEM_ACCOUNTS.suspense.id });
      expect((await ledger.balances(SYSTEM_ACCOUNTS.suspense.id)).posted - before).toBe(1250n);
      const list = await call(gw, 'GET', '/v1/webhook-events?provider=stp&type=spei_in&outcome=suspense_unknown_clabe', { key: gw.adminKey });
      expect(list.body.data.map((e: any) => e.id)).toContain(r.body.event_id);
    });

    it('SPEI IN with a bad payload is a 400 and stores nothing', async () => {
      const reference = `BADAMT${randomInt(1e6, 9e6)}`;
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: newClabe(), reference, amount: '1.234' })).status).toBe(400);
      expect((await sendWebhook(gw, '/webhooks/stp/spei-in', { clabe: '123', reference, amount: '1.00' })).status).toBe(400);
      expect(await rowsWithKey(reference)).toBe(0);
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

    it('BALANCE answers the available balance; MOVEMENTS the latest entries in the documented shape', async () => {
      const account = await fundedAccount(ledger, 123_456n);
      const { accountNumber, emi } = await linkCard(account);
      await sendWebhook(gw, '/webhooks/credencial/debit', debitPayload(accountNumber, emi, 0.56, `M${randomInt(1e8, 9e8)}`));
      const inquiry = { emi_account_reference: '0001003143', emi_account_identifier: emi, account_number: Number(accountNumber), identifier_adq: '', reference: '', origin: 'MASTER_ATM' };
      const bal = await sendWebhook(gw, '/webhooks/credencial/balance', inquiry);
      expect(bal.body).toMatchObject({ code: -1, message: 'Consulta aplicada con éxito.', balance_actual: 1234, reference: '-' });
      const mov = await sendWebhook(gw, '/webhooks/credencial/movements', inquiry);
      expect(mov.body).toMatchObject({ code: -1, reference: '-' });
      expect(mov.body.movements.length).toBeGreaterThanOrEqual(2);
      expect(mov.body.movements[0]).toEqual({ reference: expect.any(String), type: '33', amount: 0.56, currency: 484, date: expect.any(Number), terminal: 'card_debit' });
      expect(mov.body.movements.some((m: any) => m.type === '1027' && m.amount === 1234.56)).toBe(true);
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
