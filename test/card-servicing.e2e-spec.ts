import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { PrismaService } from '#libs/database';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';
import { call as rawCall, startGateway, type CallOptions, type TestGateway } from './support/gateway.js';

/**
 * Issue 7 through /v1: BCS cards registered as Pasarela cards, then holds, replacements, CVV / PIN
 * validation, billing cycle, deadlines and debit card applications against the BCS sandbox, with their
 * errors; a NeCIPCo card gets 422 capability_not_supported; clear card data never in logs, answers or rows.
 */
describe('card servicing API (e2e, BCS sandbox)', () => {
  let sandbox: NestFastifyApplication;
  let sandboxUrl: string;
  let gw: TestGateway;
  let writer: string;
  let reader: string;
  const responses: string[] = [];
  const secrets = new Set<string>();

  const call = async (method: string, path: string, opts: CallOptions = {}) => {
    const res = await rawCall(gw, method, path, opts);
    responses.push(res.text);
    return res;
  };
  const post = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('POST', path, { key, body, idempotencyKey });
  const put = (path: string, body: unknown, key = writer, idempotencyKey: string = randomUUID()) => call('PUT', path, { key, body, idempotencyKey });
  const admin = async (path: string, body?: unknown) =>
    (await fetch(`${sandboxUrl}/cards-management/v1/_sandbox/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })).json() as Promise<any>;

  /** A card at the BCS sandbox, registered through /v1 with its clear number (never kept). */
  const registered = async (kind: 'credit' | 'debit', extra: Record<string, unknown> = {}) => {
    const c = await admin('cards', { kind, ...extra });
    secrets.add(c.card_number);
    secrets.add(c.cvv);
    secrets.add(c.pin);
    const r = await post('/v1/cards/registrations', { provider: 'bcs', kind, card_number: c.card_number, customer: { id_type: c.gov_issue_ident_type, id_number: c.ident_serial_num }, account_number: c.account });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ provider: 'bcs', type: kind.toUpperCase(), status: 'ACTIVE', masked_pan: `************${c.card_number.slice(-4)}` });
    return { id: r.body.id as string, sb: c };
  };

  beforeAll(async () => {
    sandbox = await createSandboxApp(loadConfig({ LOG_LEVEL: 'silent' }));
    await sandbox.listen(0, '127.0.0.1');
    sandboxUrl = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
    gw = await startGateway({ SANDBOX_URL: sandboxUrl, NECIPCO_BASE_URL: `${sandboxUrl}/necipco/v1`, BCS_BASE_URL: `${sandboxUrl}/cards-management/v1`, LOG_LEVEL: 'debug' });
    writer = await gw.keyWith('cards:read', 'cards:write');
    reader = await gw.keyWith('cards:read');
  }, 30_000);

  afterAll(async () => {
    await gw?.close();
    await sandbox?.close();
  });

  it('POST /v1/cards/registrations: by clear number or BCS reference; 409 twice; 400 bad input; 403 / 401; 400 without Idempotency-Key', async () => {
    const { sb } = await registered('credit');
    const again = await post('/v1/cards/registrations', { provider: 'bcs', kind: 'credit', card_reference: sb.encrypted_acct_id, last4: sb.card_number.slice(-4), customer: { id_type: 'CC', id_number: sb.ident_serial_num } });
    expect(again.status).toBe(409);
    expect(again.body.code ?? again.body.type).toContain('card_already_registered');
    const other = await admin('cards', { kind: 'debit' });
    secrets.add(other.card_number);
    const byRef = await post('/v1/cards/registrations', { provider: 'bcs', kind: 'debit', card_reference: other.encrypted_acct_id, last4: other.card_number.slice(-4), customer: { id_type: 'CC', id_number: other.ident_serial_num }, account_number: other.account });
    expect(byRef.status).toBe(201);
    expect(byRef.body.masked_pan).toBe(`************${other.card_number.slice(-4)}`);
    expect((await post('/v1/cards/registrations', { provider: 'bcs', kind: 'debit', card_reference: other.encrypted_acct_id, customer: { id_type: 'CC', id_number: '1' } })).status).toBe(400);
    expect((await post('/v1/cards/registrations', { provider: 'bcs', kind: 'debit', card_number: '12', customer: { id_type: 'CC', id_number: '1' } })).status).toBe(400);
    expect((await post('/v1/cards/registrations', { provider: 'acme', kind: 'debit', card_number: '4570211273204425', customer: { id_type: 'CC', id_number: '1' } })).status).toBe(400);
    expect((await post('/v1/cards/registrations', { provider: 'bcs', kind: 'credit', card_number: '4570211273204425', customer: { id_type: 'CC', id_number: '1' } }, reader)).status).toBe(403);
    expect((await call('POST', '/v1/cards/registrations', { body: {} })).status).toBe(401);
    const noKey = await call('POST', '/v1/cards/registrations', { key: writer, body: { provider: 'bcs', kind: 'credit', card_number: '4570211273204425', customer: { id_type: 'CC', id_number: '1' } } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('idempotency_key_missing');
  });

  it('every servicing mutation needs cards:write, an API key and an Idempotency-Key', async () => {
    const c = await registered('credit');
    const routes: Array<[string, string, unknown]> = [
      ['POST', `/v1/cards/${c.id}/holds`, {}],
      ['POST', `/v1/cards/${c.id}/replacement`, { lock_code: '01' }],
      ['POST', `/v1/cards/${c.id}/cvv/validation`, { cvv: '123' }],
      ['PUT', `/v1/cards/${c.id}/billing-cycle`, { days_cycle: '1', email: 'a@b.co', cell_phone: '3111111111' }],
      ['PUT', `/v1/cards/${c.id}/deadlines`, { terms: [{ sequence: '12345678', installments: 2 }] }],
      ['POST', '/v1/card-applications', { provider: 'bcs', type: 'debit', customer: { id_type: 'CC', id_number: '1' } }],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(method, path, { key: reader, body, idempotencyKey: randomUUID() })).status).toBe(403);
      expect((await call(method, path, { body, idempotencyKey: randomUUID() })).status).toBe(401);
      expect((await call(method, path, { key: writer, body })).body.code).toBe('idempotency_key_missing');
    }
    // Nothing reached BCS: the card is still unblocked and on its first cycle.
    expect(await admin(`cards/${c.sb.card_number}`)).toMatchObject({ block: null, days_cycle: '2' });
  });

  it('POST /v1/cards/{id}/holds: blocks the card (and all debit cards); a second hold → 409 card_blocked; unknown card → 404', async () => {
    const d = await registered('debit');
    const r = await post(`/v1/cards/${d.id}/holds`, { all_debit_cards: true });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ card_id: d.id, blocked_card_ids: [d.id], all_debit_cards: true });
    expect((await admin(`cards/${d.sb.card_number}`)).block).toBe('TEMP');
    expect((await call('GET', `/v1/cards`, { key: writer })).body.data.find((c: any) => c.id === d.id).status).toBe('BLOCKED');
    const twice = await post(`/v1/cards/${d.id}/holds`, {});
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('card_blocked');
    expect((await post(`/v1/cards/${randomUUID()}/holds`, {})).status).toBe(404);
    expect((await post(`/v1/cards/${d.id}/holds`, { additional_card_ids: ['nope'] })).status).toBe(400);
    const stranger = await registered('debit');
    const mine = await registered('debit');
    const cross = await post(`/v1/cards/${mine.id}/holds`, { additional_card_ids: [stranger.id] });
    expect(cross.status).toBe(400);
    expect(cross.body.code).toBe('card_of_another_customer');
    expect((await admin(`cards/${mine.sb.card_number}`)).block).toBeNull();
  });

  it('idempotency: the same key replays the first answer without a second provider call', async () => {
    const c = await registered('credit');
    const key = randomUUID();
    const a = await post(`/v1/cards/${c.id}/holds`, {}, writer, key);
    const b = await post(`/v1/cards/${c.id}/holds`, {}, writer, key);
    expect(a.status).toBe(201);
    expect(b.status).toBe(201); // a second real hold would be 409 card_blocked
    expect(b.body).toEqual(a.body);
    const reused = await post(`/v1/cards/${c.id}/holds`, { all_debit_cards: true }, writer, key);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('idempotency_key_reused');
  });

  it('POST /v1/cards/{id}/replacement: credit (lock 01) and debit (biller / reference); a replaced card again → 409; debit without fields → 400', async () => {
    const c = await registered('credit');
    const r = await post(`/v1/cards/${c.id}/replacement`, { lock_code: '01' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ card_id: c.id, status: 'REPLACED', biller_number: null });
    expect((await admin(`cards/${c.sb.card_number}`)).block).toBe('01');
    const again = await post(`/v1/cards/${c.id}/replacement`, { lock_code: '01' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('card_permanently_blocked');

    const d = await registered('debit');
    expect((await post(`/v1/cards/${d.id}/replacement`, { reason: 'IVR01' })).status).toBe(400);
    const body = { reason: 'IVR01', operation_type: '1', fee: '1000.00', source: 'TEL', block_type: '', delivery: { type: 'NAL', country: 'CO', address_line: 'carrera 10 numero 10', city: 'Bogota', postal_code: 730005 }, contact: { email: 'email@email.com', cell_phone: '3000000000' }, service_agreement: { ally_id: '', service_id: 'N', service_request_id: 'N' } };
    const dr = await post(`/v1/cards/${d.id}/replacement`, body);
    expect(dr.status).toBe(201);
    expect(dr.body).toMatchObject({ card_id: d.id, status: 'REPLACED', biller_number: expect.stringMatching(/^\d{10}$/), reference_id: expect.stringMatching(/^\d{10}$/) });
    expect((await post(`/v1/cards/${d.id}/replacement`, { ...body, fee: '1.001' })).status).toBe(400);
  });

  it('POST /v1/cards/{id}/cvv/validation and /pin/validation: valid; mismatch → 422; wrong card type → 422', async () => {
    const c = await registered('credit');
    const ok = await post(`/v1/cards/${c.id}/cvv/validation`, { cvv: c.sb.cvv });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ valid: true });
    const wrongCvv = c.sb.cvv === '999' ? '998' : '999';
    const bad = await post(`/v1/cards/${c.id}/cvv/validation`, { cvv: wrongCvv });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('cvv_mismatch');
    expect((await post(`/v1/cards/${c.id}/cvv/validation`, { cvv: 'abc' })).status).toBe(400);

    const d = await registered('debit');
    const loc = { latitude: '4.71100', longitude: '-74.07210' };
    const pin = await post(`/v1/cards/${d.id}/pin/validation`, { pin: d.sb.pin, location: loc });
    expect(pin.status).toBe(200);
    expect(pin.body).toEqual({ valid: true, attempts_remaining: null });
    const wrongPin = d.sb.pin === '1111' ? '2222' : '1111';
    const badPin = await post(`/v1/cards/${d.id}/pin/validation`, { pin: wrongPin, location: loc });
    expect(badPin.status).toBe(422);
    expect(badPin.body.code).toBe('pin_mismatch');
    const type = await post(`/v1/cards/${d.id}/cvv/validation`, { cvv: '123' });
    expect(type.status).toBe(422);
    expect(type.body.code).toBe('operation_not_for_card_type');
    const pinOnCredit = await post(`/v1/cards/${c.id}/pin/validation`, { pin: '1234', location: loc });
    expect(pinOnCredit.status).toBe(422);
    expect(pinOnCredit.body.code).toBe('operation_not_for_card_type');
    expect((await post(`/v1/cards/${d.id}/billing-cycle`, {})).status).toBe(404); // PUT only
    const cycleOnDebit = await put(`/v1/cards/${d.id}/billing-cycle`, { days_cycle: '1', email: 'a@b.co', cell_phone: '3111111111' });
    expect(cycleOnDebit.status).toBe(422);
  });

  it('PUT /v1/cards/{id}/billing-cycle: changes; same cycle → 422 billing_cycle_unchanged; too soon → 422 billing_cycle_change_too_soon; later → OK', async () => {
    const c = await registered('credit');
    const body = (days_cycle: string) => ({ days_cycle, email: 'example@example.com', cell_phone: '31111111111' });
    const same = await put(`/v1/cards/${c.id}/billing-cycle`, body('2'));
    expect(same.status).toBe(422);
    expect(same.body.code).toBe('billing_cycle_unchanged');
    const ok = await put(`/v1/cards/${c.id}/billing-cycle`, body('1'));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ card_id: c.id, days_cycle: '1' });
    const soon = await put(`/v1/cards/${c.id}/billing-cycle`, body('2'));
    expect(soon.status).toBe(422);
    expect(soon.body.code).toBe('billing_cycle_change_too_soon');
    await admin('clock', { days: 200 });
    expect((await put(`/v1/cards/${c.id}/billing-cycle`, body('2'))).status).toBe(200);
    expect((await put(`/v1/cards/${c.id}/billing-cycle`, body('3'))).status).toBe(400);
  });

  it('PUT /v1/cards/{id}/deadlines: changes; unknown purchase → 404 transaction_not_found; out of range → 422; empty → 400', async () => {
    const c = await registered('credit');
    const ok = await put(`/v1/cards/${c.id}/deadlines`, { terms: [{ sequence: '12345678', installments: 18 }] });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ card_id: c.id, terms: [{ sequence: '12345678', installments: 18 }] });
    const nf = await put(`/v1/cards/${c.id}/deadlines`, { terms: [{ sequence: '99', installments: 2 }] });
    expect(nf.status).toBe(404);
    expect(nf.body.code).toBe('transaction_not_found');
    const range = await put(`/v1/cards/${c.id}/deadlines`, { terms: [{ sequence: '87654321', installments: 30 }] });
    expect(range.status).toBe(422);
    expect(range.body.code).toBe('term_out_of_range');
    expect((await put(`/v1/cards/${c.id}/deadlines`, { terms: [] })).status).toBe(400);
  });

  it('POST /v1/card-applications: 202 submitted; the customer reaches BCS as X-Invoker-CustId', async () => {
    const r = await post('/v1/card-applications', { provider: 'bcs', type: 'debit', customer: { id_type: 'CC', id_number: '51680607' } });
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ status: 'submitted', provider: 'bcs' });
    expect((await admin('applications')).applications).toContainEqual(expect.objectContaining({ custId: '51680607' }));
    expect((await post('/v1/card-applications', { provider: 'bcs', type: 'credit', customer: { id_type: 'CC', id_number: '1' } })).status).toBe(400);
  });

  it('a NeCIPCo card has no card servicing: 422 capability_not_supported', async () => {
    const prisma = gw.app.get(PrismaService);
    const holder = await prisma.cardholder.create({ data: { id: randomUUID(), provider: 'necipco', providerCardholderId: randomUUID() } });
    const id = randomUUID();
    const ledgerAccountId = (await prisma.ledgerAccount.findFirstOrThrow()).id;
    const card = await prisma.card.create({
      data: { id, cardholderId: holder.id, provider: 'necipco', providerCardId: randomUUID(), type: 'PHYSICAL', status: 'ACTIVE', maskedPan: '************0000', last4: '0000', ledgerAccountId },
    });
    const r = await post(`/v1/cards/${card.id}/holds`, {});
    expect(r.status).toBe(422);
    expect(r.body.code).toBe('capability_not_supported');
  });

  it('clear card numbers, CVVs and PINs appear in no log line, answer or card row', async () => {
    const prisma = gw.app.get(PrismaService);
    const rows = JSON.stringify(await prisma.card.findMany({ where: { provider: 'bcs' } }));
    const logs = gw.logs();
    for (const s of secrets) {
      if (s.length >= 13) {
        expect(logs).not.toContain(s);
        expect(rows).not.toContain(s);
        expect(responses.join('\n')).not.toContain(s);
      }
    }
    expect(logs).not.toMatch(/"cvv":"\d{3}"/);
    expect(logs).not.toMatch(/"pin":"\d{4}"/);
  });
});
