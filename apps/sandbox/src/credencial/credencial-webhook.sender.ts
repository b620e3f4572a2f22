import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { signWebhook } from '#libs/inbox';
import type { CredencialOutgoingWebhook } from './credencial-sandbox.service.js';

/** What happened when the simulator delivered a webhook: the gateway's synchronous answer, or why there is none. */
export interface CredencialDelivery {
  url: string;
  webhook_id: string;
  delivered: boolean;
  /** The gateway's HTTP status; null when it could not be reached. */
  status: number | null;
  /** The gateway's answer body (for DEBIT: code -1 = applied, balance_actual / balance_last). */
  answer: unknown;
  duration_ms: number;
  error?: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Delivers the simulated Credencial's webhooks to the gateway the way a provider would: JSON body signed
 * with Standard Webhooks (webhook-id / webhook-timestamp / webhook-signature, HMAC-SHA256 with the first
 * CREDENCIAL_WEBHOOK_SECRETS secret), plus basic auth when CREDENCIAL_WEBHOOK_BASIC_AUTH is set. Credencial
 * waits for the answer, so the caller gets it back (QA sees the authorization decision in Swagger UI).
 */
@Injectable()
export class CredencialWebhookSender {
  private readonly log = new Logger('CredencialWebhookSender');

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {}

  async send(webhook: CredencialOutgoingWebhook): Promise<CredencialDelivery> {
    const url = `${this.config.gatewayUrl.replace(/\/+$/, '')}${webhook.path}`;
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(webhook.payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    const cfg = this.config.credencialWebhook;
    const secret = cfg.hmacSecrets[0];
    if (secret) {
      headers['webhook-id'] = id;
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = signWebhook(secret, id, timestamp, body);
    }
    if (cfg.basicAuth) headers.authorization = `Basic ${Buffer.from(`${cfg.basicAuth.username}:${cfg.basicAuth.password}`).toString('base64')}`;
    const started = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      const text = await res.text();
      let answer: unknown = text;
      try {
        answer = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: shown as text
      }
      const ms = Math.round(performance.now() - started);
      this.log.log({ kind: webhook.kind, route: webhook.path, status: res.status, ms }, 'webhook delivered');
      return { url, webhook_id: id, delivered: res.ok, status: res.status, answer, duration_ms: ms };
    } catch (err) {
      const e = err as { name?: string; cause?: { code?: string }; code?: string };
      const reason = e?.name === 'TimeoutError' ? `no answer within ${TIMEOUT_MS} ms` : `gateway unreachable (${e?.cause?.code ?? e?.code ?? e?.name ?? 'error'})`;
      const ms = Math.round(performance.now() - started);
      this.log.warn({ kind: webhook.kind, route: webhook.path, reason, ms }, 'webhook not delivered');
      return { url, webhook_id: id, delivered: false, status: null, answer: null, duration_ms: ms, error: reason };
    }
  }
}
