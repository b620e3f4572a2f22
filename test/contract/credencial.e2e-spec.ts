/**
 * Contract tests: the Credencial client/adapter against the Credencial sandbox over real HTTP.
 * Nomination, card status get/update, initial NIP, NIP change — success and documented errors
 * (401, 403, 404, 409, 500, plus 400), retries of idempotent calls, and the webhook payloads.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import {
  CardProcessing,
  ConflictError,
  Money,
  NotFoundError,
  ProviderDeclinedError,
  ProviderUnavailableError,
  SensitiveValue,
  ValidationError,
  type CardNominationRequest,
  type CardVerification,
} from '#libs/domain';
import {
  CredencialAdapter,
  CredencialClient,
  CredencialModule,
  fromDebitWebhook,
  fromInquiryWebhook,
  fromReverseWebhook,
  toDebitAnswer,
  type CredencialClientOptions,
} from '#libs/providers/credencial';
import { CredencialSandboxModule } from '../../apps/sandbox/src/credencial/credencial-sandbox.module.js';
import { CredencialSandboxService } from '../../apps/sandbox/src/credencial/credencial-sandbox.service.js';
import { expectError, jsonCaller, serveModule, withModule } from '../support/contract.js';
import { luhnPans } from '../support/pans.js';

const pin = (v: string) => SensitiveValue.pin(v);
const proof = (expiration: string, securityCode: string): CardVerification => ({
  expiration: new SensitiveValue(expiration, 'expiry'),
  securityCode: new SensitiveValue(securityCode, 'cvc'),
});

/** Luhn-valid test PANs, a fresh one per nomination. */
const nextPan = luhnPans(100000000);

function nomination(cardNumber = nextPan()): CardNominationRequest {
  return {
    cardNumber: SensitiveValue.pan(cardNumber),
    emiAccountReference: '0001003143',
    emiAccountIdentifier: '21000002159',
    cardholder: {
      cardName: 'Jose Lopez',
      fullName: 'Jose Lopez Garcia',
      birthDate: '1986-10-10',
      gender: 'male',
      civilStatus: 'single',
      email: 'persona@dominio.com',
      phone: '5511456745',
      address: { type: 'casa', street: 'Privada', country: '484', state: 'CDMX', suburb: 'Granjas', locality: 'Iztapalapa', zipCode: '04056' },
      document: { type: 'DNI', number: '32145698777' },
    },
  };
}

