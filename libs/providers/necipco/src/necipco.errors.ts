import {
  DomainError,
  NotFoundError,
  ProviderDeclinedError,
  ProviderUnavailableError,
  ValidationError,
} from '#libs/domain';

export const PROVIDER = 'necipco';

/**
 * Provider error codes in the body's `code` (0 = OK). The document lists only HTTP codes; these numeric
 * codes are the sandbox's, and the client also maps any other body by its HTTP status alone.
 */
export const NecipcoCode = {
  OK: 0,
  VALIDATION: 1000,
  UNAUTHORIZED: 1001,
  NOT_FOUND: 1004,
  METHOD_NOT_ALLOWED: 1005,
  INVALID_FIELD: 1022,
  TOO_MANY_REQUESTS: 1029,
  INTERNAL: 1050,
  UNAVAILABLE: 1053,
  INSUFFICIENT_FUNDS: 2001,
  INSUFFICIENT_CLIENT_FUNDS: 2002,
  CARD_NOT_ACTIVE: 2003,
  INVALID_PIN: 2004,
  PIN_LOCKED: 2005,
  PIN_NOT_SET: 2006,
  CARD_ALREADY_ASSIGNED: 2007,
  INVALID_STATUS_TRANSITION: 2008,
  PUBLIC_KEY_REQUIRED: 2009,
  NOT_A_VIRTUAL_CARD: 2010,
  AUTHENTICATION_FAILED: 2011,
  DUPLICATED: 2012,
  CARD_ALREADY_ACTIVE: 2013,
  PHYSICAL_ALREADY_REQUESTED: 2014,
} as const;

/** Provider code → (HTTP status the sandbox answers with, domain error code). */
export const DECLINE_CODES: Record<number, { status: number; domainCode: string }> = {
  [NecipcoCode.INSUFFICIENT_FUNDS]: { status: 403, domainCode: 'insufficient_funds' },
  [NecipcoCode.INSUFFICIENT_CLIENT_FUNDS]: { status: 403, domainCode: 'insufficient_program_funds' },
  [NecipcoCode.CARD_NOT_ACTIVE]: { status: 403, domainCode: 'card_not_active' },
  [NecipcoCode.INVALID_PIN]: { status: 403, domainCode: 'pin_invalid' },
  [NecipcoCode.PIN_LOCKED]: { status: 403, domainCode: 'pin_locked' },
  [NecipcoCode.PIN_NOT_SET]: { status: 403, domainCode: 'pin_not_set' },
  [NecipcoCode.CARD_ALREADY_ASSIGNED]: { status: 403, domainCode: 'card_already_assigned' },
  [NecipcoCode.INVALID_STATUS_TRANSITION]: { status: 403, domainCode: 'card_status_transition_not_allowed' },
  [NecipcoCode.PUBLIC_KEY_REQUIRED]: { status: 403, domainCode: 'provider_public_key_missing' },
  [NecipcoCode.NOT_A_VIRTUAL_CARD]: { status: 403, domainCode: 'not_a_virtual_card' },
  [NecipcoCode.AUTHENTICATION_FAILED]: { status: 403, domainCode: 'cardholder_authentication_failed' },
  [NecipcoCode.CARD_ALREADY_ACTIVE]: { status: 403, domainCode: 'card_already_active' },
  [NecipcoCode.PHYSICAL_ALREADY_REQUESTED]: { status: 403, domainCode: 'physical_card_already_requested' },
};

export interface NecipcoErrorContext {
  operation: string;
  status: number;
  body?: unknown;
  /** Seconds, from Retry-After. */
  retryAfter?: number;
}

const PAN_LIKE = /\d{13,19}/g;

/** The provider's message, scrubbed of anything that looks like a card number, cut short. */
function safeMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  const m = typeof b.message === 'string' ? b.message : typeof (b.status as { message?: unknown })?.message === 'string' ? String((b.status as { message: string }).message) : undefined;
  return m?.replace(PAN_LIKE, '[redacted]').slice(0, 200);
}

