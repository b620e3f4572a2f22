import type { WireLocation } from './common.js';
import type { CardNumberField } from './cards.js';

export interface CreateSpeiRequest<S = string, A = number, G = number> extends WireLocation<G> {
  card_number: CardNumberField<S>;
  payment_concept: string;
  beneficiary_account: string;
  beneficiary_institution: string;
  amount: A;
  beneficiary_name: string;
  numeric_reference: string;
  beneficiary_rfc_curp: string;
  beneficiary_email: string;
}

export interface CreateSpeiResponseData {
  card: { card_id: string; card_type?: string; masked_card_number: string };
  account: { account_id: string; rfc?: string; curp?: string; primary_phone?: string; mobile_phone?: string; observations?: string };
  spei: {
    id: string;
    tracking_key?: string;
    operation_date?: string;
    reference_operation?: string;
    amount: number;
    commission?: number;
    commission_type?: string;
    iva?: number;
  };
}

export interface WireSpeiInstitution {
  inicio_clabe: string;
  clave_institucion: string;
  nombre_institucion: string;
}

export interface SpeiInstitutionsResponseData {
  spei_institutions: WireSpeiInstitution[];
}
