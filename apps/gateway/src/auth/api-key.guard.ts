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

/** What {@link ApiKeyGuard.authorize} accepts besides `X-API-Key` and `Authorization: Bearer`. */
export interface KeyCheckOptions {
  /**
   * Also take the key as the password of HTTP Basic auth (any username), for pages a plain browser
   * opens: it can send nothing else. Off for the API, whose documented schemes stay the two headers.
   */
  basic?: boolean;
}

function presentedKey(req: FastifyRequest, options: KeyCheckOptions): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  if (options.basic && typeof auth === 'string' && /^basic\s+/i.test(auth)) {
    const decoded = Buffer.from(auth.replace(/^basic\s+/i, '').trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const password = colon >= 0 ? decoded.slice(colon + 1).trim() : '';
    if (password) return password;
  }
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
    await this.authorize(req, reply, this.reflector.getAllAndOverride<string[]>(SCOPES_KEY, targets) ?? []);
    return true;
  }

  /**
   * The whole check, also for routes Nest does not own (the Bull Board dashboard mounted on Fastify):
   * they share this rate limiter, so no entrance lets keys be guessed faster. Throws ProblemException.
   */
  async authorize(req: FastifyRequest, reply: FastifyReply, required: readonly string[], options: KeyCheckOptions = {}): Promise<AuthenticatedKey> {
    const presented = presentedKey(req, options);
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
    if (!presented) {
      const how = options.basic ? ', `Authorization: Bearer <key>` or HTTP Basic auth with the key as password' : ' or `Authorization: Bearer <key>`';
      throw new ProblemException(401, 'api_key_missing', `send an API key as \`X-API-Key: <key>\`${how}`);
    }
    if (!key) throw new ProblemException(401, 'api_key_invalid', 'the API key is unknown or revoked');
    req.apiKey = key;
    if (!hasScopes(key.scopes, required)) {
      throw new ProblemException(403, 'insufficient_scope', `this operation needs the scope(s): ${required.join(', ')}`);
    }
    return key;
  }
}
