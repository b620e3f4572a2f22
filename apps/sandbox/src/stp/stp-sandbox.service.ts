import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#libs/config';
import { Clabe, Money } from '#libs/domain';
import {
  checkCreateClabe,
  checkTransfer,
  STP_CLABE_STATUS,
  STP_ORDER_STATUS,
  type StpClabeStatusWebhook,
  type StpCreateClabeRequest,
  type StpCreateClabeResponse,
  type StpSpeiInWebhook,
  type StpSpeiOutStatusWebhook,
  type StpTransferRequest,
  type StpTransferResponse,
} from '#libs/providers/stp';
import { SandboxFaults } from '../common/sandbox-faults.js';
import { StpHttpError } from './stp-sandbox.errors.js';

export const STP_SANDBOX_OPERATIONS = ['clabes', 'transfer'] as const;

export interface SandboxClabeAccount {
  clabe: string;
  accountId: string;
  enterpriseId: string;
  /** 1 active, 0 inactive. */
  status: 0 | 1;
  holder: Omit<StpCreateClabeRequest, 'enterprise_id' | 'account_id'>;
  createdAt: string;
}

export type SandboxOrderState = 'pending' | 'settled' | 'returned';

export interface SandboxOrder {
  id: number;
  trackingKey: string;
  request: StpTransferRequest;
  state: SandboxOrderState;
  /** The outcome chosen in advance (PUT .../outcome); applied when the order is resolved. */
  plannedOutcome?: { outcome: 'settle' | 'return'; cause?: string };
  cause?: string;
  createdAt: string;
  resolvedAt?: string;
}

/** A webhook the simulated STP would send to Pasarela (path relative to the gateway). */
export interface StpOutgoingWebhook {
  kind: 'clabe_status' | 'spei_in' | 'spei_out_status';
  path: string;
  payload: StpClabeStatusWebhook | StpSpeiInWebhook | StpSpeiOutStatusWebhook;
}

/** Gateway receiver paths (DESIGN: /webhooks/stp/{clabe-status|spei-in|spei-out}). */
export const STP_WEBHOOK_PATHS = Object.freeze({
  clabe_status: '/webhooks/stp/clabe-status',
  spei_in: '/webhooks/stp/spei-in',
  spei_out_status: '/webhooks/stp/spei-out',
});

/** Sandbox STP CLABEs: 646 (STP) + 180 (plaza CDMX) + 1233 (enterprise prefix) + 7-digit sequence + check digit. */
const CLABE_PREFIX = { bank: '646', plaza: '180', enterprise: '1233' };

/** How long after answering a CLABE creation STP's "CLABE status: active" webhook follows. */
const CLABE_ACTIVATION_DELAY_MS = 300;

/**
 * The simulated STP's state: CLABE accounts, SPEI OUT orders, planned failures. In memory.
 * Webhook sending is a later step: every state change that STP would notify builds its payload
 * (the `build*Webhook` methods) and hands it to the listeners registered with `onWebhook`.
 */
@Injectable()
export class StpSandboxService implements OnModuleDestroy {
  readonly faults = new SandboxFaults();
  /** Accepted orders resolve (and their status webhook is sent) this long after arriving; 0 = only on command. */
  autoResolveMs: number;
  /** Outcomes for the next accepted orders, in order (QA cannot know a tracking key Pasarela has not generated yet). */
  private nextOutcomes: Array<{ outcome: 'settle' | 'return'; cause?: string }> = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private accounts = new Map<string, SandboxClabeAccount>();
  private accountsById = new Map<string, string>();
  private orders = new Map<string, SandboxOrder>();
  private nextSequence = 1000;
  private nextOrderId = 8610843;
  private readonly listeners: Array<(webhook: StpOutgoingWebhook) => void> = [];

  constructor(@Inject(AppConfig) private readonly config: AppConfig) {
    this.autoResolveMs = config.stpSandboxAutoResolveMs;
  }

  onModuleDestroy(): void {
    this.clearTimers();
  }

  // ---- provider operations ----

