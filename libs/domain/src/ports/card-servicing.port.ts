import type { SensitiveValue } from './card-data.js';

/**
 * Capability: card servicing (BCS cards-management): account holds (blocking a customer's cards),
 * credit / debit card replacement, CVV and PIN validation, billing cycle change, installment deadlines,
 * and applying for a debit card.
 *
 * Card data rules: a clear card number, CVV or PIN travels only as `SensitiveValue` and is revealed by the
 * adapter into the provider request (encrypted where the provider wants it), nowhere else.
 */

/** The customer as the provider identifies them: document type (CC, CE, …) and number. */
export interface ServicingCustomer {
  idType: string;
  idNumber: string;
}

/**
 * A card (or product) number as the provider accepts it: clear (kind 'pan'), or the provider's encrypted
 * form of it (hex), which is what Pasarela keeps as the card's provider reference.
 */
export type ServicingCardNumber = { readonly pan: SensitiveValue } | { readonly encrypted: string };

/** Caller context the provider wants on every request (BCS `X-Invoker-*`). */
export interface ServicingContext {
  /** Pasarela's request id (BCS X-Invoker-TxId). */
  requestId?: string;
  /** The end client's IP address, when known. */
  clientIp?: string;
  /** The Idempotency-Key of the call (BCS X-Invoker-RequestNumber). */
  requestNumber?: string;
  /** The customer's identification number (BCS X-Invoker-CustId). */
  customerId?: string;
}

export interface AccountHoldRequest {
  customer: ServicingCustomer;
  /** Block every debit card of the customer. */
  allDebitCards: boolean;
  /** Cards / accounts to block (may be empty when allDebitCards). */
  accounts: ServicingCardNumber[];
}

export interface CreditCardReplacementRequest {
  card: ServicingCardNumber;
  /** Lock code put on the old card; the document allows only "01" today. */
  lockCode: string;
}

export interface DebitCardReplacementRequest {
  customer: ServicingCustomer;
  /** The deposit account the debit card belongs to. */
  depositAccount: string;
  card: ServicingCardNumber;
  operationType?: string;
  /** Commission in centavos. */
  fee: bigint;
  blockType: string;
  reason: string;
  source: string;
  agreement: { allyId: string; serviceId: string; serviceRequestId: string };
  delivery: { type: string; country: string; addressLine?: string; city?: string; postalCode?: number };
  contact?: { email?: string; cellPhone?: string };
}

export interface DebitCardReplacementResult {
  billerNumber?: string;
  referenceId?: string;
  depositAccount?: string;
}

export interface BillingCycleChangeRequest {
  /** The credit card's account number. */
  account: string;
  /** "1" = days 03-08, "2" = days 15-18. */
  daysCycle: '1' | '2';
  email: string;
  cellPhone: string;
  idNumber: string;
}

export interface DeadlinesRequest {
  card: ServicingCardNumber;
  /** Purchase (transaction sequence) → remaining installments. */
  terms: Array<{ sequence: string; installments: number }>;
}

export abstract class CardServicing {
  /** The provider's reference for a card number (BCS: its encrypted acctId), safe to store. */
  abstract cardReference(pan: SensitiveValue): string;
  abstract holdAccounts(req: AccountHoldRequest, ctx: ServicingContext): Promise<void>;
  abstract replaceCreditCard(req: CreditCardReplacementRequest, ctx: ServicingContext): Promise<void>;
  abstract replaceDebitCard(req: DebitCardReplacementRequest, ctx: ServicingContext): Promise<DebitCardReplacementResult>;
  /** Resolves when the provider confirms the CVV; a mismatch or unknown customer is a domain error. */
  abstract validateCreditCardCvv(customer: ServicingCustomer, cvv: SensitiveValue, ctx: ServicingContext): Promise<void>;
  abstract validateDebitCardPin(customer: ServicingCustomer, pin: SensitiveValue, ctx: ServicingContext): Promise<void>;
  abstract changeBillingCycle(req: BillingCycleChangeRequest, ctx: ServicingContext): Promise<void>;
  abstract modifyDeadlines(req: DeadlinesRequest, ctx: ServicingContext): Promise<void>;
  /** BCS "Apply Debit Card": the document defines only the path, the headers and `responseType`. */
  abstract applyDebitCard(ctx: ServicingContext): Promise<void>;
}
