import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/config';
import { ProblemException } from '../common/problem-details.filter.js';
import { hasScopes } from './api-key.js';
import { ApiKeysService, type AuthenticatedKey } from './api-keys.service.js';
import { PUBLIC_KEY } from './public.decorator.js';
import { RateLimiter } from './rate-limiter.js';
import { SCOPES_KEY } from './require-scopes.decorator.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiKey?: AuthenticatedKey;
  }
}

function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

/**
 * Global guard: every route needs a valid API key unless marked @Public(); then the route's
 * @RequireScopes; then the key's rate limit (429 with Retry-After).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.limiter = new RateLimiter(config.rateLimitMax, config.rateLimitWindowMs);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const presented = presentedKey(req);
    const key = presented ? await this.keys.authenticate(presented) : undefined;
    // Failed attempts are limited per client address, so keys cannot be guessed at full speed.
    const rate = this.limiter.take(key ? `key:${key.id}` : `ip:${req.ip}`);
    const headers: Record<string, string> = {
      'ratelimit-limit': String(rate.limit),
      'ratelimit-remaining': String(rate.remaining),
      'ratelimit-reset': String(rate.resetSeconds),
    };
    if (!rate.allowed) {
      headers['retry-after'] = String(rate.resetSeconds);
      throw new ProblemException(429, 'rate_limited', `rate limit of ${rate.limit} requests exceeded; retry in ${rate.resetSeconds} s`, undefined, headers);
    }
    for (const [k, v] of Object.entries(headers)) void reply.header(k, v);
    if (!presented) throw new ProblemException(401, 'api_key_missing', 'send an API key as `X-API-Key: <key>` or `Authorization: Bearer <key>`');
    if (!key) throw new ProblemException(401, 'api_key_invalid', 'the API key is unknown or revoked');
    req.apiKey = key;
    const required = this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? [];
    if (!hasScopes(key.scopes, required)) {
      throw new ProblemException(403, 'insufficient_scope', `this operation needs the scope(s): ${required.join(', ')}`);
    }
    return true;
  }
}