  createClabe(body: Record<string, unknown>): StpCreateClabeResponse {
    const problems = checkCreateClabe(body);
    if (problems.length) throw new StpHttpError(400, problems.map((p) => p.message).join('; '));
    const req = body as unknown as StpCreateClabeRequest;
    if (String(req.enterprise_id) !== this.config.stpEnterpriseId) throw new StpHttpError(403, 'enterprise_id is not enabled for this client');
    const accountId = String(req.account_id);
    if (this.accountsById.has(accountId)) throw new StpHttpError(409, 'account_id already has a CLABE account');
    let clabe: string;
    do {
      clabe = Clabe.compose(CLABE_PREFIX.bank, CLABE_PREFIX.plaza, `${CLABE_PREFIX.enterprise}${String(this.nextSequence++).padStart(7, '0')}`).value;
    } while (this.accounts.has(clabe) || clabe === this.config.stpPayerAccount);
    const { enterprise_id: _e, account_id: _a, ...holder } = req;
    const account: SandboxClabeAccount = {
      clabe,
      accountId,
      enterpriseId: String(req.enterprise_id),
      status: STP_CLABE_STATUS.ACTIVE,
      holder: Object.fromEntries(Object.entries(holder).map(([k, v]) => [k, String(v)])) as SandboxClabeAccount['holder'],
      createdAt: new Date().toISOString(),
    };
    this.accounts.set(clabe, account);
    this.accountsById.set(accountId, clabe);
    // STP activates the account after answering: the client has the CLABE (and has mapped it) by then.
    this.later(CLABE_ACTIVATION_DELAY_MS, () => {
      if (this.accounts.get(clabe) === account) this.emit({ kind: 'clabe_status', path: STP_WEBHOOK_PATHS.clabe_status, payload: this.buildClabeStatusWebhook(clabe) });
    });
    return { clabe, account_id: accountId };
  }

