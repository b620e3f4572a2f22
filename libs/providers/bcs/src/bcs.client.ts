import type { Logger } from 'pino';
import { contextLogger } from '#libs/logging';
import { ProviderUnavailableError, ValidationError } from '#libs/domain';
import { CircuitBreaker, parseJsonBody } from '#libs/providers/shared';
import { BcsCipher } from './bcs.crypto.js';
import { errorDetail, isErrorAnswer, isSuccessCode, mapBcsError, PROVIDER, type BcsOperation } from './bcs.errors.js';
import { BCS_PATHS, type BcsEnvelope } from './wire/index.js';
import type * as W from './wire/index.js';

/** Header values fixed by configuration (channel, branch, terminal…); keys are the header names' suffixes. */
export type BcsInvokerConfig = Partial<Record<(typeof CONFIG_INVOKER_KEYS)[number], string>>;

export const CONFIG_INVOKER_KEYS = [
  'Channel', 'ATMId', 'BranchId', 'TerminalId', 'Component', 'ServerIPAddress', 'UserMACAddress', 'ServerMACAddress',
  'Source', 'Country', 'ProcessBpmId', 'ProcessId', 'Network', 'subChannel', 'User', 'Action', 'Destination', 'ModifierUser', 'ally',
] as const;

/** Which X-Invoker-* headers each family of operations documents. */
const STANDARD_HEADERS = [
  'Channel', 'ATMId', 'BranchId', 'TerminalId', 'Component', 'UserIPAddress', 'ServerIPAddress', 'UserMACAddress', 'ProcessDate', 'TxId',
  'SessionKey', 'Source', 'Country', 'ProcessBpmId', 'ProcessId', 'Network', 'subChannel', 'User', 'Action', 'Destination', 'ModifierUser',
  'ReferencedNumber', 'RequestNumber', 'CustId',
];
const VALIDATION_HEADERS = [
  'BranchId', 'TerminalId', 'Component', 'UserIPAddress', 'ServerIPAddress', 'UserMACAddress', 'ServerMACAddress', 'ProcessDate', 'TxId',
  'SessionKey', 'Source', 'Country', 'ProcessBpmId', 'ProcessId', 'Network', 'subChannel', 'User', 'Action', 'Destination', 'ModifierUser',
  'ReferencedNumber', 'RequestNumber', 'CustId', 'ally',
];

export interface BcsRequestContext {
  requestId?: string;
  clientIp?: string;
  requestNumber?: string;
  customerId?: string;
}

export interface BcsClientOptions {
  /** Where the client logs (the app's AppLogger); silent when not given. */
  logger?: Logger;
  /** The document's URI, e.g. https://…cloudhub.io/cards-management/v1 (the paths are host-relative). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Bearer token (the document names no token endpoint: it is issued to us and configured). */
  accessToken: string;
  /** AES-128 key shared with BCS for the encrypted acctId / secretid (32 hex digits). */
  cipherKey: string;
  invoker?: BcsInvokerConfig;
  timeoutMs?: number;
  /** Consecutive unavailability failures that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerOpenMs?: number;
  fetch?: typeof fetch;
}

export interface BcsAnswer<T> {
  status: number;
  body: T;
}

/**
 * HTTP client for the BCS cards-management operations. Every call carries the documented headers
 * (`X-Invoker-*` from config and the request context; client_id / client_secret + bearer, or the
 * `X-Security-*` form on the CVV / PIN validations). An answer is a success only when `responseType` is OK —
 * the debit replacement, cycle date and deadlines answer business errors with HTTP 206 — and every
 * documented code becomes a domain error (bcs.errors.ts). Mutations are never retried.
 */
export class BcsClient {
  private readonly log: Logger;
  private readonly root: string;
  private readonly http: typeof fetch;
  readonly cipher: BcsCipher;
  private readonly breaker: CircuitBreaker;
  requestCount = 0;

  constructor(private readonly opts: BcsClientOptions) {
    this.log = contextLogger(opts.logger, 'BcsClient');
    // The document's paths start at the host (/cards-management/v1/…, /cardsManagement/v1/DebitCard).
    this.root = opts.baseUrl.replace(/\/+$/, '').replace(/\/cards-management\/v1$/, '');
    this.http = opts.fetch ?? ((...a) => fetch(...a));
    this.cipher = new BcsCipher(opts.cipherKey);
    // No half-open trial: after the pause BCS gets a fresh count of failures.
    this.breaker = new CircuitBreaker({ threshold: opts.breakerThreshold ?? 5, cooldownMs: opts.breakerOpenMs ?? 30_000, halfOpen: false });
  }

  accountHolds(body: W.AccountHoldsRequest, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('accountHolds', 'POST', BCS_PATHS.accountHolds, ctx, { body });
  }

