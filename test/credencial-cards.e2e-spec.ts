import { randomInt, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { DatabasePool } from '#libs/database';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';
import { createWorkerApp } from '../apps/worker/src/worker.app.js';
import { dumpDatabase, dumpQueueKeys } from './support/card-data-scan.js';
import { call as rawCall, type CallOptions, type TestGateway } from './support/gateway.js';
import { luhnPans } from './support/pans.js';
import { startGatewayWithSandbox } from './support/sandbox.js';
import { settled } from './support/webhooks.js';

/**
 * Issue 6, Credencial through the unified API: a card nominated with POST /v1/cards/nominations is a normal
 * Pasarela card (GET /v1/cards/{id}, PUT /status, PUT /pin route to Credencial by the card's provider; what
 * Credencial lacks is 422), and the Credencial sandbox's webhook controls POST signed DEBIT / REVERSE /
 * BALANCE / MOVEMENTS webhooks to this gateway and return its answer. Then: no clear PAN, NIP, CVC or expiry
 * in the logs, responses, database rows or queue keys.
 */
const HERE = { latitude: '19.43260', longitude: '-99.13320' };
const NIP_1 = '7391';
const NIP_2 = '5820';
const NIP_WRONG = '6047';
const SETTLEMENT = '00000000-0000-4000-8000-000000000001';

/** Luhn-valid PANs (the sandbox refuses others with 404). */
const nextPan = luhnPans(randomInt(100_000_000, 999_999_999));

const cardholder = () => ({
  card_name: 'Jose Lopez',
  full_name: 'Jose Lopez Garcia',
  birth_date: '1986-10-10',
  gender: 'male',
  civil_status: 'single',
  email: 'persona@dominio.com',
  phone: '5511456745',
  address: { type: 'casa', street: 'Privada', country: '484', state: 'CDMX', suburb: 'Granjas', locality: 'Iztapalapa', zip_code: '04056' },
  document: { type: 'DNI', number: '32145698777' },
});

describe('Credencial cards through /v1 (e2e, Credencial sandbox)', () => {
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let gw: TestGateway;
  let worker: INestApplicationContext;
  let writer: string;
  let reader: string;
  const responses: string[] = [];
  const sandboxLogs: string[] = [];
  const secrets = { pans: new Set<string>(), cvcs: new Set<string>(), expirations: new Set<string>() };

  const call = async (method: string, path: string, opts: CallOptions = {}) => {
    const res = await rawCall(gw, method, path, opts);
    responses.push(`${method} ${path} ${res.status}\n${res.text}`);
    return res;
  };
  const post = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('POST', path, { key, body, idempotencyKey });
  const put = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('PUT', path, { key, body, idempotencyKey });
  const get = (path: string, key = writer) => call('GET', path, { key });

  async function control(method: string, path: string, body?: unknown, base = sandboxUrl): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}/credential/_sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    responses.push(`SANDBOX ${method} ${path} ${res.status}\n${text}`);
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  const nominationBody = (pan: string, extra: Record<string, unknown> = {}) => ({ card_number: pan, account_reference: '0001003143', account_identifier: '21000002159', cardholder: cardholder(), ...extra });

  /** A nominated card with its plastic's expiry and CVC (from the sandbox controls). */
  async function nominated(): Promise<{ id: string; accountNumber: string; ledgerAccountId: string; expiration: string; cvc: string; body: any }> {
    const pan = nextPan();
    secrets.pans.add(pan);
    const r = await post('/v1/cards/nominations', nominationBody(pan));
    expect(r.status).toBe(201);
    const plastic = (await control('GET', `/cards/${r.body.provider_account_number}`)).body;
    secrets.cvcs.add(plastic.card_security_code);
    secrets.expirations.add(plastic.card_expiration);
    return { id: r.body.id, accountNumber: r.body.provider_account_number, ledgerAccountId: r.body.ledger_account_id, expiration: plastic.card_expiration, cvc: plastic.card_security_code, body: r.body };
  }

  async function fund(ledgerAccountId: string, amount: string): Promise<void> {
    const r = await call('POST', '/v1/ledger/transfers', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { legs: [{ debit_account_id: SETTLEMENT, credit_account_id: ledgerAccountId, amount, kind: 'funding' }] } });
    expect(r.status).toBe(201);
  }

  beforeAll(async () => {
    // The sandbox's own log lines, scanned for card data at the end.
    const sink = new Writable({
      write(chunk, _enc, cb) {
        sandboxLogs.push(String(chunk));
        cb();
      },
    });
    ({ gw, sandbox, sandboxUrl } = await startGatewayWithSandbox({ LOG_LEVEL: 'debug' }, { LOG_LEVEL: 'info' }, sink));
    worker = await createWorkerApp(loadConfig({ LOG_LEVEL: 'silent' }));
    writer = await gw.keyWith('cards:read', 'cards:write', 'webhooks:read');
    reader = await gw.keyWith('cards:read');
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await gw?.close();
    await sandbox?.close();
  });

  describe('POST /v1/cards/nominations', () => {
    it('nominates the card at Credencial, stores only the masked PAN, and links its account to the card\'s ledger account', async () => {
      const pan = nextPan();
      secrets.pans.add(pan);
      const idem = randomUUID();
      const r = await post('/v1/cards/nominations', nominationBody(pan, { external_id: 'customer-1' }), writer, idem);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({
        provider: 'credencial',
        type: 'PHYSICAL',
        status: 'ACTIVE',
        masked_pan: `************${pan.slice(-4)}`,
        last4: pan.slice(-4),
        provider_account_number: expect.stringMatching(/^\d+$/),
        account_reference: '0001003143',
        account_identifier: '21000002159',
      });
      // At Credencial: assigned to the account with the cardholder's data.
      const plastic = (await control('GET', `/cards/${r.body.provider_account_number}`)).body;
      secrets.cvcs.add(plastic.card_security_code);
      secrets.expirations.add(plastic.card_expiration);
      expect(plastic).toMatchObject({ masked_pan: r.body.masked_pan, emi_account_reference: '0001003143', emi_account_identifier: '21000002159', status: '00', cardholder: { full_name: 'Jose Lopez Garcia', gender: 'M', civil_status: 'S' } });
      // The DEBIT webhooks find it: registered automatically.
      const link = await call('GET', `/v1/provider-links/credencial-accounts/${r.body.provider_account_number}`, { key: writer });
      expect(link.status).toBe(200);
      expect(link.body).toMatchObject({ account_number: r.body.provider_account_number, emi_account_identifier: '21000002159', ledger_account_id: r.body.ledger_account_id, status: 'active' });
      // A ledger account that may not go negative.
      const account = await call('GET', `/v1/accounts/${r.body.ledger_account_id}`, { key: gw.adminKey });
      expect(account.body).toMatchObject({ code: `card:${r.body.id}`, type: 'liability', debits_must_not_exceed_credits: true });
      // Replayed with the same Idempotency-Key: the same card, no second nomination.
      const again = await post('/v1/cards/nominations', nominationBody(pan, { external_id: 'customer-1' }), writer, idem);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(r.body.id);
      // Listed like any card.
      const list = await get(`/v1/cards?cardholder_id=${r.body.cardholder_id}`);
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([r.body.id]);
    });

    it('errors: 400 invalid body / unknown provider, 404 unknown plastic, 409 already nominated, 422 provider without card processing, 401/403, 503 Credencial down', async () => {
      const pan = nextPan();
      secrets.pans.add(pan);
      const bad = await post('/v1/cards/nominations', nominationBody('41111111', { cardholder: { ...cardholder(), phone: '55' } }));
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.text).not.toContain('41111111');
      expect((await post('/v1/cards/nominations', nominationBody(pan, { provider: 'acme' }))).body).toMatchObject({ status: 400, code: 'unknown_provider' });
      expect((await post('/v1/cards/nominations', nominationBody(pan, { provider: 'necipco' }))).body).toMatchObject({ status: 422, code: 'capability_not_supported' });
      // Credencial's own checks: the birth date must be in the past (the adapter validates before calling).
      expect((await post('/v1/cards/nominations', nominationBody(pan, { cardholder: { ...cardholder(), birth_date: '2999-01-01' } }))).status).toBe(400);
      const luhnBad = `${pan.slice(0, 15)}${(Number(pan[15]) + 1) % 10}`;
      secrets.pans.add(luhnBad);
      const notFound = await post('/v1/cards/nominations', nominationBody(luhnBad));
      expect([400, 404]).toContain(notFound.status);
      expect((await control('POST', '/failures', { count: 1, status: 404, operation: 'nomination' })).status).toBe(201);
      expect((await post('/v1/cards/nominations', nominationBody(pan))).body).toMatchObject({ status: 404, code: 'card_not_found' });
      expect((await post('/v1/cards/nominations', nominationBody(pan))).status).toBe(201);
      expect((await post('/v1/cards/nominations', nominationBody(pan))).body).toMatchObject({ status: 409, code: 'card_already_nominated' });
      expect((await call('POST', '/v1/cards/nominations', { key: writer, body: nominationBody(nextPan()) })).body).toMatchObject({ status: 400, code: 'idempotency_key_missing' });
      expect((await post('/v1/cards/nominations', nominationBody(nextPan()), reader)).status).toBe(403);
      expect((await call('POST', '/v1/cards/nominations', { body: nominationBody(nextPan()), idempotencyKey: randomUUID() })).status).toBe(401);
      expect((await control('POST', '/failures', { count: 1, status: 500, operation: 'nomination' })).status).toBe(201);
      const down = nextPan();
      secrets.pans.add(down);
      expect((await post('/v1/cards/nominations', nominationBody(down))).status).toBe(503);
      // Nothing was stored for the failed ones: only the two nominated cards of this file's first two tests so far.
      const db = gw.app.get(DatabasePool);
      const n = (await db.query(`select count(*)::int as n from cards where provider = 'credencial' and last4 = $1`, [down.slice(-4)])).rows[0].n;
      expect(n).toBe(0);
    });
  });

  describe('GET /v1/cards/{id} and PUT /v1/cards/{id}/status', () => {
    it('reads the status at Credencial; blocks, unblocks and cancels; the account link follows', async () => {
      const c = await nominated();
      const details = await get(`/v1/cards/${c.id}`);
      expect(details.status).toBe(200);
      expect(details.body).toMatchObject({ id: c.id, provider: 'credencial', status: 'ACTIVE', account_reference: '0001003143', clabe: null, activity: null, card_data: null });

      const blocked = await put(`/v1/cards/${c.id}/status`, { status: 'TEMPORARY_INACTIVE', location: HERE });
      expect(blocked.status).toBe(200);
      expect(blocked.body).toMatchObject({ id: c.id, status: 'TEMPORARY_INACTIVE' });
      expect((await control('GET', `/cards/${c.accountNumber}`)).body.status).toBe('01');
      expect((await call('GET', `/v1/provider-links/credencial-accounts/${c.accountNumber}`, { key: writer })).body.status).toBe('blocked');
      // A blocked card's purchases are declined by the gateway (code 3, card not active).
      await fund(c.ledgerAccountId, '50.00');
      const declined = await control('POST', `/cards/${c.accountNumber}/debit`, { amount: '10.00' });
      expect(declined.body.delivery).toMatchObject({ delivered: true, status: 200, answer: { code: 3 } });

      // Changed at Credencial behind our back: GET shows (and stores) Credencial's status.
      const sandboxService = await fetch(`${sandboxUrl}/credential/cards/${c.accountNumber}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: '00' }) });
      expect(sandboxService.status).toBe(200);
      expect((await get(`/v1/cards/${c.id}`)).body.status).toBe('ACTIVE');
      expect((await call('GET', `/v1/provider-links/credencial-accounts/${c.accountNumber}`, { key: writer })).body.status).toBe('active');
      expect((await control('POST', `/cards/${c.accountNumber}/debit`, { amount: '10.00' })).body.delivery.answer).toMatchObject({ code: -1, balance_actual: 40, balance_last: 50 });

      expect((await put(`/v1/cards/${c.id}/status`, { status: 'LOST', location: HERE })).body.status).toBe('LOST');
      expect((await call('GET', `/v1/provider-links/credencial-accounts/${c.accountNumber}`, { key: writer })).body.status).toBe('cancelled');
      // LOST is final at Credencial: 422 with its reason.
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'ACTIVE', location: HERE })).body).toMatchObject({ status: 422, code: 'card_status_transition_not_allowed' });
      expect((await get(`/v1/cards/${c.id}`)).body.status).toBe('LOST');
    });

    it('errors: unknown status 400, unknown card 404, Credencial down 503, scopes and Idempotency-Key', async () => {
      const c = await nominated();
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'NEED_ACTIVATION', location: HERE })).body).toMatchObject({ status: 400, code: 'unknown_card_status' });
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'active', location: HERE })).status).toBe(400);
      expect((await put(`/v1/cards/${randomUUID()}/status`, { status: 'ACTIVE', location: HERE })).status).toBe(404);
      expect((await get(`/v1/cards/${randomUUID()}`)).status).toBe(404);
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'ACTIVE', location: HERE }, reader)).status).toBe(403);
      expect((await call('PUT', `/v1/cards/${c.id}/status`, { key: writer, body: { status: 'ACTIVE', location: HERE } })).status).toBe(400);
      expect((await control('POST', '/failures', { count: 3, status: 500, operation: 'get_status' })).status).toBe(201);
      expect((await get(`/v1/cards/${c.id}`)).status).toBe(503);
      expect((await control('POST', '/failures', { count: 1, status: 404, operation: 'update_status' })).status).toBe(201);
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'ACTIVE', location: HERE })).body).toMatchObject({ status: 404, code: 'card_not_found' });
      // Reading is cards:read.
      expect((await get(`/v1/cards/${c.id}`, reader)).status).toBe(200);
    });
  });

  describe('PUT /v1/cards/{id}/pin (Credencial NIP)', () => {
    it('sets the initial NIP, then changes it; Credencial holds the NIP, Pasarela never does', async () => {
      const c = await nominated();
      const idem = randomUUID();
      const set = await put(`/v1/cards/${c.id}/pin`, { pin: NIP_1, card_expiration: c.expiration, card_security_code: c.cvc, location: HERE }, writer, idem);
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ card_id: c.id, result: 'set', provider_operation_id: expect.stringMatching(/^\d{1,20}$/) });
      expect((await control('POST', `/cards/${c.accountNumber}/nip-check`, { nip: NIP_1 })).body).toEqual({ matches: true });
      // The same request again (same Idempotency-Key): the same answer, nothing new at Credencial.
      const replay = await put(`/v1/cards/${c.id}/pin`, { pin: NIP_1, card_expiration: c.expiration, card_security_code: c.cvc, location: HERE }, writer, idem);
      expect(replay.body).toEqual(set.body);
      // A second initial NIP: Credencial refuses (NIP already set).
      expect((await put(`/v1/cards/${c.id}/pin`, { pin: NIP_2, card_expiration: c.expiration, card_security_code: c.cvc, location: HERE })).body).toMatchObject({ status: 422, code: 'card_nip_conflict' });

      const changed = await put(`/v1/cards/${c.id}/pin`, { pin: NIP_2, current_pin: NIP_1, card_expiration: c.expiration, card_security_code: c.cvc, location: HERE });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ card_id: c.id, result: 'changed' });
      expect((await control('POST', `/cards/${c.accountNumber}/nip-check`, { nip: NIP_2 })).body).toEqual({ matches: true });
      expect((await control('POST', `/cards/${c.accountNumber}/nip-check`, { nip: NIP_1 })).body).toEqual({ matches: false });
    });

    it('errors: wrong current NIP / expiry / CVC 422, missing plastic data 400, new = current 400, unknown card 404, blocked card 422', async () => {
      const c = await nominated();
      const wrongCvc = String(((Number(c.cvc) - 100 + 1) % 900) + 100);
      const base = { card_expiration: c.expiration, card_security_code: c.cvc, location: HERE };
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_1, card_security_code: wrongCvc })).body).toMatchObject({ status: 422, code: 'card_verification_failed' });
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_1, current_pin: NIP_WRONG })).body).toMatchObject({ status: 422, code: 'card_nip_conflict' }); // no NIP yet
      expect((await put(`/v1/cards/${c.id}/pin`, { pin: NIP_1, location: HERE })).body).toMatchObject({ status: 400, code: 'validation_failed' });
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: '12a4' })).status).toBe(400);
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, card_expiration: '1399', pin: NIP_1 })).status).toBe(400);
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_1 })).status).toBe(200);
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_2, current_pin: NIP_WRONG })).body).toMatchObject({ status: 422, code: 'card_verification_failed' });
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_1, current_pin: NIP_1 })).status).toBe(400);
      expect((await put(`/v1/cards/${randomUUID()}/pin`, { ...base, pin: NIP_1 })).status).toBe(404);
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_1 }, reader)).status).toBe(403);
      expect((await put(`/v1/cards/${c.id}/status`, { status: 'TEMPORARY_INACTIVE', location: HERE })).status).toBe(200);
      expect((await put(`/v1/cards/${c.id}/pin`, { ...base, pin: NIP_2, current_pin: NIP_1 })).body).toMatchObject({ status: 422, code: 'card_nip_conflict' });
      expect((await control('POST', `/cards/${c.accountNumber}/nip-check`, { nip: NIP_1 })).body).toEqual({ matches: true });
    });
  });

  describe('what Credencial does not do', () => {
    it('is 422 capability_not_supported naming the capability', async () => {
      const c = await nominated();
      const cap = async (p: Promise<{ body: any }>) => (await p).body;
      expect(await cap(post(`/v1/cards/${c.id}/activate`, { location: HERE }))).toMatchObject({ status: 422, code: 'capability_not_supported', detail: 'provider credencial does not support card_issuing' });
      expect(await cap(get(`/v1/cards/${c.id}/balance`))).toMatchObject({ status: 422, code: 'capability_not_supported' });
      expect(await cap(post(`/v1/cards/${c.id}/pin/validation`, { pin: NIP_1, location: HERE }))).toMatchObject({ status: 422, code: 'capability_not_supported' });
      expect(await cap(post(`/v1/cards/${c.id}/disbursements`, { amount: '10.00', location: HERE }))).toMatchObject({ status: 422, code: 'capability_not_supported', detail: 'provider credencial does not support card_funds' });
      // Credencial keeps no cardholders of its own: the cardholder comes with the nomination.
      const person = {
        provider: 'credencial', first_name: 'John', second_name: 'Doe', surname: 'Gonzalez', second_surname: 'Perez', rfc: 'XAXX010101000', curp: 'XEXX010101HNEXXX01', email: 'john@example.com',
        primary_phone: '5555555555', mobile_phone: '5555555555', birthdate: '1995-09-22', gender: 'MALE', marital_status: 'SOLTERO', has_kids: false,
        gross_monthly_income: '20000.00', external_id: `e2e-${randomUUID().slice(0, 8)}`,
        address: { street: 'Av. Siempre', external_number: '#12', internal_number: 'Lt3.', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postal_code: '55120' },
      };
      const holder = await post('/v1/cardholders', person);
      expect({ status: holder.status, code: holder.body.code, detail: holder.body.detail }).toEqual({ status: 422, code: 'capability_not_supported', detail: 'provider credencial does not support card_issuing' });
      expect(await cap(get(`/v1/cardholders/${c.body.cardholder_id}`))).toMatchObject({ status: 422, code: 'capability_not_supported' });
    });
  });

  describe('Credencial webhooks from the sandbox (signed, answered synchronously)', () => {
    it('DEBIT is authorized as a hold and settled; REVERSE, BALANCE and MOVEMENTS answer from the ledger', async () => {
      const c = await nominated();
      await fund(c.ledgerAccountId, '100.00');
      const debit = await control('POST', `/cards/${c.accountNumber}/debit`, { amount: '30.25', trade_name: 'OXXO' });
      expect(debit.status).toBe(200);
      expect(debit.body.webhook).toMatchObject({ account_number: Number(c.accountNumber), emi_account_identifier: '21000002159', amount: 30.25 });
      expect(debit.body.delivery).toMatchObject({ url: `${gw.url}/webhooks/credencial/debit`, delivered: true, status: 200 });
      expect(debit.body.delivery.answer).toMatchObject({ code: -1, message: 'Retiro aplicado con éxito.', emi_account_identifier: '21000002159', balance_actual: 69.75, balance_last: 100, reference: debit.body.webhook.reference });

      // The worker settles the hold as a posting.
      const events = await get(`/v1/webhook-events?provider=credencial&type=debit&limit=200`, gw.adminKey);
      const ev = events.body.data.find((e: { dedup_key: string; payload?: unknown }) => String(e.dedup_key).includes(debit.body.webhook.reference));
      expect(ev).toBeDefined();
      expect((await settled(gw, ev.id)).status).toBe('APPLIED');

      const overdraft = await control('POST', `/cards/${c.accountNumber}/debit`, { amount: '70.00' });
      expect(overdraft.body.delivery.answer).toMatchObject({ code: 1, balance_actual: 69.75 });

      const reverse = await control('POST', `/cards/${c.accountNumber}/reverse`, { amount: '30.25', reference: debit.body.webhook.reference });
      expect(reverse.body.delivery).toMatchObject({ delivered: true, status: 200 });
      expect(reverse.body.delivery.answer).toMatchObject({ code: -1, message: 'Reversa aplicada con éxito.', balance_actual: 100, balance_last: 69.75 });

      const balance = await control('POST', `/cards/${c.accountNumber}/balance`);
      expect(balance.body.delivery.answer).toMatchObject({ code: -1, message: 'Consulta aplicada con éxito.', balance_actual: 100 });

      const movements = await control('POST', `/cards/${c.accountNumber}/movements`);
      expect(movements.body.delivery.answer.code).toBe(-1);
      const amounts = movements.body.delivery.answer.movements.map((m: { amount: number }) => m.amount).sort((a: number, b: number) => a - b);
      expect(amounts).toEqual([30.25, 30.25, 100]);

      const ledger = await call('GET', `/v1/accounts/${c.ledgerAccountId}`, { key: gw.adminKey });
      expect(JSON.stringify(ledger.body)).toContain('"100.00"');
    });

    it('a delivery the gateway cannot verify is 401 and reported as not delivered; an unknown card is a 404 at the sandbox', async () => {
      const other = await createSandboxApp(loadConfig({ LOG_LEVEL: 'silent', GATEWAY_URL: gw.url, CREDENCIAL_WEBHOOK_SECRETS: 'not-the-gateway-secret-0123456789' }));
      await other.listen(0, '127.0.0.1');
      try {
        const otherUrl = (await other.getUrl()).replace('[::1]', '127.0.0.1');
        const pan = nextPan();
        secrets.pans.add(pan);
        const nom = await fetch(`${otherUrl}/credential/nomination/${pan}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ emi_account_reference: '0001003143', emi_account_identifier: '21000002159', ...cardholder(), gender: 'M', civil_status: 'S' }) });
        expect(nom.status).toBe(200);
        const { account_number } = (await nom.json()) as { account_number: number };
        const r = await control('POST', `/cards/${account_number}/debit`, { amount: '1.00' }, otherUrl);
        expect(r.body.delivery).toMatchObject({ delivered: false, status: 401, answer: { code: 'webhook_unverified' } });
      } finally {
        await other.close();
      }
      expect((await control('POST', '/cards/1/debit', { amount: '1.00' })).status).toBe(404);
      expect((await control('POST', '/cards/1/balance')).status).toBe(404);
    });
  });

  describe('no clear card data anywhere', () => {
    it('no clear PAN, NIP, CVC or expiry in the gateway logs, the responses, any database row or the queue keys', async () => {
      expect(secrets.pans.size).toBeGreaterThan(5);
      expect(secrets.cvcs.size).toBeGreaterThan(3);
      const logs = gw.logs();
      expect(logs).toContain('request received'); // debug body logging was on…
      expect(logs).toContain('"card_number":"[REDACTED]"'); // …and saw the card numbers and NIPs sent, redacted
      expect(logs).toContain('"pin":"[REDACTED]"');
      expect(logs).toContain('"current_pin":"[REDACTED]"');
      expect(logs).toContain('"card_security_code":"[REDACTED]"');
      expect(logs).toContain('"card_expiration":"[REDACTED]"');
      const pool = gw.app.get(DatabasePool);
      const { tables, rows } = await dumpDatabase(pool);
      expect(tables).toEqual(expect.arrayContaining(['cards', 'cardholders', 'credencial_account_links', 'idempotency_records', 'webhook_events']));
      expect(rows).toContain('************');

      const queue = await dumpQueueKeys(loadConfig());
      expect(queue.length).toBeGreaterThan(0);

      // The sandbox's own log lines (the simulated Credencial) are checked too: its sender logs no payloads.
      const places = { logs, responses: responses.filter((r) => !r.startsWith('SANDBOX GET /cards/')).join('\n'), database: rows, queue, sandbox: sandboxLogs.join('') };
      for (const [where, text] of Object.entries(places)) {
        for (const pan of secrets.pans) expect({ where, pan, found: text.includes(pan) }).toEqual({ where, pan, found: false });
        for (const nip of [NIP_1, NIP_2, NIP_WRONG]) {
          for (const form of [`"${nip}"`, `:${nip},`, `:${nip}}`, `=${nip}`]) expect({ where, nip: form, found: text.includes(form) }).toEqual({ where, nip: form, found: false });
        }
        for (const cvc of secrets.cvcs) expect({ where, cvc, found: text.includes(`"card_security_code":"${cvc}"`) || text.includes(`"card_security_code":${cvc}`) }).toEqual({ where, cvc, found: false });
        for (const exp of secrets.expirations) expect({ where, exp, found: text.includes(`"card_expiration":"${exp}"`) }).toEqual({ where, exp, found: false });
      }
    });
  });
});
