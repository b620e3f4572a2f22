/**
 * SPEI OUT from CLABE accounts end to end, over real HTTP: gateway ⇄ STP sandbox ⇄ worker.
 * The sandbox assigns CLABEs, accepts orders, resolves them by itself (after STP_SANDBOX_AUTO_RESOLVE_MS)
 * and POSTs its webhooks, signed, to the gateway; the worker sends orders and applies the webhooks.
 * Nothing is faked between them: money moves only through /v1 calls and the sandbox's own webhooks.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { Clabe } from '#libs/domain';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { call, type TestGateway } from './support/gateway.js';
import { isolatedEnv, type IsolatedEnv } from './support/isolated.js';
import { startGatewayWithSandbox } from './support/sandbox.js';
import { until } from './support/until.js';

const BBVA_CLABE = '012180029588856995'; // the STP document's beneficiary account (valid)

describe('SPEI OUT and CLABE accounts (e2e, STP sandbox)', () => {
  let gw: TestGateway;
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let worker: INestApplicationContext;
  let writer: string;
  let reader: string;
  let isolated: IsolatedEnv;

  const post = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call(gw, 'POST', path, { key, body, idempotencyKey });
  const get = (path: string, key = writer) => call(gw, 'GET', path, { key });
  async function stp(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${sandboxUrl}/stp/_sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const transferUntil = (id: string, statuses: string[]) => until(`transfer ${id} in ${statuses}`, async () => (await get(`/v1/spei/transfers/${id}`)).body, (b) => statuses.includes(b.status));
  const balance = async (clabe: string) => (await get(`/v1/clabe-accounts/${clabe}`)).body.balance;

  let seq = 0;
  const holder = () => ({
    name: 'Enrique',
    last_name: 'Martinez',
    second_lastname: 'Gomez',
    birth_date: '1986-02-28',
    gender: 'male',
    rfc_or_curp: 'MAGL860228TF3',
    federal_entity: '9',
    economic_activity: '30',
    country_of_birth: '187',
    personal_id: String(3313476042 + seq++),
    address: { street: 'Polanco', outdoor_number: '254', interior_number: '1', suburb: 'Lomas de chapultepec', municipality: 'Miguel Hidalgo', zip_code: '01100' },
    email: 'enrique@example.com',
    phone: '5513673221',
  });

  /** A CLABE account funded by a SPEI IN the sandbox sends (signed) to the gateway. */
  async function fundedClabe(amount: string): Promise<string> {
    const r = await post('/v1/clabe-accounts', holder());
    expect(r.status).toBe(201);
    const clabe = r.body.clabe as string;
    if (amount !== '0.00') {
      const dep = await fetch(`${sandboxUrl}/sandbox/stp/deposits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe, amount }) });
      expect(dep.status).toBe(200);
      await until(`deposit to ${clabe}`, () => balance(clabe), (b) => b.posted === amount);
    }
    return clabe;
  }

  const transfer = (clabe: string, amount: string, extra: Record<string, unknown> = {}) => ({
    source: { type: 'clabe', clabe },
    amount,
    beneficiary: { account: BBVA_CLABE, name: 'LUIS TRUTIE RODRIGUEZ', rfc_curp: 'ND' },
    concept: 'Envio de SPEI',
    numeric_reference: '12345',
    ...extra,
  });

  beforeAll(async () => {
    isolated = await isolatedEnv('spei');
    const started = await startGatewayWithSandbox(
      { ...isolated.env, STP_SEND_ATTEMPTS: '3', STP_SEND_BACKOFF_MS: '100', SWEEPER_INTERVAL_MS: '300', SWEEPER_AGE_MS: '2000', LOG_LEVEL: 'silent' },
      { STP_SANDBOX_AUTO_RESOLVE_MS: '300' },
    );
    ({ gw, sandbox, sandboxUrl } = started);
    worker = await createWorkerApp(loadConfig(started.env));
    writer = await gw.keyWith('spei:read', 'spei:write');
    reader = await gw.keyWith('spei:read');
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await sandbox?.close();
    await gw?.close();
    await isolated?.drop();
  });

  beforeEach(async () => {
    await stp('DELETE', '/failures');
  });

  describe('POST /v1/clabe-accounts, GET /v1/clabe-accounts/{clabe}', () => {
    it('opens a CLABE at STP (valid check digit), its ledger account and link; STP activates it; GET shows it with its balance', async () => {
      const r = await post('/v1/clabe-accounts', holder());
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ provider: 'stp', status: 'active', name: 'Enrique', last_name: 'Martinez', second_lastname: 'Gomez', balance: { posted: '0.00', available: '0.00', held: '0.00', currency: 'MXN' } });
      expect(Clabe.isValid(r.body.clabe)).toBe(true);
      expect(r.body.clabe.startsWith('646')).toBe(true);
      // What STP received: the document's fields, from ours.
      const atStp = (await stp('GET', `/clabes/${r.body.clabe}`)).body;
      expect(atStp).toMatchObject({ accountId: r.body.id, holder: { name: 'Enrique', last_name: 'Martinez', birth_date: '19860228', gender: 'H', rfc_or_curp: 'MAGL860228TF3', federal_entity: '9', economy_activity: '30', country_of_birth: '187', zip_code: '01100' } });
      expect((await get(`/v1/clabe-accounts/${r.body.clabe}`, reader)).body).toEqual(r.body);
      // STP's "CLABE status" webhook (active) reached the gateway and was applied to the link.
      await until('clabe status webhook', async () => (await call(gw, 'GET', '/v1/webhook-events?type=clabe_status', { key: gw.adminKey })).body.data.filter((e: any) => e.payload?.clabe === r.body.clabe), (rows: any[]) => rows.some((e) => e.status === 'APPLIED' && e.outcome === 'activated'));
      // SPEI IN through the sandbox credits it.
      const dep = await fetch(`${sandboxUrl}/sandbox/stp/deposits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe: r.body.clabe, amount: '150.00' }) });
      expect(dep.status).toBe(200);
      await until('deposit', () => balance(r.body.clabe), (b) => b.posted === '150.00' && b.available === '150.00');
    });

    it('the same Idempotency-Key replays the first account; no second CLABE is opened', async () => {
      const key = randomUUID();
      const body = holder();
      const a = await post('/v1/clabe-accounts', body, writer, key);
      const b = await post('/v1/clabe-accounts', body, writer, key);
      expect(b.status).toBe(201);
      expect(b.headers.get('idempotent-replayed')).toBe('true');
      expect(b.body.clabe).toBe(a.body.clabe);
      expect((await stp('GET', `/clabes/${a.body.clabe}`)).body.accountId).toBe(a.body.id);
    });

    it('400 naming the field for every broken STP rule; nothing is opened', async () => {
      for (const [patch, field] of [
        [{ rfc_or_curp: 'NOT-AN-RFC-X' }, 'rfc_or_curp'],
        [{ federal_entity: '33' }, 'federal_entity'],
        [{ birth_date: '2099-01-01' }, 'birth_date'],
        [{ name: 'R2D2' }, 'name'],
        [{ phone: '55123' }, 'phone'],
        [{ address: { zip_code: '1100' } }, 'zip_code'],
        [{ economic_activity: 'x' }, 'economy_activity'],
      ] as const) {
        const r = await post('/v1/clabe-accounts', { ...holder(), ...patch });
        expect({ field, status: r.status, code: r.body.code }).toEqual({ field, status: 400, code: 'validation_failed' });
        expect(r.body.detail).toContain(field);
      }
      expect((await post('/v1/clabe-accounts', { ...holder(), gender: 'X' })).status).toBe(400);
      expect((await post('/v1/clabe-accounts', { ...holder(), extra: 1 })).status).toBe(400);
      const { name: _n, ...noName } = holder();
      expect((await post('/v1/clabe-accounts', noName)).status).toBe(400);
    });

    it('STP refusing is a 422; STP failing is a 503 and the same key then answers 409 until reconciled', async () => {
      await stp('POST', '/failures', { count: 1, status: 403, operation: 'clabes' });
      const refused = await post('/v1/clabe-accounts', holder());
      expect(refused.body).toMatchObject({ status: 422, code: 'stp_forbidden' });
      await stp('POST', '/failures', { count: 1, status: 500, operation: 'clabes' });
      const key = randomUUID();
      const body = holder();
      const failed = await post('/v1/clabe-accounts', body, writer, key);
      expect(failed.body).toMatchObject({ status: 503, code: 'provider_unavailable' });
      expect((await post('/v1/clabe-accounts', body, writer, key)).body).toMatchObject({ status: 409, code: 'clabe_account_outcome_unknown' });
    });

    it('GET: 400 for a CLABE with a wrong check digit, 404 for an unknown one; scopes and the Idempotency-Key apply', async () => {
      expect((await get('/v1/clabe-accounts/646180123300000409')).body).toMatchObject({ status: 400 });
      expect((await get('/v1/clabe-accounts/999180123300000408')).status).toBe(400); // unknown bank code
      expect((await get('/v1/clabe-accounts/646180123300000408')).body).toMatchObject({ status: 404, code: 'clabe_account_not_found' });
      expect((await post('/v1/clabe-accounts', holder(), reader)).status).toBe(403);
      expect((await call(gw, 'POST', '/v1/clabe-accounts', { key: writer, body: holder() })).body).toMatchObject({ status: 400, code: 'idempotency_key_missing' });
      expect((await call(gw, 'GET', '/v1/clabe-accounts/646180123300000408')).status).toBe(401);
    });
  });

  describe('POST /v1/spei/transfers (source clabe), GET /v1/spei/transfers/{id}', () => {
    it('settled: held and queued at once, sent by the worker with Pasarela\'s tracking key, posted on STP\'s webhook', async () => {
      const clabe = await fundedClabe('1000.00');
      const r = await post('/v1/spei/transfers', transfer(clabe, '250.75'));
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        kind: 'spei_out',
        source: { type: 'clabe', clabe, card_id: null },
        provider: 'stp',
        status: 'queued',
        amount: '250.75',
        beneficiary: { account: BBVA_CLABE, account_type: 'clabe', institution: '40012', name: 'LUIS TRUTIE RODRIGUEZ', rfc_curp: 'ND' },
        tracking_key: expect.stringMatching(/^PASARELA\d{6}[0-9A-Z]{10}$/),
        hold_ledger_transfer_id: expect.any(String),
      });
      expect(await balance(clabe)).toMatchObject({ posted: '1000.00', available: '749.25', held: '250.75' });
      const done = await transferUntil(r.body.id, ['settled']);
      expect(done).toMatchObject({ status: 'settled', cause: 'Liquidación', attempts: 1, provider_order_id: expect.stringMatching(/^\d+$/), error: null });
      expect(done.history.map((h: any) => h.status)).toEqual(['queued', 'sending', 'sent', 'settled']);
      expect(await balance(clabe)).toMatchObject({ posted: '749.25', available: '749.25', held: '0.00' });
      // What STP received: every documented field, our tracking key, the CLABE account as payer.
      const atStp = (await stp('GET', `/orders/${r.body.tracking_key}`)).body;
      expect(atStp.request).toEqual({
        payer_account: clabe,
        beneficiary_name: 'LUIS TRUTIE RODRIGUEZ',
        beneficiary_account: BBVA_CLABE,
        beneficiary_account_type: '40',
        counterpart_institution: '40012',
        beneficiary_rfc_curp: 'ND',
        amount: '250.75',
        payment_concept: 'Envio de SPEI',
        numeric_reference: '12345',
        tracking_key: r.body.tracking_key,
        enterprise: 'PASARELA',
      });
      expect(String(atStp.id)).toBe(done.provider_order_id);
    });

    it('returned: the hold is voided and the money is available again', async () => {
      const clabe = await fundedClabe('300.00');
      await stp('POST', '/next-outcomes', { outcome: 'return', cause: 'Cuenta inexistente' });
      const r = await post('/v1/spei/transfers', transfer(clabe, '100.00', { beneficiary: { account: '5512345678', account_type: 'mobile_phone', institution: '40012', name: 'ANA LOPEZ' } }));
      expect(r.status).toBe(201);
      expect(await balance(clabe)).toMatchObject({ available: '200.00' });
      const done = await transferUntil(r.body.id, ['returned']);
      expect(done).toMatchObject({ status: 'returned', cause: 'Cuenta inexistente', beneficiary: { account: '5512345678', account_type: 'mobile_phone' } });
      expect(await balance(clabe)).toMatchObject({ posted: '300.00', available: '300.00', held: '0.00' });
    });

    it('STP failing transiently, then succeeding: retried with backoff and the same tracking key, sent once', async () => {
      const clabe = await fundedClabe('50.00');
      await stp('POST', '/failures', { count: 2, status: 503, operation: 'transfer' });
      const r = await post('/v1/spei/transfers', transfer(clabe, '20.00'));
      const done = await transferUntil(r.body.id, ['settled']);
      expect(done.attempts).toBe(3);
      expect(done.history.map((h: any) => h.status)).toEqual(['queued', 'sending', 'sending', 'sending', 'sending', 'sending', 'sent', 'settled']);
      expect((await stp('GET', '/orders')).body.orders.filter((o: any) => o.trackingKey === r.body.tracking_key)).toHaveLength(1);
      expect(await balance(clabe)).toMatchObject({ posted: '30.00', available: '30.00' });
    });

    it('a lost answer (STP registered the order, then failed): the resend finds it registered and does not send it twice', async () => {
      const clabe = await fundedClabe('50.00');
      await stp('POST', '/failures', { count: 1, mode: 'after_processing', status: 500, operation: 'transfer' });
      const r = await post('/v1/spei/transfers', transfer(clabe, '10.00'));
      const done = await transferUntil(r.body.id, ['settled']);
      expect(done.attempts).toBe(2);
      expect(done.history.find((h: any) => h.status === 'sent').detail).toMatch(/already had this tracking key/);
      expect((await stp('GET', '/orders')).body.orders.filter((o: any) => o.trackingKey === r.body.tracking_key)).toHaveLength(1);
      expect(await balance(clabe)).toMatchObject({ posted: '40.00', available: '40.00' });
    });

    it('STP never answering: after every retry the order is unknown and the hold kept (not released on a guess)', async () => {
      const clabe = await fundedClabe('50.00');
      await stp('POST', '/failures', { count: 3, status: 502, operation: 'transfer' });
      const r = await post('/v1/spei/transfers', transfer(clabe, '15.00'));
      const done = await transferUntil(r.body.id, ['unknown']);
      expect(done).toMatchObject({ attempts: 3, error: { code: 'provider_unavailable' } });
      expect(await balance(clabe)).toMatchObject({ posted: '50.00', available: '35.00', held: '15.00' });
    });

    it('STP refusing the order for good: failed, hold voided', async () => {
      const clabe = await fundedClabe('50.00');
      await stp('POST', '/failures', { count: 1, status: 400, operation: 'transfer' });
      const r = await post('/v1/spei/transfers', transfer(clabe, '15.00'));
      const done = await transferUntil(r.body.id, ['failed']);
      expect(done).toMatchObject({ attempts: 1, error: { code: 'stp_bad_request' } });
      expect(await balance(clabe)).toMatchObject({ posted: '50.00', available: '50.00', held: '0.00' });
    });

    it('a duplicate request (same Idempotency-Key) replays the first: one order, one hold, one send', async () => {
      const clabe = await fundedClabe('100.00');
      const key = randomUUID();
      const body = transfer(clabe, '40.00');
      const [a, b] = await Promise.all([post('/v1/spei/transfers', body, writer, key), post('/v1/spei/transfers', body, writer, key)]);
      const ok = [a, b].filter((x) => x.status === 201);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      for (const x of [a, b]) if (x.status !== 201) expect(x.body.code).toBe('idempotency_request_in_progress');
      const c = await post('/v1/spei/transfers', body, writer, key);
      expect(c.status).toBe(201);
      expect(c.headers.get('idempotent-replayed')).toBe('true');
      expect(c.body.id).toBe(ok[0]!.body.id);
      await transferUntil(c.body.id, ['settled']);
      expect((await stp('GET', '/orders')).body.orders.filter((o: any) => o.trackingKey === c.body.tracking_key)).toHaveLength(1);
      expect(await balance(clabe)).toMatchObject({ posted: '60.00', available: '60.00' });
      // The same key with another body is refused.
      expect((await post('/v1/spei/transfers', transfer(clabe, '41.00'), writer, key)).body).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
      // Two requests with different keys are two orders with two tracking keys.
      const d = await post('/v1/spei/transfers', transfer(clabe, '1.00'));
      const e = await post('/v1/spei/transfers', transfer(clabe, '1.00'));
      expect(d.body.tracking_key).not.toBe(e.body.tracking_key);
    });

    it('refuses before holding anything: unknown, invalid or inactive source; bad beneficiary CLABE; amounts; insufficient funds; cards', async () => {
      const clabe = await fundedClabe('10.00');
      const cases: Array<[unknown, number, string?]> = [
        [transfer('646180123300000408', '1.00'), 404, 'clabe_account_not_found'],
        [transfer('646180123300000409', '1.00'), 400],
        [{ ...transfer(clabe, '1.00'), source: { type: 'clabe' } }, 400],
        [transfer(clabe, '1.00', { beneficiary: { account: '012180029588856996', name: 'X Y' } }), 400],
        [transfer(clabe, '1.00', { beneficiary: { account: BBVA_CLABE, institution: '40014', name: 'X Y' } }), 400],
        [transfer(clabe, '1.00', { beneficiary: { account: '5512345678', name: 'X Y' } }), 400], // phone needs its institution
        [transfer(clabe, '0.00'), 400, 'invalid_amount'],
        [transfer(clabe, '1000000000000.00'), 400, 'invalid_amount'],
        [transfer(clabe, '1.001'), 400],
        [transfer(clabe, '10.01'), 422, 'insufficient_funds'],
        [transfer(clabe, '1.00', { numeric_reference: '12345678' }), 400],
        [transfer(clabe, '1.00', { beneficiary: { account: '4111111111111111', institution: '40012', name: 'X Y' } }), 422, 'beneficiary_card_not_supported'],
        [{ ...transfer(clabe, '1.00'), source: { type: 'card', card_id: randomUUID() } }, 400], // a card source needs email, institution, location
      ];
      for (const [body, status, code] of cases) {
        const r = await post('/v1/spei/transfers', body);
        expect({ body, status: r.status, ...(code ? { code: r.body.code } : {}) }).toEqual({ body, status, ...(code ? { code } : {}) });
      }
      expect(await balance(clabe)).toMatchObject({ posted: '10.00', available: '10.00', held: '0.00' });
      expect((await post('/v1/spei/transfers', transfer(clabe, '1.00'), reader)).status).toBe(403);
      expect((await call(gw, 'POST', '/v1/spei/transfers', { key: writer, body: transfer(clabe, '1.00') })).body.code).toBe('idempotency_key_missing');
      // Inactive at STP (its CLABE status webhook): refused.
      await stp('POST', `/clabes/${clabe}/status`, { status: 0 });
      await until('inactive', async () => (await get(`/v1/clabe-accounts/${clabe}`)).body.status, (s) => s === 'inactive');
      expect((await post('/v1/spei/transfers', transfer(clabe, '1.00'))).body).toMatchObject({ status: 422, code: 'clabe_account_inactive' });
    });

    it('GET: 404 for an unknown id, 400 for a malformed one, 403 without spei:read', async () => {
      expect((await get(`/v1/spei/transfers/${randomUUID()}`)).body).toMatchObject({ status: 404, code: 'spei_transfer_not_found' });
      expect((await get('/v1/spei/transfers/not-a-uuid')).status).toBe(400);
      const other = await gw.keyWith('cards:read');
      expect((await get(`/v1/spei/transfers/${randomUUID()}`, other)).status).toBe(403);
    });
  });
});
