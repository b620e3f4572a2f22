import { BusinessRuleError, ConflictError, DomainError, NotFoundError, ValidationError } from '#libs/domain';

/** The fields of a pg DatabaseError this mapping reads. */
interface PgError {
  code?: unknown;
  message?: string;
  hint?: string;
  detail?: string;
  constraint?: string;
}

/** The no-overdraft CHECK constraints: violating one under the row lock means insufficient funds. */
const OVERDRAFT_CONSTRAINTS = new Set(['ledger_accounts_debits_within_credits', 'ledger_accounts_credits_within_debits']);
const CURRENCY_FKS = new Set(['ledger_transfers_debit_account_fkey', 'ledger_transfers_credit_account_fkey']);
const UUID_IN_DETAIL = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/;

/** Deadlock and serialization failures: the whole call rolled back, so running it again is safe. */
export function isRetryable(err: unknown): boolean {
  const code = (err as PgError | null)?.code;
  return code === '40P01' || code === '40001';
}

/**
 * Turns a Postgres error from the ledger's SQL (see the error contract at the top of the ledger migration)
 * into a domain error; anything unrecognised is returned unchanged.
 */
export function toLedgerError(err: unknown): unknown {
  if (err instanceof DomainError) return err;
  const e = err as PgError | null;
  if (!e || typeof e.code !== 'string') return err;
  const message = e.message ?? 'ledger error';
  switch (e.code) {
    case 'LG001':
      return new ConflictError(message, { journal_id: e.detail }, 'idempotency_key_reused');
    case 'LG002':
      return new NotFoundError(message, e.detail ? { id: e.detail } : undefined, e.hint ?? 'not_found');
    case 'LG003':
      return new ConflictError(message, e.detail ? { status: e.detail } : undefined, 'pending_already_resolved');
    case 'LG004':
      return new BusinessRuleError(message, undefined, 'amount_exceeds_pending');
    case 'LG005':
      return e.hint === 'already_reversed' ? new ConflictError(message, undefined, 'already_reversed') : new BusinessRuleError(message, undefined, e.hint ?? 'not_reversible');
    case 'LG006':
      return new ValidationError(message, undefined, e.hint ?? 'invalid_request');
    case '23514':
      if (e.constraint && OVERDRAFT_CONSTRAINTS.has(e.constraint)) {
        const account = UUID_IN_DETAIL.exec(e.detail ?? '')?.[1];
        return new BusinessRuleError(`insufficient funds${account ? ` in account ${account}` : ''}`, account ? { account_id: account } : undefined, 'insufficient_funds');
      }
      return new ValidationError(`the ledger refused the values (${e.constraint ?? 'check'})`, { constraint: e.constraint }, 'invalid_request');
    case '23503':
      if (e.constraint && CURRENCY_FKS.has(e.constraint)) {
        return new ValidationError('the transfer currency differs from an account currency', undefined, 'currency_mismatch');
      }
      return new NotFoundError('a referenced ledger record does not exist', { constraint: e.constraint }, 'not_found');
    case '23505':
      switch (e.constraint) {
        case 'ledger_transfers_reversed_once':
          return new ConflictError('the transfer was already reversed', undefined, 'already_reversed');
        case 'ledger_transfers_pending_once':
          return new ConflictError('the pending transfer was already resolved', undefined, 'pending_already_resolved');
        case 'ledger_accounts_code_key':
          return new ConflictError('an account with this code already exists', undefined, 'account_exists');
        default:
          // A multi-leg key `k#2` can collide with a one-leg key spelled the same way.
          return new ConflictError('idempotency key already used', { constraint: e.constraint }, 'idempotency_key_reused');
      }
    case '22003':
      return new ValidationError('amount out of range', undefined, 'amount_out_of_range');
    case '22P02':
      return new ValidationError(message, undefined, 'invalid_request');
    default:
      return err;
  }
}