  creditCardReplacement(body: W.CreditCardReplacementRequest, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('creditCardReplacement', 'POST', BCS_PATHS.creditCardReplacement, ctx, { body });
  }

  debitCardReplacement(body: W.DebitCardReplacementRequest, ctx: BcsRequestContext): Promise<BcsAnswer<W.DebitCardReplacementResponse>> {
    return this.call('debitCardReplacement', 'POST', BCS_PATHS.debitCardReplacement, ctx, { body });
  }

  /** `secretid` is already encrypted (see BcsCipher). */
  creditCardCvv(secretid: string, query: { identserialnum: string; govIssueIdentType: string }, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('creditCardCvv', 'GET', BCS_PATHS.creditCardCvv(secretid), ctx, { query, security: true });
  }

  debitCardPin(secretid: string, query: { identserialnum: string; govIssueIdentType: string }, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('debitCardPin', 'GET', BCS_PATHS.debitCardPin(secretid), ctx, { query, security: true });
  }

  cycleDate(body: W.CycleDateRequest, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('cycleDate', 'PUT', BCS_PATHS.cycleDate, ctx, { body });
  }

  deadlines(body: W.DeadlinesRequest, ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('deadlines', 'PUT', BCS_PATHS.deadlines, ctx, { body });
  }

  /** The document gives only the path, headers and `responseType`: no method (POST: it creates), no body. */
  applyDebitCard(ctx: BcsRequestContext): Promise<BcsAnswer<BcsEnvelope>> {
    return this.call('applyDebitCard', 'POST', BCS_PATHS.applyDebitCard, ctx, {});
  }

  /** The headers of one call (exported for the contract test's header checks). */
  headers(ctx: BcsRequestContext, security: boolean): Record<string, string> {
    const inv = this.opts.invoker ?? {};
    const values: Record<string, string | undefined> = {
      ...inv,
      UserIPAddress: ctx.clientIp,
      ProcessDate: new Date().toISOString().slice(0, 10),
      TxId: ctx.requestId,
      RequestNumber: ctx.requestNumber,
      ReferencedNumber: ctx.requestNumber,
      CustId: ctx.customerId,
    };
    const h: Record<string, string> = { accept: 'application/json' };
    for (const name of security ? VALIDATION_HEADERS : STANDARD_HEADERS) {
      const v = values[name];
      // Header values cannot hold control characters; config and ids are plain text anyway.
      if (v !== undefined && v !== '') h[`X-Invoker-${name}`] = v.replace(/[\r\n]/g, ' ');
    }
    if (security) {
      if (ctx.customerId) h['X-Security-CustLoginIdSi'] = ctx.customerId;
      h['X-Security-ClientID'] = this.opts.clientId;
      h['X-Security-ClientSecret'] = this.opts.clientSecret;
      h['X-Security-Token'] = this.opts.accessToken;
    } else {
      h.client_id = this.opts.clientId;
      h.client_secret = this.opts.clientSecret;
      h.Authorization = `Bearer ${this.opts.accessToken}`;
    }
    return h;
  }

  private async call<T>(op: BcsOperation, method: string, path: string, ctx: BcsRequestContext, o: { body?: unknown; query?: Record<string, string>; security?: boolean }): Promise<BcsAnswer<T>> {
    if (!this.breaker.allow()) throw new ProviderUnavailableError(PROVIDER, 'BCS circuit open after repeated failures', { provider: PROVIDER, operation: op });
    const url = new URL(this.root + path);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const headers = this.headers(ctx, o.security ?? false);
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    this.requestCount++;
    try {
      res = await this.http(url, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body), signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    } catch (err) {
      this.breaker.failure();
      // The URL may carry an encrypted secret: log the operation, never the URL.
      this.log.warn(`BCS ${op} unreachable: ${(err as Error).name}`);
      throw new ProviderUnavailableError(PROVIDER, `BCS ${op} unreachable`, { provider: PROVIDER, operation: op });
    }
    const body = parseJsonBody(await res.text());
    if (res.status >= 500 || res.status === 429) this.breaker.failure();
    else this.breaker.success();
    if (isErrorAnswer(res.status, body) && !isSuccessCode(op, errorDetail(body))) {
      if (body === undefined && res.status >= 200 && res.status < 300) throw new ProviderUnavailableError(PROVIDER, `BCS ${op} answered without a JSON body`, { provider: PROVIDER, operation: op, http_status: res.status });
      throw mapBcsError(op, res.status, body);
    }
    return { status: res.status, body: body as T };
  }
}

/** A clear card number as BCS takes it (13-19 digits). */
export function assertCardNumber(pan: string, field = 'card_number'): void {
  if (!/^\d{13,19}$/.test(pan)) throw new ValidationError(`${field} must be 13-19 digits`, { field });
}
