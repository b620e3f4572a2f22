import type { Money } from '../money.js';
import type { CardAccount, CardRef, CardSummary, GeoLocation, SensitiveValue } from './card-data.js';

export interface CardFundsOperation {
  /** The provider's operation id. */
  readonly operationId: string;
  readonly authorizationCode?: string;
  readonly amount: Money;
}

export interface CardMoneyMovementResult {
  readonly operation: CardFundsOperation & { readonly description?: string };
  readonly card: CardSummary;
  readonly account: CardAccount;
}

export interface CardTransferSide {
  readonly cardId: string;
  readonly accountId?: string;
  readonly maskedPan: string;
  readonly previousBalance?: Money;
  readonly newBalance?: Money;
}

export interface CardTransferResult {
  readonly operation: CardFundsOperation;
  readonly origin: CardTransferSide;
  readonly destination: CardTransferSide;
}

export interface CardTransferRequest {
  readonly origin: CardRef;
  readonly destination: CardRef;
  readonly amount: Money;
  readonly location: GeoLocation;
}

export interface CardCreditRequest {
  readonly card: CardRef;
  readonly amount: Money;
  readonly location: GeoLocation;
}

export interface CardPaymentRequest extends CardCreditRequest {
  readonly description: string;
}

export interface CardWithdrawalRequest extends CardCreditRequest {
  /** Cardholder validation, when wanted. */
  readonly pin?: SensitiveValue;
}

export interface CardPurchaseRequest extends CardWithdrawalRequest {
  readonly merchantDescription: string;
}

/**
 * Money on cards. Every method resolves only once the provider confirmed the movement (so the gateway
 * can post the same movement in the ledger); a decline is a ProviderDeclinedError (permanent, e.g.
 * code `insufficient_funds`), an outage a ProviderUnavailableError (the outcome may be unknown: none
 * of these is retried automatically).
 */
export abstract class CardFunds {
  abstract readonly provider: string;

  /** Card to card, program money stays in the program. */
  abstract transferBetweenCards(input: CardTransferRequest): Promise<CardTransferResult>;
  /** Program main balance → card. */
  abstract disburse(input: CardCreditRequest): Promise<CardMoneyMovementResult>;
  /** Program main balance → card, with a description. */
  abstract pay(input: CardPaymentRequest): Promise<CardMoneyMovementResult>;
  /** Card → program collection balance. */
  abstract withdraw(input: CardWithdrawalRequest): Promise<CardMoneyMovementResult>;
  /** Card → program collection balance, with a merchant description. */
  abstract purchase(input: CardPurchaseRequest): Promise<CardMoneyMovementResult>;
}