describe('Credencial contract (client + adapter against the sandbox)', () => {
  let app: NestFastifyApplication;
  let base: string;
  let sandbox: CredencialSandboxService;
  let client: CredencialClient;
  let adapter: CredencialAdapter;

  const makeClient = (opts: Partial<CredencialClientOptions> = {}) =>
    new CredencialClient({ baseUrl: `${base}/credential`, timeoutMs: 2000, maxRetries: 2, retryBaseDelayMs: 5, breakerThreshold: 1000, ...opts });

  const admin = jsonCaller(() => `${base}/credential/_sandbox`);

  /** A nominated card and its plastic's data (from the sandbox controls). */
  async function card(): Promise<{ accountNumber: string; expiration: string; securityCode: string; pan: string }> {
    const pan = nextPan();
    const res = await adapter.nominateCard(nomination(pan));
    const info = (await admin('GET', `/cards/${res.accountNumber}`)).body;
    return { accountNumber: res.accountNumber!, expiration: info.card_expiration, securityCode: info.card_security_code, pan };
  }

  beforeAll(async () => {
    // No gateway here: the webhook controls' deliveries go to a closed port and report delivered: false.
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEWAY_URL: 'http://127.0.0.1:9' }, {});
    ({ app, base } = await serveModule(config, CredencialSandboxModule));
    sandbox = app.get(CredencialSandboxService);
    client = makeClient();
    adapter = new CredencialAdapter(client);
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => sandbox.reset());

  describe('card nomination (POST /credential/nomination/:card_number)', () => {
    it('assigns the card to the account with the cardholder data', async () => {
      const pan = nextPan();
      const res = await adapter.nominateCard(nomination(pan));
      expect(res).toEqual({ provider: 'credencial', maskedPan: `************${pan.slice(-4)}`, accountNumber: expect.stringMatching(/^\d+$/) });
      const stored = (await admin('GET', `/cards/${res.accountNumber}`)).body;
      expect(stored).toMatchObject({
        masked_pan: `************${pan.slice(-4)}`,
        emi_account_reference: '0001003143',
        emi_account_identifier: '21000002159',
        status: '00',
        has_nip: false,
        cardholder: {
          card_name: 'JOSE LOPEZ', full_name: 'Jose Lopez Garcia', birth_date: '1986-10-10', gender: 'M', civil_status: 'S',
          address: { type: 'casa', street: 'Privada', country: '484', state: 'CDMX', suburb: 'Granjas', locality: 'Iztapalapa', zip_code: '04056' },
          document: { type: 'DNI', number: '32145698777' },
        },
      });
      expect(JSON.stringify(stored)).not.toContain(pan);
    });

    it('accepts the document curl form (address[type]=..., account_number/account_id aliases)', async () => {
      const form = new URLSearchParams({
        account_number: '53234334', account_id: '13332233', card_name: 'OSWALDO LOPEZ', full_name: 'Oswaldo Lopez Garcia', birth_date: '1986-10-10',
        gender: 'M', civil_status: 'S', email: 'persona@dominio.com', phone: '5511456745', 'address[type]': 'casa', 'address[street]': 'Privada',
        'address[number]': '24', 'address[country]': '32', 'address[state]': 'CDMX', 'address[suburb]': 'Lomas de chapultepec', 'address[zip_code]': '01100',
        'document[type]': 'DNI', 'document[number]': '32145698777',
      });
      const res = await fetch(`${base}/credential/nomination/${nextPan()}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(res.status).toBe(200);
      const body: any = await res.json();
      expect(sandbox.card(String(body.account_number))).toMatchObject({ emiAccountReference: '53234334', emiAccountIdentifier: '13332233' });
    });

    it('validates every field before calling Credencial, never echoing the card number', async () => {
      const bad = nomination('4111111111111112');
      bad.cardholder.phone = '123';
      bad.cardholder.address.zipCode = 'abc';
      (bad.cardholder as any).civilStatus = 'X';
      const err = await expectError(adapter.nominateCard(bad), ValidationError);
      const fields = (err.details!.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['card_number', 'phone', 'address[zip_code]', 'civil_status']));
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toContain('4111111111111112');
      expect(sandbox.card('544802938')).toBeUndefined();
    });

    it('400 from Credencial -> ProviderDeclinedError credencial_bad_request ({code, message} body)', async () => {
      const err = await expectError(client.nominate(nextPan(), { card_name: 'X' } as never), ProviderDeclinedError);
      expect(err.code).toBe('credencial_bad_request');
      const raw = await fetch(`${base}/credential/nomination/${nextPan()}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(raw.status).toBe(400);
      const body: any = await raw.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'message']);
      expect(body.code).toBe(400);
    });

    it('404 (card not in the stock) -> NotFoundError card_not_found', async () => {
      const wire = { emi_account_reference: '1', emi_account_identifier: '2', card_name: 'A', full_name: 'A B', birth_date: '1990-01-01', gender: 'F', civil_status: 'C', email: 'a@b.mx', phone: '5511456745', address: { type: 'casa', street: 'X', country: '484', state: 'CDMX', suburb: 'Y', zip_code: '01100' }, document: { type: 'INE', number: '1' } };
      const err = await expectError(client.nominate('4111111111111112', wire as never), NotFoundError);
      expect(err.code).toBe('card_not_found');
      expect(err.message).not.toContain('4111111111111112');
    });

    it('409 (card already nominated) -> ConflictError card_already_nominated', async () => {
      const pan = nextPan();
      await adapter.nominateCard(nomination(pan));
      const err = await expectError(adapter.nominateCard(nomination(pan)), ConflictError);
      expect(err.code).toBe('card_already_nominated');
    });

    it('401 and 500 -> ProviderUnavailableError; a nomination (POST) is not retried', async () => {
      await admin('POST', '/failures', { count: 1, status: 401, operation: 'nomination' });
      expect((await expectError(adapter.nominateCard(nomination()), ProviderUnavailableError)).details).toMatchObject({ reason: 'unauthorized', provider_status: 401 });
      await admin('POST', '/failures', { count: 2, status: 500, operation: 'nomination' });
      await expectError(adapter.nominateCard(nomination()), ProviderUnavailableError);
      expect((await admin('GET', '/failures')).body.pending[0].remaining).toBe(1);
    });
  });

  describe('card status (GET / PUT /credential/cards/:account_number/status)', () => {
    it('reads the status of a nominated card', async () => {
      const c = await card();
      expect(await adapter.getCardStatus(c.accountNumber)).toEqual({ provider: 'credencial', accountNumber: c.accountNumber, status: 'active', providerStatusCode: '00' });
    });

    it('updates the status (blocked and back), the answer being the document’s {}', async () => {
      const c = await card();
      expect(await adapter.updateCardStatus(c.accountNumber, 'blocked')).toEqual({ provider: 'credencial', accountNumber: c.accountNumber, status: 'blocked', providerStatusCode: '01' });
      expect((await adapter.getCardStatus(c.accountNumber)).status).toBe('blocked');
      const raw = await fetch(`${base}/credential/cards/${c.accountNumber}/status`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: '00' }) });
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({});
      expect((await adapter.getCardStatus(c.accountNumber)).status).toBe('active');
    });

    it('404 (unknown card) -> NotFoundError on get and update', async () => {
      expect((await expectError(adapter.getCardStatus('999999999'), NotFoundError)).code).toBe('card_not_found');
      await expectError(adapter.updateCardStatus('999999999', 'blocked'), NotFoundError);
    });

    it('409 (a cancelled card cannot change) -> ProviderDeclinedError card_status_transition_not_allowed', async () => {
      const c = await card();
      await adapter.updateCardStatus(c.accountNumber, 'cancelled');
      const err = await expectError(adapter.updateCardStatus(c.accountNumber, 'active'), ProviderDeclinedError);
      expect(err.code).toBe('card_status_transition_not_allowed');
    });

    it('validates the account number and the status before calling', async () => {
      expect((await expectError(adapter.getCardStatus('12ab'), ValidationError)).details!.field).toBe('account_number');
      expect((await expectError(adapter.updateCardStatus('123', 'frozen' as never), ValidationError)).details!.field).toBe('status');
      const err = await expectError(client.updateStatus('123', { status: '77' }), ProviderDeclinedError);
      expect(err.code).toBe('credencial_bad_request');
    });

    it('retries the idempotent calls through transient failures (GET and PUT)', async () => {
      const c = await card();
      await admin('POST', '/failures', { count: 2, status: 503, operation: 'get_status' });
      await expect(adapter.getCardStatus(c.accountNumber)).resolves.toMatchObject({ status: 'active' });
      await admin('POST', '/failures', { count: 1, mode: 'after_processing', status: 500, operation: 'update_status' });
      await expect(adapter.updateCardStatus(c.accountNumber, 'blocked')).resolves.toMatchObject({ status: 'blocked' });
      expect((await admin('GET', '/failures')).body.pending).toEqual([]);
    });

    it('gives up after the bounded retries with ProviderUnavailableError', async () => {
      const c = await card();
      await admin('POST', '/failures', { count: 3, status: 500, operation: 'get_status' });
      expect((await expectError(adapter.getCardStatus(c.accountNumber), ProviderUnavailableError)).details).toMatchObject({ reason: 'server_error' });
      await admin('POST', '/failures', { count: 1, status: 401, operation: 'get_status' });
      await expectError(adapter.getCardStatus(c.accountNumber), ProviderUnavailableError);
      expect((await admin('GET', '/failures')).body.pending).toEqual([]); // 401 is not retried
      const quick = new CredencialAdapter(makeClient({ timeoutMs: 150, maxRetries: 0 }));
      await admin('POST', '/failures', { count: 1, mode: 'timeout', delay_ms: 400, operation: 'get_status' });
      expect((await expectError(quick.getCardStatus(c.accountNumber), ProviderUnavailableError)).details).toMatchObject({ reason: 'timeout' });
      await new Promise((r) => setTimeout(r, 300));
    });
  });

  describe('initial NIP (POST /credential/cards/:account_number/initial_nip)', () => {
    it('sets the initial NIP with the plastic data', async () => {
      const c = await card();
      const res = await adapter.setInitialNip(c.accountNumber, { verification: proof(c.expiration, c.securityCode), nip: pin('7563') });
      expect(res).toEqual({ provider: 'credencial', accountNumber: c.accountNumber, transactionId: expect.stringMatching(/^\d{16}$/) });
      expect(JSON.stringify(res)).not.toContain('7563');
      expect((await admin('POST', `/cards/${c.accountNumber}/nip-check`, { nip: '7563' })).body).toEqual({ matches: true });
    });

    it('403 (expiration or security code wrong) -> ProviderDeclinedError card_verification_failed', async () => {
      const c = await card();
      const wrongCvc = String(((Number(c.securityCode) - 99) % 900) + 100);
      const err = await expectError(adapter.setInitialNip(c.accountNumber, { verification: proof(c.expiration, wrongCvc), nip: pin('7563') }), ProviderDeclinedError);
      expect(err.code).toBe('card_verification_failed');
      await expectError(adapter.setInitialNip(c.accountNumber, { verification: proof('0199', c.securityCode), nip: pin('7563') }), ProviderDeclinedError);
    });

    it('404 -> NotFoundError; 409 (NIP already set / card blocked) -> ProviderDeclinedError card_nip_conflict', async () => {
      await expectError(adapter.setInitialNip('999999999', { verification: proof('1230', '123'), nip: pin('7563') }), NotFoundError);
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') });
      expect((await expectError(adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('1111') }), ProviderDeclinedError)).code).toBe('card_nip_conflict');
      const blocked = await card();
      await adapter.updateCardStatus(blocked.accountNumber, 'blocked');
      await expectError(adapter.setInitialNip(blocked.accountNumber, { verification: proof(blocked.expiration, blocked.securityCode), nip: pin('7563') }), ProviderDeclinedError);
    });

    it('the same transaction id replays; a lost answer can be retried by the caller with it', async () => {
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await admin('POST', '/failures', { count: 1, mode: 'after_processing', status: 500, operation: 'initial_nip' });
      await expectError(adapter.setInitialNip(c.accountNumber, { transactionId: '1560529031736', verification: v, nip: pin('7563') }), ProviderUnavailableError);
      await expect(adapter.setInitialNip(c.accountNumber, { transactionId: '1560529031736', verification: v, nip: pin('7563') })).resolves.toMatchObject({ transactionId: '1560529031736' });
      // reusing it for another operation is a conflict
      await expectError(adapter.changeNip(c.accountNumber, { transactionId: '1560529031736', verification: v, currentNip: pin('7563'), newNip: pin('1111') }), ProviderDeclinedError);
    });

    it('validates before calling, and never puts a NIP or CVC into an error', async () => {
      const cases: Array<[any, string]> = [
        [{ verification: proof('1321', '123'), nip: pin('7563') }, 'card_expiration'],
        [{ verification: proof('1230', '12'), nip: pin('7563') }, 'card_security_code'],
        [{ verification: proof('1230', '123'), nip: pin('75634') }, 'card_nip'],
        [{ transactionId: 'abc', verification: proof('1230', '123'), nip: pin('7563') }, 'transaction_id'],
      ];
      for (const [req, field] of cases) {
        const err = await expectError(adapter.setInitialNip('544802938', req), ValidationError);
        expect(err.details!.field).toBe(field);
        expect(JSON.stringify({ m: err.message, d: err.details })).not.toMatch(/7563|75634/);
      }
    });

    it('401 and 500 -> ProviderUnavailableError (not retried)', async () => {
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await admin('POST', '/failures', { count: 1, status: 401, operation: 'initial_nip' });
      await expectError(adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') }), ProviderUnavailableError);
      await admin('POST', '/failures', { count: 1, status: 500, operation: 'initial_nip' });
      await expectError(adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') }), ProviderUnavailableError);
      await expect(adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') })).resolves.toBeDefined();
    });
  });

  describe('NIP change (POST /credential/cards/:account_number/update_nip)', () => {
    it('changes the NIP when the current one matches', async () => {
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') });
      await adapter.changeNip(c.accountNumber, { verification: v, currentNip: pin('7563'), newNip: pin('1111') });
      expect((await admin('POST', `/cards/${c.accountNumber}/nip-check`, { nip: '1111' })).body).toEqual({ matches: true });
      expect((await admin('POST', `/cards/${c.accountNumber}/nip-check`, { nip: '7563' })).body).toEqual({ matches: false });
    });

    it('403 (current NIP wrong) -> card_verification_failed; 409 (no NIP yet) -> card_nip_conflict; 404', async () => {
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      expect((await expectError(adapter.changeNip(c.accountNumber, { verification: v, currentNip: pin('7563'), newNip: pin('1111') }), ProviderDeclinedError)).code).toBe('card_nip_conflict');
      await adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') });
      const err = await expectError(adapter.changeNip(c.accountNumber, { verification: v, currentNip: pin('0000'), newNip: pin('1111') }), ProviderDeclinedError);
      expect(err.code).toBe('card_verification_failed');
      expect(JSON.stringify({ m: err.message, d: err.details })).not.toMatch(/0000|1111|7563/);
      await expectError(adapter.changeNip('999999999', { verification: v, currentNip: pin('7563'), newNip: pin('1111') }), NotFoundError);
    });

    it('validates before calling (new NIP must differ, 4 digits)', async () => {
      const v = proof('1230', '123');
      expect((await expectError(adapter.changeNip('544802938', { verification: v, currentNip: pin('7563'), newNip: pin('7563') }), ValidationError)).details!.field).toBe('card_nip_new');
      expect((await expectError(adapter.changeNip('544802938', { verification: v, currentNip: pin('75'), newNip: pin('1111') }), ValidationError)).details!.field).toBe('card_nip_actual');
    });

    it('500 -> ProviderUnavailableError', async () => {
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await adapter.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') });
      await admin('POST', '/failures', { count: 1, status: 500, operation: 'update_nip' });
      await expectError(adapter.changeNip(c.accountNumber, { verification: v, currentNip: pin('7563'), newNip: pin('1111') }), ProviderUnavailableError);
    });
  });

  describe('every operation x every documented error status (401, 403, 404, 409, 500)', () => {
    type Op = 'nomination' | 'get_status' | 'update_status' | 'initial_nip' | 'update_nip';
    const expected: Record<Op, Record<number, [new (...a: any[]) => Error, string]>> = {
      nomination: { 401: [ProviderUnavailableError, 'provider_unavailable'], 403: [ProviderDeclinedError, 'credencial_forbidden'], 404: [NotFoundError, 'card_not_found'], 409: [ConflictError, 'card_already_nominated'], 500: [ProviderUnavailableError, 'provider_unavailable'] },
      get_status: { 401: [ProviderUnavailableError, 'provider_unavailable'], 403: [ProviderDeclinedError, 'credencial_forbidden'], 404: [NotFoundError, 'card_not_found'], 409: [ProviderDeclinedError, 'credencial_rejected'], 500: [ProviderUnavailableError, 'provider_unavailable'] },
      update_status: { 401: [ProviderUnavailableError, 'provider_unavailable'], 403: [ProviderDeclinedError, 'credencial_forbidden'], 404: [NotFoundError, 'card_not_found'], 409: [ProviderDeclinedError, 'card_status_transition_not_allowed'], 500: [ProviderUnavailableError, 'provider_unavailable'] },
      initial_nip: { 401: [ProviderUnavailableError, 'provider_unavailable'], 403: [ProviderDeclinedError, 'card_verification_failed'], 404: [NotFoundError, 'card_not_found'], 409: [ProviderDeclinedError, 'card_nip_conflict'], 500: [ProviderUnavailableError, 'provider_unavailable'] },
      update_nip: { 401: [ProviderUnavailableError, 'provider_unavailable'], 403: [ProviderDeclinedError, 'card_verification_failed'], 404: [NotFoundError, 'card_not_found'], 409: [ProviderDeclinedError, 'card_nip_conflict'], 500: [ProviderUnavailableError, 'provider_unavailable'] },
    };

    it('maps each answered status to its domain error, and the card\'s state is untouched', async () => {
      const once = new CredencialAdapter(makeClient({ maxRetries: 0 }));
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      const calls: Record<Op, () => Promise<unknown>> = {
        nomination: () => once.nominateCard(nomination()),
        get_status: () => once.getCardStatus(c.accountNumber),
        update_status: () => once.updateCardStatus(c.accountNumber, 'blocked'),
        initial_nip: () => once.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') }),
        update_nip: () => once.changeNip(c.accountNumber, { verification: v, currentNip: pin('7563'), newNip: pin('1111') }),
      };
      for (const op of Object.keys(expected) as Op[]) {
        for (const [status, [type, code]] of Object.entries(expected[op])) {
          expect((await admin('POST', '/failures', { count: 1, status: Number(status), operation: op })).status).toBe(201);
          const err = await expectError(calls[op](), type);
          expect({ op, status, code: (err as unknown as { code: string }).code, provider_status: (err as unknown as { details?: { provider_status?: number } }).details?.provider_status }).toEqual({ op, status, code, provider_status: Number(status) });
        }
      }
      expect((await admin('GET', '/failures')).body.pending).toEqual([]);
      expect(await admin('GET', `/cards/${c.accountNumber}`)).toMatchObject({ body: { status: '00', has_nip: false } });
    });
  });

  describe('webhook payloads on demand (seam for sending)', () => {
    it('DEBIT and REVERSE with the documented fields, parsed exactly', async () => {
      const c = await card();
      const seen: string[] = [];
      sandbox.onWebhook((w) => seen.push(`${w.kind} ${w.path}`));
      const debit = (await admin('POST', `/cards/${c.accountNumber}/debit`, { amount: '99.90', trade_name: 'OXXO' })).body.webhook;
      expect(Object.keys(debit).sort()).toEqual(['account_number', 'acquirer', 'amount', 'amount_liq', 'city', 'commission', 'commission_liq', 'currency', 'currency_liq', 'date', 'emi_account_identifier', 'emi_account_reference', 'identifier_adq', 'origin', 'reason', 'reference', 'terminal', 'trade_name']);
      expect(debit).toMatchObject({ emi_account_reference: '0001003143', emi_account_identifier: '21000002159', account_number: Number(c.accountNumber), amount: 99.9, currency: 484, amount_liq: 99.9, currency_liq: 484, trade_name: 'OXXO' });
      expect(debit.date).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d [AP]M$/);
      const event = fromDebitWebhook(debit);
      expect(event.settlementAmount.centavos).toBe(9990n);
      expect(event.accountNumber).toBe(c.accountNumber);
      const reverse = (await admin('POST', `/cards/${c.accountNumber}/reverse`, { amount: '99.90', reference: debit.reference })).body.webhook;
      expect(Object.keys(reverse).sort()).toEqual(['account_number', 'amount', 'amount_liq', 'currency', 'currency_liq', 'date', 'emi_account_identifier', 'identifier_adq', 'origin', 'reference', 'reverse_reason', 'trade_name']);
      expect(fromReverseWebhook(reverse)).toMatchObject({ reference: debit.reference, accountNumber: c.accountNumber });
      expect(fromReverseWebhook(reverse).amount.centavos).toBe(9990n);
      const balanceRes = (await admin('POST', `/cards/${c.accountNumber}/balance`)).body;
      expect(balanceRes.delivery).toMatchObject({ url: 'http://127.0.0.1:9/webhooks/credencial/balance', delivered: false, status: null, answer: null, error: expect.stringContaining('gateway unreachable') });
      const balance = balanceRes.webhook;
      expect(fromInquiryWebhook(balance).emiAccountIdentifier).toBe('21000002159');
      expect(seen).toEqual(['debit /webhooks/credencial/debit', 'reverse /webhooks/credencial/reverse', 'balance /webhooks/credencial/balance']);
      expect((await admin('POST', '/cards/999/debit', { amount: '1.00' })).status).toBe(404);
      expect((await admin('POST', `/cards/${c.accountNumber}/reverse`, { amount: '1.00' })).status).toBe(400);
    });

    it('builds the synchronous DEBIT answer as documented', () => {
      const answer = toDebitAnswer({ emiAccountIdentifier: '21000002159', balanceActual: Money.parse('5000.00'), balanceLast: Money.parse('7000.00'), reference: '-', at: new Date(1355866173000) });
      expect(answer).toEqual({ code: -1, message: 'Retiro aplicado con éxito.', emi_account_identifier: '21000002159', date: 1355866173000, balance_actual: 5000, balance_last: 7000, reference: '-' });
    });
  });

  describe('card data never reaches a log line or an error', () => {
    it('logs route templates, statuses and durations only', async () => {
      // The client's own log calls, before any redaction: what it hands the logger must carry no card data.
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
      const logged = new CredencialAdapter(makeClient({ logger: pino({ level: 'debug' }, sink) }));
      const c = await card();
      const v = proof(c.expiration, c.securityCode);
      await logged.setInitialNip(c.accountNumber, { verification: v, nip: pin('7563') });
      await expectError(logged.changeNip(c.accountNumber, { verification: v, currentNip: pin('9182'), newNip: pin('4455') }), ProviderDeclinedError);
      await admin('POST', '/failures', { count: 1, status: 500, operation: 'nomination' });
      const failed = await expectError(logged.nominateCard(nomination(c.pan)), ProviderUnavailableError);
      expect(JSON.stringify({ m: failed.message, d: failed.details })).not.toContain(c.pan);
      const text = lines.join('\n');
      expect(lines.length).toBeGreaterThan(0);
      expect(text).toContain('/nomination/:card_number');
      expect(text).toContain('"context":"CredencialClient"');
      for (const secret of [c.pan, '7563', '9182', '4455', `"${c.securityCode}"`]) expect(text).not.toContain(secret);
    });
  });

  describe('CredencialModule wiring', () => {
    it('binds the CardProcessing port to the Credencial adapter, configured from AppConfig', async () => {
      const cfg = loadConfig({ LOG_LEVEL: 'silent', CREDENCIAL_BASE_URL: `${base}/credential` }, {});
      await withModule(cfg, CredencialModule, async (ctx) => {
        const port = ctx.get(CardProcessing);
        expect(port).toBeInstanceOf(CredencialAdapter);
        const res = await port.nominateCard(nomination());
        await expect(port.getCardStatus(res.accountNumber!)).resolves.toMatchObject({ status: 'active' });
      });
    });
  });
});
