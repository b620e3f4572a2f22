import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { CredencialErrorBody } from '#libs/providers/credencial';

/** An error the simulated Credencial answers with. */
export class CredencialHttpError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
  }
}

/** Scoped to the Credencial sandbox controllers: `{ code, message }`, never problem+json. */
@Catch()
export class CredencialSandboxExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let message = 'Error interno';
    if (exception instanceof CredencialHttpError) {
      status = exception.status;
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = exception.message;
    } else if (typeof (exception as { statusCode?: unknown })?.statusCode === 'number') {
      status = (exception as { statusCode: number }).statusCode;
      message = 'Solicitud inválida';
    }
    const body: CredencialErrorBody = { code: status, message };
    void reply.status(status).header('content-type', 'application/json').send(body);
  }
}
