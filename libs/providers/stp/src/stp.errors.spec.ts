import { ConflictError, ProviderDeclinedError, ProviderUnavailableError } from '#libs/domain';
import { mapStpError, stpMessage, type StpOperation } from './stp.errors.js';

const body = (message: string) => ({ timestamp: '2021-02-03T19:53:04.055+00:00', status: 400, error: 'Bad Request', message, path: '/stp/transfer' });

describe('STP error mapping', () => {
  it.each<[StpOperation, number, unknown, string]>([
    ['create_clabe', 400, ProviderDeclinedError, 'stp_bad_request'],
    ['create_clabe', 401, ProviderUnavailableError, 'provider_unavailable'],
    ['create_clabe', 403, ProviderDeclinedError, 'stp_forbidden'],
    ['create_clabe', 404, ProviderDeclinedError, 'stp_not_found'],
    ['create_clabe', 409, ConflictError, 'clabe_account_exists'],
    ['create_clabe', 500, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 400, ProviderDeclinedError, 'stp_bad_request'],
    ['transfer', 401, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 403, ProviderDeclinedError, 'stp_forbidden'],
    ['transfer', 404, ProviderDeclinedError, 'stp_payer_account_not_found'],
    ['transfer', 409, ConflictError, 'stp_tracking_key_in_use'],
    ['transfer', 500, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 502, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 503, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 504, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 429, ProviderUnavailableError, 'provider_unavailable'],
    ['transfer', 422, ProviderDeclinedError, 'stp_rejected'],
  ])('%s HTTP %i -> %p %s', (operation, status, type, code) => {
    const err = mapStpError(operation, { kind: 'http', status, body: body('x') });
    expect(err).toBeInstanceOf(type as never);
    expect(err.code).toBe(code);
    expect(err.details).toMatchObject({ operation, provider_status: status });
  });

  it('no answer at all is retryable', () => {
    expect(mapStpError('transfer', { kind: 'timeout' })).toBeInstanceOf(ProviderUnavailableError);
    const net = mapStpError('transfer', { kind: 'network', code: 'ECONNREFUSED' });
    expect(net).toBeInstanceOf(ProviderUnavailableError);
    expect(net.details).toMatchObject({ reason: 'network', network_code: 'ECONNREFUSED' });
  });

  it('keeps STP’s message, masking card- or account-like numbers', () => {
    expect(stpMessage(body('beneficiary_account 4111111111111111 invalid'))).toBe('beneficiary_account ************1111 invalid');
    expect(stpMessage(body(''))).toBeUndefined();
    expect(stpMessage('oops')).toBeUndefined();
    const err = mapStpError('transfer', { kind: 'http', status: 400, body: body('clabe 012180029588856995 bad') });
    expect(err.message).not.toContain('012180029588856995');
  });
});
