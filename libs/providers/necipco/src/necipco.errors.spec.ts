import { NotFoundError, ProviderDeclinedError, ProviderUnavailableError, ValidationError } from '#libs/domain';
import { mapNecipcoError, NecipcoCode } from './necipco.errors.js';

const map = (status: number, body?: unknown, retryAfter?: number) => mapNecipcoError({ operation: 'op', status, body, retryAfter });

describe('necipco error mapping', () => {
  it.each([
    [400, ValidationError, 'provider_validation_failed'],
    [401, ProviderUnavailableError, 'provider_unavailable'],
    [403, ProviderDeclinedError, 'provider_declined'],
    [404, NotFoundError, 'not_found'],
    [405, ProviderDeclinedError, 'provider_method_not_allowed'],
    [422, ValidationError, 'provider_invalid_fields'],
    [429, ProviderUnavailableError, 'provider_unavailable'],
    [500, ProviderUnavailableError, 'provider_unavailable'],
    [503, ProviderUnavailableError, 'provider_unavailable'],
    [502, ProviderUnavailableError, 'provider_unavailable'],
    [409, ProviderDeclinedError, 'provider_declined'],
  ])('HTTP %i → %p (%s)', (status, type, code) => {
    const e = map(status);
    expect(e).toBeInstanceOf(type);
    expect(e.code).toBe(code);
    expect(e.details).toMatchObject({ provider: 'necipco', operation: 'op', status });
  });

  it('refines 403 by the provider code', () => {
    expect(map(403, { success: false, code: NecipcoCode.INSUFFICIENT_FUNDS, message: 'Insufficient balance' }).code).toBe('insufficient_funds');
    expect(map(403, { code: NecipcoCode.PIN_LOCKED, locked_until: '2030-01-01T00:00:00Z' }).details).toMatchObject({ provider_code: 2005, locked_until: '2030-01-01T00:00:00Z' });
    expect(map(403, { code: NecipcoCode.INVALID_PIN, attempts_remaining: 2 }).details).toMatchObject({ attempts_remaining: 2 });
    expect(map(403, { code: 9999 }).code).toBe('provider_declined');
  });

  it('carries field problems and the Retry-After', () => {
    const e = map(400, { success: false, code: 1000, message: 'x', errors: [{ field: 'pin', message: 'must be 4 digits' }] });
    expect(e.message).toBe('pin must be 4 digits');
    expect(e.details?.fields).toEqual([{ field: 'pin', message: 'must be 4 digits' }]);
    expect(map(429, {}, 7).details).toMatchObject({ retry_after: 7 });
  });

  it('scrubs card-number-like digits from provider messages', () => {
    const e = map(403, { code: 1, message: 'card 5064110000000018 is blocked' });
    expect(JSON.stringify({ m: e.message, d: e.details })).not.toContain('5064110000000018');
  });
});
