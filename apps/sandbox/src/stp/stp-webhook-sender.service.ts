import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { signWebhook } from '#libs/inbox';
import { createLogger } from '#libs/logging';
import { StpSandboxService, type StpOutgoingWebhook } from './stp-sandbox.service.js';

export interface WebhookDelivery {
  webhook_id: string;
  kind: StpOutgoingWebhook['kind'];
  url: string;
  payload: StpOutgoingWebhook['payload'];
  /** delivering → delivered (2xx) | rejected (4xx other than 408/429: retrying will not help) | failed (attempts spent). */
  state: 'delivering' | 'delivered' | 'rejected' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

const MAX_ATTEMPTS = 6;
const FIRST_BACKOFF_MS = 250;
const TIMEOUT_MS = 5000;
const KEEP = 200;

/**
 * Sends the simulated STP's webhooks to the gateway (GATEWAY_URL + /webhooks/stp/…), as STP would:
 * signed in the Standard Webhooks scheme with the first STP webhook secret (plus basic auth when the
 * gateway expects it), one `webhook-id` per event kept across retries (the gateway dedups on it and on
 * the payload). Transient failures (network, timeout, 5xx, 408, 429) are retried with exponential
 * backoff; every failure is logged and the last deliveries are listed at GET /stp/_sandbox/webhooks.
 */
@Injectable()
export class StpWebhookSender implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(StpSandboxService) private readonly stp: StpSandboxService,
  ) {
    this.log = createLogger(config, 'sandbox-stp-webhooks');
  }

  onModuleInit(): void {
    if (this.config.stpSandboxSendWebhooks) this.stp.onWebhook((w) => void this.send(w));
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Forgets the delivery log (sandbox reset); deliveries in progress carry on. */
  clear(): void {
    this.deliveries.length = 0;
  }

  list(): WebhookDelivery[] {
    return this.deliveries.map((d) => ({ ...d }));
  }

  /** Delivers one webhook (with retries); resolves with its final delivery record. */
  async send(webhook: StpOutgoingWebhook): Promise<WebhookDelivery> {
    const now = new Date().toISOString();
    const delivery: WebhookDelivery = {
      webhook_id: `msg_${randomUUID()}`,
      kind: webhook.kind,
      url: `${this.config.gatewayUrl.replace(/\/+$/, '')}${webhook.path}`,
      payload: webhook.payload,
      state: 'delivering',
      attempts: 0,
      last_status: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    this.deliveries.unshift(delivery);
    if (this.deliveries.length > KEEP) this.deliveries.length = KEEP;
    const body = JSON.stringify(webhook.payload);
    for (;;) {
      delivery.attempts += 1;
      const outcome = await this.attempt(delivery, body);
      delivery.updated_at = new Date().toISOString();
      if (outcome === 'delivered' || outcome === 'rejected') {
        delivery.state = outcome;
        if (outcome === 'rejected') this.log.error({ webhook_id: delivery.webhook_id, kind: delivery.kind, status: delivery.last_status, error: delivery.last_error }, 'gateway rejected the STP webhook');
        return { ...delivery };
      }
      if (delivery.attempts >= MAX_ATTEMPTS || this.closed) {
        delivery.state = 'failed';
        this.log.error({ webhook_id: delivery.webhook_id, kind: delivery.kind, attempts: delivery.attempts, status: delivery.last_status, error: delivery.last_error }, 'STP webhook not delivered; giving up');
        return { ...delivery };
      }
      const wait = FIRST_BACKOFF_MS * 2 ** (delivery.attempts - 1);
      this.log.warn({ webhook_id: delivery.webhook_id, kind: delivery.kind, attempt: delivery.attempts, status: delivery.last_status, error: delivery.last_error, retry_in_ms: wait }, 'STP webhook delivery failed; retrying');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          resolve();
        }, wait);
        t.unref();
        this.timers.add(t);
      });
    }
  }

  private async attempt(delivery: WebhookDelivery, body: string): Promise<'delivered' | 'rejected' | 'retry'> {
    const timestamp = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const { hmacSecrets, basicAuth } = this.config.stpWebhook;
    if (hmacSecrets.length > 0) {
      headers['webhook-id'] = delivery.webhook_id;
      headers['webhook-timestamp'] = String(timestamp);
      headers['webhook-signature'] = signWebhook(hmacSecrets[0]!, delivery.webhook_id, timestamp, body);
    }
    if (basicAuth) headers.authorization = `Basic ${Buffer.from(`${basicAuth.username}:${basicAuth.password}`).toString('base64')}`;
    try {
      const res = await fetch(delivery.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
      delivery.last_status = res.status;
      const text = await res.text().catch(() => '');
      if (res.ok) {
        delivery.last_error = null;
        return 'delivered';
      }
      delivery.last_error = text.slice(0, 300) || `HTTP ${res.status}`;
      return res.status >= 500 || res.status === 408 || res.status === 429 ? 'retry' : 'rejected';
    } catch (err) {
      delivery.last_status = null;
      delivery.last_error = (err as Error).message ?? String(err);
      return 'retry';
    }
  }
}
