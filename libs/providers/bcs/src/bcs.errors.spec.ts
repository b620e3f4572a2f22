import { ConflictError, NotFoundError, ProviderDeclinedError, ProviderUnavailableError, ValidationError } from '#libs/domain';
import { BCS_ERROR_TABLES, errorDetail, isErrorAnswer, isSuccessCode, mapBcsError, type BcsOperation } from './bcs.errors.js';

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
});
