/** POST {base}/cards/:account_number/initial_nip — response `{}`. NIP and CVC: never logged. */
export interface CredencialInitialNipRequest {
  transaction_id: string;
  /** MMYY. */
  card_expiration: string;
  /** Integer in the document (example 1234). */
  card_security_code: number;
  card_nip: string;
}

/** POST {base}/cards/:account_number/update_nip — response `{}`. */
export interface CredencialUpdateNipRequest {
  transaction_id: string;
  card_expiration: string;
  card_security_code: number;
  card_nip_actual: string;
  card_nip_new: string;
}
