import type { WireAccountRef, WireCard, WireLocation } from './common.js';
import type { CardNumberField } from './cards.js';

export interface CreateVirtualCardRequest<G = number> extends WireLocation<G> {
  product: string;
  cardholder_id: string;
  document_type: string;
  document_number: string;
  /** Required by the document, may be empty. */
  observations: string;
}

export interface CreateVirtualCardResponseData<S = string> {
  cardholder: { id: string; first_name?: string; second_name?: string; surname?: string; second_surname?: string; rfc?: string; curp?: string };
  card: WireCard & { card_number?: S; exp_year?: S; exp_month?: S };
  account: WireAccountRef;
}

export interface PhysicalFromVirtualRequest<S = string, G = number> extends WireLocation<G> {
  /** "16 digits**": a card number, encrypted. */
  card_number: S;
  delivery_street: string;
  delivery_street_number: string;
  delivery_township: string;
  delivery_state: string;
  delivery_postal_code: string;
}

export interface PhysicalFromVirtualResponseData {
  card: { id: string; type?: string; masked_card_number: string };
  account: {
    id: string;
    rfc?: string;
    curp?: string;
    primary_phone?: string;
    mobile_phone?: string;
    observations?: string;
    document?: { type: string; description?: string; number: string };
  };
  delivery_address: { street: string; street_number: string; township: string; state: string; postal_code: string };
}

export interface CvcQuery<S = string, G = number> extends WireLocation<G> {
  card_number: CardNumberField<S>;
  pin: S;
}

export interface CvcResponseData<S = string> {
  card: WireCard & { cvc: S; remaining_time?: string | number };
  account: WireAccountRef;
}
