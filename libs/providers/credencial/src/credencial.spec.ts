import { ConflictError, maskPan, Money, NotFoundError, ProviderDeclinedError, ProviderUnavailableError, SensitiveValue, ValidationError } from '#libs/domain';
import { CREDENCIAL_CARD_STATUS, CREDENCIAL_STATUS_CODE } from './credencial.catalogs.js';
import { credencialMessage, mapCredencialError, type CredencialOperation } from './credencial.errors.js';
import { fromDebitWebhook, fromReverseWebhook, generateTransactionId, toBalanceAnswer, toMovementsAnswer, toNominationWire, toReverseAnswer } from './credencial.mapper.js';
import { checkCardNumber, checkInitialNip, checkNomination, checkStatusUpdate, checkUpdateNip } from './credencial.validation.js';

/** The document's example body (with the missing comma fixed). */
const example = {
  emi_account_reference: '0001003143', emi_account_identifier: '21000002159', card_name: 'Jose Lopez', full_name: 'Jose Lopez Garcia',
  birth_date: '1986-10-10', gender: 'M', civil_status: 'S', email: 'persona@dominio.com', phone: '5511456745',
  address: { type: 'casa', street: 'Privada', country: 484, state: 'CDMX', suburb: 'Granjas', locality: 'Iztapalapa', zip_code: '04056' },
  document: { type: 'DNI', number: '32145698777' },
};
const today = new Date('2026-01-15T00:00:00Z');
const fields = (p: Array<{ field: string }>) => p.map((x) => x.field);

describe('Credencial validation', () => {
  it('accepts the document example, nested or in form notation, and the table aliases', () => {
    expect(checkNomination(example, today)).toEqual([]);
    const { address, document, emi_account_reference, emi_account_identifier, ...rest } = example;
    const flat: Record<string, unknown> = { ...rest, account_number: '53234334', account_id: '13332233' };
    for (const [k, v] of Object.entries(address)) flat[`address[${k}]`] = v;
    for (const [k, v] of Object.entries(document)) flat[`document[${k}]`] = v;
    expect(checkNomination(flat, today)).toEqual([]);
  });

  it.each(['emi_account_reference', 'emi_account_identifier', 'card_name', 'full_name', 'birth_date', 'gender', 'civil_status', 'email', 'phone'])('requires %s', (field) => {
    const { [field]: _o, ...rest } = example as Record<string, unknown>;
    expect(fields(checkNomination(rest, today))).toEqual([field]);
  });

  it.each(['type', 'street', 'country', 'state', 'suburb', 'zip_code'])('requires address[%s]; number and locality are optional', (field) => {
    const { [field]: _o, ...address } = example.address as Record<string, unknown>;
    expect(fields(checkNomination({ ...example, address }, today))).toEqual([`address[${field}]`]);
    const { number: _n, locality: _l, ...minimal } = { ...example.address, number: '24' } as Record<string, unknown>;
    expect(checkNomination({ ...example, address: minimal }, today)).toEqual([]);
  });

  it.each([
    ['gender', 'H'], ['civil_status', 'X'], ['birth_date', '19861010'], ['birth_date', '2030-01-01'], ['phone', '551145674'],
    ['email', 'x@'], ['card_name', 'J'.repeat(27)], ['card_name', 'Jose 2'],
  ])('rejects %s = %p', (field, value) => {
    expect(fields(checkNomination({ ...example, [field]: value }, today))).toEqual([field]);
  });

  it('card numbers: 16-19 digits and Luhn, never echoed', () => {
    expect(checkCardNumber('4111111111111111')).toEqual([]);
    const problems = checkCardNumber('4111111111111112');
    expect(fields(problems)).toEqual(['card_number']);
    expect(JSON.stringify(problems)).not.toContain('4111111111111112');
  });

  it('status and NIP bodies', () => {
    expect(checkStatusUpdate({ status: '01' })).toEqual([]);
    expect(fields(checkStatusUpdate({ status: '1' }))).toEqual(['status']);
    const nip = { transaction_id: '1560529031736', card_expiration: '1221', card_security_code: 1234, card_nip: '7563' };
    expect(checkInitialNip(nip)).toEqual([]);
    expect(fields(checkInitialNip({ ...nip, card_expiration: '1321' }))).toEqual(['card_expiration']);
    expect(fields(checkInitialNip({ ...nip, card_security_code: 12345 }))).toEqual(['card_security_code']);
    const { card_nip: _n, ...base } = nip;
    expect(checkUpdateNip({ ...base, card_nip_actual: '7563', card_nip_new: '1111' })).toEqual([]);
    expect(fields(checkUpdateNip({ ...base, card_nip_actual: '7563', card_nip_new: '7563' }))).toEqual(['card_nip_new']);
  });
});

