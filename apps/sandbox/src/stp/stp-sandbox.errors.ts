import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StpErrorBody } from '#libs/providers/stp';
import { SandboxHttpError, sandboxErrorStatus } from '../common/sandbox-errors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An error the simulated STP answers with, in STP's own (Spring Boot) shape. */
export class StpHttpError extends SandboxHttpError {}

export function stpErrorBody(status: number, message: string, path: string): StpErrorBody {
  return {
    timestamp: new Date().toISOString().replace('Z', '+00:00'),
    status,
    error: REASONS[status] ?? 'Error',
    message,
    path,
  };
}

/** Scoped to the STP sandbox controllers: STP's error body, never Pasarela's problem+json. */
@Catch()
export class StpSandboxExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const { status, message } = sandboxErrorStatus(exception, StpHttpError, { internal: '', invalidRequest: '' });
    void reply.status(status).header('content-type', 'application/json').send(stpErrorBody(status, message, req.url.split('?')[0]!));
  }
}
