import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { ConflictError } from '#libs/domain';
import { QueueFactory, QueueName } from '#libs/queue';
import type { Queryable } from '#libs/ledger';
import { fromClabeStatusWebhook } from '#libs/providers/stp';
import { clabeStatusKey } from './inbox.dedup.js';
import { InboxRepository, type NewWebhookEvent } from './inbox.repository.js';
import type { IntakeResult, WebhookEventRecord, WebhookJobData } from './inbox.types.js';

/**
 * Intake: persist (unique per dedup key) before the provider gets its 2xx, then enqueue a job whose id is
 * the inbox row's id (idempotent). A duplicate finds the original; the same key with another payload is a
 * ConflictError (409) and an alert, the original left as it was.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly log = new Logger('WebhookIntake');

  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  async receive(e: NewWebhookEvent): Promise<IntakeResult> {
    const { row, inserted } = await this.inbox.insertOrFind(e);
    if (row && inserted) {
      await this.enqueue(row);
      return { event: row, duplicate: false };
    }
    if (!row) return { event: await this.original(e), duplicate: true };
    if (row.payloadHash !== e.payloadHash) await this.conflict(row, e);
    return { event: row, duplicate: true };
  }

  /**
   * An unsigned CLABE status (no webhook-id): keyed on the latest status received for the CLABE (see
   * clabeStatusKey). The same status as the latest is a duplicate of it, unless that one did not take effect
   * (UNMATCHED, FAILED): then it is a new event, which may.
   */
  async receiveClabeStatus(e: Omit<NewWebhookEvent, 'dedupKey'>): Promise<IntakeResult> {
    const w = fromClabeStatusWebhook(e.payload);
    const latest = await this.inbox.latestClabeStatus(w.clabe.value);
    if (latest && (latest.status === 'PENDING' || latest.status === 'APPLIED') && fromClabeStatusWebhook(latest.payload).status === w.status) {
      return { event: latest, duplicate: true };
    }
    return this.receive({ ...e, dedupKey: clabeStatusKey(e.payload, undefined, latest?.id ?? null) });
  }

  /** The existing row for a key that already exists; a ConflictError when its payload differs. */
  async original(e: NewWebhookEvent, db?: Queryable): Promise<WebhookEventRecord> {
    const existing = await this.inbox.findByKey(e.provider, e.type, e.dedupKey, db);
    if (!existing) throw new Error(`webhook ${e.provider}/${e.type} ${e.dedupKey} vanished`);
    if (existing.payloadHash !== e.payloadHash) await this.conflict(existing, e);
    return existing;
  }

  async conflict(existing: WebhookEventRecord, e: NewWebhookEvent): Promise<never> {
    const counted = await this.inbox.recordConflict(existing.id, e.payload).catch(() => false);
    // The alert: an error line ops pages on (plus the conflicts counter in /metrics via conflict_count).
    this.log.error(
      { alert: 'webhook_dedup_conflict', event_id: existing.id, provider: e.provider, type: e.type, dedup_key: e.dedupKey, counted },
      'ALERT webhook redelivered with the same dedup key and a different payload; original kept',
    );
    throw new ConflictError(
      `a ${e.provider} ${e.type} webhook with this identity (${e.dedupKey}) was already received with a different payload; the original is kept`,
      { event_id: existing.id },
      'webhook_conflict',
    );
  }

  /** Adds the job (jobId = inbox id, so adding twice is a no-op). A queue outage is logged: the sweeper recovers the row. */
  async enqueue(event: Pick<WebhookEventRecord, 'id' | 'type'>, jobId: string = event.id): Promise<boolean> {
    try {
      const backoff = { type: 'exponential', delay: this.config.webhookJobBackoffMs };
      await this.queues.queue<WebhookJobData>(QueueName.Webhooks).add(event.type, { eventId: event.id }, { jobId, attempts: this.config.webhookJobAttempts, backoff });
      return true;
    } catch (err) {
      this.log.warn({ event_id: event.id, err: (err as Error).message }, 'could not enqueue webhook; the sweeper will');
      return false;
    }
  }
}
