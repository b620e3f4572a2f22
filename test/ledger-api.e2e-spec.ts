import { randomUUID } from 'node:crypto';
import { LedgerService, SYSTEM_ACCOUNTS } from '#libs/ledger';
import { call, startGateway, type TestGateway } from './support/gateway.js';

describe('ledger API (e2e)', () => {
  let gw: TestGateway;
  let ledger: LedgerService;
  let reader: string;
  let customer: string;
  let other: string;

  const adjust = (legs: object[], idempotencyKey = randomUUID(), key = gw.adminKey) =>
    call(gw, 'POST', '/v1/ledger/transfers', { key, idempotencyKey, body: { legs } });

  beforeAll(async () => {
    gw = await startGateway();
    ledger = gw.app.get(LedgerService);
    reader = await gw.keyWith('ledger:read');
    customer = (await ledger.createAccount({ code: `customer:${randomUUID()}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
    other = (await ledger.createAccount({ code: `customer:${randomUUID()}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } })).id;
    // Fund the customer: money in from the settlement asset account.
    const funded = await adjust([{ debit_account_id: SYSTEM_ACCOUNTS.stpSettlement.id, credit_account_id: customer, amount: '1000.00' }]);
    expect(funded.status).toBe(201);
  });

  afterAll(async () => {
    await gw?.close();
  });

  describe('GET /v1/accounts/:id', () => {
    it('returns balances as decimal strings', async () => {
      const res = await call(gw, 'GET', `/v1/accounts/${customer}`, { key: reader });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: customer, type: 'liability', currency: 'MXN', balance: '1000.00', available: '1000.00', posted_credits: '1000.00', debits_must_not_exceed_credits: true });
    });

    it('404 for an unknown account, 400 for a malformed id', async () => {
      expect((await call(gw, 'GET', `/v1/accounts/${randomUUID()}`, { key: reader })).status).toBe(404);
      const bad = await call(gw, 'GET', '/v1/accounts/not-a-uuid', { key: reader });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
    });

    it('needs ledger:read', async () => {
      const cards = await gw.keyWith('cards:read');
      expect((await call(gw, 'GET', `/v1/accounts/${customer}`, { key: cards })).status).toBe(403);
      expect((await call(gw, 'GET', `/v1/accounts/${customer}`)).status).toBe(401);
    });
  });

  describe('POST /v1/ledger/transfers', () => {
    it('posts a manual adjustment, replays it for the same key, and refuses other content for that key', async () => {
      const idem = randomUUID();
      const legs = [{ debit_account_id: customer, credit_account_id: other, amount: '25.50', kind: 'adjustment', external_ref: 'TICKET-1' }];
      const first = await adjust(legs, idem);
      expect(first.status).toBe(201);
      expect(first.body.transfers).toHaveLength(1);
      expect(first.body.transfers[0]).toMatchObject({ amount: '25.50', status: 'posted', debit_account_id: customer, credit_account_id: other });
      const again = await adjust(legs, idem);
      expect(again.status).toBe(201);
      expect(again.body.journal_id).toBe(first.body.journal_id);
      expect(again.body.journal_id).toMatch(/^[0-9a-f-]{36}$/);
      const clash = await adjust([{ ...legs[0], amount: '26.00' }], idem);
      expect(clash.status).toBe(409);
      const balance = await call(gw, 'GET', `/v1/accounts/${other}`, { key: reader });
      expect(balance.body.balance).toBe('25.50');
    });

    it('never overdraws a no-overdraft account: 422 and nothing written', async () => {
      const before = await call(gw, 'GET', `/v1/accounts/${customer}`, { key: reader });
      const res = await adjust([{ debit_account_id: customer, credit_account_id: other, amount: '999999.00' }]);
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('insufficient_funds');
      const after = await call(gw, 'GET', `/v1/accounts/${customer}`, { key: reader });
      expect(after.body.balance).toBe(before.body.balance);
    });

    it('writes several legs all or nothing', async () => {
      const before = await call(gw, 'GET', `/v1/accounts/${other}`, { key: reader });
      const res = await adjust([
        { debit_account_id: customer, credit_account_id: other, amount: '1.00' },
        { debit_account_id: other, credit_account_id: customer, amount: '999999.00' },
      ]);
      expect(res.status).toBe(422);
      const after = await call(gw, 'GET', `/v1/accounts/${other}`, { key: reader });
      expect(after.body.balance).toBe(before.body.balance);
    });

    it.each([
      ['three decimals', { amount: '1.001' }],
      ['a float', { amount: 1.5 }],
      ['zero', { amount: '0.00' }],
      ['a negative amount', { amount: '-5.00' }],
      ['a malformed account id', { debit_account_id: 'x' }],
    ])('400 for %s', async (_name, override) => {
      const res = await adjust([{ debit_account_id: customer, credit_account_id: other, amount: '1.00', ...override }]);
      expect(res.status).toBe(400);
    });

    it('404 for an unknown account', async () => {
      const res = await adjust([{ debit_account_id: customer, credit_account_id: randomUUID(), amount: '1.00' }]);
      expect(res.status).toBe(404);
    });

    it('needs admin and an Idempotency-Key', async () => {
      const legs = [{ debit_account_id: customer, credit_account_id: other, amount: '1.00' }];
      expect((await adjust(legs, randomUUID(), reader)).status).toBe(403);
      const noKey = await call(gw, 'POST', '/v1/ledger/transfers', { key: gw.adminKey, body: { legs } });
      expect(noKey.status).toBe(400);
      expect(noKey.body.code).toBe('idempotency_key_missing');
    });
  });

  describe('GET /v1/ledger/transfers/:id and /v1/accounts/:id/entries', () => {
    it('reads a transfer back; 404 for an unknown one', async () => {
      const made = await adjust([{ debit_account_id: customer, credit_account_id: other, amount: '2.00' }]);
      const id = made.body.transfers[0].id;
      const res = await call(gw, 'GET', `/v1/ledger/transfers/${id}`, { key: reader });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, amount: '2.00', status: 'posted' });
      expect((await call(gw, 'GET', `/v1/ledger/transfers/${randomUUID()}`, { key: reader })).status).toBe(404);
    });

    it('pages through every entry, newest first, with next_cursor', async () => {
      const account = (await ledger.createAccount({ code: `paged:${randomUUID()}`, type: 'liability' })).id;
      for (let i = 1; i <= 5; i++) {
        expect((await adjust([{ debit_account_id: SYSTEM_ACCOUNTS.stpSettlement.id, credit_account_id: account, amount: `${i}.00` }])).status).toBe(201);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : '?limit=2';
        const page = await call(gw, 'GET', `/v1/accounts/${account}/entries${q}`, { key: reader });
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((e: { amount: string }) => e.amount));
        cursor = page.body.next_cursor;
      } while (cursor);
      expect(seen).toEqual(['5.00', '4.00', '3.00', '2.00', '1.00']);
    });

    it('400 for a bad limit or cursor', async () => {
      expect((await call(gw, 'GET', `/v1/accounts/${customer}/entries?limit=0`, { key: reader })).status).toBe(400);
      expect((await call(gw, 'GET', `/v1/accounts/${customer}/entries?limit=1000`, { key: reader })).status).toBe(400);
      expect((await call(gw, 'GET', `/v1/accounts/${customer}/entries?cursor=%%%`, { key: reader })).status).toBe(400);
    });
  });
});
