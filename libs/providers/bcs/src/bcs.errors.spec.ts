import { ConflictError, NotFoundError, ProviderDeclinedError, ProviderUnavailableError, ValidationError } from '#libs/domain';
import { BCS_ERROR_TABLES, codeForms, errorDetail, isErrorAnswer, isSuccessCode, mapBcsError, type BcsOperation } from './bcs.errors.js';

const er = (errorCode: string, errorType = '', errorDesc = 'desc', value = 'ER') => ({ responseType: { value }, responseDetail: { errorCode, errorDesc, errorType } });
const caps = (ErrorCode: string, ErrorType: string) => ({ ResponseType: { value: 'ER' }, ResponseDetail: { ErrorCode, ErrorDesc: 'x', ErrorType } });

describe('BCS error tables', () => {
  it.each<[BcsOperation, number, unknown, unknown, string]>([
    ['accountHolds', 404, er('50001', 'VAL', '14-CARD DOES NOT EXIST'), NotFoundError, 'card_not_found'],
    ['accountHolds', 400, er('50002', 'VAL', '62-CARD IS BLOCKED'), ConflictError, 'card_blocked'],
    ['accountHolds', 400, er('50003', 'VAL'), ValidationError, 'invalid_information'],
    ['accountHolds', 500, er('50004', 'VAL'), ProviderUnavailableError, 'provider_unavailable'],
    ['accountHolds', 500, er('50005', 'VAL'), ProviderDeclinedError, 'card_block_failed'],
    ['creditCardReplacement', 404, er('00014', 'OCP'), NotFoundError, 'card_not_found'],
    ['creditCardReplacement', 404, er('01074', 'OCP'), ProviderDeclinedError, 'billing_cycle_change_too_soon'],
    ['creditCardReplacement', 400, er('04588', 'OCP'), ConflictError, 'card_permanently_blocked'],
    ['creditCardReplacement', 500, er('04823', 'OCP'), ProviderDeclinedError, 'replacement_not_allowed'],
    ['creditCardReplacement', 500, er('10100', 'BD'), ProviderUnavailableError, 'provider_unavailable'],
    ['debitCardReplacement', 206, er('000001', 'CED', 'Tipo de identificación invalido', 'ER400'), ValidationError, 'identification_type_invalid'],
    ['debitCardReplacement', 206, er('000001', 'CED', 'No se encontraron extractos para la consulta generada.', 'ER400'), NotFoundError, 'statements_not_found'],
    ['debitCardReplacement', 206, er('00001', 'OSB', 'No hay tabla para consulta', 'ER400'), ProviderUnavailableError, 'provider_unavailable'],
    ['debitCardReplacement', 206, er('05622', 'RGN', 'CLIENTE NO ES TITULAR DE LA CUENTA', 'ER400'), ProviderDeclinedError, 'client_not_account_holder'],
    ['creditCardCvv', 400, caps('45', 'VAL'), ValidationError, 'identification_type_invalid'],
    ['creditCardCvv', 400, caps('14', 'VAL'), ValidationError, 'identification_number_invalid'],
    ['creditCardCvv', 404, caps('45', 'VAL'), NotFoundError, 'customer_not_found'],
    ['debitCardPin', 404, caps('00101', 'VAL'), NotFoundError, 'customer_or_active_cards_not_found'],
    ['debitCardPin', 500, caps('00103', 'TRX'), ProviderUnavailableError, 'provider_unavailable'],
    ['cycleDate', 206, er('01074', '', 'x', 'ER400'), ProviderDeclinedError, 'billing_cycle_change_too_soon'],
    ['cycleDate', 206, er('00731', '', 'x', 'ER400'), ProviderDeclinedError, 'billing_cycle_unchanged'],
    ['cycleDate', 206, er('00392', '', 'x', 'ER400'), NotFoundError, 'card_not_found'],
    ['deadlines', 206, er('1', 'OCP'), ValidationError, 'page_size_not_allowed'],
    ['deadlines', 206, er('4818', 'OCP'), ConflictError, 'card_blocked'],
    ['deadlines', 206, er('04664', 'OCP'), NotFoundError, 'transaction_not_found'],
    ['deadlines', 206, er('4933', 'OCP'), ProviderUnavailableError, 'provider_unavailable'],
  ])('%s HTTP %i %j → %p %s', (op, status, body, cls, code) => {
    const e = mapBcsError(op, status, body);
    expect(e).toBeInstanceOf(cls as any);
    expect(e.code).toBe(code);
  });

  it('every documented entry maps to a 4xx-class or retryable domain error, never a generic one', () => {
    for (const [op, entries] of Object.entries(BCS_ERROR_TABLES) as Array<[BcsOperation, typeof BCS_ERROR_TABLES.deadlines]>) {
      for (const x of entries) {
        if (x.code === 0) continue;
        const e = mapBcsError(op, x.status ?? 400, er(String(x.code).padStart(5, '0'), x.type ?? '', x.desc ? 'identificación' : 'd'));
        expect(e.code === x.domainCode || (e instanceof ProviderUnavailableError && x.kind === 'unavailable')).toBe(true);
      }
    }
  });

  it('an ER answer is an error whatever the HTTP status (206); OCP 0 on deadlines is a success; PAN-like digits are scrubbed', () => {
    expect(isErrorAnswer(206, er('01074'))).toBe(true);
    expect(isErrorAnswer(200, { responseType: { value: 'OK' } })).toBe(false);
    expect(isErrorAnswer(206, undefined)).toBe(true);
    expect(isSuccessCode('deadlines', errorDetail(er('0', 'OCP', 'Transaccion exitosa')))).toBe(true);
    expect(isSuccessCode('cycleDate', errorDetail(er('0')))).toBe(false);
    expect(errorDetail(er('1', 'OCP', 'tarjeta 4570211273204425 bloqueada'))!.desc).toBe('tarjeta [redacted] bloqueada');
  });

  it('undocumented answers fall back by HTTP status', () => {
    expect(mapBcsError('accountHolds', 401, undefined)).toBeInstanceOf(ProviderUnavailableError);
    expect(mapBcsError('accountHolds', 400, er('400', 'APIKIT'))).toBeInstanceOf(ValidationError);
    expect(mapBcsError('cycleDate', 206, er('77777'))).toBeInstanceOf(ProviderDeclinedError);
    expect(mapBcsError('deadlines', 503, undefined)).toBeInstanceOf(ProviderUnavailableError);
  });

  it('an unmatched 404 is NotFoundError (card_not_found on card operations, customer_not_found on CVV / PIN), not a decline', () => {
    for (const op of ['accountHolds', 'creditCardReplacement', 'debitCardReplacement', 'cycleDate', 'deadlines'] as const) {
      const e = mapBcsError(op, 404, er('77777', 'XYZ', 'no existe'));
      expect(e).toBeInstanceOf(NotFoundError);
      expect(e).toMatchObject({ code: 'card_not_found', details: { provider_code: '77777', http_status: 404 } });
    }
    expect(mapBcsError('accountHolds', 404, undefined)).toMatchObject({ code: 'card_not_found' });
    expect(mapBcsError('creditCardCvv', 404, caps('77', 'VAL'))).toMatchObject({ code: 'customer_not_found' });
    expect(mapBcsError('debitCardPin', 404, caps('77', 'VAL'))).toBeInstanceOf(NotFoundError);
    expect(mapBcsError('applyDebitCard', 404, undefined)).toMatchObject({ code: 'not_found' });
    // Other unmatched 4xx stay declines.
    expect(mapBcsError('accountHolds', 409, er('77777'))).toBeInstanceOf(ProviderDeclinedError);
  });

  it.each<[string, string, number]>([
    ['50001', 'VAL', 404], // the code with its type
    ['40450001', 'VAL', 404], // status-prefixed, as the document's table prints it
    ['40450001', '', 404], // … without errorType
    ['40450001VAL', '', 404], // … with the type after it
    ['VAL14', '', 404], // type + the core code its description starts with ("14-CARD DOES NOT EXIST")
    ['VAL14', 'VAL', 404],
    ['14', 'VAL', 404],
    ['40450001', 'VAL', 206], // status only in the code, inside a 2xx envelope
  ])('holds: errorCode %j type %j (HTTP %i) → card_not_found', (code, type, status) => {
    const e = mapBcsError('accountHolds', status, er(code, type, '14-CARD DOES NOT EXIST'));
    expect(e).toBeInstanceOf(NotFoundError);
    expect(e.code).toBe('card_not_found');
  });

  it('status-prefixed and type-prefixed forms of other documented codes', () => {
    expect(mapBcsError('accountHolds', 400, er('40050002', 'VAL'))).toMatchObject({ code: 'card_blocked' });
    expect(mapBcsError('accountHolds', 400, er('VAL62'))).toMatchObject({ code: 'card_blocked' });
    expect(mapBcsError('creditCardReplacement', 404, er('40400014', 'OCP'))).toMatchObject({ code: 'card_not_found' });
    expect(mapBcsError('creditCardReplacement', 404, er('40400014OCP'))).toMatchObject({ code: 'card_not_found' });
    expect(mapBcsError('creditCardCvv', 400, caps('40014', 'VAL'))).toMatchObject({ code: 'identification_number_invalid' });
    expect(mapBcsError('creditCardCvv', 400, caps('VAL14', ''))).toMatchObject({ code: 'identification_number_invalid' });
    expect(mapBcsError('creditCardCvv', 404, caps('40445', 'VAL'))).toMatchObject({ code: 'customer_not_found' });
    expect(mapBcsError('debitCardPin', 404, caps('40400101', 'VAL'))).toMatchObject({ code: 'customer_or_active_cards_not_found' });
    // A prefix is a status only when it is the answer's (or the envelope is 2xx), and the rest still a code.
    expect(codeForms(500, { code: '40450001', type: 'VAL', desc: '' })).toEqual([{ code: 40450001, type: 'VAL', status: 500 }]);
    expect(codeForms(500, { code: '5000', type: '', desc: '' })).toEqual([{ code: 5000, type: '', status: 500 }]);
    expect(codeForms(404, { code: 'not a code', type: '', desc: '' })).toEqual([]);
    // A literal documented code wins over reading it as prefixed (10100 BD is no "101" + "00").
    expect(mapBcsError('deadlines', 206, er('10100', 'BD'))).toBeInstanceOf(ProviderUnavailableError);
    // In a 2xx envelope the prefix is the status the fallback uses.
    expect(mapBcsError('deadlines', 206, er('40499999', 'OCP'))).toMatchObject({ code: 'card_not_found' });
  });
});
