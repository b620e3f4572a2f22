import { constants, createHash, createHmac, generateKeyPairSync, privateDecrypt, randomUUID, type KeyObject } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '#libs/config';
import { DatabasePool, PrismaService } from '#libs/database';
import { CardIssuing } from '#libs/domain';
import { LedgerService } from '#libs/ledger';
import { canonicalJson } from '../apps/gateway/src/idempotency/idempotency.service.js';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';
import { dumpDatabase, dumpQueueKeys } from './support/card-data-scan.js';
import { call as rawCall, startGateway, type CallOptions, type TestGateway } from './support/gateway.js';

/**
 * Issue 5 through the unified API: every /v1 card, card-money, program and card-SPEI endpoint against the
 * NeCIPCo sandbox over HTTP, with their errors (401/403/400/404/409/422); then a scan of the logs, every
 * response, every database row and the run's Redis keys for the clear PANs, PINs and CVCs used.
 */
const HERE = { latitude: '19.43260', longitude: '-99.13320' };
const PIN_A = '1357';
const PIN_B = '2468';
const PIN_C = '9753';
const WRONG_PIN = '8642';

describe('cards API (e2e, NeCIPCo sandbox)', () => {
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let gw: TestGateway;
  let writer: string; // every card / program / spei scope, with a registered public key
  let nokey: string; // cards:read + cards:write, no public key
  let reader: string; // cards:read only
  let privateKey: KeyObject;
  let stock: string[];
  const responses: string[] = [];
  const secrets = { pans: new Set<string>(), pins: new Set<string>([PIN_A, PIN_B, PIN_C, WRONG_PIN]), cvcs: new Set<string>() };

  const call = async (method: string, path: string, opts: CallOptions = {}) => {
    const res = await rawCall(gw, method, path, opts);
    responses.push(`${method} ${path} ${res.status} ${[...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${res.text}`);
    return res;
  };
  const post = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('POST', path, { key, body, idempotencyKey });
  const put = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('PUT', path, { key, body, idempotencyKey });
  const get = (path: string, key = writer) => call('GET', path, { key });
  const decrypt = (b64: string) => privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, Buffer.from(b64, 'base64')).toString('utf8');
  const today = () => new Date().toLocaleString('sv-SE', { timeZone: 'America/Mexico_City' }).slice(0, 10);

  let seq = 0;
  const person = () => {
    seq += 1;
    return {
      first_name: 'John',
      second_name: 'Doe',
      surname: 'Gonzalez',
      second_surname: 'Perez',
      rfc: 'XAXX010101000',
      curp: `XEXX010101HNEXXX${String(seq).padStart(2, '0')}`,
      email: `john${seq}@example.com`,
      primary_phone: '5555555555',
      mobile_phone: '5555555555',
      address: { street: 'Av. Siempre', external_number: '#12', internal_number: 'Lt3.', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postal_code: '55120' },
      birthdate: '1995-09-22',
      gender: 'MALE',
      marital_status: 'SOLTERO',
      has_kids: false,
      gross_monthly_income: '20000.00',
      external_id: `e2e-${seq}-${randomUUID().slice(0, 8)}`,
    };
  };
  const newCardholder = async (): Promise<string> => {
    const r = await post('/v1/cardholders', person());
    expect(r.status).toBe(201);
    return r.body.id;
  };
  const assign = async (cardholderId: string, key = writer) => {
    const pan = stock.shift()!;
    secrets.pans.add(pan);
    const r = await post('/v1/cards', { type: 'physical', cardholder_id: cardholderId, card_number: pan, document: { type: 'INE', number: '1234567890' }, location: HERE }, key);
    expect(r.status).toBe(201);
    return { id: r.body.id as string, pan, body: r.body };
  };
  const activeCard = async (funded?: string) => {
    const card = await assign(await newCardholder());
    expect((await post(`/v1/cards/${card.id}/activate`, { location: HERE })).status).toBe(200);
    if (funded) expect((await post(`/v1/cards/${card.id}/disbursements`, { amount: funded, location: HERE })).status).toBe(201);
    return card;
  };

  beforeAll(async () => {
    sandbox = await createSandboxApp(loadConfig({ LOG_LEVEL: 'silent' }));
    await sandbox.listen(0, '127.0.0.1');
    sandboxUrl = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
    gw = await startGateway({ NECIPCO_BASE_URL: `${sandboxUrl}/necipco/v1`, SANDBOX_URL: sandboxUrl, LOG_LEVEL: 'debug' });
    writer = await gw.keyWith('cards:read', 'cards:write', 'spei:read', 'spei:write', 'program:read', 'program:write');
    nokey = await gw.keyWith('cards:read', 'cards:write');
    reader = await gw.keyWith('cards:read');
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    privateKey = pair.privateKey;
    const reg = await put('/v1/card-data-key', { public_key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ algorithm: 'RSA-OAEP-256', key_fingerprint: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    stock = ((await (await fetch(`${sandboxUrl}/necipco/v1/_sandbox/stock`)).json()) as { cards: Array<{ card_number: string }> }).cards.map((c) => c.card_number);
  }, 30_000);

  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  describe('card data key', () => {
    it('GET returns the registered key; 404 without one; a malformed key is a 400; scopes and auth apply', async () => {
      expect((await get('/v1/card-data-key')).body.algorithm).toBe('RSA-OAEP-256');
      expect((await get('/v1/card-data-key', nokey)).status).toBe(404);
      const bad = await put('/v1/card-data-key', { public_key: `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(120)}\n-----END PUBLIC KEY-----` }, nokey);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect((await put('/v1/card-data-key', { public_key: 'x'.repeat(200) }, reader)).status).toBe(403);
      expect((await call('GET', '/v1/card-data-key')).status).toBe(401);
    });
  });

  describe('program: catalogs, products, clients, funding', () => {
    it('GET /v1/catalogs/{name}: every catalog; unknown → 404; needs program:read', async () => {
      for (const name of ['card_status', 'document_types', 'states', 'marital_status', 'gender']) {
        const r = await get(`/v1/catalogs/${name}`);
        expect(r.status).toBe(200);
        expect(r.body.data.length).toBeGreaterThan(1);
      }
      expect((await get('/v1/catalogs/planets')).status).toBe(404);
      expect((await get('/v1/catalogs/states', reader)).status).toBe(403);
      expect((await call('GET', '/v1/catalogs/states')).status).toBe(401);
    });

    it('GET /v1/products; GET /v1/clients/current; bad provider → 400', async () => {
      const p = await get('/v1/products');
      expect(p.status).toBe(200);
      expect(p.body.data[0]).toMatchObject({ provider: 'necipco', name: 'PASARELA DEBITO' });
      const me = await get('/v1/clients/current');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ provider: 'necipco', name: 'Pasarela Sandbox', available: expect.stringMatching(/^\d+\.\d{2}$/) });
      expect((await get('/v1/products?provider=acme')).status).toBe(400);
      expect((await get('/v1/products', reader)).status).toBe(403);
    });

    it('POST /v1/clients, GET list and one, POST /v1/clients/{id}/funding (posted to the ledger); errors', async () => {
      const body = {
        name: 'Red Ribbon SA',
        alias: 'REDRI',
        email: 'ops@redribbon.mx',
        initial_available: '1000.00',
        phone: '5555555555',
        mobile_phone: '6666666666',
        rfc: 'AAMM9001010A1',
        address: { street: 'Av. Siempre', external_number: '1234', internal_number: 'Apt.4', suburb: 'Napoles', township: 'Benito Juarez', city: 'CDMX', state: 'CDMX', postal_code: '55555' },
        contact: { name: 'Juan', surname: 'Perea', email: 'juan@redribbon.mx', phone_country_code: '52', phone: '5555555555', mobile_phone_country_code: '52', mobile_phone: '6666666666' },
        api_key: { name: 'SUB_CLIENT_ACCESS', description: 'Subclient Api Key', password: 'S3cret-pass' },
      };
      const idem = randomUUID();
      const created = await post('/v1/clients', body, writer, idem);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ provider: 'necipco', name: 'Red Ribbon SA', available: '1000.00', ledger_balance: '1000.00' });
      expect(created.text).not.toContain('S3cret-pass');
      const replay = await post('/v1/clients', body, writer, idem);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(created.body.id);
      expect((await post('/v1/clients', { ...body, alias: 'OTHER' }, writer, idem)).status).toBe(409);
      expect((await post('/v1/clients', { ...body, alias: 'REDRI' })).status).toBe(400); // duplicate alias at the provider (422 there → 400)
      expect((await post('/v1/clients', { ...body, rfc: undefined })).status).toBe(400);
      expect((await post('/v1/clients', body, nokey)).status).toBe(403);

      const id = created.body.id;
      expect((await get(`/v1/clients/${id}`)).body).toMatchObject({ id, ledger_balance: '1000.00' });
      const list = await get('/v1/clients?limit=1');
      expect(list.status).toBe(200);
      expect(list.body.data).toHaveLength(1);
      expect((await get(`/v1/clients/${randomUUID()}`)).status).toBe(404);

      const fundKey = randomUUID();
      const funded = await post(`/v1/clients/${id}/funding`, { amount: '1200.50' }, writer, fundKey);
      expect(funded.status).toBe(201);
      expect(funded.body).toMatchObject({ client_id: id, amount: '1200.50', client_available: '2200.50' });
      expect((await post(`/v1/clients/${id}/funding`, { amount: '1200.50' }, writer, fundKey)).body).toEqual(funded.body);
      expect((await get(`/v1/clients/${id}`)).body.ledger_balance).toBe('2200.50');
      expect((await post(`/v1/clients/${id}/funding`, { amount: '99999999.00' })).status).toBe(422);
      expect((await post(`/v1/clients/${randomUUID()}/funding`, { amount: '1.00' })).status).toBe(404);
      expect((await post(`/v1/clients/${id}/funding`, { amount: '1.001' })).status).toBe(400);
    });
  });

  describe('cardholders', () => {
    it('POST creates (idempotent), GET reads it back with its cards, GET lists; errors', async () => {
      const body = person();
      const idem = randomUUID();
      const created = await post('/v1/cardholders', body, writer, idem);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), provider: 'necipco', first_name: 'John', curp: body.curp, cards: [] });
      const again = await post('/v1/cardholders', body, writer, idem);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(created.body);
      expect((await post('/v1/cardholders', { ...body, email: 'other@example.com' }, writer, idem)).status).toBe(409);
      expect((await call('POST', '/v1/cardholders', { key: writer, body })).status).toBe(400); // no Idempotency-Key

      const read = await get(`/v1/cardholders/${created.body.id}`, reader);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: created.body.id, curp: body.curp });
      expect((await get(`/v1/cardholders/${randomUUID()}`)).status).toBe(404);
      expect((await get('/v1/cardholders/not-a-uuid')).status).toBe(400);
      await newCardholder();
      const page = await get('/v1/cardholders?limit=1', reader);
      expect(page.body.data).toHaveLength(1);
      expect(page.body.next_cursor).toEqual(expect.any(String));
      expect((await get(`/v1/cardholders?cursor=${page.body.next_cursor}`, reader)).status).toBe(200);
      expect((await get('/v1/cardholders?cursor=bogus', reader)).status).toBe(400);

      const bad = await post('/v1/cardholders', { ...person(), curp: 'SHORT' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('curp');
      expect((await post('/v1/cardholders', { ...person(), surprise: 1 })).status).toBe(400);
      expect((await post('/v1/cardholders', { ...person(), address: { ...person().address, state: 'NARNIA' } })).status).toBe(400);
      expect((await post('/v1/cardholders', person(), reader)).status).toBe(403);
      expect((await call('POST', '/v1/cardholders', { body: person(), idempotencyKey: randomUUID() })).status).toBe(401);
    });

    it('GET /v1/cardholders with search filters: searched at the provider, mapped to our ids; cardholders not created through Pasarela left out; bad filters 400', async () => {
      const a = { ...person(), email: `search-a-${randomUUID().slice(0, 8)}@example.com`, mobile_phone: '5512345678' };
      const b = { ...person(), email: `search-b-${randomUUID().slice(0, 8)}@example.com` };
      const idA = (await post('/v1/cardholders', a)).body.id as string;
      const idB = (await post('/v1/cardholders', b)).body.id as string;
      const ids = async (query: string, key = reader) => {
        const r = await get(`/v1/cardholders?${query}`, key);
        expect({ query, status: r.status }).toEqual({ query, status: 200 });
        expect(r.body.next_cursor).toBeNull();
        return (r.body.data as Array<{ id: string }>).map((c) => c.id);
      };
      expect(await ids(`curp=${a.curp}`)).toEqual([idA]);
      expect(await ids(`curp=${b.curp}`)).toEqual([idB]);
      expect((await get(`/v1/cardholders?curp=${a.curp}`, reader)).body.data[0]).toEqual({ id: idA, provider: 'necipco', external_id: a.external_id, created_at: expect.any(String) });
      expect(await ids(`email=${encodeURIComponent(b.email)}`)).toEqual([idB]);
      expect(await ids(`mobile_phone=5512345678`)).toEqual([idA]);
      expect(await ids(`id=${idA}`)).toEqual([idA]);
      expect(await ids(`id=${idA}&provider=necipco`)).toEqual([idA]);
      expect(await ids(`curp=${a.curp}&email=${encodeURIComponent(a.email)}&rfc=${a.rfc}`)).toEqual([idA]); // AND
      expect(await ids(`curp=${a.curp}&email=${encodeURIComponent(b.email)}`)).toEqual([]);
      expect(await ids(`id=${idA}&curp=${b.curp}`)).toEqual([]);
      expect(await ids(`id=${randomUUID()}`)).toEqual([]);
      expect(await ids('curp=ZZZZ999999HZZZZZ99')).toEqual([]);
      expect((await ids(`rfc=${a.rfc}&primary_phone=${a.primary_phone}`)).length).toBe(1); // NeCIPCo answers one cardholder per search

      // One created straight at the provider (not through Pasarela) is not returned, and not registered by the search.
      const foreign = { ...person(), curp: `XEXX010101HNEZZZ${String(seq % 100).padStart(2, '0')}` };
      const remote = await gw.app.get(CardIssuing).createCardholder({
        firstName: foreign.first_name, secondName: foreign.second_name, surname: foreign.surname, secondSurname: foreign.second_surname,
        rfc: foreign.rfc, curp: foreign.curp, email: foreign.email, primaryPhone: foreign.primary_phone, mobilePhone: foreign.mobile_phone,
        address: { street: 'Av. Siempre', externalNumber: '#12', suburb: 'Napoles', city: 'CDMX', state: 'CDMX', postalCode: '55120' },
        birthdate: foreign.birthdate, gender: foreign.gender, maritalStatus: foreign.marital_status, hasKids: false,
      });
      expect((await gw.app.get(CardIssuing).getCardholder({ curp: foreign.curp })).cardholderId).toBe(remote.cardholderId); // the provider has it…
      expect(await ids(`curp=${foreign.curp}`)).toEqual([]); // …Pasarela does not
      expect(await gw.app.get(PrismaService).cardholder.findFirst({ where: { providerCardholderId: remote.cardholderId } })).toBeNull();

      // Bad filters: 400 naming the field; a provider without card issuing: 422 naming the capability.
      for (const [query, field] of [
        ['curp=SHORT', 'curp'],
        ['rfc=X', 'rfc'],
        ['email=not-an-email', 'email'],
        ['primary_phone=555', 'primary_phone'],
        ['mobile_phone=55555555555', 'mobile_phone'],
        ['id=not-a-uuid', 'id'],
        ['provider=acme&curp=XEXX010101HNEXXX01', 'provider'],
        [`curp=${a.curp}&cursor=${Buffer.from(idA).toString('base64url')}`, 'cursor'],
        [`curp=${a.curp}&first_name=John`, 'first_name'],
      ]) {
        const r = await get(`/v1/cardholders?${query}`, reader);
        expect({ query, status: r.status, named: r.text.includes(field) }).toEqual({ query, status: 400, named: true });
      }
      expect((await get(`/v1/cardholders?provider=bcs&curp=${a.curp}`, reader)).body).toMatchObject({ status: 422, code: 'capability_not_supported' });
      expect((await call('GET', `/v1/cardholders?curp=${a.curp}`)).status).toBe(401);
      // Without search filters the list is unchanged (ours, paginated), and `provider` narrows it.
      expect((await get('/v1/cardholders?provider=bcs', reader)).body.data).toEqual([]);
      expect((await get('/v1/cardholders?provider=necipco&limit=1', reader)).body.next_cursor).toEqual(expect.any(String));
    });
  });

  describe('cards', () => {
    it('assigns a physical card from stock (masked PAN only), activates it, lists and reads it', async () => {
      const holder = await newCardholder();
      const card = await assign(holder);
      expect(card.body).toMatchObject({ cardholder_id: holder, provider: 'necipco', type: 'PHYSICAL', status: 'NEED_ACTIVATION', masked_pan: `************${card.pan.slice(-4)}`, last4: card.pan.slice(-4), card_data: null });

      const act = await post(`/v1/cards/${card.id}/activate`, { location: HERE });
      expect(act.status).toBe(200);
      expect(act.body.status).toBe('ACTIVE');
      expect((await post(`/v1/cards/${card.id}/activate`, { location: HERE })).body).toMatchObject({ status: 422, code: 'card_already_active' });
      expect((await post(`/v1/cards/${card.id}/activate`, { location: { latitude: '91.00000', longitude: '0' } })).status).toBe(400);
      expect((await post(`/v1/cards/${randomUUID()}/activate`, { location: HERE })).status).toBe(404);
      expect((await post(`/v1/cards/${card.id}/activate`, { location: HERE }, reader)).status).toBe(403);

      const info = await get(`/v1/cards/${card.id}`);
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ id: card.id, status: 'ACTIVE', masked_pan: `************${card.pan.slice(-4)}` });
      expect(decrypt(info.body.card_data.values.pan)).toBe(card.pan);
      const infoNoKey = await get(`/v1/cards/${card.id}`, reader);
      expect(infoNoKey.body.card_data).toBeNull();
      expect((await get(`/v1/cards/${randomUUID()}`)).status).toBe(404);

      const holderView = await get(`/v1/cardholders/${holder}`);
      expect(holderView.body.cards).toEqual([expect.objectContaining({ id: card.id, masked_pan: card.body.masked_pan, status: 'ACTIVE' })]);
      const list = await get(`/v1/cards?cardholder_id=${holder}`, reader);
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([card.id]);

      // errors of issue
      const again = await post('/v1/cards', { type: 'physical', cardholder_id: holder, card_number: card.pan, document: { type: 'INE', number: '1' }, location: HERE });
      expect(again.body).toMatchObject({ status: 422, code: 'card_already_assigned' });
      expect((await post('/v1/cards', { type: 'physical', cardholder_id: holder, document: { type: 'INE', number: '1' }, location: HERE })).status).toBe(400);
      expect((await post('/v1/cards', { type: 'physical', cardholder_id: holder, card_number: '12345', document: { type: 'INE', number: '1' }, location: HERE })).status).toBe(400);
      expect((await post('/v1/cards', { type: 'physical', cardholder_id: randomUUID(), card_number: stock[0], document: { type: 'INE', number: '1' }, location: HERE })).status).toBe(404);
      expect((await post('/v1/cards', { type: 'virtual', cardholder_id: holder, document: { type: 'INE', number: '1' }, location: HERE })).status).toBe(400);
      expect((await post('/v1/cards', { type: 'virtual', cardholder_id: holder, product_id: randomUUID(), document: { type: 'INE', number: '1' }, location: HERE })).status).toBe(400);
      expect((await post('/v1/cards', { type: 'virtual', cardholder_id: holder, document: { type: 'INE', number: '1' }, location: HERE }, reader)).status).toBe(403);
    });

    it('issues a virtual card: PAN and expiry only encrypted to the caller; CVC; physical from virtual', async () => {
      const product = (await get('/v1/products')).body.data[0].id;
      const holder = await newCardholder();
      const v = await post('/v1/cards', { type: 'virtual', cardholder_id: holder, product_id: product, document: { type: 'INE', number: '123456123456' }, location: HERE });
      expect(v.status).toBe(201);
      expect(v.body).toMatchObject({ type: 'VIRTUAL', status: 'NEED_ACTIVATION', card_data: { algorithm: 'RSA-OAEP-256' } });
      const pan = decrypt(v.body.card_data.values.pan);
      secrets.pans.add(pan);
      expect(pan).toMatch(/^\d{16}$/);
      expect(v.body.masked_pan).toBe(`************${pan.slice(-4)}`);
      expect(decrypt(v.body.card_data.values.expiry_month)).toMatch(/^\d{2}$/);
      const nokeyCard = await post('/v1/cards', { type: 'virtual', cardholder_id: holder, product_id: product, document: { type: 'INE', number: '123456123456' }, location: HERE }, nokey);
      expect(nokeyCard.status).toBe(201);
      expect(nokeyCard.body.card_data).toBeNull();

      const id = v.body.id;
      await post(`/v1/cards/${id}/activate`, { location: HERE });
      expect((await post(`/v1/cards/${id}/cvc`, { pin: PIN_C, location: HERE })).body).toMatchObject({ status: 422, code: 'pin_not_set' });
      expect((await put(`/v1/cards/${id}/pin`, { pin: PIN_C, location: HERE })).status).toBe(200);
      const cvc = await post(`/v1/cards/${id}/cvc`, { pin: PIN_C, location: HERE });
      expect(cvc.status).toBe(200);
      const clearCvc = decrypt(cvc.body.card_data.values.cvc);
      secrets.cvcs.add(clearCvc);
      expect(clearCvc).toMatch(/^\d{3}$/);
      expect(cvc.body.valid_for_minutes).toBe(3);
      expect((await post(`/v1/cards/${id}/cvc`, { pin: PIN_C, location: HERE }, nokey)).body).toMatchObject({ status: 422, code: 'public_key_required' });
      expect((await post(`/v1/cards/${id}/cvc`, { pin: '12', location: HERE })).status).toBe(400);
      expect((await post(`/v1/cards/${randomUUID()}/cvc`, { pin: PIN_C, location: HERE })).status).toBe(404);
      expect((await post(`/v1/cards/${id}/cvc`, { pin: PIN_C, location: HERE }, reader)).status).toBe(403);

      const delivery = { street: 'Av. Siempre', street_number: '#12 Lt3.', township: 'Benito Juarez', state: 'CDMX', postal_code: '55120' };
      const phys = await post(`/v1/cards/${id}/physical-card`, { delivery_address: delivery, location: HERE });
      expect(phys.status).toBe(201);
      expect(phys.body).toMatchObject({ card: { id, type: 'VIRTUAL_WITH_PHYSICAL' }, delivery_address: { postal_code: '55120' } });
      expect((await post(`/v1/cards/${id}/physical-card`, { delivery_address: delivery, location: HERE })).body).toMatchObject({ status: 422, code: 'physical_card_already_requested' });
      expect((await post(`/v1/cards/${id}/physical-card`, { delivery_address: { ...delivery, postal_code: 'x' }, location: HERE })).status).toBe(400);
      expect((await post(`/v1/cards/${randomUUID()}/physical-card`, { delivery_address: delivery, location: HERE })).status).toBe(404);

      const physicalCard = await activeCard();
      await put(`/v1/cards/${physicalCard.id}/pin`, { pin: PIN_C, location: HERE });
      expect((await post(`/v1/cards/${physicalCard.id}/cvc`, { pin: PIN_C, location: HERE })).body).toMatchObject({ status: 422, code: 'not_a_virtual_card' });
    });

    it('status: block, blocked card cannot move money, unblock; bad statuses', async () => {
      const card = await activeCard();
      const blocked = await put(`/v1/cards/${card.id}/status`, { status: 'TEMPORARY_INACTIVE', location: HERE });
      expect(blocked.status).toBe(200);
      expect(blocked.body.status).toBe('TEMPORARY_INACTIVE');
      expect((await post(`/v1/cards/${card.id}/disbursements`, { amount: '10.00', location: HERE })).body).toMatchObject({ status: 422, code: 'card_not_active' });
      expect((await put(`/v1/cards/${card.id}/status`, { status: 'ACTIVE', location: HERE })).body.status).toBe('ACTIVE');
      expect((await put(`/v1/cards/${card.id}/status`, { status: 'sleeping', location: HERE })).status).toBe(400);
      expect((await put(`/v1/cards/${card.id}/status`, { status: 'SLEEPING', location: HERE })).status).toBe(400);
      expect((await put(`/v1/cards/${card.id}/status`, { status: 'NEED_ACTIVATION', location: HERE })).status).toBe(422);
      expect((await put(`/v1/cards/${randomUUID()}/status`, { status: 'ACTIVE', location: HERE })).status).toBe(404);
      expect((await put(`/v1/cards/${card.id}/status`, { status: 'ACTIVE', location: HERE }, reader)).status).toBe(403);
    });

    it('PINs: set, change (current PIN needed), validate, POS PIN encrypted; authentication', async () => {
      const card = await activeCard();
      const set = await put(`/v1/cards/${card.id}/pin`, { pin: PIN_A, location: HERE });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ card_id: card.id, result: 'set' });
      expect((await put(`/v1/cards/${card.id}/pin`, { pin: PIN_B, current_pin: WRONG_PIN, location: HERE })).body).toMatchObject({ status: 422, code: 'pin_invalid' });
      expect((await put(`/v1/cards/${card.id}/pin`, { pin: PIN_B, current_pin: PIN_A, location: HERE })).body.result).toBe('changed');
      expect((await put(`/v1/cards/${card.id}/pin`, { pin: '12a4', location: HERE })).status).toBe(400);
      expect((await put(`/v1/cards/${randomUUID()}/pin`, { pin: PIN_A, location: HERE })).status).toBe(404);
      expect((await put(`/v1/cards/${card.id}/pin`, { pin: PIN_A, location: HERE }, reader)).status).toBe(403);

      expect((await post(`/v1/cards/${card.id}/pin/validation`, { pin: PIN_B, location: HERE })).body).toEqual({ valid: true, attempts_remaining: null });
      expect((await post(`/v1/cards/${card.id}/pin/validation`, { pin: WRONG_PIN, location: HERE })).body).toEqual({ valid: false, attempts_remaining: 4 });
      expect((await post(`/v1/cards/${card.id}/pin/validation`, { pin: '1', location: HERE })).status).toBe(400);
      expect((await post(`/v1/cards/${randomUUID()}/pin/validation`, { pin: PIN_B, location: HERE })).status).toBe(404);

      const pos = await get(`/v1/cards/${card.id}/pin?latitude=19.43260&longitude=-99.13320`);
      expect(pos.status).toBe(200);
      const posPin = decrypt(pos.body.card_data.values.pin);
      secrets.pins.add(posPin);
      expect(posPin).toMatch(/^\d{4}$/);
      expect((await get(`/v1/cards/${card.id}/pin?latitude=19.43260&longitude=-99.13320`, nokey)).body).toMatchObject({ status: 422, code: 'public_key_required' });
      expect((await get(`/v1/cards/${card.id}/pin`)).status).toBe(400);
      expect((await get(`/v1/cards/${randomUUID()}/pin?latitude=19.43260&longitude=-99.13320`)).status).toBe(404);

      const last4 = card.pan.slice(-4);
      expect((await post(`/v1/cards/${card.id}/authentication`, { authentication_info: `${last4}${PIN_B.slice(-2)}` })).body).toEqual({ authenticated: true });
      expect((await post(`/v1/cards/${card.id}/authentication`, { authentication_info: `${last4}00` })).body).toEqual({ authenticated: false });
      expect((await post(`/v1/cards/${card.id}/authentication`, { authentication_info: '123' })).status).toBe(400);
      expect((await post(`/v1/cards/${randomUUID()}/authentication`, { authentication_info: '123456' })).status).toBe(404);
      expect((await post(`/v1/cards/${card.id}/authentication`, { authentication_info: '123456' }, reader)).status).toBe(403);
    });
    it('POST /v1/cards/{id}/pin/validation: 5 wrong PINs lock the PIN; the next validation, even with the right PIN, is 422 pin_locked', async () => {
      const card = await activeCard();
      const setKey = randomUUID();
      const setBody = { pin: PIN_A, location: HERE };
      expect((await put(`/v1/cards/${card.id}/pin`, setBody, writer, setKey)).status).toBe(200);
      // The idempotency record pins the request by an HMAC under the server's key: a 4-digit PIN is not brute-forceable from it.
      const record = await gw.app.get(PrismaService).idempotencyRecord.findFirstOrThrow({ where: { idempotencyKey: setKey } });
      const text = `PUT\n/v1/cards/${card.id}/pin\n${canonicalJson(setBody)}`;
      expect(record.requestHash).toBe(createHmac('sha256', gw.app.get(AppConfig).idempotencyHashKey).update(text).digest('hex'));
      expect(record.requestHash).not.toBe(createHash('sha256').update(text).digest('hex'));
      expect((await put(`/v1/cards/${card.id}/pin`, setBody, writer, setKey)).headers.get('idempotent-replayed')).toBe('true');
      expect((await put(`/v1/cards/${card.id}/pin`, { ...setBody, pin: PIN_B }, writer, setKey)).status).toBe(409);
      const left: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await post(`/v1/cards/${card.id}/pin/validation`, { pin: WRONG_PIN, location: HERE });
        expect(r.status).toBe(200);
        left.push(r.body);
      }
      expect(left).toEqual([4, 3, 2, 1, 0].map((n) => ({ valid: false, attempts_remaining: n })));
      const locked = await post(`/v1/cards/${card.id}/pin/validation`, { pin: PIN_A, location: HERE });
      expect(locked.status).toBe(422);
      expect(locked.headers.get('content-type')).toContain('application/problem+json');
      expect(locked.body).toMatchObject({ status: 422, code: 'pin_locked' });
      // Still locked on a retry; the PIN itself never shows in the answer.
      expect((await post(`/v1/cards/${card.id}/pin/validation`, { pin: PIN_A, location: HERE })).body).toMatchObject({ status: 422, code: 'pin_locked' });
      expect(locked.text).not.toContain(PIN_A);
    });
  });

  describe('money on cards', () => {
    it('disbursement, payment, withdrawal, purchase, card-to-card: provider and ledger agree; idempotent', async () => {
      const ledger = gw.app.get(LedgerService);
      const a = await activeCard();
      const b = await activeCard();
      const idem = randomUUID();
      const d = await post(`/v1/cards/${a.id}/disbursements`, { amount: '500.00', location: HERE }, writer, idem);
      expect(d.status).toBe(201);
      expect(d.body).toMatchObject({ kind: 'disbursement', status: 'confirmed', card_id: a.id, amount: '500.00', currency: 'MXN', authorization_code: expect.stringMatching(/^\d{6}$/), ledger_journal_id: expect.any(String) });
      const replay = await post(`/v1/cards/${a.id}/disbursements`, { amount: '500.00', location: HERE }, writer, idem);
      expect(replay.body).toEqual(d.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect((await post(`/v1/cards/${a.id}/disbursements`, { amount: '501.00', location: HERE }, writer, idem)).status).toBe(409);

      const pay = await post(`/v1/cards/${a.id}/payments`, { amount: '100.00', description: 'ABONO POR COMISIONES', location: HERE });
      expect(pay.body).toMatchObject({ kind: 'payment', description: 'ABONO POR COMISIONES', amount: '100.00' });
      await put(`/v1/cards/${a.id}/pin`, { pin: PIN_A, location: HERE });
      const w = await post(`/v1/cards/${a.id}/withdrawals`, { amount: '50.00', pin: PIN_A, location: HERE });
      expect(w.body).toMatchObject({ kind: 'withdrawal', amount: '50.00' });
      const p = await post(`/v1/cards/${a.id}/purchases`, { amount: '25.50', merchant_description: 'TIENDA', location: HERE });
      expect(p.body).toMatchObject({ kind: 'purchase', amount: '25.50', description: 'TIENDA' });
      const t = await post('/v1/card-transfers', { origin_card_id: a.id, destination_card_id: b.id, amount: '20.00', location: HERE });
      expect(t.status).toBe(201);
      expect(t.body).toMatchObject({ kind: 'card_transfer', card_id: a.id, counterparty_card_id: b.id, new_balance: '504.50' });
      expect((await get(`/v1/card-transfers/${t.body.id}`, reader)).body).toEqual(t.body);
      expect((await get(`/v1/card-transfers/${randomUUID()}`, reader)).status).toBe(404);

      const balA = await get(`/v1/cards/${a.id}/balance?include_movements=true`, reader);
      expect(balA.body).toMatchObject({ card_id: a.id, available: '504.50', ledger_balance: '504.50' });
      expect(balA.body.recent_movements.length).toBeGreaterThan(0);
      expect((await get(`/v1/cards/${b.id}/balance`, reader)).body).toMatchObject({ available: '20.00', ledger_balance: '20.00', recent_movements: null });
      expect((await get(`/v1/cards/${randomUUID()}/balance`, reader)).status).toBe(404);
      expect((await ledger.balances('necipco:program:collection')).posted).toBeGreaterThanOrEqual(7550n);

      // declines and validation
      expect((await post(`/v1/cards/${a.id}/withdrawals`, { amount: '9999.00', location: HERE })).body).toMatchObject({ status: 422, code: 'insufficient_funds' });
      expect((await post(`/v1/cards/${a.id}/purchases`, { amount: '1.00', merchant_description: 'X', pin: WRONG_PIN, location: HERE })).body).toMatchObject({ status: 422, code: 'pin_invalid' });
      expect((await post(`/v1/cards/${a.id}/disbursements`, { amount: '99999999.00', location: HERE })).body).toMatchObject({ status: 422, code: 'insufficient_program_funds' });
      expect((await post(`/v1/cards/${a.id}/disbursements`, { amount: '0.00', location: HERE })).status).toBe(400);
      expect((await post(`/v1/cards/${a.id}/disbursements`, { amount: 10, location: HERE })).status).toBe(400);
      expect((await post(`/v1/cards/${a.id}/payments`, { amount: '1.00', description: 'X'.repeat(33), location: HERE })).status).toBe(400);
      expect((await post('/v1/card-transfers', { origin_card_id: a.id, destination_card_id: a.id, amount: '1.00', location: HERE })).status).toBe(400);
      expect((await post('/v1/card-transfers', { origin_card_id: a.id, destination_card_id: b.id, amount: '9999.00', location: HERE })).status).toBe(422);
      expect((await post('/v1/card-transfers', { origin_card_id: a.id, destination_card_id: randomUUID(), amount: '1.00', location: HERE })).status).toBe(404);
      const bodies: Record<string, object> = {
        disbursements: { amount: '1.00', location: HERE },
        payments: { amount: '1.00', description: 'X', location: HERE },
        withdrawals: { amount: '1.00', location: HERE },
        purchases: { amount: '1.00', merchant_description: 'X', location: HERE },
      };
      for (const [path, body] of Object.entries(bodies)) {
        expect((await post(`/v1/cards/${randomUUID()}/${path}`, body)).status).toBe(404);
        expect((await post(`/v1/cards/${a.id}/${path}`, { ...body, extra: true })).status).toBe(400);
        expect((await post(`/v1/cards/${a.id}/${path}`, body, reader)).status).toBe(403);
        expect((await call('POST', `/v1/cards/${a.id}/${path}`, { body, idempotencyKey: randomUUID() })).status).toBe(401);
      }
      // nothing declined reached the ledger
      expect((await get(`/v1/cards/${a.id}/balance`, reader)).body).toMatchObject({ available: '504.50', ledger_balance: '504.50' });
    });

    it('an unknown outcome (provider 500 on a mutation) is 503, and the same key then answers 409 until reconciled', async () => {
      const card = await activeCard();
      await fetch(`${sandboxUrl}/necipco/v1/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500, count: 1, path: '/cards/disbursement' }) });
      const idem = randomUUID();
      expect((await post(`/v1/cards/${card.id}/disbursements`, { amount: '5.00', location: HERE }, writer, idem)).status).toBe(503);
      expect((await post(`/v1/cards/${card.id}/disbursements`, { amount: '5.00', location: HERE }, writer, idem)).body).toMatchObject({ status: 409, code: 'movement_outcome_unknown' });
    });

    it('GET /v1/cards/{id}/movements in a date range, paginated; bad ranges', async () => {
      const card = await activeCard('75.00');
      await post(`/v1/cards/${card.id}/purchases`, { amount: '25.00', merchant_description: 'TIENDA', location: HERE });
      const all = await get(`/v1/cards/${card.id}/movements?from=2020-01-01&to=${today()}`, reader);
      expect(all.status).toBe(200);
      expect(all.body.data.map((m: { amount: string }) => m.amount)).toEqual(['75.00', '25.00']);
      const first = await get(`/v1/cards/${card.id}/movements?from=2020-01-01&to=${today()}&limit=1`, reader);
      expect(first.body.data).toHaveLength(1);
      const second = await get(`/v1/cards/${card.id}/movements?from=2020-01-01&to=${today()}&limit=1&cursor=${first.body.next_cursor}`, reader);
      expect(second.body.data[0].amount).toBe('25.00');
      expect(second.body.next_cursor).toBeNull();
      expect((await get(`/v1/cards/${card.id}/movements?from=2021/07/01&to=${today()}`, reader)).status).toBe(400);
      expect((await get(`/v1/cards/${card.id}/movements?from=${today()}&to=2020-01-01`, reader)).status).toBe(400);
      expect((await get(`/v1/cards/${randomUUID()}/movements?from=2020-01-01&to=${today()}`, reader)).status).toBe(404);
      expect((await get(`/v1/cards/${card.id}/movements?from=2020-01-01&to=${today()}`, await gw.keyWith('spei:read'))).status).toBe(403);
    });
  });

  describe('SPEI from a card', () => {
    it('POST /v1/spei/transfers with a card source: card debited amount + fees, ledger too; GET shows it; a CLABE source goes to STP; institutions', async () => {
      const card = await activeCard('5000.00');
      const body = {
        source: { type: 'card', card_id: card.id },
        amount: '3000.25',
        concept: 'Pago de Renta',
        beneficiary: { account: '014027000005555558', institution: 'SANTANDER', name: 'John Doe', email: 'john@example.com' },
        numeric_reference: '12345',
        location: HERE,
      };
      const r = await post('/v1/spei/transfers', body);
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ kind: 'spei_out', amount: '3000.25', commission: '5.80', vat: '0.93', card_id: card.id });
      expect((await get(`/v1/cards/${card.id}/balance`, reader)).body).toMatchObject({ available: '1993.02', ledger_balance: '1993.02' });
      const seen = await get(`/v1/spei/transfers/${r.body.id}`, await gw.keyWith('spei:read'));
      expect(seen.body).toMatchObject({ id: r.body.id, kind: 'spei_out', source: { type: 'card', card_id: card.id, clabe: null }, provider: 'necipco', status: 'settled', amount: '3000.25', commission: '5.80', vat: '0.93' });
      // One resource routed by source: a CLABE source is served by STP (this one is no CLABE account of ours).
      expect((await post('/v1/spei/transfers', { ...body, source: { type: 'clabe', clabe: '646180110400000007' } })).body).toMatchObject({ status: 404, code: 'clabe_account_not_found' });
      expect((await post('/v1/spei/transfers', { ...body, beneficiary: { ...body.beneficiary, institution: 'BANCO PATITO' } })).status).toBe(400);
      expect((await post('/v1/spei/transfers', { ...body, amount: '99999.00' })).status).toBe(422);
      expect((await post('/v1/spei/transfers', { ...body, source: { type: 'card', card_id: randomUUID() } })).status).toBe(404);
      expect((await post('/v1/spei/transfers', body, nokey)).status).toBe(403);
      const inst = await get('/v1/spei/institutions');
      expect(inst.body.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'SANTANDER', spei_key: '40014', bank_code: '014' })]));
      expect((await get('/v1/spei/institutions', reader)).status).toBe(403);
    });
  });

  describe('no clear card data anywhere', () => {
    it('after the whole flow: no clear PAN, PIN or CVC in the logs, the responses, any database row or the queue keys', async () => {
      expect(secrets.pans.size).toBeGreaterThan(5);
      expect(secrets.cvcs.size).toBe(1);
      const logs = gw.logs();
      expect(logs).toContain('request received'); // debug body logging was on…
      expect(logs).toContain('"card_number":"[REDACTED]"'); // …and saw the card numbers sent, redacted
      expect(logs).toContain('"current_pin":"[REDACTED]"');
      const pool = gw.app.get(DatabasePool);
      const { tables, rows } = await dumpDatabase(pool);
      expect(tables).toEqual(expect.arrayContaining(['cards', 'cardholders', 'card_movements', 'idempotency_records', 'ledger_transfers']));
      expect(rows).toContain('************');

      const queue = await dumpQueueKeys(loadConfig());

      // Public reference lists (SPEI institutions, catalogs) are full of 3-digit codes a CVC can collide with.
      const scanned = responses.filter((r) => !/^GET \/v1\/(spei\/institutions|catalogs\/)/.test(r));
      const places = { logs, responses: scanned.join('\n'), database: rows, queue };
      for (const [where, text] of Object.entries(places)) {
        for (const pan of secrets.pans) expect({ where, found: text.includes(pan) }).toEqual({ where, found: false });
        const last4s = new Set([...secrets.pans].map((p) => p.slice(-4))); // a card's last four is shown by design
        for (const pin of [...secrets.pins].filter((x) => !last4s.has(x))) {
          for (const form of [`"${pin}"`, `=${pin}&`, `=${pin}"`, `:${pin},`, `:${pin}}`]) expect({ where, pin: form, found: text.includes(form) }).toEqual({ where, pin: form, found: false });
        }
        // A CVC is 3 digits, so it is looked for as a string value (but a `…_code` / `…_key` one: bank codes) or as
        // the value of a CVC-named field; the context is printed when found.
        for (const cvc of secrets.cvcs) {
          const m = new RegExp(`(?<!(code|key)":)"${cvc}"|"(cvc|cvv|cvv2|card_security_code|security_code)"\\s*:\\s*"?${cvc}\\b`).exec(text);
          expect({ where, cvc, found: m ? text.slice(Math.max(0, m.index - 120), m.index + 40) : false }).toEqual({ where, cvc, found: false });
        }
      }
    });
  });
});