describe('Credencial error mapping', () => {
  it.each<[CredencialOperation, number, unknown, string]>([
    ['nominate', 400, ProviderDeclinedError, 'credencial_bad_request'],
    ['nominate', 401, ProviderUnavailableError, 'provider_unavailable'],
    ['nominate', 403, ProviderDeclinedError, 'credencial_forbidden'],
    ['nominate', 404, NotFoundError, 'card_not_found'],
    ['nominate', 409, ConflictError, 'card_already_nominated'],
    ['nominate', 500, ProviderUnavailableError, 'provider_unavailable'],
    ['get_status', 404, NotFoundError, 'card_not_found'],
    ['get_status', 503, ProviderUnavailableError, 'provider_unavailable'],
    ['update_status', 409, ProviderDeclinedError, 'card_status_transition_not_allowed'],
    ['update_status', 403, ProviderDeclinedError, 'credencial_forbidden'],
    ['initial_nip', 403, ProviderDeclinedError, 'card_verification_failed'],
    ['initial_nip', 409, ProviderDeclinedError, 'card_nip_conflict'],
    ['update_nip', 403, ProviderDeclinedError, 'card_verification_failed'],
    ['update_nip', 409, ProviderDeclinedError, 'card_nip_conflict'],
    ['update_nip', 401, ProviderUnavailableError, 'provider_unavailable'],
    ['update_nip', 500, ProviderUnavailableError, 'provider_unavailable'],
  ])('%s HTTP %i -> %p %s', (operation, status, type, code) => {
    const err = mapCredencialError(operation, { kind: 'http', status, body: { code: status, message: 'x' } });
    expect(err).toBeInstanceOf(type as never);
    expect(err.code).toBe(code);
  });

  it('masks digits in the provider message (NIPs, card numbers)', () => {
    expect(credencialMessage({ code: 403, message: 'NIP 7563 incorrecto para 4111111111111111' })).toBe('NIP **** incorrecto para ************1111');
  });
});

describe('Credencial mapper', () => {
  it('maps the nomination (gender M/F, civil status, nested address)', () => {
    const wire = toNominationWire({
      cardNumber: SensitiveValue.pan('4111111111111111'), emiAccountReference: '0001003143', emiAccountIdentifier: '21000002159',
      cardholder: { cardName: 'Ana Ruiz', fullName: 'Ana Ruiz Paz', birthDate: '1990-01-01', gender: 'female', civilStatus: 'married', email: 'a@b.mx', phone: '5511456745',
        address: { type: 'casa', street: 'Privada', number: '24', country: '484', state: 'CDMX', suburb: 'Granjas', zipCode: '04056' }, document: { type: 'INE', number: 'ABC123' } },
    });
    expect(wire).toEqual({
      emi_account_reference: '0001003143', emi_account_identifier: '21000002159', card_name: 'ANA RUIZ', full_name: 'Ana Ruiz Paz', birth_date: '1990-01-01',
      gender: 'F', civil_status: 'C', email: 'a@b.mx', phone: '5511456745',
      address: { type: 'casa', street: 'Privada', number: '24', country: '484', state: 'CDMX', suburb: 'Granjas', zip_code: '04056' }, document: { type: 'INE', number: 'ABC123' },
    });
    expect(JSON.stringify(wire)).not.toContain('4111111111111111');
  });

  it('status catalogue round-trips', () => {
    for (const [code, s] of Object.entries(CREDENCIAL_CARD_STATUS)) expect(CREDENCIAL_STATUS_CODE[s.status]).toBe(code);
  });

  it('masks PANs and makes digit transaction ids', () => {
    expect(maskPan('4111111111111111')).toBe('************1111');
    expect(generateTransactionId(1560529031736)).toMatch(/^1560529031736\d{3}$/);
  });

  it('parses the DEBIT example exactly (USD amount, MXN settlement)', () => {
    const e = fromDebitWebhook({
      emi_account_reference: '0001003143', emi_account_identifier: '21000002159', account_number: 544802938, amount: 2000.0, currency: 840, amount_liq: 10.0,
      currency_liq: 484, identifier_adq: '?', reference: '-', commission: 0, commission_liq: 0, origin: 'MASTER_ATM', reason: 0, acquirer: '?', city: '?',
      date: '18/12/2012 03:29:30 PM', terminal: '?', trade_name: '?',
    });
    expect(e.amount).toEqual(Money.parse('2000', 'USD'));
    expect(e.settlementAmount).toEqual(Money.parse('10', 'MXN'));
    expect(e.accountNumber).toBe('544802938');
    expect(() => fromDebitWebhook({ account_number: 1, amount: 1, currency: 999, amount_liq: 1, currency_liq: 484 })).toThrow(ValidationError);
    expect(() => fromDebitWebhook({ account_number: 1, amount: 1.001, currency: 484, amount_liq: 1, currency_liq: 484 })).toThrow(ValidationError);
  });

  it('parses REVERSE and builds the documented answers', () => {
    const r = fromReverseWebhook({ emi_account_identifier: '200020000015', account_number: 544802938, identifier_adq: '?', origin: '?', reverse_reason: '?', amount: 100, currency: 484, amount_liq: 100, currency_liq: 484, date: '?', reference: '?', trade_name: '?' });
    expect(r.settlementAmount.centavos).toBe(10000n);
    const at = new Date(1355866173000);
    expect(toReverseAnswer({ emiAccountIdentifier: '35241', balanceActual: Money.parse('5000'), balanceLast: Money.parse('17000'), reference: '-', at })).toEqual({
      code: -1, message: 'Reversa aplicada con éxito.', emi_account_identifier: '35241', balance_actual: 5000, balance_last: 17000, date: 1355866173000, reference: '-',
    });
    expect(toBalanceAnswer({ balanceActual: Money.parse('5000.55'), reference: '-', at })).toEqual({ code: -1, message: 'Consulta aplicada con éxito.', balance_actual: 5000.55, date: 1355866173000, reference: '-' });
    expect(toMovementsAnswer({ reference: '-', at, movements: [{ reference: '25487', type: '33', amount: Money.parse('1000'), at: new Date(1355934010000), terminal: '0116TERM0050101' }] }).movements).toEqual([
      { reference: '25487', type: '33', amount: 1000, currency: 484, date: 1355934010000, terminal: '0116TERM0050101' },
    ]);
  });
});
