import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { ProblemException } from '../common/problem-details.filter.js';
import { IDEMPOTENT_KEY, type IdempotentOptions } from './idempotent.decorator.js';
import { IdempotencyService } from './idempotency.service.js';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

function omit(body: unknown, fields: string[] | undefined): unknown {
  if (!fields?.length || body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy = { ...(body as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy;
}

/**
 * For routes marked @Idempotent(): same key + same request → the stored first response
 * (`Idempotent-Replayed: true`); same key + other content → 409; same key while the first is
 * still running → 409 with Retry-After.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(IdempotencyService) private readonly store: IdempotencyService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.reflector.getAllAndOverride<IdempotentOptions | undefined>(IDEMPOTENT_KEY, [context.getHandler(), context.getClass()]);
    if (!options) return next.handle();
    return from(this.run(context, next, options));
  }

  private async run(context: ExecutionContext, next: CallHandler, options: IdempotentOptions): Promise<unknown> {
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? header.trim() : undefined;
    if (!key) throw new ProblemException(400, 'idempotency_key_missing', 'this operation requires an Idempotency-Key header (1-255 printable characters)');
    if (!KEY_FORMAT.test(key)) throw new ProblemException(400, 'idempotency_key_invalid', 'Idempotency-Key must be 1-255 printable ASCII characters');
    const apiKeyId = req.apiKey!.id;
    const path = req.routeOptions.url ?? req.url;
    const hash = this.store.hash(req.method, req.url.split('?')[0], req.body ?? null);
    const claim = await this.store.claim(apiKeyId, key, req.method, path, hash);
    switch (claim.kind) {
      case 'mismatch':
        throw new ProblemException(409, 'idempotency_key_reused', 'this Idempotency-Key was already used with a different request; use a new key for a new request');
      case 'in_progress':
        throw new ProblemException(409, 'idempotency_request_in_progress', 'a request with this Idempotency-Key is still being processed; retry shortly', undefined, { 'retry-after': '1' });
      case 'replay':
        void reply.status(claim.status).header('idempotent-replayed', 'true');
        return claim.body;
      case 'claimed':
        break;
    }
    let body: unknown;
    try {
      body = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (err) {
      await this.store.release(apiKeyId, key).catch(() => undefined);
      throw err;
    }
    await this.store.complete(apiKeyId, key, reply.statusCode, omit(body, options.omitOnReplay));
    return body;
  }
}

