/**
 * The HTTP codes the document lists (401, 403, 404, 409, 500), plus 400 and the network, mapped per
 * operation to domain errors. Retryable = ProviderUnavailableError; everything else is permanent.
 * Messages never carry the card number, NIP or security code.
 */
import {
  ConflictError,
  DomainError,
  NotFoundError,
  ProviderDeclinedError,
  ProviderUnavailableError,
} from '#libs/domain';

export const CREDENCIAL = 'credencial';

export type CredencialOperation = 'nominate' | 'get_status' | 'update_status' | 'initial_nip' | 'update_nip';

export type CredencialFailure =
  | { kind: 'http'; status: number; body?: unknown }
  | { kind: 'timeout' }
  | { kind: 'network'; code?: string };

export const CREDENCIAL_ERROR_CODES = Object.freeze({
  badRequest: 'credencial_bad_request',
  forbidden: 'credencial_forbidden',
  verificationFailed: 'card_verification_failed',
  cardNotFound: 'card_not_found',
  alreadyNominated: 'card_already_nominated',
  transitionNotAllowed: 'card_status_transition_not_allowed',
  nipConflict: 'card_nip_conflict',
  rejected: 'credencial_rejected',
});

const WHAT: Record<CredencialOperation, string> = {
  nominate: 'the card nomination',
  get_status: 'the card status query',
  update_status: 'the card status change',
  initial_nip: 'the initial NIP',
  update_nip: 'the NIP change',
};

/** The provider's `message`, with digit runs that could be a card number or NIP masked. */
export function credencialMessage(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const message = (body as { message?: unknown }).message;
  if (typeof message !== 'string' || message.trim() === '') return undefined;
  return message.replace(/\d{4,}/g, (d) => (d.length >= 13 ? `${'*'.repeat(d.length - 4)}${d.slice(-4)}` : '****')).slice(0, 500);
}

export function mapCredencialError(operation: CredencialOperation, failure: CredencialFailure): DomainError {
  if (failure.kind === 'timeout') {
    return new ProviderUnavailableError(CREDENCIAL, `Credencial did not answer in time for ${WHAT[operation]}`, { operation, reason: 'timeout' });
  }
  if (failure.kind === 'network') {
    return new ProviderUnavailableError(CREDENCIAL, `Credencial could not be reached for ${WHAT[operation]}`, { operation, reason: 'network', network_code: failure.code });
  }
  const { status } = failure;
  const providerMessage = credencialMessage(failure.body);
  const details = { operation, provider_status: status, ...(providerMessage ? { provider_message: providerMessage } : {}) };
  const suffix = providerMessage ? `: ${providerMessage}` : '';
  const nipOp = operation === 'initial_nip' || operation === 'update_nip';
  switch (status) {
    case 400:
      return new ProviderDeclinedError(CREDENCIAL, `Credencial rejected ${WHAT[operation]} as invalid${suffix}`, details, CREDENCIAL_ERROR_CODES.badRequest);
    case 401:
      return new ProviderUnavailableError(CREDENCIAL, `Credencial refused our credentials for ${WHAT[operation]}`, { ...details, reason: 'unauthorized' });
    case 403:
      return nipOp
        ? new ProviderDeclinedError(CREDENCIAL, `Credencial could not verify the card for ${WHAT[operation]}${suffix}`, details, CREDENCIAL_ERROR_CODES.verificationFailed)
        : new ProviderDeclinedError(CREDENCIAL, `Credencial forbade ${WHAT[operation]}${suffix}`, details, CREDENCIAL_ERROR_CODES.forbidden);
    case 404:
      return new NotFoundError(`Credencial does not know the card of ${WHAT[operation]}`, details, CREDENCIAL_ERROR_CODES.cardNotFound);
    case 409:
      if (operation === 'nominate') return new ConflictError(`the card is already nominated${suffix}`, details, CREDENCIAL_ERROR_CODES.alreadyNominated);
      if (operation === 'update_status') return new ProviderDeclinedError(CREDENCIAL, `Credencial does not allow ${WHAT[operation]}${suffix}`, details, CREDENCIAL_ERROR_CODES.transitionNotAllowed);
      if (nipOp) return new ProviderDeclinedError(CREDENCIAL, `Credencial refused ${WHAT[operation]}${suffix}`, details, CREDENCIAL_ERROR_CODES.nipConflict);
      return new ProviderDeclinedError(CREDENCIAL, `Credencial refused ${WHAT[operation]}${suffix}`, details, CREDENCIAL_ERROR_CODES.rejected);
    case 408:
    case 425:
    case 429:
      return new ProviderUnavailableError(CREDENCIAL, `Credencial asked us to retry ${WHAT[operation]} later (HTTP ${status})`, { ...details, reason: 'throttled' });
    default:
      if (status >= 500) return new ProviderUnavailableError(CREDENCIAL, `Credencial failed on ${WHAT[operation]} (HTTP ${status})`, { ...details, reason: 'server_error' });
      return new ProviderDeclinedError(CREDENCIAL, `Credencial rejected ${WHAT[operation]} (HTTP ${status})${suffix}`, details, CREDENCIAL_ERROR_CODES.rejected);
  }
}

/** Whether a failure is worth retrying an idempotent call for. */
export function isTransient(failure: CredencialFailure): boolean {
  return failure.kind !== 'http' || failure.status >= 500 || failure.status === 408 || failure.status === 425 || failure.status === 429;
}
