import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigModule, loadConfig } from '#libs/config';
import {
  CardFunds,
  CardIssuing,
  ProgramAdmin,
  SpeiRail,
  Money,
  NotFoundError,
  ProviderDeclinedError,
  ProviderUnavailableError,
  SensitiveValue,
  ValidationError,
  type CardRef,
  type NewCardholder,
} from '#libs/domain';
import { generateRsaKeyPair, NecipcoAdapter, NecipcoClient, NecipcoModule, type NecipcoClientOptions } from '#libs/providers/necipco';
import { NecipcoSandboxModule } from '../../apps/sandbox/src/necipco/necipco-sandbox.module.js';
import type { NecipcoSandboxOptions } from '../../apps/sandbox/src/necipco/necipco-sandbox.state.js';

// One key pair for every client of the run (2048-bit generation is slow).
const OUR_KEY = generateRsaKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

interface Sent {
  method: string;
  url: string;
  body?: string;
}

interface Harness {
  app: NestFastifyApplication;
  base: string;
  sent: Sent[];
  client(extra?: Partial<NecipcoClientOptions>): NecipcoClient;
  close(): Promise<void>;
}

async function startSandbox(options: NecipcoSandboxOptions = {}): Promise<Harness> {
  const moduleRef = await Test.createTestingModule({ imports: [NecipcoSandboxModule.forRoot(options)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1') + '/necipco/v1';
  const sent: Sent[] = [];
  const recording: typeof fetch = async (input, init) => {
    sent.push({ method: init?.method ?? 'GET', url: String(input), body: typeof init?.body === 'string' ? init.body : undefined });
    return fetch(input, init);
  };
  return {
    app,
    base,
    sent,
    client: (extra = {}) =>
      new NecipcoClient({ baseUrl: base, apiKey: 'sandbox', password: 'sandbox', padding: options.padding, privateKey: OUR_KEY, retryDelayMs: 5, maxRetryWaitMs: 10, fetch: recording, ...extra }),
    close: () => app.close(),
  };
}

const HERE = { latitude: '19.43260', longitude: '-99.13320' };

function person(n: number): NewCardholder {
  return {
    firstName: 'John',
    secondName: 'Doe',
    surname: 'Gonzalez',
    secondSurname: 'Perez',
    rfc: 'XAXX010101000',
    curp: `XEXX010101HNEXXX${String(n).padStart(2, '0')}`,
    email: `john${n}@example.com`,
    primaryPhone: '5555555555',
    mobilePhone: '5555555555',
    address: { street: 'Av. Siempre', externalNumber: '#12', internalNumber: 'Lt3.', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postalCode: '55120' },
    birthdate: '1995-09-22',
    gender: 'MALE',
    maritalStatus: 'SOLTERO',
    hasKids: false,
    grossMonthlyIncome: Money.parse('20000'),
    netMonthlyIncome: Money.parse('18000.50'),
    observations: '',
    externalId: `ext-${n}-${randomUUID().slice(0, 8)}`,
  };
}

async function expectError<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T, code?: string): Promise<T> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(type);
  if (code) expect((e as { code?: string }).code).toBe(code);
  return e as T;
}

describe('NeCIPCo contract (client + adapter against the sandbox over HTTP)', () => {
  let h: Harness;
  let client: NecipcoClient;
  let necipco: NecipcoAdapter;
  let stock: Array<{ id: string; card_number: string }>;
  let seq = 0;

  beforeAll(async () => {
    h = await startSandbox({ initialAvailable: '50000.00', stockSize: 30 });
    client = h.client();
    necipco = new NecipcoAdapter(client);
    stock = ((await (await fetch(`${h.base}/_sandbox/stock`)).json()) as { cards: typeof stock }).cards;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A cardholder with an assigned, active physical card from stock. */
  async function activeCard(balance?: string): Promise<{ cardholderId: string; cardId: string; pan: string }> {
    const ch = await necipco.createCardholder(person(++seq));
    const { card_number: pan } = stock.shift()!;
    const issued = await necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: ch.cardholderId, document: { type: 'INE', number: '1234567890' }, location: HERE });
    await necipco.activateCard({ cardId: issued.card.cardId }, HERE);
    if (balance) await necipco.disburse({ card: { cardId: issued.card.cardId }, amount: Money.parse(balance), location: HERE });
    return { cardholderId: ch.cardholderId, cardId: issued.card.cardId, pan };
  }

  function requestsSince(n: number): Sent[] {
    return h.sent.slice(n);
  }

  describe('auth', () => {
    it('logs in (JWT from the Authorization header) and reuses the token', async () => {
      const c = h.client();
      const me = await c.login();
      expect(me.name).toBe('Pasarela Sandbox');
      await c.getClient();
      await c.getProducts();
      expect(c.loginCount).toBe(1);
    });

    it('refuses wrong credentials (401 → ProviderUnavailableError)', async () => {
      await expectError(h.client({ password: 'wrong' }).login(), ProviderUnavailableError);
    });

    it('logs in once for many concurrent calls', async () => {
      const c = h.client({ systemPublicKey: undefined });
      await Promise.all(Array.from({ length: 8 }, () => c.getClient()));
      expect(c.loginCount).toBe(1);
    });

    it('on a bad token (401) logs in again and the call succeeds', async () => {
      const c = h.client();
      await c.getClient();
      (c as unknown as { token: { value: string } }).token.value = 'not.a.token';
      const res = await c.getClient();
      expect(res.client.name).toBe('Pasarela Sandbox');
      expect(c.loginCount).toBe(2);
    });

    it('logout revokes the token; the next call logs in again', async () => {
      const c = h.client();
      await c.getClient();
      await c.logout();
      await c.getClient();
      expect(c.loginCount).toBe(2);
      (c as unknown as { token: { value: string } }).token.value = 'revoked.or.expired';
      await expect(c.logout()).resolves.toBeUndefined();
      // the sandbox really revoked it
      const res = await fetch(`${h.base}/clients`, { headers: { authorization: 'Bearer x.y.z' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ success: false, code: 1001 });
    });

    it('logs in again before the JWT expires', async () => {
      const c = h.client({ tokenSkewSeconds: 7200 });
      await c.getClient();
      await c.getClient();
      expect(c.loginCount).toBeGreaterThanOrEqual(2);
    });
  });

  describe('keys', () => {
    it('GET /clients/api_key/public_key: system key, our registered key, a check value we can decrypt', async () => {
      const keys = await necipco.getPublicKeys();
      expect(keys.systemPublicKey).toContain('BEGIN PUBLIC KEY');
      expect(keys.clientPublicKey).toBeDefined();
      const raw = await client.getPublicKey();
      expect(raw.sensitive_data?.reveal()).toBe('NECIPCO_SANDBOX_KEY_CHECK');
    });

    it('POST /clients/api_key/public_key registers a key; a malformed one is refused', async () => {
      const c = h.client();
      const res = await new NecipcoAdapter(c).registerPublicKey(c.ourPublicKeyPem);
      expect(res.clientPublicKey).toContain('BEGIN PUBLIC KEY');
      const before = c.requestCount;
      await expectError(c.addPublicKey('not a key'), ValidationError);
      expect(c.requestCount).toBe(before);
      await expectError(c.addPublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), ValidationError, 'provider_invalid_fields');
    });
  });

  describe('catalogs, products, institutions, client', () => {
    it.each(['card_status', 'document_types', 'states', 'marital_status', 'gender'] as const)('GET /catalogs/%s', async (name) => {
      const entries = await necipco.getCatalog(name);
      expect(entries.length).toBeGreaterThan(1);
      expect(entries[0]).toEqual(expect.objectContaining({ key: expect.any(String), value: expect.any(String) }));
    });

    it('unknown catalog → 404 in NeCIPCo shape', async () => {
      const c = h.client();
      await c.login();
      const res = await fetch(`${h.base}/catalogs/planets`, { headers: { authorization: `Bearer ${(c as unknown as { token: { value: string } }).token.value}` } });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ success: false, code: 1004 });
    });

    it('GET /products; a 503 is retried (GET), three are a ProviderUnavailableError', async () => {
      const products = await necipco.listProducts();
      expect(products[0]).toMatchObject({ name: 'PASARELA DEBITO', stockCards: expect.any(Number) });
      await fetch(`${h.base}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 1, path: '/products' }) });
      expect((await necipco.listProducts()).length).toBe(2);
      await fetch(`${h.base}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 3, path: '/products' }) });
      await expectError(necipco.listProducts(), ProviderUnavailableError);
    });

    it('GET /spei/institutions; 429 → ProviderUnavailableError', async () => {
      const list = await necipco.listSpeiInstitutions();
      expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'SANTANDER', speiKey: '40014', bankCode: '014' })]));
      await fetch(`${h.base}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 429, count: 3, path: '/spei/institutions' }) });
      const e = await expectError(necipco.listSpeiInstitutions(), ProviderUnavailableError);
      expect(e.details).toMatchObject({ status: 429 });
    });

    it('GET /clients; a 500 on a POST is not retried', async () => {
      const me = await necipco.getClient();
      expect(me.available).toBeInstanceOf(Money);
      const { cardId } = await activeCard();
      await fetch(`${h.base}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500, count: 1, path: '/cards/disbursement' }) });
      const n = h.sent.length;
      await expectError(necipco.disburse({ card: { cardId }, amount: Money.parse('1.00'), location: HERE }), ProviderUnavailableError);
      expect(requestsSince(n).filter((r) => r.url.endsWith('/cards/disbursement'))).toHaveLength(1);
    });

    it('answers 405 for a documented path with another method', async () => {
      const res = await fetch(`${h.base}/cards/balance`, { method: 'DELETE' });
      expect(res.status).toBe(405);
      expect(await res.json()).toMatchObject({ success: false, code: 1005 });
    });
  });

  describe('cardholders', () => {
    it('POST /cardholders then GET /cardholders by id and by curp', async () => {
      const input = person(++seq);
      const created = await necipco.createCardholder(input);
      expect(created.cardholderId).toMatch(/^[0-9a-f-]{36}$/);
      const byId = await necipco.getCardholder({ cardholderId: created.cardholderId });
      expect(byId).toMatchObject({ firstName: 'John', curp: input.curp, address: { externalNumber: '#12', state: 'CDMX' }, accounts: [] });
      const byCurp = await necipco.getCardholder({ curp: input.curp });
      expect(byCurp.cardholderId).toBe(created.cardholderId);
    });

    it('checks field rules before any call, naming the field', async () => {
      const n = client.requestCount;
      const e = await expectError(necipco.createCardholder({ ...person(++seq), curp: 'SHORT' }), ValidationError);
      expect(e.message).toContain('curp');
      expect((e.details as { fields: Array<{ field: string }> }).fields[0].field).toBe('curp');
      await expectError(necipco.createCardholder({ ...person(++seq), firstName: 'Bartholomew-Maximilian' }), ValidationError);
      await expectError(necipco.createCardholder({ ...person(++seq), birthdate: '1995-02-30' }), ValidationError);
      await expectError(necipco.getCardholder({}), ValidationError);
      expect(client.requestCount).toBe(n);
    });

    it('checks enumerations against the catalogs', async () => {
      const e = await expectError(necipco.createCardholder({ ...person(++seq), address: { ...person(0).address, state: 'NARNIA' } }), ValidationError);
      expect(e.message).toContain('state');
    });

    it('unknown cardholder → NotFoundError; duplicate external_id → 422', async () => {
      await expectError(necipco.getCardholder({ cardholderId: randomUUID() }), NotFoundError);
      const p = person(++seq);
      await necipco.createCardholder(p);
      await expectError(necipco.createCardholder({ ...p, curp: 'XEXX010101HNEXXX99' }), ValidationError, 'provider_invalid_fields');
    });
  });

  describe('cards', () => {
    it('PUT /cards assigns a stock card (PAN encrypted), POST /cards/activate activates it', async () => {
      const ch = await necipco.createCardholder(person(++seq));
      const { card_number: pan } = stock.shift()!;
      const n = h.sent.length;
      const issued = await necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: ch.cardholderId, document: { type: 'INE', number: '1234567890' }, location: HERE });
      expect(issued.card).toMatchObject({ type: 'PHYSICAL', status: 'NEED_ACTIVATION', maskedPan: `************${pan.slice(-4)}` });
      const assign = requestsSince(n).find((r) => r.method === 'PUT' && r.url.endsWith('/cards'))!;
      expect(assign.body).not.toContain(pan);
      expect(assign.body).toMatch(/"latitude":19\.43260,"longitude":-99\.13320/);
      expect(JSON.parse(assign.body!).card_number).toMatch(/^[A-Za-z0-9+/]+=*$/);
      const active = await necipco.activateCard({ cardId: issued.card.cardId }, HERE);
      expect(active.card.status).toBe('ACTIVE');
      const holder = await necipco.getCardholder({ cardholderId: ch.cardholderId });
      expect(holder.accounts[0].cards[0]).toMatchObject({ cardId: issued.card.cardId, maskedPan: `************${pan.slice(-4)}`, status: 'ACTIVE' });
      await expectError(necipco.activateCard({ cardId: issued.card.cardId }, HERE), ProviderDeclinedError, 'card_already_active');
      await expectError(
        necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: ch.cardholderId, document: { type: 'INE', number: '1' }, location: HERE }),
        ProviderDeclinedError,
        'card_already_assigned',
      );
    });

    it('assign: unknown cardholder → NotFoundError; bad coordinates and PAN → ValidationError before the call', async () => {
      const { card_number: pan } = stock[0];
      await expectError(necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: randomUUID(), document: { type: 'INE', number: '1' }, location: HERE }), NotFoundError);
      const n = client.requestCount;
      const e1 = await expectError(
        necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: randomUUID(), document: { type: 'INE', number: '1' }, location: { latitude: '91.00000', longitude: '0' } }),
        ValidationError,
      );
      expect(e1.message).toContain('latitude');
      const e2 = await expectError(
        necipco.assignCard({ pan: SensitiveValue.pan(pan), cardholderId: randomUUID(), document: { type: 'INE', number: '1' }, location: { latitude: '19.123456', longitude: '0' } }),
        ValidationError,
      );
      expect(e2.message).toContain('latitude');
      const e3 = await expectError(
        necipco.assignCard({ pan: SensitiveValue.pan('12345'), cardholderId: randomUUID(), document: { type: 'INE', number: '1' }, location: HERE }),
        ValidationError,
      );
      expect(e3.message).toContain('card_number');
      expect(e3.message).not.toContain('12345');
      expect(client.requestCount).toBe(n);
    });

    it('PUT /cards/status blocks and unblocks; a blocked card cannot move money', async () => {
      const { cardId } = await activeCard();
      const blocked = await necipco.changeCardStatus({ cardId }, 'TEMPORARY_INACTIVE', HERE);
      expect(blocked.card.status).toBe('TEMPORARY_INACTIVE');
      await expectError(necipco.disburse({ card: { cardId }, amount: Money.parse('10'), location: HERE }), ProviderDeclinedError, 'card_not_active');
      expect((await necipco.changeCardStatus({ cardId }, 'ACTIVE', HERE)).card.status).toBe('ACTIVE');
      await expectError(necipco.changeCardStatus({ cardId }, 'SLEEPING', HERE), ValidationError);
      await expectError(necipco.changeCardStatus({ cardId }, 'NEED_ACTIVATION', HERE), ProviderDeclinedError, 'card_status_transition_not_allowed');
    });

    it('GET /cards/balance with movements; GET /cards/info reveals the PAN only as a SensitiveValue', async () => {
      const { cardId, pan } = await activeCard('150.50');
      const bal = await necipco.getBalance({ cardId }, { includeMovements: true });
      expect(bal.available.toDecimalString()).toBe('150.50');
      expect(bal.recentMovements?.[0].amount.toDecimalString()).toBe('150.50');
      const details = await necipco.getCardDetails({ cardId });
      expect(details.pan).toBeInstanceOf(SensitiveValue);
      expect(details.pan!.reveal()).toBe(pan);
      expect(JSON.stringify(details)).not.toContain(pan);
      expect(details.card.maskedPan).toBe(`************${pan.slice(-4)}`);
      await expectError(necipco.getBalance({ cardId: randomUUID() }), NotFoundError);
      // by PAN: base64url without padding in the query
      const n = h.sent.length;
      const byPan = await necipco.getBalance({ pan: SensitiveValue.pan(pan) });
      expect(byPan.card.cardId).toBe(cardId);
      const q = new URL(requestsSince(n).find((r) => r.url.includes('/cards/balance'))!.url).searchParams.get('card_number')!;
      expect(q).toMatch(/^[A-Za-z0-9_-]+$/);
    });

    it('GET /cards/info: unknown card → NotFoundError', async () => {
      await expectError(necipco.getCardDetails({ cardId: randomUUID() }), NotFoundError);
    });

    it('PINs: set, update (old PIN needed), validate, the lock after 5 wrong ones', async () => {
      const { cardId } = await activeCard();
      const card: CardRef = { cardId };
      const set = await necipco.setAtmPin(card, SensitiveValue.pin('1234'), HERE);
      expect(set.operationId).toBeDefined();
      await expectError(necipco.changeAtmPin(card, SensitiveValue.pin('9999'), SensitiveValue.pin('4321'), HERE), ProviderDeclinedError, 'pin_invalid');
      await necipco.changeAtmPin(card, SensitiveValue.pin('1234'), SensitiveValue.pin('4321'), HERE);
      expect(await necipco.validateAtmPin(card, SensitiveValue.pin('4321'), HERE)).toEqual({ valid: true, attemptsRemaining: undefined });
      const n = h.sent.length;
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await necipco.validateAtmPin(card, SensitiveValue.pin('0000'), HERE));
      expect(results.map((r) => r.attemptsRemaining)).toEqual([4, 3, 2, 1, 0]);
      expect(results.every((r) => !r.valid)).toBe(true);
      await expectError(necipco.validateAtmPin(card, SensitiveValue.pin('4321'), HERE), ProviderDeclinedError, 'pin_locked');
      for (const r of requestsSince(n)) expect(new URL(r.url).searchParams.get('pin')).toMatch(/^[A-Za-z0-9_-]+$/);
      const m = client.requestCount;
      await expectError(necipco.setAtmPin(card, SensitiveValue.pin('12a4'), HERE), ValidationError);
      await expectError(necipco.setAtmPin(card, SensitiveValue.pin('12345'), HERE), ValidationError);
      expect(client.requestCount).toBe(m);
    });

    it('GET /cards/authenticate: last four + last two PIN digits', async () => {
      const { cardId, pan } = await activeCard();
      await necipco.setAtmPin({ cardId }, SensitiveValue.pin('2468'), HERE);
      expect(await necipco.authenticateCardholder({ cardId }, new SensitiveValue(`${pan.slice(-4)}68`, 'authentication'))).toEqual({ authenticated: true });
      expect(await necipco.authenticateCardholder({ cardId }, new SensitiveValue(`${pan.slice(-4)}00`, 'authentication'))).toEqual({ authenticated: false });
      await expectError(necipco.authenticateCardholder({ cardId }, new SensitiveValue('123', 'authentication')), ValidationError);
    });

    it('GET /cards/pin/pos returns the POS PIN decrypted; unknown card → NotFoundError', async () => {
      const { cardId } = await activeCard();
      const pos = await necipco.getPosPin({ cardId }, HERE);
      expect(pos.pin.reveal()).toMatch(/^\d{4}$/);
      expect(JSON.stringify(pos)).toContain('[REDACTED]');
      await expectError(necipco.getPosPin({ cardId: randomUUID() }, HERE), NotFoundError);
    });
  });

  describe('money on cards', () => {
    it('POST /cards/disbursement moves the main balance to the card; not enough main balance → declined', async () => {
      const { cardId } = await activeCard();
      const before = (await necipco.getClient()).available;
      const r = await necipco.disburse({ card: { cardId }, amount: Money.parse('1000.55'), location: HERE });
      expect(r.operation.amount.toDecimalString()).toBe('1000.55');
      expect(r.operation.authorizationCode).toMatch(/^\d{6}$/);
      expect((await necipco.getClient()).available.toDecimalString()).toBe(before.subtract(Money.parse('1000.55')).toDecimalString());
      expect((await necipco.getBalance({ cardId })).available.toDecimalString()).toBe('1000.55');
      await expectError(necipco.disburse({ card: { cardId }, amount: Money.parse('99999999.00'), location: HERE }), ProviderDeclinedError, 'insufficient_program_funds');
      await expectError(necipco.disburse({ card: { cardId }, amount: Money.parse('0'), location: HERE }), ValidationError);
    });

    it('POST /cards/payment with a description; too long a description → ValidationError', async () => {
      const { cardId } = await activeCard();
      const r = await necipco.pay({ card: { cardId }, amount: Money.parse('200'), description: 'ABONO POR COMISIONES', location: HERE });
      expect(r.operation.description).toBe('ABONO POR COMISIONES');
      expect((await necipco.getBalance({ cardId })).available.toDecimalString()).toBe('200.00');
      await expectError(necipco.pay({ card: { cardId }, amount: Money.parse('1'), description: 'X'.repeat(33), location: HERE }), ValidationError);
    });

    it('POST /cards/withdrawal (with PIN); insufficient balance → declined', async () => {
      const { cardId } = await activeCard('300.00');
      await necipco.setAtmPin({ cardId }, SensitiveValue.pin('1111'), HERE);
      const r = await necipco.withdraw({ card: { cardId }, amount: Money.parse('100.25'), pin: SensitiveValue.pin('1111'), location: HERE });
      expect(r.operation.amount.toDecimalString()).toBe('100.25');
      expect((await necipco.getBalance({ cardId })).available.toDecimalString()).toBe('199.75');
      await expectError(necipco.withdraw({ card: { cardId }, amount: Money.parse('500'), location: HERE }), ProviderDeclinedError, 'insufficient_funds');
    });

    it('POST /cards/purchase; a wrong PIN → declined pin_invalid', async () => {
      const { cardId } = await activeCard('300.00');
      await necipco.setAtmPin({ cardId }, SensitiveValue.pin('2222'), HERE);
      const r = await necipco.purchase({ card: { cardId }, amount: Money.parse('99.90'), merchantDescription: 'CARGO POR COMISIONES', location: HERE });
      expect(r.operation.description).toBe('CARGO POR COMISIONES');
      const e = await expectError(
        necipco.purchase({ card: { cardId }, amount: Money.parse('1'), merchantDescription: 'X', pin: SensitiveValue.pin('9999'), location: HERE }),
        ProviderDeclinedError,
        'pin_invalid',
      );
      expect(e.details).toMatchObject({ attempts_remaining: 4 });
      expect((await necipco.getBalance({ cardId })).available.toDecimalString()).toBe('200.10');
    });

    it('POST /cards/transfer by card id → card (destination PAN looked up and encrypted); insufficient → declined', async () => {
      const a = await activeCard('500.00');
      const b = await activeCard();
      const r = await necipco.transferBetweenCards({ origin: { cardId: a.cardId }, destination: { cardId: b.cardId }, amount: Money.parse('120.10'), location: HERE });
      expect(r.origin).toMatchObject({ cardId: a.cardId, maskedPan: `************${a.pan.slice(-4)}` });
      expect(r.origin.newBalance?.toDecimalString()).toBe('379.90');
      expect(r.destination.newBalance?.toDecimalString()).toBe('120.10');
      expect(r.operation.authorizationCode).toMatch(/^\d+$/);
      await expectError(
        necipco.transferBetweenCards({ origin: { cardId: a.cardId }, destination: { pan: SensitiveValue.pan(b.pan) }, amount: Money.parse('1000'), location: HERE }),
        ProviderDeclinedError,
        'insufficient_funds',
      );
    });

    it('GET /cards/movements in a date range; a reversed range → 422', async () => {
      const { cardId } = await activeCard('75.00');
      await necipco.purchase({ card: { cardId }, amount: Money.parse('25'), merchantDescription: 'TIENDA', location: HERE });
      const today = new Date().toLocaleString('sv-SE', { timeZone: 'America/Mexico_City' }).slice(0, 10);
      const res = await necipco.listMovements({ cardId }, { from: '2020-01-01', to: today });
      expect(res.movements.map((m) => m.amount.toDecimalString())).toEqual(['75.00', '25.00']);
      expect(res.movements[1]).toMatchObject({ merchant: { description: 'TIENDA' }, currencyCode: '484', status: { code: '00' } });
      await expectError(necipco.listMovements({ cardId }, { from: today, to: '2020-01-01' }), ValidationError, 'provider_invalid_fields');
      await expectError(necipco.listMovements({ cardId }, { from: '2021/07/01', to: today }), ValidationError, 'validation_failed');
    });
  });

  describe('virtual cards', () => {
    it('POST /cards/virtual → PAN and expiry decrypted; PUT /cards/virtual orders the physical card; GET /cards/virtual/cvc', async () => {
      const ch = await necipco.createCardholder(person(++seq));
      const [product] = await necipco.listProducts();
      const v = await necipco.issueVirtualCard({ productId: product.productId, cardholderId: ch.cardholderId, document: { type: 'INE', number: '123456123456' }, location: HERE });
      expect(v.card).toMatchObject({ type: 'VIRTUAL', status: 'NEED_ACTIVATION' });
      expect(v.pan!.reveal()).toMatch(/^\d{16}$/);
      expect(v.card.maskedPan).toBe(`************${v.pan!.reveal().slice(-4)}`);
      expect(v.expiryMonth!.reveal()).toMatch(/^\d{2}$/);
      expect(v.expiryYear!.reveal()).toMatch(/^\d{4}$/);

      const cardId = v.card.cardId;
      await necipco.activateCard({ cardId }, HERE);
      await expectError(necipco.getVirtualCardCvc({ cardId }, SensitiveValue.pin('1357'), HERE), ProviderDeclinedError, 'pin_not_set');
      await necipco.setAtmPin({ cardId }, SensitiveValue.pin('1357'), HERE);
      const cvc = await necipco.getVirtualCardCvc({ cardId }, SensitiveValue.pin('1357'), HERE);
      expect(cvc.cvc.reveal()).toMatch(/^\d{3}$/);
      expect(cvc.validForMinutes).toBe(3);

      const phys = await necipco.requestPhysicalCard({ cardId }, { street: 'Av. Siempre', streetNumber: '#12 Lt3.', township: 'Benito Juarez', state: 'CDMX', postalCode: '55120' }, HERE);
      expect(phys.card.type).toBe('VIRTUAL_WITH_PHYSICAL');
      expect(phys.deliveryAddress.postalCode).toBe('55120');
      await expectError(
        necipco.requestPhysicalCard({ cardId }, { street: 'Av. Siempre', streetNumber: '#12', township: 'BJ', state: 'CDMX', postalCode: '55120' }, HERE),
        ProviderDeclinedError,
        'physical_card_already_requested',
      );
    });

    it('virtual card: unknown product → 422; CVC of a physical card → declined', async () => {
      const ch = await necipco.createCardholder(person(++seq));
      await expectError(
        necipco.issueVirtualCard({ productId: randomUUID(), cardholderId: ch.cardholderId, document: { type: 'INE', number: '1' }, location: HERE }),
        ValidationError,
        'provider_invalid_fields',
      );
      const { cardId } = await activeCard();
      await necipco.setAtmPin({ cardId }, SensitiveValue.pin('1357'), HERE);
      await expectError(necipco.getVirtualCardCvc({ cardId }, SensitiveValue.pin('1357'), HERE), ProviderDeclinedError, 'not_a_virtual_card');
      await expectError(
        necipco.requestPhysicalCard({ cardId }, { street: 'A', streetNumber: '1', township: 'B', state: 'NARNIA', postalCode: '55120' }, HERE),
        ValidationError,
      );
    });
  });

  describe('clients', () => {
    const sub = (alias: string, available: string) => ({
      name: 'Red Ribbon SA',
      alias,
      email: 'ops@redribbon.mx',
      initialAvailable: Money.parse(available),
      phone: '5555555555',
      mobilePhone: '6666666666',
      rfc: 'AAMM9001010A1',
      address: { street: 'Av. Siempre', externalNumber: '1234', internalNumber: 'Apt.4', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postalCode: '55555' },
      contact: { name: 'Juan', surname: 'Perea', email: 'juan@redribbon.mx', phoneCountryCode: '52', phone: '5555555555', mobilePhoneCountryCode: '52', mobilePhone: '6666666666' },
      apiKey: { name: 'SUB_CLIENT_ACCESS', description: 'Subclient Api Key', password: '12345' },
    });

    it('POST /clients creates a sub-client that can log in; POST /clients/fund funds it', async () => {
      const created = await necipco.createSubClient(sub('REDRI', '1000'));
      expect(created.available.toDecimalString()).toBe('1000.00');
      expect(created.apiKey?.id).toMatch(/^[0-9a-f-]{36}$/);
      const funded = await necipco.fundSubClient(created.clientId, Money.parse('1200.50'));
      expect(funded.subClient.available.toDecimalString()).toBe('2200.50');
      const subClient = h.client({ apiKey: created.apiKey!.id!, password: '12345' });
      expect((await subClient.login()).name).toBe('Red Ribbon SA');
      await expectError(necipco.createSubClient(sub('REDRI', '1')), ValidationError, 'provider_invalid_fields');
      await expectError(necipco.createSubClient(sub('X', '1')), ValidationError, 'validation_failed');
    });

    it('POST /clients/fund: unknown sub-client → NotFoundError; too much → declined', async () => {
      await expectError(necipco.fundSubClient(randomUUID(), Money.parse('1')), NotFoundError);
      const created = await necipco.createSubClient(sub('CAPSU', '1'));
      await expectError(necipco.fundSubClient(created.clientId, Money.parse('99999999')), ProviderDeclinedError, 'insufficient_program_funds');
    });
  });

  describe('SPEI', () => {
    it('POST /spei debits amount + commission + IVA from the card; a bad CLABE → 422; unknown institution → ValidationError', async () => {
      const { cardId } = await activeCard('5000.00');
      const order = {
        card: { cardId } as CardRef,
        amount: Money.parse('3000.25'),
        concept: 'Pago de Renta',
        beneficiaryAccount: '014027000005555558',
        beneficiaryInstitution: 'SANTANDER',
        beneficiaryName: 'John Doe',
        numericReference: '12345',
        beneficiaryEmail: 'john@example.com',
        location: HERE,
      };
      const r = await necipco.sendSpeiFromCard(order);
      expect(r).toMatchObject({ commissionType: 'FLAT', card: { cardId, type: 'PHYSICAL' } });
      expect(r.amount.toDecimalString()).toBe('3000.25');
      expect(r.commission?.toDecimalString()).toBe('5.80');
      expect(r.vat?.toDecimalString()).toBe('0.93');
      expect((await necipco.getBalance({ cardId })).available.toDecimalString()).toBe('1993.02');
      await expectError(necipco.sendSpeiFromCard({ ...order, beneficiaryAccount: '014027000005555559' }), ValidationError, 'provider_invalid_fields');
      await expectError(necipco.sendSpeiFromCard({ ...order, beneficiaryInstitution: 'BANCO PATITO' }), ValidationError, 'validation_failed');
      await expectError(necipco.sendSpeiFromCard({ ...order, amount: Money.parse('99999') }), ProviderDeclinedError, 'insufficient_funds');
    });
  });

  it('Nest wiring: NecipcoModule binds the ports to the adapter; the sandbox has a Swagger document', async () => {
    const config = loadConfig({ NECIPCO_BASE_URL: h.base, NECIPCO_PRIVATE_KEY: OUR_KEY }, {});
    const ref = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), NecipcoModule] }).compile();
    const issuing = ref.get(CardIssuing);
    expect(issuing).toBeInstanceOf(NecipcoAdapter);
    expect(ref.get(CardFunds)).toBe(issuing);
    expect(ref.get(ProgramAdmin)).toBe(issuing);
    expect(ref.get(SpeiRail)).toBe(issuing);
    expect((await ref.get(ProgramAdmin).getClient()).name).toBe('Pasarela Sandbox');
    const doc = SwaggerModule.createDocument(h.app, new DocumentBuilder().build());
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/necipco/v1/auth/login', '/necipco/v1/cards/virtual/cvc']));
  });

  it('never sends a clear PAN or PIN', () => {
    const everything = h.sent.map((r) => `${r.url} ${r.body ?? ''}`).join('\n');
    expect(everything).not.toMatch(/506411\d{10}/);
    expect(everything).not.toMatch(/"(pin|old_pin|new_pin)":"\d{4}"/);
    expect(everything).not.toMatch(/[?&]pin=\d{4}(&|$)/);
  });
});

describe('NeCIPCo contract with PKCS#1 v1.5 padding', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSandbox({ padding: 'pkcs1', stockSize: 2 });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('round-trips sensitive data both ways', async () => {
    const necipco = new NecipcoAdapter(h.client({ padding: 'pkcs1' }));
    const stock = ((await (await fetch(`${h.base}/_sandbox/stock`)).json()) as { cards: Array<{ card_number: string }> }).cards;
    const ch = await necipco.createCardholder(person(77));
    const issued = await necipco.assignCard({ pan: SensitiveValue.pan(stock[0].card_number), cardholderId: ch.cardholderId, document: { type: 'INE', number: '1' }, location: HERE });
    const details = await necipco.getCardDetails({ cardId: issued.card.cardId });
    expect(details.pan!.reveal()).toBe(stock[0].card_number);
  });
});
