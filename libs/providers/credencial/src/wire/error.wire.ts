/**
 * Credencial's error body is not in the document (only the HTTP codes 401, 403, 404, 409, 500).
 * The sandbox answers `{ "code": <http status>, "message": "..." }`, after the `{code, message}` of
 * the webhook answers; the client maps by HTTP status and only reads `message`.
 */
export interface CredencialErrorBody {
  code: number;
  message: string;
}
