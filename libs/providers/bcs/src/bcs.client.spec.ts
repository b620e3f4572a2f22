import { ProviderUnavailableError } from '#libs/domain';
import { BcsClient } from './bcs.client.js';
import { deadlinesWire, debitReplacementWire, feeAmt } from './bcs.mapper.js';

describe('BcsClient', () => {
  const base = { baseUrl: 'https://bcs.example/cards-management/v1', clientId: 'id', clientSecret: 's', accessToken: 't', cipherKey: '000102030405060708090a0b0c0d0e0f' };

  it('resolves the document\'s host-relative paths, including /cardsManagement/v1/DebitCard', async () => {
    const urls: string[] = [];
    const c = new BcsClient({ ...base, fetch: async (u) => (urls.push(String(u)), new Response('{"responseType":{"value":"OK"}}', { status: 200 })) });
    await c.applyDebitCard({ customerId: '1' });
    await c.cycleDate({ depAcctTrnRec: { depAcctId: { acctId: '1' }, daysCycle: '1', contactInfo: { emailAddr: 'a@b.c', cellPhone: '1' } }, govIssueIdent: { identSerialNum: '1' } }, {});
    expect(urls).toEqual(['https://bcs.example/cardsManagement/v1/DebitCard', 'https://bcs.example/cards-management/v1/card-updates/cycle-date']);
  });

  it('an HTTP 200 whose responseType is ER is an error; network failures open the circuit after the threshold', async () => {
    const er = new BcsClient({ ...base, fetch: async () => new Response('{"responseType":{"value":"ER"},"responseDetail":{"errorCode":"50004","errorDesc":"89-GENERAL ERROR","errorType":"VAL"}}', { status: 200 }) });
    await expect(er.accountHolds({ govIssueIdentType: 'CC', identSerialNum: '1', flagAllDebCardsBlock: true, additionalAcctId: [] }, {})).rejects.toBeInstanceOf(ProviderUnavailableError);

    let calls = 0;
    const down = new BcsClient({ ...base, breakerThreshold: 2, breakerOpenMs: 60_000, fetch: async () => { calls++; throw new TypeError('fetch failed'); } });
    const req = () => down.accountHolds({ govIssueIdentType: 'CC', identSerialNum: '1', flagAllDebCardsBlock: true, additionalAcctId: [] }, {});
    await expect(req()).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(req()).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(req()).rejects.toThrow(/circuit open/);
    expect(calls).toBe(2);
  });

  it('maps fees to 14 digits of centavos and pads installments like the document', () => {
    expect(feeAmt(100000n)).toBe('00000000100000');
    expect(() => feeAmt(-1n)).toThrow();
    expect(deadlinesWire({ card: { encrypted: 'ab' }, terms: [{ sequence: '1', installments: 2 }] }).cardAcctId.term[0]).toEqual({ sequence: '1', numAsignInstallments: '02' });
    const w = debitReplacementWire({
      customer: { idType: 'CC', idNumber: '1' }, depositAccount: '245', card: { encrypted: 'ab' }, fee: 1n, blockType: '', reason: 'IVR01', source: 'TEL',
      agreement: { allyId: '', serviceId: 'N', serviceRequestId: 'N' }, delivery: { type: 'NAL', country: 'CO', postalCode: 730005 },
    });
    expect(w.trn).toMatchObject({ fee: { amt: '00000000000001' }, cardAcctId: { blockTypeField: '', acctId: 'ab' }, entprAgreement: { spRefId: '', svcIdent: 'N', svcRqUID: 'N' }, postAddr: { postalCode: 730005 } });
    expect(w.trn.operationType).toBeUndefined();
  });
});
