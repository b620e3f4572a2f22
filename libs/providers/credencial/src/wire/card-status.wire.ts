/** GET {base}/cards/:account_number/status — the document's response is `{}`; the sandbox answers this. */
export interface CredencialCardStatusResponse {
  account_number?: number | string;
  /** Card status code, e.g. "01". */
  status?: string;
  description?: string;
}

/** PUT {base}/cards/:account_number/status — response `{}`. */
export interface CredencialUpdateStatusRequest {
  status: string;
}
