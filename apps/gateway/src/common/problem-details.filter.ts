import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  BusinessRuleError,
  CapabilityNotSupportedError,
  ConflictError,
  DomainError,
  InvalidAmountError,
  NotFoundError,
  ProviderDeclinedError,
  ProviderUnavailableError,
  ValidationError,
} from '#libs/domain';
import { AppLogger } from '#libs/logging';
import { PROBLEM_CONTENT_TYPE, problemType, type Problem, type ProblemFieldError } from './problem.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'unavailable',
};

/** Thrown by our own guards/pipes when they want a specific code and field errors. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    detail: string,
    readonly fieldErrors?: ProblemFieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail, status);
  }
}

function domainStatus(err: DomainError): number {
  if (err instanceof ValidationError) return 400;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof BusinessRuleError || err instanceof CapabilityNotSupportedError) return 422;
  if (err instanceof ProviderDeclinedError) return 422;
  if (err instanceof ProviderUnavailableError) return 503;
  return 500;
}

/** Every error leaves the gateway as application/problem+json with the request's correlation id. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger: Logger;

  constructor(@Inject(AppLogger) logger: Logger) {
    this.logger = logger.child({ context: 'ProblemDetailsFilter' });
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, req);
    if (problem.status >= 500) {
      this.logger.error({ err: exception, request_id: problem.request_id }, 'request failed');
    }
    if (exception instanceof ProblemException && exception.headers) {
      for (const [k, v] of Object.entries(exception.headers)) reply.header(k, v);
    }
    if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="pasarela"');
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(exception: unknown, req: FastifyRequest): Problem {
    const base = { instance: req.url.split('?')[0], request_id: String(req.id) };
    if (exception instanceof ProblemException) {
      const status = exception.getStatus();
      return { ...base, type: problemType(exception.code), title: TITLES[status] ?? 'Error', status, detail: exception.message, code: exception.code, ...(exception.fieldErrors ? { errors: exception.fieldErrors } : {}) };
    }
    if (exception instanceof DomainError) {
      const status = domainStatus(exception);
      return { ...base, type: problemType(exception.code), title: TITLES[status] ?? 'Error', status, detail: exception.message, code: exception.code };
    }
    if (exception instanceof InvalidAmountError) {
      return { ...base, type: problemType('invalid_amount'), title: TITLES[400], status: 400, detail: exception.message, code: 'invalid_amount' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = HTTP_CODES[status] ?? `http_${status}`;
      const body = exception.getResponse();
      const detail = typeof body === 'string' ? body : typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : exception.message;
      return { ...base, type: problemType(code), title: TITLES[status] ?? 'Error', status, detail, code };
    }
    // Fastify's own errors (body too large, bad JSON, wrong content type) carry a statusCode.
    const fst = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fst?.statusCode === 'number' && fst.statusCode >= 400 && fst.statusCode < 500) {
      const status = fst.statusCode;
      const code = HTTP_CODES[status] ?? `http_${status}`;
      return { ...base, type: problemType(code), title: TITLES[status] ?? 'Error', status, detail: fst.message ?? 'bad request', code };
    }
    const status = HttpStatus.INTERNAL_SERVER_ERROR;
    return { ...base, type: problemType('internal_error'), title: TITLES[500], status, detail: 'an unexpected error occurred; quote the request_id when reporting it', code: 'internal_error' };
  }
}
