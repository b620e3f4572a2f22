/**
 * GET /v1/spei/transfers (both sources, filters, cursor pages), card-sourced transfers keeping their beneficiary,
 * and the operator's reconciles: POST /v1/spei/transfers/{id}/reconcile (an STP order left `unknown`) and
 * POST /v1/clabe-accounts/{ref}/reconcile (an account whose opening is unknown). Over real HTTP against the
 * STP and NeCIPCo sandboxes, with a worker sending the orders; STP failures come from the sandbox's failures
 * endpoint. The sandbox does not resolve orders by itself here, so a `sent` order stays `sent`.
 */
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { DatabasePool } from '#libs/database';
import { LedgerService } from '#libs/ledger';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { call, startGateway, type TestGateway } from './support/gateway.js';
import { isolatedEnv, type IsolatedEnv } from './support/isolated.js';
import { freePort } from './support/processes.js';

const HERE = { latitude: '19.43260', longitude: '-99.13320' };
const BBVA_CLABE = '012180029588856995';

describe('SPEI transfers: list, card beneficiary, reconcile (e2e)', () => {
  let gw: TestGateway;
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let worker: INestApplicationContext;
  let isolated: IsolatedEnv;
  let writer: string; // spei + cards read/write
  let reader: string; // spei:read
  let cardsOnly: string; // cards:read
  let stock: string[];

  const post = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call(gw, 'POST', path, { key, body, idempotencyKey });
  const get = (path: string, key = writer) => call(gw, 'GET', path, { key });
  const reconcile = (id: string, key = gw.adminKey) => post(`/v1/spei/transfers/${id}/reconcile`, {}, key);
  async function stp(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${sandboxUrl}/stp/_sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const transferUntil = (id: string, statuses: string[]) => until(`transfer ${id} in ${statuses}`, async () => (await get(`/v1/spei/transfers/${id}`)).body, (b) => statuses.includes(b.status));
  const balance = async (clabe: string) => (await get(`/v1/clabe-accounts/${clabe}`)).body.balance;
  const ordersAtStp = async (trackingKey: string) => (await stp('GET', '/orders')).body.orders.filter((o: any) => o.trackingKey === trackingKey);

  let seq = 0;
  const holder = () => ({ name: 'Ana', last_name: 'Lopez', birth_date: '1990-01-31', rfc_or_curp: 'LOAA900131MDFPNN09', federal_entity: '9', economic_activity: '1', country_of_birth: '187', personal_id: String(5000 + seq++) });

  /** A CLABE account with `centavos` credited straight in the ledger. */
  async function account(centavos: bigint): Promise<string> {
    const r = await post('/v1/clabe-accounts', holder());
    expect(r.status).toBe(201);
    await gw.app.get(LedgerService).transfer({ idempotencyKey: `fund:${r.body.clabe}`, legs: [{ debitAccountId: '00000000-0000-4000-8000-000000000001', creditAccountId: r.body.ledger_account_id, amount: centavos, kind: 'funding' }] });
    return r.body.clabe;
  }
  const order = (clabe: string, amount = '10.00') => ({ source: { type: 'clabe', clabe }, amount, beneficiary: { account: BBVA_CLABE, name: 'LUIS TRUTIE RODRIGUEZ' }, concept: 'Envio de SPEI', numeric_reference: '1' });

  /** An active NeCIPCo card with money on it. */
  async function card(funds: string): Promise<string> {
    seq += 1;
    const ch = await post('/v1/cardholders', {
      first_name: 'John', second_name: 'Doe', surname: 'Gonzalez', second_surname: 'Perez', rfc: 'XAXX010101000', curp: `XEXX010101HNEXXX${String(seq % 100).padStart(2, '0')}`,
      email: `john${seq}@example.com`, primary_phone: '5555555555', mobile_phone: '5555555555',
      address: { street: 'Av. Siempre', external_number: '#12', internal_number: 'Lt3.', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postal_code: '55120' },
      birthdate: '1995-09-22', gender: 'MALE', marital_status: 'SOLTERO', has_kids: false, gross_monthly_income: '20000.00', external_id: `spei-${seq}-${randomUUID().slice(0, 8)}`,
    });
    expect(ch.status).toBe(201);
    const c = await post('/v1/cards', { type: 'physical', cardholder_id: ch.body.id, card_number: stock.shift()!, document: { type: 'INE', number: '1234567890' }, location: HERE });
    expect(c.status).toBe(201);
    expect((await post(`/v1/cards/${c.body.id}/activate`, { location: HERE })).status).toBe(200);
    expect((await post(`/v1/cards/${c.body.id}/disbursements`, { amount: funds, location: HERE })).status).toBe(201);
    return c.body.id;
  }
  const cardSpei = (cardId: string, account: string, amount = '100.00') => ({
    source: { type: 'card', card_id: cardId },
    amount,
    concept: 'Pago de Renta',
    beneficiary: { account, institution: 'SANTANDER', name: 'John Doe', email: 'john@example.com', rfc_curp: 'ND' },
    numeric_reference: '4321',
    location: HERE,
  });

  /** Every page of a list query, following next_cursor. */
  async function allPages(query: string, limit: number): Promise<{ pages: number; data: any[] }> {
    const data: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`/v1/spei/transfers?limit=${limit}${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, reader);
      expect(r.status).toBe(200);
      expect(r.body.data.length).toBeLessThanOrEqual(limit);
      data.push(...r.body.data);
      cursor = r.body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    return { pages, data };
  }

  beforeAll(async () => {
    isolated = await isolatedEnv('speirec');
    const port = await freePort();
    sandboxUrl = `http://127.0.0.1:${port}`;
    const env = { ...isolated.env, SANDBOX_URL: sandboxUrl, STP_SEND_ATTEMPTS: '3', STP_SEND_BACKOFF_MS: '50', SWEEPER_INTERVAL_MS: '60000', SWEEPER_AGE_MS: '60000', LOG_LEVEL: 'silent' };
    gw = await startGateway(env);
    sandbox = await createSandboxApp(loadConfig({ ...env, GATEWAY_URL: gw.url, STP_SANDBOX_AUTO_RESOLVE_MS: '0' }));
    await sandbox.listen(port, '127.0.0.1');
    worker = await createWorkerApp(loadConfig(env));
    writer = await gw.keyWith('spei:read', 'spei:write', 'cards:read', 'cards:write');
    reader = await gw.keyWith('spei:read');
    cardsOnly = await gw.keyWith('cards:read');
    stock = ((await (await fetch(`${sandboxUrl}/necipco/v1/_sandbox/stock`)).json()) as { cards: Array<{ card_number: string }> }).cards.map((c) => c.card_number);
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

  describe('GET /v1/spei/transfers and card-sourced beneficiaries', () => {
    const ids = { a: [] as string[], b: [] as string[], card: [] as string[] };
    let clabeA: string;
    let clabeB: string;
    let cardPan: string;
    let cardId: string;

    beforeAll(async () => {
      clabeA = await account(100_00n);
      clabeB = await account(100_00n);
      for (let i = 0; i < 3; i++) ids.a.push((await post('/v1/spei/transfers', order(clabeA, `1.0${i}`))).body.id);
      ids.b.push((await post('/v1/spei/transfers', order(clabeB))).body.id);
      cardId = await card('5000.00');
      cardPan = stock[0]!; // a real card number of the sandbox's stock, as a debit card beneficiary
      const toClabe = await post('/v1/spei/transfers', cardSpei(cardId, '014027000005555558'));
      expect(toClabe.status).toBe(201);
      const toCard = await post('/v1/spei/transfers', cardSpei(cardId, cardPan, '50.00'));
      expect(toCard.status).toBe(201);
      ids.card.push(toClabe.body.id, toCard.body.id);
      for (const id of [...ids.a, ...ids.b]) await transferUntil(id, ['sent']);
    }, 60_000);

    it('card-sourced transfers keep their beneficiary, concept and reference; a debit card only masked (never stored in clear)', async () => {
      const toClabe = (await get(`/v1/spei/transfers/${ids.card[0]}`, reader)).body;
      expect(toClabe).toMatchObject({
        source: { type: 'card', card_id: cardId, clabe: null },
        provider: 'necipco',
        status: 'settled',
        beneficiary: { name: 'John Doe', account: '014027000005555558', account_type: 'clabe', institution: 'SANTANDER', rfc_curp: 'ND' },
        concept: 'Pago de Renta',
        numeric_reference: '4321',
      });
      const toCard = await get(`/v1/spei/transfers/${ids.card[1]}`, reader);
      expect(toCard.body.beneficiary).toEqual({ name: 'John Doe', account: `************${cardPan.slice(-4)}`, account_type: 'debit_card', institution: 'SANTANDER', rfc_curp: 'ND' });
      expect(toCard.text).not.toContain(cardPan);
      const db = gw.app.get(DatabasePool);
      const { rows } = await db.query(`select count(*)::int as n from card_movements where request_details::text like $1 or result::text like $1`, [`%${cardPan}%`]);
      expect(rows[0].n).toBe(0);
      const { rows: idem } = await db.query(`select count(*)::int as n from idempotency_records where response_body::text like $1`, [`%${cardPan}%`]);
      expect(idem[0].n).toBe(0);
    });

    it('lists both sources newest first, across pages with a cursor, without duplicates', async () => {
      const { pages, data } = await allPages('', 2);
      expect(pages).toBe(3);
      const all = [...ids.a, ...ids.b, ...ids.card];
      expect(data.map((t) => t.id).sort()).toEqual([...all].sort());
      const keys = data.map((t) => `${t.created_at}|${t.id}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(new Set(data.map((t) => t.source.type))).toEqual(new Set(['clabe', 'card']));
      // Each item is what GET shows.
      for (const t of data) expect(t).toEqual((await get(`/v1/spei/transfers/${t.id}`, reader)).body);
    });

    it('filters: source_type, clabe, status, created_from / created_to', async () => {
      const ids_ = async (q: string) => (await allPages(q, 200)).data.map((t) => t.id).sort();
      expect(await ids_('source_type=card')).toEqual([...ids.card].sort());
      expect(await ids_('source_type=clabe')).toEqual([...ids.a, ...ids.b].sort());
      expect(await ids_(`clabe=${clabeA}`)).toEqual([...ids.a].sort());
      expect(await ids_(`clabe=${clabeB}&source_type=card`)).toEqual([]);
      expect(await ids_('status=sent')).toEqual([...ids.a, ...ids.b].sort());
      expect(await ids_('status=settled')).toEqual([...ids.card].sort());
      expect(await ids_(`status=sent&clabe=${clabeB}`)).toEqual(ids.b);
      const today = new Date().toISOString().slice(0, 10);
      expect((await ids_(`created_from=${today}&created_to=${today}`)).length).toBe(6);
      expect(await ids_('created_to=2020-01-01')).toEqual([]);
      expect(await ids_('created_from=2099-01-01T00:00:00Z')).toEqual([]);
      const second = (await get(`/v1/spei/transfers/${ids.a[1]}`, reader)).body.created_at;
      // A date-time bound is inclusive: from the second order on.
      expect(await ids_(`clabe=${clabeA}&created_from=${encodeURIComponent(second)}`)).toEqual([ids.a[1], ids.a[2]].sort());
      expect(await ids_(`clabe=${clabeA}&created_to=${encodeURIComponent(second)}`)).toEqual([ids.a[0], ids.a[1]].sort());
    });

    it('400 for bad filters, cursor and limit; 403 without spei:read; 401 without a key', async () => {
      for (const [q, code] of [
        ['created_from=2026-11-30&created_to=2026-11-01', 'invalid_date_range'],
        ['created_from=2026-02-30', undefined],
        ['created_to=yesterday', undefined],
        ['created_from=2026-11-25T10:00:00Z&created_to=2026-11-25T09:59:59Z', 'invalid_date_range'],
        ['source_type=wire', undefined],
        ['status=lost', undefined],
        ['clabe=12345', undefined],
        ['clabe=646180123300000409', undefined], // wrong check digit
        ['cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
        ['limit=0', undefined],
        ['limit=201', undefined],
        ['color=blue', undefined],
      ] as const) {
        const r = await get(`/v1/spei/transfers?${q}`, reader);
        expect({ q, status: r.status, ...(code ? { code: r.body.code } : {}) }).toEqual({ q, status: 400, ...(code ? { code } : {}) });
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }
      expect((await get('/v1/spei/transfers', cardsOnly)).status).toBe(403);
      expect((await call(gw, 'GET', '/v1/spei/transfers')).status).toBe(401);
    });
  });

  describe('POST /v1/spei/transfers/{id}/reconcile', () => {
    let spare: string;
    beforeAll(async () => {
      spare = await account(10_00n);
    });

    /** An order STP never answered after every retry: unknown, hold kept. `first` faults go before the three 502s. */
    async function unknownOrder(clabe: string, amount: string, first?: Record<string, unknown>): Promise<any> {
      if (first) await stp('POST', '/failures', { ...first, operation: 'transfer' });
      await stp('POST', '/failures', { count: first ? 2 : 3, status: 502, operation: 'transfer' });
      const r = await post('/v1/spei/transfers', order(clabe, amount));
      expect(r.status).toBe(201);
      const t = await transferUntil(r.body.id, ['unknown']);
      expect(t.attempts).toBe(3);
      // One order STP accepts, so the worker's STP circuit breaker (5 consecutive failures) does not carry
      // these failures into the next test's sends.
      await transferUntil((await post('/v1/spei/transfers', order(spare, '0.01'))).body.id, ['sent']);
      return t;
    }

    it('STP still failing → 503 and the order stays unknown, hold kept; then STP accepts → sent with its id, sent once', async () => {
      const clabe = await account(50_00n);
      const t = await unknownOrder(clabe, '15.00');
      expect(await ordersAtStp(t.tracking_key)).toHaveLength(0);
      await stp('POST', '/failures', { count: 1, status: 503, operation: 'transfer' });
      const still = await reconcile(t.id);
      expect(still.body).toMatchObject({ status: 503, code: 'provider_unavailable' });
      const after = (await get(`/v1/spei/transfers/${t.id}`)).body;
      expect(after).toMatchObject({ status: 'unknown', attempts: 4 });
      expect(after.history.at(-1).detail).toMatch(/reconcile: STP still did not answer/);
      expect(await balance(clabe)).toMatchObject({ posted: '50.00', available: '35.00', held: '15.00' });

      const ok = await reconcile(t.id);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ id: t.id, status: 'sent', attempts: 5, tracking_key: t.tracking_key, provider_order_id: expect.stringMatching(/^\d+$/), error: null });
      expect(ok.body.history.map((h: any) => h.status).slice(-2)).toEqual(['sending', 'sent']);
      expect(ok.body.history.at(-2).detail).toMatch(/reconcile \(operator\)/);
      const atStp = await ordersAtStp(t.tracking_key);
      expect(atStp).toHaveLength(1);
      expect(String(atStp[0].id)).toBe(ok.body.provider_order_id);
      // The hold stays until STP's status webhook posts or voids it.
      expect(await balance(clabe)).toMatchObject({ available: '35.00', held: '15.00' });
      // Now sent: not reconcilable any more.
      expect((await reconcile(t.id)).body).toMatchObject({ status: 409, code: 'order_not_reconcilable' });
    });

    it('STP already had it (the first answer was lost): its 409 on the tracking key → sent, nothing sent twice', async () => {
      const clabe = await account(50_00n);
      const t = await unknownOrder(clabe, '5.00', { count: 1, mode: 'after_processing', status: 500 });
      expect(await ordersAtStp(t.tracking_key)).toHaveLength(1);
      const r = await reconcile(t.id);
      expect(r.body).toMatchObject({ status: 'sent', attempts: 4 });
      expect(r.body.history.at(-1).detail).toMatch(/already had this tracking key/);
      expect(await ordersAtStp(t.tracking_key)).toHaveLength(1);
      expect(await balance(clabe)).toMatchObject({ available: '45.00', held: '5.00' });
    });

    it('STP refusing it for good → failed and the hold voided', async () => {
      const clabe = await account(50_00n);
      const t = await unknownOrder(clabe, '20.00');
      expect(await balance(clabe)).toMatchObject({ available: '30.00', held: '20.00' });
      await stp('POST', '/failures', { count: 1, status: 400, operation: 'transfer' });
      const r = await reconcile(t.id);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: 'failed', attempts: 4, error: { code: 'stp_bad_request' } });
      expect(await balance(clabe)).toMatchObject({ posted: '50.00', available: '50.00', held: '0.00' });
      expect((await reconcile(t.id)).body).toMatchObject({ status: 409, code: 'order_not_reconcilable' });
    });

    it('an order stuck `sending` (a sender killed mid-call) is reconcilable only once it has not moved for the sweeper age', async () => {
      const clabe = await account(50_00n);
      const t = await unknownOrder(clabe, '7.00');
      const db = gw.app.get(DatabasePool);
      await db.query(`update spei_out_orders set status = 'sending', updated_at = now() where id = $1`, [t.id]);
      expect((await reconcile(t.id)).body).toMatchObject({ status: 409, code: 'order_not_reconcilable' });
      await db.query(`update spei_out_orders set updated_at = now() - interval '10 minutes' where id = $1`, [t.id]);
      const r = await reconcile(t.id);
      expect(r.body).toMatchObject({ status: 'sent', attempts: 4, tracking_key: t.tracking_key });
      expect(await ordersAtStp(t.tracking_key)).toHaveLength(1);
    });

    it('409 for a card-sourced transfer, 404 unknown, 400 malformed id; admin scope, API key and Idempotency-Key required', async () => {
      const clabe = await account(50_00n);
      const t = await unknownOrder(clabe, '1.00');
      const cardId = await card('500.00');
      const viaCard = await post('/v1/spei/transfers', cardSpei(cardId, '014027000005555558', '10.00'));
      expect(viaCard.status).toBe(201);
      expect((await reconcile(viaCard.body.id)).body).toMatchObject({ status: 409, code: 'order_not_reconcilable' });
      expect((await reconcile(randomUUID())).body).toMatchObject({ status: 404, code: 'spei_transfer_not_found' });
      expect((await reconcile('not-a-uuid')).status).toBe(400);
      expect((await reconcile(t.id, writer)).status).toBe(403);
      expect((await call(gw, 'POST', `/v1/spei/transfers/${t.id}/reconcile`, { body: {}, idempotencyKey: randomUUID() })).status).toBe(401);
      expect((await call(gw, 'POST', `/v1/spei/transfers/${t.id}/reconcile`, { key: gw.adminKey, body: {} })).body).toMatchObject({ status: 400, code: 'idempotency_key_missing' });
      // None of those touched it.
      expect((await get(`/v1/spei/transfers/${t.id}`)).body).toMatchObject({ status: 'unknown', attempts: 3 });
      // The same Idempotency-Key replays the reconcile's answer.
      const key = randomUUID();
      const first = await post(`/v1/spei/transfers/${t.id}/reconcile`, {}, gw.adminKey, key);
      expect(first.body).toMatchObject({ status: 'sent', attempts: 4 });
      const again = await post(`/v1/spei/transfers/${t.id}/reconcile`, {}, gw.adminKey, key);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    });
  });

  describe('POST /v1/clabe-accounts/{ref}/reconcile', () => {
    /** Opens an account while STP fails; returns its id from the 409 the same key then answers. */
    async function unknownAccount(fault: Record<string, unknown>): Promise<string> {
      await stp('POST', '/failures', { count: 1, status: 500, operation: 'clabes', ...fault });
      const key = randomUUID();
      const body = holder();
      expect((await post('/v1/clabe-accounts', body, writer, key)).body).toMatchObject({ status: 503, code: 'provider_unavailable' });
      const again = await post('/v1/clabe-accounts', body, writer, key);
      expect(again.body).toMatchObject({ status: 409, code: 'clabe_account_outcome_unknown' });
      const id = /\/v1\/clabe-accounts\/([0-9a-f-]{36})\/reconcile/.exec(again.body.detail)?.[1];
      expect(id).toBeDefined();
      return id!;
    }
    const reconcileAccount = (ref: string, key = gw.adminKey) => post(`/v1/clabe-accounts/${ref}/reconcile`, {}, key);

    it('STP never had it: opened now with the same account_id → 200 with its CLABE; then not reconcilable', async () => {
      const id = await unknownAccount({});
      await stp('POST', '/failures', { count: 1, status: 502, operation: 'clabes' });
      expect((await reconcileAccount(id)).body).toMatchObject({ status: 503, code: 'provider_unavailable' });
      const r = await reconcileAccount(id);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id, provider: 'stp', status: 'active', balance: { posted: '0.00' } });
      expect((await stp('GET', `/clabes/${r.body.clabe}`)).body.accountId).toBe(id);
      expect((await get(`/v1/clabe-accounts/${r.body.clabe}`, reader)).body).toEqual(r.body);
      expect((await reconcileAccount(id)).body).toMatchObject({ status: 409, code: 'clabe_account_not_reconcilable' });
      expect((await reconcileAccount(r.body.clabe)).body).toMatchObject({ status: 409, code: 'clabe_account_not_reconcilable' });
    });

    it('STP had opened it (answer lost): 409 clabe_account_exists_at_stp, no second CLABE, stays unknown', async () => {
      const id = await unknownAccount({ mode: 'after_processing' });
      const r = await reconcileAccount(id);
      // STP answered 409 for the account_id (it keys accounts by it): it did not open a second one.
      expect(r.body).toMatchObject({ status: 409, code: 'clabe_account_exists_at_stp' });
      const { rows } = await gw.app.get(DatabasePool).query('select state, clabe from clabe_accounts where id = $1', [id]);
      expect(rows).toEqual([{ state: 'unknown', clabe: null }]);
      // Still unknown: reconcilable again (STP still answering it has it).
      expect((await reconcileAccount(id)).body.code).toBe('clabe_account_exists_at_stp');
    });

    it('404 unknown, 400 malformed ref, 403 without admin, 400 without Idempotency-Key', async () => {
      expect((await reconcileAccount(randomUUID())).body).toMatchObject({ status: 404, code: 'clabe_account_not_found' });
      expect((await reconcileAccount('646180123300000408')).body).toMatchObject({ status: 404, code: 'clabe_account_not_found' });
      expect((await reconcileAccount('not-a-ref')).status).toBe(400);
      expect((await reconcileAccount(randomUUID(), writer)).status).toBe(403);
      expect((await call(gw, 'POST', `/v1/clabe-accounts/${randomUUID()}/reconcile`, { key: gw.adminKey, body: {} })).body).toMatchObject({ code: 'idempotency_key_missing' });
    });
  });
});