function providerCode(body: unknown): number | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const c = (body as Record<string, unknown>).code;
  return typeof c === 'number' ? c : typeof c === 'string' && /^\d+$/.test(c) ? Number(c) : undefined;
}

function fieldProblems(body: unknown): Array<{ field: string; message: string }> | undefined {
  const errors = body && typeof body === 'object' ? (body as Record<string, unknown>).errors : undefined;
  if (!Array.isArray(errors)) return undefined;
  return errors
    .filter((e): e is { field: string; message?: string } => !!e && typeof e === 'object' && typeof (e as { field?: unknown }).field === 'string')
    .map((e) => ({ field: e.field, message: typeof e.message === 'string' ? e.message.replace(PAN_LIKE, '[redacted]') : 'invalid' }));
}

/**
 * Every documented HTTP code → a domain error (2xx are not errors):
 * 400 → ValidationError (provider_validation_failed) · 401 → ProviderUnavailableError (our credentials / token; after one re-login)
 * 403 → ProviderDeclinedError (code by provider code, else provider_declined) · 404 → NotFoundError
 * 405 → ProviderDeclinedError (provider_method_not_allowed) · 422 → ValidationError (provider_invalid_fields)
 * 429 → ProviderUnavailableError (rate limited; retry_after) · 500, 503 and any other 5xx → ProviderUnavailableError
 * other 4xx → ProviderDeclinedError.
 */
export function mapNecipcoError(ctx: NecipcoErrorContext): DomainError {
  const { status, operation } = ctx;
  const message = safeMessage(ctx.body);
  const code = providerCode(ctx.body);
  const details: Record<string, unknown> = { provider: PROVIDER, operation, status };
  if (code !== undefined && code !== 0) details.provider_code = code;
  if (message) details.provider_message = message;
  if (ctx.body && typeof ctx.body === 'object') {
    const b = ctx.body as Record<string, unknown>;
    if (typeof b.attempts_remaining === 'number') details.attempts_remaining = b.attempts_remaining;
    if (typeof b.locked_until === 'string') details.locked_until = b.locked_until;
  }
  const fields = fieldProblems(ctx.body);
  if (fields?.length) details.fields = fields;

  switch (true) {
    case status === 400:
      return new ValidationError(fields?.length ? `${fields[0].field} ${fields[0].message}` : `NeCIPCo rejected the request (${operation})`, details, 'provider_validation_failed');
    case status === 401:
      return new ProviderUnavailableError(PROVIDER, 'NeCIPCo refused our credentials', details);
    case status === 403: {
      const known = code !== undefined ? DECLINE_CODES[code] : undefined;
      return new ProviderDeclinedError(PROVIDER, message ?? `NeCIPCo declined ${operation}`, details, known?.domainCode ?? 'provider_declined');
    }
    case status === 404:
      return new NotFoundError(message ?? `NeCIPCo: resource not found (${operation})`, details, 'not_found');
    case status === 405:
      return new ProviderDeclinedError(PROVIDER, `NeCIPCo: method not allowed (${operation})`, details, 'provider_method_not_allowed');
    case status === 422:
      return new ValidationError(fields?.length ? `${fields[0].field} ${fields[0].message}` : message ?? `NeCIPCo: invalid fields (${operation})`, details, 'provider_invalid_fields');
    case status === 429:
      if (ctx.retryAfter !== undefined) details.retry_after = ctx.retryAfter;
      return new ProviderUnavailableError(PROVIDER, 'NeCIPCo rate limit reached', details);
    case status >= 500:
      return new ProviderUnavailableError(PROVIDER, status === 503 ? 'NeCIPCo is temporarily offline' : `NeCIPCo failed (${status})`, details);
    default:
      return new ProviderDeclinedError(PROVIDER, message ?? `NeCIPCo answered ${status}`, details, 'provider_declined');
  }
}

/** Network failure or timeout: the outcome of a mutation is unknown. */
export function unavailable(operation: string, reason: string): ProviderUnavailableError {
  return new ProviderUnavailableError(PROVIDER, `NeCIPCo unreachable: ${reason}`, { provider: PROVIDER, operation, reason });
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
