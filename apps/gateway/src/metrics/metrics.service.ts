import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { QueueFactory, ALL_QUEUES } from '#libs/queue';
import { DatabasePool } from '#libs/database';
import { CredencialAuthorizer, WebhookIntakeService, type GroupBatchStats } from '#libs/inbox';
import { SYSTEM_ACCOUNTS } from '#libs/ledger';

/**
 * Prometheus metrics of this gateway. One registry per app instance (not prom-client's global
 * one), so several apps in one process — tests — do not collide.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    @Inject(QueueFactory) queues: QueueFactory,
    @Inject(DatabasePool) database: DatabasePool,
    @Inject(CredencialAuthorizer) authorizer: CredencialAuthorizer,
    @Inject(WebhookIntakeService) intake: WebhookIntakeService,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'pasarela_' });
    this.requests = new Counter({
      name: 'pasarela_http_requests_total',
      help: 'HTTP requests by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'pasarela_http_request_duration_seconds',
      help: 'HTTP request latency by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    new Gauge({
      name: 'pasarela_queue_jobs',
      help: 'Jobs per queue and state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        try {
          for (const name of ALL_QUEUES) queues.queue(name);
          for (const d of await queues.depths()) {
            for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) this.set({ queue: d.queue, state }, d[state]);
          }
        } catch {
          // The queue backend being down shows in /health/ready; metrics still answer.
        }
      },
    });
    new Gauge({
      name: 'pasarela_webhook_events',
      help: 'Provider webhook inbox rows not applied, by provider, type and status (FAILED = dead letter, UNMATCHED = surfaced, PENDING = backlog)',
      labelNames: ['provider', 'type', 'status'],
      registers: [this.registry],
      async collect() {
        try {
          this.reset();
          const { rows } = await database.query(
            `select provider, type, status, count(*)::int as count from webhook_events where status <> 'APPLIED' group by provider, type, status`,
          );
          for (const r of rows) this.set({ provider: r.provider, type: r.type, status: r.status }, r.count);
        } catch {
          // Database down shows in /health/ready.
        }
      },
    });
    new Gauge({
      name: 'pasarela_suspense_balance_centavos',
      help: 'Posted balance of the suspense account (money received for unknown or inactive CLABEs), in centavos; above zero means someone must route it',
      registers: [this.registry],
      async collect() {
        try {
          const { rows } = await database.query(`select (credits_posted - debits_posted)::text as balance from ledger_accounts where id = $1`, [SYSTEM_ACCOUNTS.suspense.id]);
          // Centavos as a float64 sample: exact up to 2^53 centavos (~90 trillion pesos).
          this.set(rows[0] ? Number(rows[0].balance) : 0);
        } catch {
          // as above
        }
      },
    });
    this.statementsCounter(
      'pasarela_credencial_debit_statements_total',
      'Credencial DEBIT authorization statements: one DEBIT alone, or a group of DEBITs that queued up (failed groups counted apart too)',
      () => authorizer.debitBatchStats,
    );
    const itemsSeen = new Map<string, number>();
    new Counter({
      name: 'pasarela_credencial_debits_grouped_total',
      help: 'Credencial DEBITs sent in group statements: authorized there, or left to the one-DEBIT statement (declines, redeliveries, a card twice, failed groups)',
      labelNames: ['result'],
      registers: [this.registry],
      collect() {
        const s = authorizer.debitBatchStats;
        MetricsService.runningTotal(this, itemsSeen, { result: 'authorized' }, s.grouped - s.leftOut);
        MetricsService.runningTotal(this, itemsSeen, { result: 'left_out' }, s.leftOut);
      },
    });
    this.statementsCounter(
      'pasarela_webhook_intake_statements_total',
      'Statements persisting STP SPEI IN deliveries: one delivery alone, or a group of deliveries that queued up (failed groups counted apart too)',
      () => intake.intakeBatchStats,
    );
    new Gauge({
      name: 'pasarela_webhook_conflicts',
      help: 'Webhook redeliveries with a known dedup key and a different payload (each one alerted), by provider and type',
      labelNames: ['provider', 'type'],
      registers: [this.registry],
      async collect() {
        try {
          this.reset();
          const { rows } = await database.query(`select provider, type, sum(conflict_count)::int as n from webhook_events where conflict_count > 0 group by provider, type`);
          for (const r of rows) this.set({ provider: r.provider, type: r.type }, r.n);
        } catch {
          // as above
        }
      },
    });
  }

  /** A `{kind=alone|group|group_failed}` counter of a GroupBatcher's statements, read from its running totals. */
  private statementsCounter(name: string, help: string, stats: () => Readonly<GroupBatchStats>): void {
    const seen = new Map<string, number>();
    new Counter({
      name,
      help,
      labelNames: ['kind'],
      registers: [this.registry],
      collect() {
        const s = stats();
        MetricsService.runningTotal(this, seen, { kind: 'alone' }, s.alone);
        MetricsService.runningTotal(this, seen, { kind: 'group' }, s.groups);
        MetricsService.runningTotal(this, seen, { kind: 'group_failed' }, s.failedGroups);
      },
    });
  }

  // Counters over running totals kept elsewhere (the batchers'): each scrape adds what happened since the last one.
  private static runningTotal<L extends string>(counter: Counter<L>, seen: Map<string, number>, labels: Record<L, string>, total: number): void {
    const key = JSON.stringify(labels);
    const delta = total - (seen.get(key) ?? 0);
    if (delta > 0) counter.inc(labels, delta);
    seen.set(key, total);
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
