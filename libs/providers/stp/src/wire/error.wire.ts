/**
 * STP's error body, as in the document's RESPONSE examples (a Spring Boot error):
 * { "timestamp": "2021-02-03T19:53:04.055+00:00", "status": 400, "error": "Bad Request", "message": "", "path": "/stp/clabes" }
 */
export interface StpErrorBody {
  timestamp: string;
  status: number;
  error: string;
  message: string;
  path: string;
}
