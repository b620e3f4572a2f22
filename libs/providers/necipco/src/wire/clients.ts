import type { WireClient } from './auth.js';

export interface ClientResponseData {
  client: WireClient;
}

export interface PublicKeyResponseData<S = string> {
  client: { id: string; name?: string; alias?: string };
  api_key?: { id: string; alias?: string; public_key?: string | null };
  system?: { public_key: string };
  /** A check value encrypted with our public key. */
  sensitive_data?: S;
}

export interface AddPublicKeyRequest {
  public_key: string;
}

export interface AddPublicKeyResponseData {
  client: { id: string; name?: string; alias?: string };
  api_key: { id: string; alias?: string; public_key: string };
}

export interface CreateClientRequest<A = number> {
  name: string;
  alias: string;
  email: string;
  available: A;
  phone: string;
  mobile_phone: string;
  rfc: string;
  street: string;
  ext_street_number: string;
  int_street_number?: string;
  suburb: string;
  township: string;
  city: string;
  state: string;
  postal_code: string;
  contact_name: string;
  contact_second_name?: string;
  contact_surname: string;
  contact_second_surname?: string;
  contact_email: string;
  /** The field list says a 2-3 digit string, the example sends a number. */
  contact_telephone_country_code: string | number;
  contact_telephone: string;
  contact_mobile_phone_country_code: string | number;
  contact_mobile_phone: string;
  legal_representative_name?: string;
  legal_representative_second_name?: string;
  legal_representative_surname?: string;
  legal_representative_second_surname?: string;
  legal_representative_email?: string;
  legal_representative_telephone_country_code?: string | number;
  legal_representative_telephone?: string;
  legal_representative_mobile_phone_country_code?: string | number;
  legal_representative_mobile_phone?: string;
  api_key_name: string;
  api_key_description?: string;
  api_key_password: string;
}

export interface CreateClientResponseData {
  subclient: {
    id: string;
    code?: string;
    name: string;
    available: number;
    rfc?: string;
    /** The example has an empty id and the uuid in name. */
    api_client?: { id?: string; name?: string; alias?: string; description?: string };
  };
}

export interface FundClientRequest<A = number> {
  client_id: string;
  amount: A;
}

export interface FundClientResponseData {
  client: { id: string; code?: string; name?: string; available: number; rfc?: string };
  subclient: { id: string; code?: string; name?: string; available: number; rfc?: string };
}
