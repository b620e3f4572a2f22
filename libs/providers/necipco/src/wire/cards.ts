import type { WireAccountRef, WireCard, WireCardAndAccount, WireLocation, WireOperation } from './common.js';

/** "16 digits* or uuid": a card id travels in clear, a card number encrypted. */
export type CardNumberField<S> = S | string;

export interface AssignCardRequest<S = string, G = number> extends WireLocation<G> {
  /** 16 digits, encrypted. */
  card_number: S;
  cardholder_id: string;
  document_type: string;
  document_number: string;
  observations?: string;
}

export interface AssignCardResponseData {
  cardholder: { id: string; first_name?: string; second_name?: string; surname?: string; second_surname?: string; rfc?: string; curp?: string };
  /** `card_number` here is masked, `type` is spelled PHISYCAL in the example. */
  card: WireCard & { card_number?: string };
  account: WireAccountRef;
}

export interface CardLocationRequest<S = string, G = number> extends WireLocation<G> {
  card_number: CardNumberField<S>;
}

export type ActivateCardRequest<S = string, G = number> = CardLocationRequest<S, G>;

export interface ChangeCardStatusRequest<S = string, G = number> extends CardLocationRequest<S, G> {
  status: string;
}

export interface CardQuery<S = string> {
  card_number: CardNumberField<S>;
}

export interface BalanceQuery<S = string> extends CardQuery<S> {
  movements: boolean;
}

export interface WireBalanceMovement {
  fecha: string;
  hora: string;
  comercio: string | null;
  importe: string;
  descripcion_importe: string | null;
  codigo_autorizacion: string | null;
}

export interface BalanceResponseData extends WireCardAndAccount {
  available: number;
  movements?: WireBalanceMovement[];
}

export interface CardInfoResponseData<S = string> {
  account: WireAccountRef;
  card: WireCard & {
    /** Encrypted with our public key. */
    card_number?: S;
    activity?: { last_approved_operation?: string | null; last_denied_operation?: string | null; last_block_status?: string | null };
  };
  cardholder?: {
    name?: string;
    phone?: string;
    address?: string;
    postal_code?: string;
    township?: string;
    country?: string;
    document?: { type: string; number: string };
  };
}

export interface AuthenticateQuery<S = string> extends CardQuery<S> {
  /** Last four PAN digits + last two ATM PIN digits. Sent as documented (not encrypted). */
  authentication_info: string;
}

export interface ValidatedResponseData {
  validated: boolean;
}

export type PosPinQuery<S = string, G = number> = CardLocationRequest<S, G>;

export interface PosPinResponseData<S = string> {
  card: WireCard & { pin: S };
  account: WireAccountRef;
}

export interface SetPinRequest<S = string, G = number> extends CardLocationRequest<S, G> {
  pin: S;
}

export interface UpdatePinRequest<S = string, G = number> extends CardLocationRequest<S, G> {
  old_pin: S;
  new_pin: S;
}

export type ValidatePinQuery<S = string, G = number> = SetPinRequest<S, G>;

export interface PinOperationResponseData extends WireCardAndAccount {
  operation?: { id: string };
}

export interface TransferRequest<S = string, A = number, G = number> extends WireLocation<G> {
  origin_card: CardNumberField<S>;
  /** "16 digits*": a card number, encrypted. */
  destination_card: S;
  amount: A;
}

export interface TransferSide {
  id: string;
  account_id?: string;
  type?: string;
  card_number: string;
  account_reference?: number | string;
  previous_balance?: number;
  new_balance?: number;
}

export interface TransferResponseData {
  operation: WireOperation;
  origin_card: TransferSide;
  destination_card: TransferSide;
}

export interface CardAmountRequest<S = string, A = number, G = number> extends CardLocationRequest<S, G> {
  amount: A;
}

export type DisbursementRequest<S = string, A = number, G = number> = CardAmountRequest<S, A, G>;

export interface PaymentRequest<S = string, A = number, G = number> extends CardAmountRequest<S, A, G> {
  payment_description: string;
}

export interface WithdrawalRequest<S = string, A = number, G = number> extends CardAmountRequest<S, A, G> {
  pin?: S;
}

export interface PurchaseRequest<S = string, A = number, G = number> extends WithdrawalRequest<S, A, G> {
  merchant_description: string;
}

export interface MoneyOperationResponseData extends WireCardAndAccount {
  operation: WireOperation & { payment_description?: string; merchant_description?: string };
}

export interface MovementsQuery<S = string> extends CardQuery<S> {
  initial_date: string;
  end_date: string;
}

export interface WireMovementDetail {
  id: string;
  referencial_id?: string;
  date: string;
  code?: { type: string; subtype?: string; description?: string };
  merchant?: { code?: string; description?: string };
  country?: { code?: string; description?: string };
  amounts: {
    original: { coin?: { code?: string; description?: string }; total: string };
    exchanged?: { coin?: { code?: string; description?: string }; total: string };
  };
  channel?: string;
  authorization?: string;
  status?: { code: string; description?: string };
  retrieval?: string;
}

export interface MovementsResponseData extends WireCardAndAccount {
  movements: { initial_date: string; end_date: string; detail: WireMovementDetail[] };
}
