import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Observable } from 'rxjs';

/**
 * At debug level, logs each request's body and query — the place where card data would leak
 * first, which is why the logger's redaction is tested through this path.
 */
@Injectable()
export class BodyLogInterceptor implements NestInterceptor {
  constructor(@Inject(PinoLogger) private readonly logger: PinoLogger) {
    this.logger.setContext('RequestBody');
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.logger.logger.isLevelEnabled('debug')) {
      const req = context.switchToHttp().getRequest<FastifyRequest>();
      this.logger.debug({ body: req.body, query: req.query }, 'request received');
    }
    return next.handle();
  }
}
