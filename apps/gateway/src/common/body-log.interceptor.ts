import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppLogger } from '#libs/logging';
import type { Observable } from 'rxjs';

/**
 * At debug level, logs each request's body and query — the place where card data would leak
 * first, which is why the logger's redaction is tested through this path.
 */
@Injectable()
export class BodyLogInterceptor implements NestInterceptor {
  private readonly log: Logger;

  constructor(@Inject(AppLogger) logger: Logger) {
    this.log = logger.child({ context: 'RequestBody' });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.log.isLevelEnabled('debug')) {
      const req = context.switchToHttp().getRequest<FastifyRequest>();
      this.log.debug({ request_id: req.id, body: req.body, query: req.query }, 'request received');
    }
    return next.handle();
  }
}
