export interface LoginRequest {
  api_client: { api_key: string; password: string };
}

export interface WireClient {
  id: string;
  name: string;
  alias?: string;
  code?: string;
  entity_code?: string;
  email?: string;
  available: number;
  balance?: number;
  /** Login says timezone, GET /clients says time_zone. */
  timezone?: string;
  time_zone?: string;
  status?: string;
  created_at?: string;
  updated_at?: string;
}

/** Login is the one answer with a different envelope; the JWT comes in the Authorization header. */
export interface LoginResponse {
  status: { code: number; message: string };
  data: { client: WireClient };
}
