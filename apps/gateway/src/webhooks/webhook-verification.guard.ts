import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import type { Logger } from 'pino';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/config';
import { AppLogger } from '#libs/logging';
import { verifyWebhook, type WebhookProvider } from '#libs/inbox';
import { ProblemException } from '../common/problem-details.filter.js';

const PROVIDER_KEY = 'pasarela:webhook-provider';

/** The route receives this provider's webhooks: verified with its configuration before anything is stored. */
export const WebhookFrom = (provider: WebhookProvider) => SetMetadata(PROVIDER_KEY, provider);

/**
 * Verifies a provider webhook (HMAC signature over the raw body and/or basic auth and/or source IP, per the
 * provider's config). A failure is a 401 and a log line — no inbox row, no job.
 */
@Injectable()
export class WebhookVerificationGuard implements CanActivate {
  private readonly log: Logger;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(AppLogger) logger: Logger,
  ) {
    this.log = logger.child({ context: 'WebhookVerification' });
  }

  canActivate(context: ExecutionContext): boolean {
    const provider = this.reflector.getAllAndOverride<WebhookProvider | undefined>(PROVIDER_KEY, [context.getHandler(), context.getClass()]);
    if (!provider) return true;
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    const cfg = provider === 'stp' ? this.config.stpWebhook : this.config.credencialWebhook;
    const result = verifyWebhook(
      { hmacSecrets: cfg.hmacSecrets, basicAuth: cfg.basicAuth, ipAllowlist: cfg.ipAllowlist, toleranceSeconds: this.config.webhookToleranceSeconds },
      { rawBody: req.rawBody ?? Buffer.alloc(0), headers: req.headers, sourceIp: req.ip },
    );
    if (!result.ok) {
      this.log.warn({ provider, route: req.routeOptions.url, source_ip: req.ip, reason: result.reason }, 'webhook verification failed');
      throw new ProblemException(401, 'webhook_unverified', `the webhook could not be verified: ${result.reason}`);
    }
    return true;
  }
}
