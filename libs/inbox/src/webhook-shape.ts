import { ValidationError } from '#libs/domain';
import type { WebhookType } from './inbox.types.js';

/**
 * The field checks the payload mappers leave to us (they validate CLABEs, amounts, currencies, statuses and
 * account numbers): identifiers the answer or the match depends on must be present, and text fields must be
 * text. A payload failing one is a 400 naming the field, before anything is stored. Placeholders ("", "-", "?")
 * are text, as the documents send them.
 */
type Rule = 'id' | 'text';

const CREDENCIAL_TEXT = ['emi_account_reference', 'identifier_adq', 'reference', 'origin', 'acquirer', 'city', 'date', 'terminal', 'trade_name', 'reverse_reason'];

const RULES: Record<WebhookType, Record<string, Rule>> = {
  clabe_status: { clabe: 'id' },
  spei_in: { clabe: 'id' },
  spei_out_status: { cause: 'text' },
  debit: { emi_account_identifier: 'id', ...Object.fromEntries(CREDENCIAL_TEXT.map((f) => [f, 'text' as const])) },
  reverse: { emi_account_identifier: 'id', ...Object.fromEntries(CREDENCIAL_TEXT.map((f) => [f, 'text' as const])) },
  balance: { emi_account_identifier: 'id', ...Object.fromEntries(CREDENCIAL_TEXT.map((f) => [f, 'text' as const])) },
  movements: { emi_account_identifier: 'id', ...Object.fromEntries(CREDENCIAL_TEXT.map((f) => [f, 'text' as const])) },
};

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`${field} ${message}`, { field, errors: [{ field, message }] }, 'invalid_webhook');
}

export function assertWebhookShape(type: WebhookType, payload: Record<string, unknown>): void {
  for (const [field, rule] of Object.entries(RULES[type])) {
    const v = payload[field];
    if (rule === 'id') {
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) throw invalid(field, 'is required');
      // A CLABE's 18 digits do not survive a JSON number; identifiers are text (digits as a number only when short).
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && field !== 'clabe')) throw invalid(field, 'must be a string');
    } else if (v !== undefined && v !== null && typeof v !== 'string' && typeof v !== 'number') {
      throw invalid(field, 'must be a string');
    }
  }
}
