import { NecipcoCode } from '#libs/providers/necipco';

/** An answer in NeCIPCo's own error shape: `{ success: false, code, message, errors? }` with the HTTP status. */
export class NecipcoSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  static validation(errors: Array<{ field: string; message: string }>): NecipcoSandboxError {
    return new NecipcoSandboxError(400, NecipcoCode.VALIDATION, `${errors[0].field} ${errors[0].message}`, { errors });
  }

  static invalidField(field: string, message: string): NecipcoSandboxError {
    return new NecipcoSandboxError(422, NecipcoCode.INVALID_FIELD, `${field} ${message}`, { errors: [{ field, message }] });
  }

  static unauthorized(message = 'Unauthorized'): NecipcoSandboxError {
    return new NecipcoSandboxError(401, NecipcoCode.UNAUTHORIZED, message);
  }

  static notFound(what: string): NecipcoSandboxError {
    return new NecipcoSandboxError(404, NecipcoCode.NOT_FOUND, `${what} not found`);
  }

  static declined(code: number, message: string, extra: Record<string, unknown> = {}): NecipcoSandboxError {
    return new NecipcoSandboxError(403, code, message, extra);
  }
}
