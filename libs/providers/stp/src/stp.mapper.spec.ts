import { Money, ValidationError, type SpeiOutOrder } from '#libs/domain';
import { fromClabeStatusWebhook, fromSpeiInWebhook, fromSpeiOutStatusWebhook, toCreateClabeWire, toStpDate, toTransferWire } from './stp.mapper.js';
import { generateTrackingKey } from './stp.adapter.js';

const defaults = { enterprise: 'ICTINEO', payerAccount: '646180123300000408' };
const order = (o: Partial<SpeiOutOrder> = {}): SpeiOutOrder => ({
  trackingKey: 'ICTINEO000000001',
  amount: Money.ofCentavos(504n),
  beneficiary: { name: 'LUIS TRUTIE RODRIGUEZ', account: '012180029588856995', accountType: 'clabe' },
  concept: 'Envio de SPEI',
  numericReference: '12345',
  ...o,
});

describe('STP mapper', () => {
  it('maps an order to the documented wire payload, amount exact', () => {
    expect(toTransferWire(order(), defaults)).toEqual({
      payer_account: '646180123300000408', beneficiary_name: 'LUIS TRUTIE RODRIGUEZ', beneficiary_account: '012180029588856995',
      beneficiary_account_type: '40', counterpart_institution: '40012', beneficiary_rfc_curp: 'ND', amount: '5.04',
      payment_concept: 'Envio de SPEI', numeric_reference: '12345', tracking_key: 'ICTINEO000000001', enterprise: 'ICTINEO',
    });
    expect(toTransferWire(order({ amount: Money.ofCentavos(99_999_999_999_999n) }), defaults).amount).toBe('999999999999.99');
    expect(toTransferWire(order({ amount: Money.ofCentavos(1n) }), defaults).amount).toBe('0.01');
    expect(toTransferWire(order({ amount: Money.parse('0.30') }), defaults).amount).toBe('0.30');
  });

  it('maps account types', () => {
    expect(toTransferWire(order({ beneficiary: { name: 'A', account: '5512345678', accountType: 'mobile_phone', institution: '90646' } }), defaults).beneficiary_account_type).toBe('10');
    expect(toTransferWire(order({ beneficiary: { name: 'A', account: '4111111111111111', accountType: 'debit_card', institution: '40012' } }), defaults).beneficiary_account_type).toBe('3');
  });

  it('refuses non-MXN amounts', () => {
    expect(() => toTransferWire(order({ amount: Money.ofCentavos(1n, 'USD') }), defaults)).toThrow(ValidationError);
  });

  it('maps a CLABE account request (gender H/M, YYYYMMDD)', () => {
    const wire = toCreateClabeWire(
      { accountId: 'a1', holder: { name: 'Ana', lastName: 'Lopez', birthDate: '1990-01-31', gender: 'female', rfcOrCurp: 'loaa900131mdfpnn09', federalEntity: '9', economicActivity: '1', countryOfBirth: '187', address: { zipCode: '01100' } } },
      'ent-1',
    );
    expect(wire).toEqual({ enterprise_id: 'ent-1', account_id: 'a1', name: 'Ana', last_name: 'Lopez', birth_date: '19900131', gender: 'M', rfc_or_curp: 'LOAA900131MDFPNN09', federal_entity: '9', economy_activity: '1', country_of_birth: '187', zip_code: '01100' });
    expect(toStpDate('1986-02-28')).toBe('19860228');
    expect(toStpDate('28/02/1986')).toBe('28/02/1986');
  });

  it('parses the SPEI OUT status webhook (example, string status too)', () => {
    expect(fromSpeiOutStatusWebhook({ id: 8610843, folio: 'ICTINEO000000001', status: 1, cause: 'Liquidación' })).toEqual({ provider: 'stp', providerOrderId: '8610843', trackingKey: 'ICTINEO000000001', outcome: 'settled', cause: 'Liquidación' });
    expect(fromSpeiOutStatusWebhook({ id: '1', folio: 'A1', status: '0', cause: 'Devolución' }).outcome).toBe('returned');
    expect(() => fromSpeiOutStatusWebhook({ id: 1, folio: 'A1', status: 7 })).toThrow(ValidationError);
    expect(() => fromSpeiOutStatusWebhook({ id: 1, status: 1 })).toThrow(ValidationError);
  });

  it('parses SPEI IN (amount exact) and CLABE status webhooks, validating the CLABE', () => {
    const e = fromSpeiInWebhook({ clabe: '646180123300000408', reference: 'MBAN000000212', amount: '10.50' });
    expect(e.amount.centavos).toBe(1050n);
    expect(fromSpeiInWebhook({ clabe: '646180123300000408', reference: 'R', amount: 0.3 }).amount.centavos).toBe(30n);
    expect(() => fromSpeiInWebhook({ clabe: '646180123300000409', reference: 'R', amount: '1' })).toThrow(ValidationError);
    expect(() => fromSpeiInWebhook({ clabe: '646180123300000408', reference: 'R', amount: '1.001' })).toThrow(ValidationError);
    expect(fromClabeStatusWebhook({ clabe: '646180123300000408', status: 1 }).status).toBe('active');
    expect(fromClabeStatusWebhook({ clabe: '646180123300000408', status: '0' }).status).toBe('inactive');
  });

  it('generates tracking keys: prefix + yyMMdd + 10 base32', () => {
    expect(generateTrackingKey('PSR', new Date('2026-11-25T10:00:00Z'))).toMatch(/^PSR261125[0-9A-HJKMNP-TV-Z]{10}$/);
  });
});
