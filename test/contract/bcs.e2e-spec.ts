import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConflictError, NotFoundError, ProviderDeclinedError, ProviderUnavailableError, SensitiveValue, ValidationError } from '#libs/domain';
import { BcsAdapter, BcsCipher, BcsClient, mapBcsError, type BcsClientOptions } from '#libs/providers/bcs';
import { BcsSandboxModule } from '../../apps/sandbox/src/bcs/bcs-sandbox.module.js';

const KEY = '00112233445566778899aabbccddeeff';
const OPTS = { clientId: 'cid-1', clientSecret: 'csecret-1', accessToken: 'tok-1', cipherKey: KEY };

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Issue 7, contract: BcsClient / BcsAdapter against the BCS simulator over real HTTP — every documented
 * operation, its success and its main documented errors mapped to domain errors, the headers each sends.
 */
describe('BCS cards-management contract (sandbox)', () => {
  let app: NestFastifyApplication;
  let root: string;
  const sent: Sent[] = [];
  let adapter: BcsAdapter;
  const ctx = { requestId: 'req-1', clientIp: '10.5.43.214', requestNumber: 'idem-1', customerId: '' };

  const client = (extra: Partial<BcsClientOptions> = {}) =>
    new BcsClient({
      baseUrl: `${root}/cards-management/v1`,
      ...OPTS,
      invoker: { Channel: '007', BranchId: '1102', ATMId: '1102', Country: 'CO' },
      fetch: async (input, init) => {
        sent.push({ method: init?.method ?? 'GET', url: String(input), headers: { ...(init?.headers as Record<string, string>) }, body: typeof init?.body === 'string' ? init.body : undefined });
        return fetch(input, init);
      },
      ...extra,
    });
  const admin = async (path: string, body?: unknown) => {
    const r = await fetch(`${root}/cards-management/v1/_sandbox/${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return r.json() as Promise<any>;
  };
  const newCard = (kind: 'credit' | 'debit', extra: Record<string, unknown> = {}) => admin('cards', { kind, ...extra });
  const enc = (c: any) => ({ encrypted: c.encrypted_acct_id as string });
  const who = (c: any) => ({ idType: c.gov_issue_ident_type as string, idNumber: c.ident_serial_num as string });
  const fails = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as any;
    }
    throw new Error('expected a failure');
  };

  beforeAll(async () => {
    const ref = await Test.createTestingModule({ imports: [BcsSandboxModule.forRoot({ ...OPTS, minCyclePeriods: 6 })] }).compile();
    app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    root = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    adapter = new BcsAdapter(client());
  });

  afterAll(async () => {
    await app?.close();
  });

  it('sends the documented headers: X-Invoker-* from config and context, client_id/secret + bearer; X-Security-* on validations', async () => {
    const c = await newCard('debit');
    sent.length = 0;
    await adapter.holdAccounts({ customer: who(c), allDebitCards: false, accounts: [enc(c)] }, { ...ctx, customerId: c.ident_serial_num });
    const h = sent[0].headers;
    expect(sent[0].url).toBe(`${root}/cards-management/v1/account-holds`);
    expect(h).toMatchObject({ client_id: 'cid-1', client_secret: 'csecret-1', Authorization: 'Bearer tok-1', 'X-Invoker-Channel': '007', 'X-Invoker-BranchId': '1102', 'X-Invoker-TxId': 'req-1', 'X-Invoker-UserIPAddress': '10.5.43.214', 'X-Invoker-RequestNumber': 'idem-1', 'X-Invoker-CustId': c.ident_serial_num });
    expect(h['X-Invoker-ProcessDate']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.parse(sent[0].body!)).toEqual({ govIssueIdentType: 'CC', identSerialNum: c.ident_serial_num, flagAllDebCardsBlock: false, additionalAcctId: [c.encrypted_acct_id] });

    const cc = await newCard('credit');
    sent.length = 0;
    await adapter.validateCreditCardCvv(who(cc), new SensitiveValue(cc.cvv, 'cvc'), { customerId: cc.ident_serial_num });
    const v = sent[0];
    expect(v.headers).toMatchObject({ 'X-Security-ClientID': 'cid-1', 'X-Security-ClientSecret': 'csecret-1', 'X-Security-Token': 'tok-1', 'X-Security-CustLoginIdSi': cc.ident_serial_num });
    expect(v.headers.client_id).toBeUndefined();
    expect(v.headers['X-Invoker-Channel']).toBeUndefined(); // not among the validation's documented headers
    // The CVV only encrypted: the secretid path segment is the 32-hex cipher, never the 3 digits (which may well
    // occur elsewhere in the URL, e.g. inside the document number).
    const secretId = /\/cvv\/([^/]+)\/validate/.exec(v.url)?.[1];
    expect(secretId).toMatch(/^[0-9a-f]{32}$/);
    expect(new BcsCipher(KEY).decrypt(secretId!)).toBe(cc.cvv);
    expect(v.url).toMatch(/\/credit-card\/cvv\/[0-9a-f]{32}\/validate\?identserialnum=\d+&govIssueIdentType=CC$/);
  });

  it('wrong credentials: APIKit 401 → provider_unavailable (a configuration problem, not the caller\'s)', async () => {
    const c = await newCard('credit');
    const e = await fails(new BcsAdapter(client({ accessToken: 'wrong' })).replaceCreditCard({ card: enc(c), lockCode: '01' }, ctx));
    expect(e).toBeInstanceOf(ProviderUnavailableError);
  });

  describe('account holds', () => {
    it('blocks the listed cards; all debit cards with an empty list; 404 50001 VAL (14-CARD DOES NOT EXIST) → card_not_found; 400 50002 → 409 card_blocked; 400 50003 → invalid_information', async () => {
      const d1 = await newCard('debit');
      const d2 = await newCard('debit', { gov_issue_ident_type: 'CC', ident_serial_num: d1.ident_serial_num });
      await adapter.holdAccounts({ customer: who(d1), allDebitCards: true, accounts: [] }, ctx);
      expect((await admin(`cards/${d1.card_number}`)).block).toBe('TEMP');
      expect((await admin(`cards/${d2.card_number}`)).block).toBe('TEMP');

      const again = await fails(adapter.holdAccounts({ customer: who(d1), allDebitCards: false, accounts: [{ pan: SensitiveValue.pan(d1.card_number) }] }, ctx));
      expect(again).toBeInstanceOf(ConflictError);
      expect(again.code).toBe('card_blocked');

      const missing = await fails(adapter.holdAccounts({ customer: who(d1), allDebitCards: false, accounts: [{ pan: SensitiveValue.pan('4985340009999999') }] }, ctx));
      expect(missing).toBeInstanceOf(NotFoundError);
      expect(missing).toMatchObject({ code: 'card_not_found', details: { provider_code: '50001', provider_error_type: 'VAL', http_status: 404 } });

      const bad = await fails(adapter.holdAccounts({ customer: { idType: 'XX', idNumber: '1' }, allDebitCards: true, accounts: [] }, ctx));
      expect(bad).toBeInstanceOf(ValidationError);
      expect(bad.code).toBe('invalid_information');
    });
  });

  describe('credit card replacement', () => {
    it('clear or encrypted acctId; the old card gets lock 01; 404 00014 → card_not_found; 400 04588 → 409; expired, mora and replacement NO → their rules', async () => {
      const c = await newCard('credit');
      await adapter.replaceCreditCard({ card: enc(c), lockCode: '01' }, ctx);
      const after = await admin(`cards/${c.card_number}`);
      expect(after.block).toBe('01');
      expect(after.replaced_by).toMatch(/^\d{16}$/);
      const c2 = await newCard('credit');
      await adapter.replaceCreditCard({ card: { pan: SensitiveValue.pan(c2.card_number) }, lockCode: '01' }, ctx);

      const twice = await fails(adapter.replaceCreditCard({ card: enc(c), lockCode: '01' }, ctx));
      expect(twice).toBeInstanceOf(ConflictError);
      expect(twice.code).toBe('card_permanently_blocked');
      const unknown = await fails(adapter.replaceCreditCard({ card: { pan: SensitiveValue.pan('4570211273204425') }, lockCode: '01' }, ctx));
      expect(unknown).toMatchObject({ code: 'card_not_found' });
      expect(unknown).toBeInstanceOf(NotFoundError);
      const lock = await fails(adapter.replaceCreditCard({ card: enc(await newCard('credit')), lockCode: '02' }, ctx));
      expect(lock).toMatchObject({ code: 'required_field_missing' });
      const expired = await fails(adapter.replaceCreditCard({ card: enc(await newCard('credit', { expired: true })), lockCode: '01' }, ctx));
      expect(expired).toBeInstanceOf(ProviderDeclinedError);
      expect(expired.code).toBe('card_expired');
      const mora = await fails(adapter.replaceCreditCard({ card: enc(await newCard('credit', { in_arrears: true })), lockCode: '01' }, ctx));
      expect(mora.code).toBe('card_in_arrears');
      const no = await fails(adapter.replaceCreditCard({ card: enc(await newCard('credit', { replacement_allowed: false })), lockCode: '01' }, ctx));
      expect(no.code).toBe('replacement_not_allowed');
    });
  });

  describe('debit card replacement', () => {
    const request = (c: any, extra: Record<string, unknown> = {}) => ({
      customer: who(c),
      depositAccount: c.account,
      card: enc(c),
      operationType: '1',
      fee: 100000n,
      blockType: '',
      reason: 'IVR01',
      source: 'TEL',
      agreement: { allyId: '', serviceId: 'N', serviceRequestId: 'N' },
      delivery: { type: 'NAL', country: 'CO', addressLine: 'carrera 10 numero 10', city: 'Bogota', postalCode: 730005 },
      contact: { email: 'EMAIL@EMAIL.COM', cellPhone: '3000000000' },
      ...extra,
    });

    it('OK with billerNum / refId; fee as 14 digits; HTTP 206 ER400 errors: 05622 RGN → client_not_account_holder, 000004 CED → product_number_invalid, 000001 CED → identification_type_invalid', async () => {
      const c = await newCard('debit');
      sent.length = 0;
      const r = await adapter.replaceDebitCard(request(c), ctx);
      expect(r).toEqual({ billerNumber: expect.stringMatching(/^\d{10}$/), referenceId: expect.stringMatching(/^\d{10}$/), depositAccount: c.account });
      expect(JSON.parse(sent[0].body!).trn.fee.amt).toBe('00000000100000');

      const other = await newCard('debit');
      const holder = await fails(adapter.replaceDebitCard(request(other, { depositAccount: '99999999999' }), ctx));
      expect(holder).toMatchObject({ code: 'client_not_account_holder', details: { http_status: 206, provider_code: '05622' } });
      const product = await fails(adapter.replaceDebitCard(request(other, { card: { encrypted: 'ab'.repeat(16) } }), ctx));
      expect(product).toBeInstanceOf(ValidationError);
      expect(product.code).toBe('product_number_invalid');
      const idType = await fails(adapter.replaceDebitCard(request(other, { customer: { idType: 'ZZ', idNumber: '1' } }), ctx));
      expect(idType.code).toBe('identification_type_invalid');
    });
  });

  describe('CVV and PIN validation', () => {
    it('CVV: OK; 400 45 → identification_type_invalid; 404 45 → customer_not_found; mismatch (sandbox 99) → cvv_mismatch', async () => {
      const c = await newCard('credit');
      await adapter.validateCreditCardCvv(who(c), new SensitiveValue(c.cvv, 'cvc'), ctx);
      const wrong = String((Number(c.cvv) % 899) + 100 === Number(c.cvv) ? Number(c.cvv) + 1 : (Number(c.cvv) % 899) + 100);
      expect((await fails(adapter.validateCreditCardCvv(who(c), new SensitiveValue(wrong, 'cvc'), ctx))).code).toBe('cvv_mismatch');
      expect(await fails(adapter.validateCreditCardCvv({ idType: 'LC', idNumber: '1' }, new SensitiveValue(c.cvv, 'cvc'), ctx))).toMatchObject({ code: 'identification_type_invalid' });
      const nobody = await fails(adapter.validateCreditCardCvv({ idType: 'CC', idNumber: '1' }, new SensitiveValue(c.cvv, 'cvc'), ctx));
      expect(nobody).toBeInstanceOf(NotFoundError);
      expect(nobody.code).toBe('customer_not_found');
    });

    it('PIN: OK; 404 00101 → customer_or_active_cards_not_found; mismatch → pin_mismatch; 500 TRX → unavailable', async () => {
      const c = await newCard('debit');
      await adapter.validateDebitCardPin(who(c), SensitiveValue.pin(c.pin), ctx);
      const wrong = c.pin === '1111' ? '2222' : '1111';
      expect((await fails(adapter.validateDebitCardPin(who(c), SensitiveValue.pin(wrong), ctx))).code).toBe('pin_mismatch');
      const none = await fails(adapter.validateDebitCardPin({ idType: 'CC', idNumber: '1' }, SensitiveValue.pin('1234'), ctx));
      expect(none).toBeInstanceOf(NotFoundError);
      expect(none.code).toBe('customer_or_active_cards_not_found');
      // A secretid encrypted with another key: BCS cannot decrypt it (500 00001 TRX).
      const other = new BcsAdapter(client({ cipherKey: 'ff'.repeat(16) }));
      const e = await fails(other.validateDebitCardPin(who(c), SensitiveValue.pin(c.pin), ctx));
      expect(e).toMatchObject({ code: 'secret_decryption_failed', details: { provider_code: '00001', provider_error_type: 'TRX' } });
    });
  });

  describe('billing cycle', () => {
    it('changes; the same cycle → billing_cycle_unchanged (00731); again before 6 periods → billing_cycle_change_too_soon (01074); after the periods pass → OK; 00392 / 04819 / 04654', async () => {
      const c = await newCard('credit');
      const req = (daysCycle: '1' | '2') => ({ account: c.account, daysCycle, email: 'a@b.co', cellPhone: '31111111111', idNumber: c.ident_serial_num });
      expect((await fails(adapter.changeBillingCycle(req('2'), ctx))).code).toBe('billing_cycle_unchanged');
      await adapter.changeBillingCycle(req('1'), ctx);
      const soon = await fails(adapter.changeBillingCycle(req('2'), ctx));
      expect(soon).toBeInstanceOf(ProviderDeclinedError);
      expect(soon).toMatchObject({ code: 'billing_cycle_change_too_soon', details: { http_status: 206, provider_code: '01074' } });
      await admin('clock', { days: 181 });
      await adapter.changeBillingCycle(req('2'), ctx);
      expect((await admin(`cards/${c.card_number}`)).cycle_history).toHaveLength(2);

      expect(await fails(adapter.changeBillingCycle({ ...req('1'), account: '1' }, ctx))).toBeInstanceOf(NotFoundError);
      const p = await newCard('credit', { minimum_payment_pending: true });
      expect((await fails(adapter.changeBillingCycle({ ...req('1'), account: p.account, idNumber: p.ident_serial_num }, ctx))).code).toBe('minimum_payment_pending');
      const n = await newCard('credit', { natural_person: false });
      expect((await fails(adapter.changeBillingCycle({ ...req('1'), account: n.account, idNumber: n.ident_serial_num }, ctx))).code).toBe('product_not_natural_person');
    });
  });

  describe('deadlines', () => {
    it('changes installments ("01" padding); 04664 → transaction_not_found; 04815 → term_unchanged; 04816 → term_out_of_range; 04818 → 409 card_blocked', async () => {
      const c = await newCard('credit');
      sent.length = 0;
      await adapter.modifyDeadlines({ card: enc(c), terms: [{ sequence: '12345678', installments: 24 }, { sequence: '87654321', installments: 3 }] }, ctx);
      expect(JSON.parse(sent[0].body!).cardAcctId.term[1]).toEqual({ sequence: '87654321', numAsignInstallments: '03' });
      expect((await admin(`cards/${c.card_number}`)).installments['12345678'].installments).toBe(24);
      const nf = await fails(adapter.modifyDeadlines({ card: enc(c), terms: [{ sequence: '11112222', installments: 2 }] }, ctx));
      expect(nf).toBeInstanceOf(NotFoundError);
      expect(nf.code).toBe('transaction_not_found');
      expect((await fails(adapter.modifyDeadlines({ card: enc(c), terms: [{ sequence: '12345678', installments: 24 }] }, ctx))).code).toBe('term_unchanged');
      expect((await fails(adapter.modifyDeadlines({ card: enc(c), terms: [{ sequence: '87654321', installments: 30 }] }, ctx))).code).toBe('term_out_of_range');
      await adapter.holdAccounts({ customer: who(c), allDebitCards: false, accounts: [enc(c)] }, ctx);
      const blocked = await fails(adapter.modifyDeadlines({ card: enc(c), terms: [{ sequence: '87654321', installments: 2 }] }, ctx));
      expect(blocked).toBeInstanceOf(ConflictError);
      expect(blocked.code).toBe('card_blocked');
    });

    it('an ER whose code is 0 ("Transaccion exitosa") is a success; unknown codes fall back by HTTP status', () => {
      expect(mapBcsError('deadlines', 206, { responseType: { value: 'ER' }, responseDetail: { errorCode: '04933', errorDesc: 'intente mas tarde', errorType: 'OCP' } })).toBeInstanceOf(ProviderUnavailableError);
      expect(mapBcsError('creditCardReplacement', 404, { responseType: { value: 'ER' }, responseDetail: { errorCode: '01074', errorDesc: 'x 4570211273204425', errorType: 'OCP' } })).toMatchObject({ code: 'billing_cycle_change_too_soon', details: { provider_message: 'x [redacted]' } });
      expect(mapBcsError('accountHolds', 500, { responseType: { value: 'ER' }, responseDetail: { errorCode: 'X1', errorDesc: 'core', errorType: 'CORE' } })).toBeInstanceOf(ProviderUnavailableError);
    });
  });

  it('a BCS answering 404 with a code outside the table (or the status-prefixed form) → NotFoundError card_not_found, not a decline', async () => {
    const c = await newCard('debit');
    const answering = (errorCode: string, errorType: string) =>
      new BcsAdapter(
        client({
          fetch: async () =>
            new Response(JSON.stringify({ responseType: { value: 'ER' }, responseDetail: { errorCode, errorDesc: '14-CARD DOES NOT EXIST', errorType } }), { status: 404, headers: { 'content-type': 'application/json' } }),
        }),
      );
    for (const [code, type] of [['77777', 'CORE'], ['40450001', 'VAL'], ['VAL14', '']]) {
      const e = await fails(answering(code, type).holdAccounts({ customer: who(c), allDebitCards: false, accounts: [enc(c)] }, ctx));
      expect({ code, type, cls: e instanceof NotFoundError, domain: e.code }).toEqual({ code, type, cls: true, domain: 'card_not_found' });
    }
    const cc = await newCard('credit');
    const e = await fails(answering('77777', 'CORE').replaceCreditCard({ card: enc(cc), lockCode: '01' }, ctx));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.code).toBe('card_not_found');
  });

  it('Apply Debit Card: POST /cardsManagement/v1/DebitCard with the customer in X-Invoker-CustId', async () => {
    sent.length = 0;
    await adapter.applyDebitCard({ ...ctx, customerId: '51680607' });
    expect(sent[0].url).toBe(`${root}/cardsManagement/v1/DebitCard`);
    expect((await admin('applications')).applications).toContainEqual(expect.objectContaining({ custId: '51680607' }));
    expect(await fails(adapter.applyDebitCard({}))).toBeInstanceOf(ValidationError);
  });
});
