import { HttpException } from '@nestjs/common';

/** An error a simulated provider answers with; each sandbox subclasses it so its filter only answers its own. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
  }
}

export interface SandboxErrorDefaults {
  /** Message of anything unexpected (answered 500). */
  internal: string;
  /** Message of a framework-level rejection that carries a `statusCode` (e.g. a body Fastify could not parse). */
  invalidRequest: string;
}

/**
 * The status and message a sandbox's exception filter answers with: the sandbox's own error as thrown,
 * a Nest HttpException as is, a Fastify error by its `statusCode`, anything else 500. The body's shape
 * stays each provider's.
 */
export function sandboxErrorStatus(
  exception: unknown,
  own: abstract new (...args: never[]) => SandboxHttpError,
  defaults: SandboxErrorDefaults,
): { status: number; message: string } {
  if (exception instanceof own) return { status: exception.status, message: exception.message };
  if (exception instanceof HttpException) return { status: exception.getStatus(), message: exception.message };
  const statusCode = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number') return { status: statusCode, message: defaults.invalidRequest };
  return { status: 500, message: defaults.internal };
}
