export interface GetCardholderQuery {
  /** The cardholder id (the document says "card_id"; it is the cardholder's). */
  id?: string;
  rfc?: string;
  curp?: string;
  email?: string;
  primary_phone?: string;
  mobile_phone?: string;
}

export interface CreateCardholderRequest<A = number> {
  first_name: string;
  second_name: string;
  surname: string;
  second_surname: string;
  rfc: string;
  curp: string;
  email: string;
  primary_phone: string;
  mobile_phone: string;
  street: string;
  ext_street_number: string;
  int_street_number?: string;
  suburb: string;
  /** In the example, not in the field list: optional. */
  township?: string;
  city: string;
  state: string;
  postal_code: string;
  birthdate: string;
  gender: string;
  marital_status: string;
  has_kids: boolean;
  gross_monthly_income?: A;
  net_monthly_income?: A;
  observations?: string;
  external_id?: string;
}

export interface WireCardholderCard {
  id: string;
  last_four: string;
  assignation_date?: string;
  status?: string;
  assigned_by?: { id: string; alias?: string; name?: string; description?: string };
}

export interface WireCardholderAccount {
  id: string;
  account_number: number | string;
  creation_date?: string;
  activation_date?: string | null;
  assigned_by?: string;
  status?: string;
  document?: { type: string; number: string };
  cards?: WireCardholderCard[];
}

export interface WireCardholder {
  id: string;
  first_name: string;
  second_name?: string;
  surname: string;
  second_surname?: string;
  rfc?: string;
  curp?: string;
  email?: string;
  primary_phone?: string;
  mobile_phone?: string;
  address?: {
    street?: string;
    external_street_number?: string;
    internal_street_number?: string;
    suburb?: string;
    township?: string;
    city?: string;
    state?: string;
    postal_code?: string;
    country?: string;
  };
  birthdate?: string;
  gender?: string;
  gross_monthly_income?: number;
  net_monthly_income?: number;
  observations?: string;
  has_kids?: boolean;
  marital_status?: string;
  external_id?: string;
  accounts?: WireCardholderAccount[];
}

export interface CardholderResponseData {
  cardholder: WireCardholder;
}
