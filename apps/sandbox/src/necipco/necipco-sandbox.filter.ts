import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { NecipcoCode } from '#libs/providers/necipco';
import { NecipcoSandboxError } from './necipco-sandbox.errors.js';

const BY_STATUS: Record<number, number> = {
  400: NecipcoCode.VALIDATION,
  401: NecipcoCode.UNAUTHORIZED,
  404: NecipcoCode.NOT_FOUND,
  405: NecipcoCode.METHOD_NOT_ALLOWED,
  422: NecipcoCode.INVALID_FIELD,
  429: NecipcoCode.TOO_MANY_REQUESTS,
  500: NecipcoCode.INTERNAL,
  503: NecipcoCode.UNAVAILABLE,
};

/**
 * The NeCIPCo simulator answers errors the provider's way — `{ success: false, code, message, errors? }`
 * with the documented HTTP codes — not with Pasarela's problem+json. Scoped to its controllers.
 */
@Catch()
export class NecipcoSandboxExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('NecipcoSandbox');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let body: Record<string, unknown>;
    if (exception instanceof NecipcoSandboxError) {
      status = exception.status;
      body = { success: false, code: exception.code, message: exception.message, ...exception.extra };
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = { success: false, code: BY_STATUS[status] ?? status, message: exception.message };
    } else {
      this.log.error(`unexpected sandbox error: ${(exception as Error)?.message}`);
      body = { success: false, code: NecipcoCode.INTERNAL, message: 'Internal Server Error' };
    }
    if (status === 429 || status === 503) void reply.header('retry-after', '1');
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
