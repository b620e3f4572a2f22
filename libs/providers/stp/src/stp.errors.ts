/**
 * Every error the STP document lists (400 in its examples; 401, 403, 404, 409, 500 in "Errores"),
 * plus what the network does, mapped to a domain error. The split the SPEI OUT worker relies on:
 * ProviderUnavailableError = retry with the same tracking key; anything else = permanent.
 */
import {
  ConflictError,
  DomainError,
  ProviderDeclinedError,
  ProviderUnavailableError,
} from '#libs/domain';
import type { StpErrorBody } from './wire/error.wire.js';

export const STP = 'stp';

export type StpOperation = 'create_clabe' | 'transfer';

/** What went wrong on the wire: an HTTP answer, or none at all. */
export type StpFailure =
  | { kind: 'http'; status: number; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'network'; code?: string };

/** Domain error codes this adapter produces (stable; the gateway maps them to problem types). */
export const STP_ERROR_CODES = Object.freeze({
  badRequest: 'stp_bad_request',
  forbidden: 'stp_forbidden',
  notFound: 'stp_not_found',
  payerAccountNotFound: 'stp_payer_account_not_found',
  clabeAccountExists: 'clabe_account_exists',
  trackingKeyInUse: 'stp_tracking_key_in_use',
  rejected: 'stp_rejected',
});

const WHAT: Record<StpOperation, string> = {
  create_clabe: 'the CLABE account',
  transfer: 'the SPEI OUT order',
};

/** STP's `message`, with anything that looks like a card or account number masked. */
export function stpMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const message = (body as Partial<StpErrorBody>).message;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  return message.replace(/\d{13,19}/g, (d) => `${'*'.repeat(d.length - 4)}${d.slice(-4)}`).slice(0, 500);
}

export function mapStpError(operation: StpOperation, failure: StpFailure): DomainError {
  if (failure.kind === 'timeout') {
    return new ProviderUnavailableError(STP, `STP did not answer in time for ${WHAT[operation]}`, { operation, reason: 'timeout' });
  }
  if (failure.kind === 'network') {
    return new ProviderUnavailableError(STP, `STP could not be reached for ${WHAT[operation]}`, { operation, reason: 'network', network_code: failure.code });
  }
  const { status } = failure;
  const providerMessage = stpMessage(failure.body);
  const details = { operation, provider_status: status, ...(providerMessage ? { provider_message: providerMessage } : {}) };
  const suffix = providerMessage ? `: ${providerMessage}` : '';
  switch (status) {
    case 400:
      return new ProviderDeclinedError(STP, `STP rejected ${WHAT[operation]} as invalid${suffix}`, details, STP_ERROR_CODES.badRequest);
    case 401:
      // Our credentials/network identity were refused: nothing was registered, and retrying once
      // operations fix the configuration is right, so it is not a decline of the order.
      return new ProviderUnavailableError(STP, `STP refused our credentials for ${WHAT[operation]}`, { ...details, reason: 'unauthorized' });
    case 403:
      return new ProviderDeclinedError(STP, `STP forbade ${WHAT[operation]}${suffix}`, details, STP_ERROR_CODES.forbidden);
    case 404:
      return operation === 'transfer'
        ? new ProviderDeclinedError(STP, `STP does not know the payer account of the order${suffix}`, details, STP_ERROR_CODES.payerAccountNotFound)
        : new ProviderDeclinedError(STP, `STP could not find what ${WHAT[operation]} refers to${suffix}`, details, STP_ERROR_CODES.notFound);
    case 409:
      return operation === 'transfer'
        ? new ConflictError(`STP already has an order with this tracking key${suffix}`, details, STP_ERROR_CODES.trackingKeyInUse)
        : new ConflictError(`STP already has a CLABE account for this account id${suffix}`, details, STP_ERROR_CODES.clabeAccountExists);
    case 408:
    case 425:
    case 429:
      return new ProviderUnavailableError(STP, `STP asked us to retry ${WHAT[operation]} later (HTTP ${status})`, { ...details, reason: 'throttled' });
    default:
      if (status >= 500) {
        return new ProviderUnavailableError(STP, `STP failed on ${WHAT[operation]} (HTTP ${status})`, { ...details, reason: 'server_error' });
      }
      return new ProviderDeclinedError(STP, `STP rejected ${WHAT[operation]} (HTTP ${status})${suffix}`, details, STP_ERROR_CODES.rejected);
  }
}
