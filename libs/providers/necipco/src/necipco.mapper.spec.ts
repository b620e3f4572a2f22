import { Money, ProviderUnavailableError } from '#libs/domain';
import { apiClientId, balanceMovement, card, cardType, money, movement } from './necipco.mapper.js';

describe('necipco mapper', () => {
  it('accepts both spellings of the card type', () => {
    expect(cardType('PHISYCAL')).toBe('PHYSICAL');
    expect(cardType('PHYSICAL')).toBe('PHYSICAL');
    expect(cardType('virtual_with_physical')).toBe('VIRTUAL_WITH_PHYSICAL');
    expect(card({ id: 'c', masked_card_number: '************1234', card_type: 'VIRTUAL', status: 'ACTIVE' })).toEqual({ cardId: 'c', maskedPan: '************1234', type: 'VIRTUAL', status: 'ACTIVE' });
  });

  it('keeps only the last four digits of whatever PAN-ish text comes back', () => {
    expect(card({ id: 'c', masked_card_number: '5064110000000018' }).maskedPan).toBe('************0018');
  });

  it('parses provider amounts exactly, numbers or strings', () => {
    expect(money(10000.0, 'x').toDecimalString()).toBe('10000.00');
    expect(money(1000.55, 'x').toDecimalString()).toBe('1000.55');
    expect(money('567.24', 'x')).toEqual(Money.parse('567.24'));
    expect(() => money(0.928, 'iva')).toThrow(ProviderUnavailableError);
  });

  it('maps the Spanish balance movements and the movement detail', () => {
    const m = balanceMovement({ fecha: '20201214', hora: '195550', comercio: 'FINPULSO SAPI', importe: '350.11', descripcion_importe: null, codigo_autorizacion: '504884' });
    expect(m).toMatchObject({ occurredAt: '2020-12-14T19:55:50', merchant: 'FINPULSO SAPI', authorizationCode: '504884' });
    expect(m.amount.toDecimalString()).toBe('350.11');
    const d = movement({
      id: '123456789',
      date: '2021-07-30 17:03:02',
      amounts: { original: { coin: { code: '484' }, total: '567.24' }, exchanged: { total: '567.24' } },
      status: { code: '00', description: 'Aprobada' },
    });
    expect(d).toMatchObject({ movementId: '123456789', occurredAt: '2021-07-30T17:03:02', currencyCode: '484' });
  });

  it('finds the api key id where the create-client example puts it', () => {
    expect(apiClientId({ id: '', name: '54321abc-abc5-56d8-6987-9875672a6587' })).toBe('54321abc-abc5-56d8-6987-9875672a6587');
    expect(apiClientId({ id: 'k1', name: 'x' })).toBe('k1');
    expect(apiClientId({ id: '', name: 'NAME' })).toBeUndefined();
  });
});