  transfer(body: Record<string, unknown>): StpTransferResponse {
    const problems = checkTransfer(body);
    if (problems.length) throw new StpHttpError(400, problems.map((p) => p.message).join('; '));
    const req = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, String(v)])) as unknown as StpTransferRequest;
    if (req.enterprise !== this.config.stpEnterprise) throw new StpHttpError(403, 'enterprise is not enabled for this client');
    if (this.orders.has(req.tracking_key)) throw new StpHttpError(409, 'tracking_key already registered');
    if (req.payer_account !== this.config.stpPayerAccount) {
      const payer = this.accounts.get(req.payer_account);
      if (!payer) throw new StpHttpError(404, 'payer_account not found');
      if (payer.status !== STP_CLABE_STATUS.ACTIVE) throw new StpHttpError(403, 'payer_account is inactive');
    }
    const order: SandboxOrder = {
      id: this.nextOrderId++,
      trackingKey: req.tracking_key,
      request: { ...req, amount: Money.parse(req.amount).toDecimalString() },
      state: 'pending',
      createdAt: new Date().toISOString(),
    };
    const next = this.nextOutcomes.shift();
    if (next) order.plannedOutcome = next;
    this.orders.set(order.trackingKey, order);
    if (this.autoResolveMs > 0) this.scheduleResolve(order.trackingKey, this.autoResolveMs);
    return { id: order.id, tracking_key: order.trackingKey };
  }

  // ---- sandbox controls ----

  account(clabe: string): SandboxClabeAccount | undefined {
    return this.accounts.get(clabe);
  }

  setClabeStatus(clabe: string, status: 0 | 1): StpClabeStatusWebhook {
    const account = this.accounts.get(clabe);
    if (!account) throw new StpHttpError(404, 'clabe not found');
    account.status = status;
    const payload = this.buildClabeStatusWebhook(clabe);
    this.emit({ kind: 'clabe_status', path: STP_WEBHOOK_PATHS.clabe_status, payload });
    return payload;
  }

  order(trackingKey: string): SandboxOrder | undefined {
    return this.orders.get(trackingKey);
  }

  listOrders(): SandboxOrder[] {
    return [...this.orders.values()];
  }

  planOutcome(trackingKey: string, outcome: 'settle' | 'return', cause?: string): SandboxOrder {
    const order = this.requireOrder(trackingKey);
    order.plannedOutcome = { outcome, cause };
    return order;
  }

  /** Settles or returns a pending order now (the planned outcome when `outcome` is omitted; settle by default). */
  resolveOrder(trackingKey: string, outcome?: 'settle' | 'return', cause?: string): { order: SandboxOrder; webhook: StpSpeiOutStatusWebhook } {
    const order = this.requireOrder(trackingKey);
    if (order.state !== 'pending') throw new StpHttpError(409, `order already ${order.state}`);
    const chosen = outcome ?? order.plannedOutcome?.outcome ?? 'settle';
    order.state = chosen === 'settle' ? 'settled' : 'returned';
    order.cause = cause ?? order.plannedOutcome?.cause ?? (chosen === 'settle' ? 'Liquidación' : 'Devolución');
    order.resolvedAt = new Date().toISOString();
    const webhook = this.buildSpeiOutStatusWebhook(order);
    this.emit({ kind: 'spei_out_status', path: STP_WEBHOOK_PATHS.spei_out_status, payload: webhook });
    return { order, webhook };
  }

  /** A SPEI IN to `clabe` (any valid CLABE: an unknown one exercises the gateway's suspense path). */
  speiIn(clabe: string, amount: string, reference?: string): StpSpeiInWebhook {
    const payload = this.buildSpeiInWebhook(clabe, Money.parse(amount), reference ?? `SBX${randomBytes(6).toString('hex').toUpperCase()}`);
    this.emit({ kind: 'spei_in', path: STP_WEBHOOK_PATHS.spei_in, payload });
    return payload;
  }

  /** The outcome the next `count` accepted orders get when they resolve. */
  planNextOutcomes(outcome: 'settle' | 'return', count = 1, cause?: string): Array<{ outcome: 'settle' | 'return'; cause?: string }> {
    for (let i = 0; i < count; i++) this.nextOutcomes.push({ outcome, cause });
    return this.pendingOutcomes();
  }

  pendingOutcomes(): Array<{ outcome: 'settle' | 'return'; cause?: string }> {
    return this.nextOutcomes.map((o) => ({ ...o }));
  }

  reset(): void {
    this.clearTimers();
    this.nextOutcomes = [];
    this.autoResolveMs = this.config.stpSandboxAutoResolveMs;
    this.accounts.clear();
    this.accountsById.clear();
    this.orders.clear();
    this.faults.clear();
  }

  // ---- the webhook seam ----

  /** "Webhook of CLABE status": { clabe, status: 1 | 0 }. */
  buildClabeStatusWebhook(clabe: string): StpClabeStatusWebhook {
    const account = this.accounts.get(clabe);
    if (!account) throw new StpHttpError(404, 'clabe not found');
    return { clabe, status: account.status };
  }

  /** "Webhook of SPEI OUT": { id, folio (tracking key), status 1 settled / 0 returned, cause }. */
  buildSpeiOutStatusWebhook(order: SandboxOrder): StpSpeiOutStatusWebhook {
    if (order.state === 'pending') throw new StpHttpError(409, 'order is still pending');
    return {
      id: order.id,
      folio: order.trackingKey,
      status: order.state === 'settled' ? STP_ORDER_STATUS.SETTLED : STP_ORDER_STATUS.RETURNED,
      cause: order.cause ?? '',
    };
  }

  /** "Webhook of SPEI IN": { clabe, reference, amount "10.50" }. */
  buildSpeiInWebhook(clabe: string, amount: Money, reference: string): StpSpeiInWebhook {
    Clabe.parse(clabe);
    if (!amount.isPositive()) throw new StpHttpError(400, 'amount must be positive');
    return { clabe, reference, amount: amount.toDecimalString() };
  }

  /** Where a later webhook sender plugs in (sign + POST to the gateway). */
  onWebhook(listener: (webhook: StpOutgoingWebhook) => void): void {
    this.listeners.push(listener);
  }

  private emit(webhook: StpOutgoingWebhook): void {
    for (const l of this.listeners) l(webhook);
  }

  private scheduleResolve(trackingKey: string, ms: number): void {
    // Resolved by hand meanwhile (or reset): nothing to do.
    this.later(ms, () => {
      if (this.orders.get(trackingKey)?.state === 'pending') this.resolveOrder(trackingKey);
    });
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private requireOrder(trackingKey: string): SandboxOrder {
    const order = this.orders.get(trackingKey);
    if (!order) throw new StpHttpError(404, 'order not found');
    return order;
  }
}
