/**
 * Contract tests: the STP client/adapter against the STP sandbox over real HTTP.
 * Every documented operation (create CLABE account, SPEI OUT) with success and documented errors,
 * transient failures, the per-order controls and the webhook payloads the sandbox builds.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '#libs/config';
import {
  Clabe,
  ClabeAccounts,
  ConflictError,
  Money,
  ProviderDeclinedError,
  ProviderUnavailableError,
  SpeiOut,
  ValidationError,
  type CreateClabeAccountRequest,
  type SpeiOutOrder,
} from '#libs/domain';
import {
  fromClabeStatusWebhook,
  fromSpeiInWebhook,
  fromSpeiOutStatusWebhook,
  StpAdapter,
  StpClient,
  StpModule,
  type StpClientOptions,
} from '#libs/providers/stp';
import { StpSandboxModule } from '../../apps/sandbox/src/stp/stp-sandbox.module.js';
import { StpSandboxService } from '../../apps/sandbox/src/stp/stp-sandbox.service.js';
import { expectError, jsonCaller, serveModule, withModule } from '../support/contract.js';

const BBVA_CLABE = '012180029588856995'; // the document's beneficiary account (valid)

function holder(accountId: string): CreateClabeAccountRequest {
  return {
    accountId,
    holder: {
      name: 'Enrique',
      lastName: 'Martinez',
      secondLastName: 'Gomez',
      birthDate: '1986-02-28',
      gender: 'male',
      rfcOrCurp: 'MAGL860228TF3',
      federalEntity: '1',
      economicActivity: '30',
      countryOfBirth: '187',
      personalId: '3313476042',
      address: { street: 'Polanco', outdoorNumber: '254', interiorNumber: '1', suburb: 'Lomas de chapultepec', municipality: 'Miguel Hidalgo', zipCode: '01100' },
      email: 'enrique@medici-satoshi.com',
      phone: '5513673221',
    },
  };
}

describe('STP contract (client + adapter against the sandbox)', () => {
  let app: NestFastifyApplication;
  let config: AppConfig;
  let base: string;
  let sandbox: StpSandboxService;
  let adapter: StpAdapter;
  let client: StpClient;

  const makeClient = (opts: Partial<StpClientOptions> = {}) =>
    new StpClient({ baseUrl: `${base}/stp`, timeoutMs: 2000, breakerThreshold: 1000, ...opts });
  const makeAdapter = (c: StpClient, opts: Partial<ConstructorParameters<typeof StpAdapter>[1]> = {}) =>
    new StpAdapter(c, {
      enterprise: config.stpEnterprise,
      enterpriseId: config.stpEnterpriseId,
      payerAccount: config.stpPayerAccount,
      trackingKeyPrefix: config.stpTrackingKeyPrefix,
      ...opts,
    });

  const admin = jsonCaller(() => `${base}/stp/_sandbox`);

  function order(overrides: Partial<SpeiOutOrder> = {}): SpeiOutOrder {
    return {
      trackingKey: adapter.newTrackingKey(),
      amount: Money.parse('5.04'),
      beneficiary: { name: 'LUIS TRUTIE RODRIGUEZ', account: BBVA_CLABE, accountType: 'clabe', institution: '40012', rfcOrCurp: 'ND' },
      concept: 'Envio de SPEI',
      numericReference: '12345',
      ...overrides,
    };
  }

  beforeAll(async () => {
    // Orders resolve only on command here, and nothing is POSTed to a gateway (see stp-sandbox-webhooks.e2e-spec).
    config = loadConfig({ LOG_LEVEL: 'silent', STP_SANDBOX_AUTO_RESOLVE_MS: '0', STP_SANDBOX_SEND_WEBHOOKS: 'false' }, {});
    ({ app, base } = await serveModule(config, StpSandboxModule));
    sandbox = app.get(StpSandboxService);
    client = makeClient();
    adapter = makeAdapter(client);
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => sandbox.reset());

  describe('create a CLABE account (POST /stp/clabes)', () => {
    it('assigns an STP CLABE with a valid check digit', async () => {
      const created = await adapter.createClabeAccount(holder('232313223'));
      expect(created.provider).toBe('stp');
      expect(created.accountId).toBe('232313223');
      expect(created.clabe).toBeInstanceOf(Clabe);
      expect(Clabe.isValid(created.clabe.value)).toBe(true);
      expect(created.clabe.bankCode).toBe('646');
      const stored = sandbox.account(created.clabe.value)!;
      expect(stored.enterpriseId).toBe(config.stpEnterpriseId);
      expect(stored.holder).toMatchObject({ name: 'Enrique', last_name: 'Martinez', birth_date: '19860228', gender: 'H', rfc_or_curp: 'MAGL860228TF3', zip_code: '01100' });
      expect(stored.status).toBe(1);
    });

    it('assigns a different CLABE to each account', async () => {
      const a = await adapter.createClabeAccount(holder('acc-1'));
      const b = await adapter.createClabeAccount(holder('acc-2'));
      expect(a.clabe.value).not.toBe(b.clabe.value);
    });

    it('accepts only the required fields', async () => {
      const minimal: CreateClabeAccountRequest = {
        accountId: 'minimal-1',
        holder: { name: 'Ana', lastName: 'Lopez', birthDate: '1990-01-31', rfcOrCurp: 'LOAA900131MDFPNN09', federalEntity: '9', economicActivity: '1', countryOfBirth: '187' },
      };
      const created = await adapter.createClabeAccount(minimal);
      expect(Clabe.isValid(created.clabe.value)).toBe(true);
    });

    it('answers a form-encoded post like the document curl, in STP shape', async () => {
      const form = new URLSearchParams({
        enterprise_id: config.stpEnterpriseId, account_id: '555', name: 'Enrique', last_name: 'Martinez', birth_date: '19860228',
        rfc_or_curp: 'MAGL860228TF3', federal_entity: '1', economy_activity: '30', country_of_birth: '1',
      });
      const res = await fetch(`${base}/stp/clabes`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
      expect(res.status).toBe(201);
      const body: any = await res.json();
      expect(Clabe.isValid(body.clabe)).toBe(true);
      expect(body.account_id).toBe('555');
    });

    it('validates every field before calling STP (ValidationError naming the field)', async () => {
      const bad = holder('x1');
      bad.holder.rfcOrCurp = 'NOT-AN-RFC';
      bad.holder.address!.zipCode = '123';
      bad.holder.birthDate = '2999-01-01';
      const err = await expectError(adapter.createClabeAccount(bad), ValidationError);
      const fields = (err.details!.errors as Array<{ field: string }>).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['rfc_or_curp', 'zip_code', 'birth_date']));
      expect(sandbox.account('x1')).toBeUndefined();
      const missing = holder('x2');
      (missing.holder as any).federalEntity = undefined;
      const err2 = await expectError(adapter.createClabeAccount(missing), ValidationError);
      expect(err2.message).toBe('federal_entity is required');
    });

    it('400 from STP -> ProviderDeclinedError stp_bad_request, body in STP error shape', async () => {
      const err = await expectError(client.createClabe({ enterprise_id: config.stpEnterpriseId, account_id: '1' } as never), ProviderDeclinedError);
      expect(err.code).toBe('stp_bad_request');
      expect(err.details).toMatchObject({ operation: 'create_clabe', provider_status: 400 });
      const raw = await fetch(`${base}/stp/clabes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(raw.status).toBe(400);
      const body: any = await raw.json();
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'path', 'status', 'timestamp']);
      expect(body).toMatchObject({ status: 400, error: 'Bad Request', path: '/stp/clabes' });
      expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    });

    it('403 (enterprise not enabled) -> ProviderDeclinedError stp_forbidden', async () => {
      const other = makeAdapter(client, { enterpriseId: 'someone-else' });
      const err = await expectError(other.createClabeAccount(holder('f1')), ProviderDeclinedError);
      expect(err.code).toBe('stp_forbidden');
    });

    it('409 (account id already has a CLABE) -> ConflictError clabe_account_exists', async () => {
      await adapter.createClabeAccount(holder('dup-1'));
      const err = await expectError(adapter.createClabeAccount(holder('dup-1')), ConflictError);
      expect(err.code).toBe('clabe_account_exists');
    });

    it.each([
      [401, ProviderUnavailableError, 'provider_unavailable'],
      [404, ProviderDeclinedError, 'stp_not_found'],
      [500, ProviderUnavailableError, 'provider_unavailable'],
    ] as const)('%i from STP -> %p', async (status, type, code) => {
      expect((await admin('POST', '/failures', { count: 1, status, operation: 'clabes' })).status).toBe(201);
      const err = await expectError(adapter.createClabeAccount(holder(`s${status}`)), type as never);
      expect((err as any).code).toBe(code);
      expect((err as any).details.provider_status).toBe(status);
      // the failure was consumed; the next call succeeds
      await expect(adapter.createClabeAccount(holder(`s${status}`))).resolves.toMatchObject({ accountId: `s${status}` });
    });
  });

  describe('SPEI OUT (POST /stp/transfer)', () => {
    it('registers an order keyed by our tracking key, amount exact', async () => {
      const o = order({ amount: Money.ofCentavos(504n) });
      const sent = await adapter.sendOrder(o);
      expect(sent).toEqual({ provider: 'stp', trackingKey: o.trackingKey, providerOrderId: expect.stringMatching(/^\d+$/), alreadyRegistered: false });
      const stored = sandbox.order(o.trackingKey)!;
      expect(stored.state).toBe('pending');
      expect(String(stored.id)).toBe(sent.providerOrderId);
      expect(stored.request).toEqual({
        payer_account: config.stpPayerAccount,
        beneficiary_name: 'LUIS TRUTIE RODRIGUEZ',
        beneficiary_account: BBVA_CLABE,
        beneficiary_account_type: '40',
        counterpart_institution: '40012',
        beneficiary_rfc_curp: 'ND',
        amount: '5.04',
        payment_concept: 'Envio de SPEI',
        numeric_reference: '12345',
        tracking_key: o.trackingKey,
        enterprise: config.stpEnterprise,
      });
    });

    it('accepts the maximum amount 999,999,999,999.99 and refuses one centavo more', async () => {
      const max = order({ amount: Money.parse('999999999999.99') });
      await adapter.sendOrder(max);
      expect(sandbox.order(max.trackingKey)!.request.amount).toBe('999999999999.99');
      const over = order({ amount: Money.ofCentavos(100_000_000_000_000n) });
      const err = await expectError(adapter.sendOrder(over), ValidationError);
      expect(err.details!.field).toBe('amount');
      await expectError(adapter.sendOrder(order({ amount: Money.ofCentavos(0n) })), ValidationError);
      await expectError(adapter.sendOrder(order({ amount: Money.ofCentavos(100n, 'USD') })), ValidationError);
    });

    it('derives the institution from the beneficiary CLABE and refuses a mismatch', async () => {
      const o = order({ beneficiary: { name: 'ANA', account: BBVA_CLABE, accountType: 'clabe' } });
      await adapter.sendOrder(o);
      expect(sandbox.order(o.trackingKey)!.request.counterpart_institution).toBe('40012');
      const err = await expectError(adapter.sendOrder(order({ beneficiary: { name: 'ANA', account: BBVA_CLABE, accountType: 'clabe', institution: '40072' } })), ValidationError);
      expect(err.details!.field).toBe('counterpart_institution');
    });

    it('validates every CLABE it sends (beneficiary and payer)', async () => {
      const corrupted = BBVA_CLABE.slice(0, 17) + ((Number(BBVA_CLABE[17]) + 1) % 10);
      const e1 = await expectError(adapter.sendOrder(order({ beneficiary: { name: 'ANA', account: corrupted, accountType: 'clabe', institution: '40012' } })), ValidationError);
      expect(e1.details!.field).toBe('beneficiary_account');
      expect(e1.message).not.toContain(corrupted);
      // the document's own payer example has a wrong check digit
      const e2 = await expectError(adapter.sendOrder(order({ payerAccount: '646420123300000000' })), ValidationError);
      expect(e2.details!.field).toBe('payer_account');
      expect(sandbox.listOrders()).toHaveLength(0);
    });

    it('sends to a debit card (type 3) and a mobile phone (type 10)', async () => {
      const card = order({ beneficiary: { name: 'ANA', account: '4111111111111111', accountType: 'debit_card', institution: '40012' } });
      await adapter.sendOrder(card);
      expect(sandbox.order(card.trackingKey)!.request.beneficiary_account_type).toBe('3');
      const phone = order({ beneficiary: { name: 'ANA', account: '5512345678', accountType: 'mobile_phone', institution: '90646' } });
      await adapter.sendOrder(phone);
      expect(sandbox.order(phone.trackingKey)!.request.beneficiary_account_type).toBe('10');
      const bad = await expectError(adapter.sendOrder(order({ beneficiary: { name: 'ANA', account: '4111111111111112', accountType: 'debit_card', institution: '40012' } })), ValidationError);
      expect(bad.message).not.toContain('4111111111111112');
    });

    it('validates the other documented fields', async () => {
      const cases: Array<[Partial<SpeiOutOrder>, string]> = [
        [{ concept: 'x'.repeat(41) }, 'payment_concept'],
        [{ numericReference: '12345678' }, 'numeric_reference'],
        [{ numericReference: '12a' }, 'numeric_reference'],
        [{ trackingKey: 'BAD-KEY!' }, 'tracking_key'],
        [{ beneficiary: { name: 'A'.repeat(41), account: BBVA_CLABE, accountType: 'clabe' } }, 'beneficiary_name'],
        [{ beneficiary: { name: 'ANA', account: BBVA_CLABE, accountType: 'clabe', rfcOrCurp: 'XYZ' } }, 'beneficiary_rfc_curp'],
        [{ beneficiary: { name: 'ANA', account: '123', accountType: 'mobile_phone', institution: '40012' } }, 'beneficiary_account'],
        [{ beneficiary: { name: 'ANA', account: '5512345678', accountType: 'mobile_phone' } }, 'counterpart_institution'],
      ];
      for (const [o, field] of cases) {
        const err = await expectError(adapter.sendOrder(order(o)), ValidationError);
        expect(err.details!.field).toBe(field);
      }
    });

    it('400 from STP (the sandbox applies the same rules) -> ProviderDeclinedError', async () => {
      const o = order();
      const wire = { payer_account: config.stpPayerAccount, beneficiary_name: 'X', beneficiary_account: BBVA_CLABE, beneficiary_account_type: '40', counterpart_institution: '40012', beneficiary_rfc_curp: 'ND', amount: '1000000000000.00', payment_concept: 'c', numeric_reference: '1', tracking_key: o.trackingKey, enterprise: config.stpEnterprise };
      const err = await expectError(client.registerOrder(wire as never), ProviderDeclinedError);
      expect(err.code).toBe('stp_bad_request');
      expect(err.details!.provider_message).toMatch(/amount/);
    });

    it('403 (enterprise not enabled) -> ProviderDeclinedError stp_forbidden', async () => {
      const err = await expectError(makeAdapter(client, { enterprise: 'OTHER' }).sendOrder(order()), ProviderDeclinedError);
      expect(err.code).toBe('stp_forbidden');
    });

    it('404 (payer account unknown to STP) -> ProviderDeclinedError stp_payer_account_not_found', async () => {
      const unknownPayer = Clabe.compose('646', '180', '99990000001').value;
      const err = await expectError(adapter.sendOrder(order({ payerAccount: unknownPayer })), ProviderDeclinedError);
      expect(err.code).toBe('stp_payer_account_not_found');
      // a CLABE created at STP can pay
      const created = await adapter.createClabeAccount(holder('payer-1'));
      await expect(adapter.sendOrder(order({ payerAccount: created.clabe.value }))).resolves.toMatchObject({ alreadyRegistered: false });
    });

    it('409 (tracking key already registered) -> the send is idempotent: alreadyRegistered', async () => {
      const o = order();
      const first = await adapter.sendOrder(o);
      const again = await adapter.sendOrder(o);
      expect(first.alreadyRegistered).toBe(false);
      expect(again).toEqual({ provider: 'stp', trackingKey: o.trackingKey, alreadyRegistered: true });
      expect(sandbox.listOrders()).toHaveLength(1);
      // the raw client surfaces STP's 409 as a ConflictError
      const err = await expectError(client.registerOrder({ ...sandbox.order(o.trackingKey)!.request }), ConflictError);
      expect(err.code).toBe('stp_tracking_key_in_use');
    });

    it('fails transiently N times then succeeds; the client surfaces ProviderUnavailableError for each', async () => {
      expect((await admin('POST', '/failures', { count: 3, operation: 'transfer', status: 503 })).status).toBe(201);
      const o = order();
      const outcomes: string[] = [];
      for (let attempt = 1; attempt <= 4; attempt++) {
        try {
          const sent = await adapter.sendOrder(o);
          outcomes.push(sent.alreadyRegistered ? 'already' : 'accepted');
        } catch (e) {
          expect(e).toBeInstanceOf(ProviderUnavailableError);
          expect((e as ProviderUnavailableError).details).toMatchObject({ operation: 'transfer', provider_status: 503 });
          outcomes.push('unavailable');
        }
      }
      expect(outcomes).toEqual(['unavailable', 'unavailable', 'unavailable', 'accepted']);
      expect(sandbox.listOrders()).toHaveLength(1);
    });

    it('a lost answer (STP registered the order, then failed) is safe to retry with the same key', async () => {
      await admin('POST', '/failures', { count: 1, operation: 'transfer', mode: 'after_processing', status: 500 });
      const o = order();
      await expectError(adapter.sendOrder(o), ProviderUnavailableError);
      expect(sandbox.order(o.trackingKey)?.state).toBe('pending');
      const retry = await adapter.sendOrder(o);
      expect(retry.alreadyRegistered).toBe(true);
      expect(sandbox.listOrders()).toHaveLength(1);
    });

    it('a timeout is ProviderUnavailableError (reason timeout) and nothing is registered', async () => {
      const quick = makeAdapter(makeClient({ timeoutMs: 150 }));
      await admin('POST', '/failures', { count: 1, operation: 'transfer', mode: 'timeout', delay_ms: 400 });
      const o = order();
      const err = await expectError(quick.sendOrder(o), ProviderUnavailableError);
      expect(err.details).toMatchObject({ reason: 'timeout' });
      expect(sandbox.order(o.trackingKey)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 300)); // let the held answer finish
      await expect(quick.sendOrder(o)).resolves.toMatchObject({ alreadyRegistered: false });
    });

    it('401 and 500 are retryable; STP unreachable too', async () => {
      await admin('POST', '/failures', { count: 1, operation: 'transfer', status: 401 });
      expect((await expectError(adapter.sendOrder(order()), ProviderUnavailableError)).details).toMatchObject({ reason: 'unauthorized' });
      await admin('POST', '/failures', { count: 1, operation: 'transfer', status: 500 });
      expect((await expectError(adapter.sendOrder(order()), ProviderUnavailableError)).details).toMatchObject({ reason: 'server_error' });
      const down = makeAdapter(new StpClient({ baseUrl: 'http://127.0.0.1:9/stp', timeoutMs: 500 }));
      expect((await expectError(down.sendOrder(order()), ProviderUnavailableError)).details).toMatchObject({ reason: 'network' });
    });

    it('opens the circuit after consecutive transient failures and fails fast', async () => {
      const fragile = makeClient({ breakerThreshold: 2, breakerCooldownMs: 60_000 });
      const a = makeAdapter(fragile);
      await admin('POST', '/failures', { count: 3, operation: 'transfer', status: 500 });
      await expectError(a.sendOrder(order()), ProviderUnavailableError);
      await expectError(a.sendOrder(order()), ProviderUnavailableError);
      const fast = await expectError(a.sendOrder(order()), ProviderUnavailableError);
      expect(fast.details).toMatchObject({ reason: 'circuit_open' });
      expect(fragile.circuitState).toBe('open');
      expect((await admin('GET', '/failures')).body.pending[0].remaining).toBe(1); // the third never reached STP
    });

    it('generates unique tracking keys', () => {
      const keys = new Set(Array.from({ length: 2000 }, () => adapter.newTrackingKey()));
      expect(keys.size).toBe(2000);
      for (const k of [...keys].slice(0, 50)) {
        expect(k).toMatch(/^PASARELA\d{6}[0-9A-Z]{10}$/);
        expect(k.length).toBeLessThanOrEqual(30);
      }
    });

    it('lists the Banxico institutions', () => {
      expect(adapter.institutions().find((i) => i.speiKey === '40012')?.name).toBe('BBVA MEXICO');
    });
  });

  describe('per-order control and the webhook payloads (seam for sending)', () => {
    it('settles an order: {id, folio, status 1, cause Liquidación}', async () => {
      const o = order();
      const sent = await adapter.sendOrder(o);
      const res = await admin('POST', `/orders/${o.trackingKey}/settle`);
      expect(res.status).toBe(200);
      expect(res.body.webhook).toEqual({ id: Number(sent.providerOrderId), folio: o.trackingKey, status: 1, cause: 'Liquidación' });
      expect(fromSpeiOutStatusWebhook(res.body.webhook)).toEqual({ provider: 'stp', providerOrderId: sent.providerOrderId, trackingKey: o.trackingKey, outcome: 'settled', cause: 'Liquidación' });
      expect((await admin('POST', `/orders/${o.trackingKey}/return`)).status).toBe(409);
    });

    it('returns an order planned in advance, with its cause', async () => {
      const o = order();
      await adapter.sendOrder(o);
      expect((await admin('PUT', `/orders/${o.trackingKey}/outcome`, { outcome: 'return', cause: 'Cuenta inexistente' })).status).toBe(200);
      const res = await admin('POST', `/orders/${o.trackingKey}/resolve`);
      expect(res.body.webhook).toMatchObject({ folio: o.trackingKey, status: 0, cause: 'Cuenta inexistente' });
      expect(fromSpeiOutStatusWebhook(res.body.webhook).outcome).toBe('returned');
      expect(sandbox.order(o.trackingKey)!.state).toBe('returned');
      expect((await admin('POST', '/orders/UNKNOWN1/settle')).status).toBe(404);
    });

    it('hands every webhook to the registered listeners', async () => {
      const seen: string[] = [];
      sandbox.onWebhook((w) => seen.push(`${w.kind} ${w.path}`));
      const created = await adapter.createClabeAccount(holder('hook-1'));
      // STP activates the account shortly after answering.
      for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const o = order();
      await adapter.sendOrder(o);
      sandbox.resolveOrder(o.trackingKey, 'settle');
      await admin('POST', `/clabes/${created.clabe.value}/status`, { status: 0 });
      expect(seen).toEqual([
        'clabe_status /webhooks/stp/clabe-status',
        'spei_out_status /webhooks/stp/spei-out',
        'clabe_status /webhooks/stp/clabe-status',
      ]);
    });

    it('CLABE status and SPEI IN payloads map to domain events', async () => {
      const created = await adapter.createClabeAccount(holder('events-1'));
      const status = await admin('POST', `/clabes/${created.clabe.value}/status`, { status: 0 });
      expect(status.body.webhook).toEqual({ clabe: created.clabe.value, status: 0 });
      expect(fromClabeStatusWebhook(status.body.webhook)).toMatchObject({ status: 'inactive' });
      const inactivePayer = await expectError(adapter.sendOrder(order({ payerAccount: created.clabe.value })), ProviderDeclinedError);
      expect(inactivePayer.code).toBe('stp_forbidden');
      const deposit = await admin('POST', '/spei-in', { clabe: created.clabe.value, amount: '10.5', reference: 'MBAN000000212' });
      expect(deposit.body.webhook).toEqual({ clabe: created.clabe.value, reference: 'MBAN000000212', amount: '10.50' });
      const event = fromSpeiInWebhook(deposit.body.webhook);
      expect(event.amount.centavos).toBe(1050n);
      expect(event.trackingKey).toBe('MBAN000000212');
      expect((await admin('POST', '/spei-in', { clabe: '646180123300000409', amount: '1.00' })).status).toBe(400);
    });

    it('rejects a malformed failure plan', async () => {
      expect((await admin('POST', '/failures', { count: 0 })).status).toBe(400);
      expect((await admin('POST', '/failures', { count: 1, operation: 'nope' })).status).toBe(400);
    });
  });

  describe('sandbox: orders resolve by themselves, with outcomes planned for the next orders', () => {
    it('auto-resolves an accepted order after auto_resolve_ms, with the planned next outcome, and emits its status webhook', async () => {
      const seen: Array<{ kind: string; payload: any }> = [];
      sandbox.onWebhook((w) => seen.push(w));
      expect((await admin('PUT', '/settings', { auto_resolve_ms: 50 })).body).toMatchObject({ auto_resolve_ms: 50 });
      expect((await admin('POST', '/next-outcomes', { outcome: 'return', cause: 'Cuenta inexistente', count: 1 })).body.next_outcomes).toEqual([{ outcome: 'return', cause: 'Cuenta inexistente' }]);
      const returned = order();
      const settled = order();
      await adapter.sendOrder(returned);
      await adapter.sendOrder(settled);
      for (let i = 0; i < 100 && seen.filter((w) => w.kind === 'spei_out_status').length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      const byFolio = new Map(seen.filter((w) => w.kind === 'spei_out_status').map((w) => [w.payload.folio, fromSpeiOutStatusWebhook(w.payload)]));
      expect(byFolio.get(returned.trackingKey)).toMatchObject({ outcome: 'returned', cause: 'Cuenta inexistente' });
      expect(byFolio.get(settled.trackingKey)).toMatchObject({ outcome: 'settled', cause: 'Liquidación' });
      // Resolved already: resolving again is a conflict.
      expect((await admin('POST', `/orders/${settled.trackingKey}/settle`)).status).toBe(409);
    });

    it('refuses bad settings and outcome plans; reset restores the configured settings', async () => {
      expect((await admin('PUT', '/settings', { auto_resolve_ms: -1 })).status).toBe(400);
      expect((await admin('POST', '/next-outcomes', { outcome: 'maybe' })).status).toBe(400);
      expect((await admin('POST', '/next-outcomes', { outcome: 'settle', count: 0 })).status).toBe(400);
      await admin('PUT', '/settings', { auto_resolve_ms: 10 });
      await admin('POST', '/next-outcomes', { outcome: 'settle', count: 2 });
      expect((await admin('POST', '/reset')).status).toBe(204);
      expect((await admin('GET', '/settings')).body).toEqual({ auto_resolve_ms: 0, next_outcomes: [] });
    });

    it('serves the same controls under /sandbox/stp, with POST deposits for a SPEI IN', async () => {
      const created = await adapter.createClabeAccount(holder('qa-1'));
      const res = await fetch(`${base}/sandbox/stp/deposits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe: created.clabe.value, amount: '150.00' }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.webhook).toMatchObject({ clabe: created.clabe.value, amount: '150.00', reference: expect.stringMatching(/^SBX[0-9A-F]{12}$/) });
      const bad = await fetch(`${base}/sandbox/stp/deposits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe: '646180123300000409', amount: '1.00' }) });
      expect(bad.status).toBe(400);
      expect(((await (await fetch(`${base}/sandbox/stp/webhooks`)).json()) as any).deliveries).toEqual([]); // sending is off here
    });
  });

  describe('StpModule wiring', () => {
    it('binds the ClabeAccounts and SpeiOut ports to the STP adapter, configured from AppConfig', async () => {
      const cfg = loadConfig({ LOG_LEVEL: 'silent', STP_BASE_URL: `${base}/stp` }, {});
      await withModule(cfg, StpModule, async (ctx) => {
        const ports = ctx.get(ClabeAccounts);
        expect(ports).toBeInstanceOf(StpAdapter);
        expect(ctx.get(SpeiOut)).toBe(ports);
        await expect(ctx.get(SpeiOut).sendOrder(order())).resolves.toMatchObject({ alreadyRegistered: false });
      });
    });
  });
});
