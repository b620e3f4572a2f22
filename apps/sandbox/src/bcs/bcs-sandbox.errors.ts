import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** An answer in BCS's error envelope, with the documented HTTP status (206 included). */
export class BcsSandboxError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(JSON.stringify(body));
  }

  /** `{ responseType: { value }, responseDetail: { errorCode, errorDesc, errorType } }`. */
  static er(status: number, code: string, desc: string, type = '', value = 'ER'): BcsSandboxError {
    return new BcsSandboxError(status, { responseType: { value }, responseDetail: { errorCode: code, errorDesc: desc, errorType: type } });
  }

  /** The CVV / PIN validations' capitalised spelling. */
  static erCaps(status: number, code: string, desc: string, type: string): BcsSandboxError {
    return new BcsSandboxError(status, { ResponseType: { value: 'ER' }, ResponseDetail: { ErrorCode: code, ErrorDesc: desc, ErrorType: type } });
  }

  /** APIKit's own errors (schema, auth), in the same envelope. */
  static apikit(status: number, desc: string): BcsSandboxError {
    return BcsSandboxError.er(status, String(status), desc, 'APIKIT');
  }
}

@Catch()
export class BcsSandboxFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let err: BcsSandboxError;
    if (exception instanceof BcsSandboxError) err = exception;
    else if (exception instanceof HttpException) err = BcsSandboxError.apikit(exception.getStatus(), exception.message);
    else err = BcsSandboxError.apikit(500, 'Internal Server Error');
    void reply.status(err.status).header('content-type', 'application/json; charset=utf-8').send(err.body);
  }
}
