import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { CredencialErrorBody } from '#libs/providers/credencial';
import { SandboxHttpError, sandboxErrorStatus } from '../common/sandbox-errors.js';

/** An error the simulated Credencial answers with. */
export class CredencialHttpError extends SandboxHttpError {}

/** Scoped to the Credencial sandbox controllers: `{ code, message }`, never problem+json. */
@Catch()
export class CredencialSandboxExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, message } = sandboxErrorStatus(exception, CredencialHttpError, { internal: 'Error interno', invalidRequest: 'Solicitud inválida' });
    const body: CredencialErrorBody = { code: status, message };
    void reply.status(status).header('content-type', 'application/json').send(body);
  }
}
