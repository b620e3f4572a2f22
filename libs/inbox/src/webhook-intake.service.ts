import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '#libs/config';
import { AppLogger, contextLogger } from '#libs/logging';
import { ConflictError } from '#libs/domain';
import { QueueFactory, QueueName } from '#libs/queue';
import type { Queryable } from '#libs/ledger';
import { fromClabeStatusWebhook } from '#libs/providers/stp';
import { GroupBatcher, type GroupBatchStats } from './group-batcher.js';
import { clabeStatusKey } from './inbox.dedup.js';
import { InboxRepository, type NewWebhookEvent } from './inbox.repository.js';
import { WEBHOOK_GROUP_JOB, type IntakeResult, type WebhookEventRecord, type WebhookGroupJobData, type WebhookJobData } from './inbox.types.js';

type Found = { row: WebhookEventRecord | null; inserted: boolean };

const NO_BATCHING: Readonly<GroupBatchStats> = Object.freeze({ alone: 0, groups: 0, failedGroups: 0, grouped: 0, leftOut: 0 });

/** A delivery as intake writes it: PENDING, nothing decided yet (what the group statement writes). */
function isPlainPending(e: NewWebhookEvent): boolean {
  return (e.status ?? 'PENDING') === 'PENDING' && e.outcome == null && e.response === undefined;
}

/** The lane of a dedup key: deliveries of one key always share a lane, so they never race each other's insert. */
function laneOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * Intake: persist (unique per dedup key) before the provider gets its 2xx, then enqueue a job whose id is
 * the inbox row's id (idempotent). A duplicate finds the original; the same key with another payload is a
 * ConflictError (409) and an alert, the original left as it was.
 *
 * SPEI IN deliveries that arrive while their lane's statement runs are persisted together in the next one
 * (InboxRepository.insertOrFindMany, one commit), and the rows that group created are enqueued as one job
 * (`spei_in_group`, the row ids only), which the worker applies as one batch: under load a delivery shares the
 * statement, the commit and the queue round trips with the others instead of paying them alone.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly log: Logger;
  private readonly speiIn?: GroupBatcher<NewWebhookEvent, Found>;

  constructor(
    @Inject(InboxRepository) private readonly inbox: InboxRepository,
    @Inject(QueueFactory) private readonly queues: QueueFactory,
    @Inject(AppConfig) private readonly config: AppConfig,
    @Optional() @Inject(AppLogger) logger?: Logger,
  ) {
    this.log = contextLogger(logger, 'WebhookIntake');
    if (config.webhookIntakeBatch > 1) {
      this.speiIn = new GroupBatcher<NewWebhookEvent, Found>((e) => this.persistOne(e), (group) => this.persistGroup(group), {
        lanes: config.webhookIntakeLanes,
        maxBatch: config.webhookIntakeBatch,
        onGroupError: (err, size) => this.log.warn(`a group of ${size} SPEI IN deliveries failed (${(err as Error).message}); each is persisted on its own`),
      });
    }
  }

  /** How SPEI IN deliveries were persisted since start (for /metrics); all zero when batching is off. */
  get intakeBatchStats(): Readonly<GroupBatchStats> {
    return this.speiIn?.stats ?? NO_BATCHING;
  }

  async receive(e: NewWebhookEvent): Promise<IntakeResult> {
    const { row, inserted } = this.speiIn && e.type === 'spei_in' && isPlainPending(e) ? await this.speiIn.submit(e, laneOf(e.dedupKey)) : await this.persistOne(e);
    if (row && inserted) return { event: row, duplicate: false };
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

  /** One delivery: its row inserted (or found), and its job enqueued if this call created it. */
  private async persistOne(e: NewWebhookEvent): Promise<Found> {
    const found = await this.inbox.insertOrFind(e);
    if (found.row && found.inserted) await this.enqueue(found.row);
    return found;
  }

  /**
   * Deliveries that queued up, in one statement; a key repeated in the group is left to `persistOne` (after this
   * statement, so it finds the row). The rows created get one job between them.
   */
  private async persistGroup(group: NewWebhookEvent[]): Promise<Array<Found | undefined>> {
    const firsts: number[] = [];
    const keys = new Set<string>();
    group.forEach((e, i) => {
      const k = `${e.provider}\u0000${e.type}\u0000${e.dedupKey}`;
      if (!keys.has(k)) firsts.push(i);
      keys.add(k);
    });
    // The job's id is chosen before the statement, which records it on the rows it creates.
    const jobId = `group-${randomUUID()}`;
    const found = await this.inbox.insertOrFindMany(firsts.map((i) => group[i]), undefined, jobId);
    const out: Array<Found | undefined> = new Array(group.length);
    firsts.forEach((i, j) => (out[i] = found[j]));
    const created = found.flatMap((f) => (f?.inserted ? [f.row.id] : []));
    if (created.length > 0) await this.enqueueGroup(jobId, created);
    return out;
  }

  /**
   * One job for SPEI IN rows persisted together (`jobId`, recorded on the rows). The worker applies them as one
   * batch and hands any row that fails to its own job. A queue outage is logged: the sweeper recovers the rows.
   */
  private enqueueGroup(jobId: string, eventIds: string[]): Promise<boolean> {
    return this.add<WebhookGroupJobData>(WEBHOOK_GROUP_JOB, { eventIds }, jobId, undefined, { event_ids: eventIds.length });
  }

  /**
   * Adds the job (jobId = inbox id, so adding twice is a no-op), after `delayMs` if given. A queue outage is
   * logged: the sweeper recovers the row.
   */
  enqueue(event: Pick<WebhookEventRecord, 'id' | 'type'>, jobId: string = event.id, delayMs?: number): Promise<boolean> {
    return this.add<WebhookJobData>(event.type, { eventId: event.id }, jobId, delayMs, { event_id: event.id });
  }

  /** A webhooks job with the configured retries and backoff; false (and a warning) when the queue refuses it. */
  private async add<D>(name: string, data: D, jobId: string, delayMs: number | undefined, logged: Record<string, unknown>): Promise<boolean> {
    try {
      const backoff = { type: 'exponential', delay: this.config.webhookJobBackoffMs };
      await this.queues.queue<D>(QueueName.Webhooks).add(name, data, { jobId, attempts: this.config.webhookJobAttempts, backoff, ...(delayMs ? { delay: delayMs } : {}) });
      return true;
    } catch (err) {
      this.log.warn({ ...logged, err: (err as Error).message }, 'could not enqueue webhook; the sweeper will');
      return false;
    }
  }
}
