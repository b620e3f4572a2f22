/**
 * Webhooks Credencial sends to us, which expect a synchronous answer with balances. Shapes follow
 * the document's example objects (the attribute tables list names only). Amounts are JSON numbers
 * (2000.0); currencies ISO 4217 numeric (484 MXN, 840 USD).
 */
export interface CredencialDebitWebhook {
  emi_account_reference: string;
  emi_account_identifier: string;
  account_number: number | string;
  amount: number | string;
  currency: number | string;
  amount_liq: number | string;
  currency_liq: number | string;
  identifier_adq: string;
  reference: string;
  commission: number | string;
  commission_liq: number | string;
  origin: string;
  reason: number | string;
  acquirer: string;
  city: string;
  /** "18/12/2012 03:29:30 PM". */
  date: string;
  terminal: string;
  trade_name: string;
}

/** Answer to DEBIT: code -1 = applied ("Retiro aplicado con éxito."). `date` in epoch milliseconds. */
export interface CredencialDebitAnswer {
  code: number;
  message: string;
  emi_account_identifier: string;
  date: number;
  balance_actual: number;
  balance_last: number;
  reference: string;
}

export interface CredencialReverseWebhook {
  emi_account_identifier: string;
  account_number: number | string;
  identifier_adq: string;
  origin: string;
  reverse_reason: string;
  amount: number | string;
  currency: number | string;
  amount_liq: number | string;
  currency_liq: number | string;
  date: string;
  reference: string;
  trade_name: string;
}

/** Answer to REVERSE DEBIT: code -1 = applied ("Reversa aplicada con éxito."). */
export interface CredencialReverseAnswer {
  code: number;
  message: string;
  emi_account_identifier: string;
  balance_actual: number;
  balance_last: number;
  date: number;
  reference: string;
}

export interface CredencialBalanceWebhook {
  emi_account_reference: string;
  emi_account_identifier: string;
  account_number: number | string;
  identifier_adq: string;
  reference: string;
  origin: string;
}

export interface CredencialBalanceAnswer {
  code: number;
  message: string;
  balance_actual: number;
  date: number;
  reference: string;
}

export interface CredencialMovementsWebhook {
  emi_account_reference: string;
  emi_account_identifier: string;
  account_number: number | string;
  identifier_adq: string;
  reference: string;
  origin: string;
}

export interface CredencialMovement {
  reference: string;
  type: string;
  amount: number;
  currency: number;
  date: number;
  terminal: string;
}

export interface CredencialMovementsAnswer {
  code: number;
  message: string;
  reference: string;
  movements: CredencialMovement[];
  date: number;
}
