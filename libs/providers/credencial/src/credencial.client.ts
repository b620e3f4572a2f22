/**
 * Credencial over HTTP: the document's five outbound operations, JSON bodies, no authentication
 * (the document describes none), a timeout per call, a circuit breaker, and bounded retries with
 * backoff for the idempotent calls only (GET status, PUT status). POSTs are never retried here.
 *
 * Card data: the nomination path carries the card number and the NIP bodies carry NIPs and the
 * security code. Nothing of that is logged (log lines name the route template, status and
 * duration), kept, or put into an error (errors are built from the status, never from axios).
 */
import type { Logger } from 'pino';
import { contextLogger } from '#libs/logging';
import type { AxiosInstance, AxiosResponse, Method } from 'axios';
import { ProviderUnavailableError } from '#libs/domain';
import { breakerFor, createJsonHttp, toTransportFailure, type BreakerClientOptions, type CircuitBreaker } from '#libs/providers/shared';
import { CREDENCIAL, isTransient, mapCredencialError, type CredencialFailure, type CredencialOperation } from './credencial.errors.js';
import type { CredencialCardStatusResponse, CredencialUpdateStatusRequest } from './wire/card-status.wire.js';
import type { CredencialInitialNipRequest, CredencialUpdateNipRequest } from './wire/nip.wire.js';
import type { CredencialNominationRequest, CredencialNominationResponse } from './wire/nomination.wire.js';

export interface CredencialClientOptions extends BreakerClientOptions {
  /** Where the client logs (the app's AppLogger); silent when not given. */
  logger?: Logger;
  /** e.g. http://credencial.ictineoptf.com/credential or http://127.0.0.1:4000/credential */
  baseUrl: string;
  timeoutMs: number;
  /** Retries of idempotent calls on transient failures (default 2). */
  maxRetries?: number;
  /** First backoff delay; doubles per retry, with jitter (default 200 ms). */
  retryBaseDelayMs?: number;
}

const ROUTES: Record<CredencialOperation, { method: Method; template: string; idempotent: boolean }> = {
  nominate: { method: 'POST', template: '/nomination/:card_number', idempotent: false },
  get_status: { method: 'GET', template: '/cards/:account_number/status', idempotent: true },
  update_status: { method: 'PUT', template: '/cards/:account_number/status', idempotent: true },
  initial_nip: { method: 'POST', template: '/cards/:account_number/initial_nip', idempotent: false },
  update_nip: { method: 'POST', template: '/cards/:account_number/update_nip', idempotent: false },
};

export class CredencialClient {
  private readonly http: AxiosInstance;
  private readonly breaker: CircuitBreaker;
  private readonly log: Logger;

  constructor(readonly options: CredencialClientOptions) {
    this.log = contextLogger(options.logger, 'CredencialClient');
    this.http = createJsonHttp(options);
    this.breaker = breakerFor(options);
  }

  /** POST /nomination/:card_number — assign the card to the account with the cardholder's data. */
  async nominate(cardNumber: string, body: CredencialNominationRequest): Promise<CredencialNominationResponse> {
    return this.call<CredencialNominationResponse>('nominate', `/nomination/${encodeURIComponent(cardNumber)}`, body);
  }

  /** GET /cards/:account_number/status */
  async getStatus(accountNumber: string): Promise<CredencialCardStatusResponse> {
    return this.call<CredencialCardStatusResponse>('get_status', `/cards/${encodeURIComponent(accountNumber)}/status`);
  }

  /** PUT /cards/:account_number/status */
  async updateStatus(accountNumber: string, body: CredencialUpdateStatusRequest): Promise<CredencialCardStatusResponse> {
    return this.call<CredencialCardStatusResponse>('update_status', `/cards/${encodeURIComponent(accountNumber)}/status`, body);
  }

  /** POST /cards/:account_number/initial_nip */
  async initialNip(accountNumber: string, body: CredencialInitialNipRequest): Promise<Record<string, unknown>> {
    return this.call('initial_nip', `/cards/${encodeURIComponent(accountNumber)}/initial_nip`, body);
  }

  /** POST /cards/:account_number/update_nip */
  async updateNip(accountNumber: string, body: CredencialUpdateNipRequest): Promise<Record<string, unknown>> {
    return this.call('update_nip', `/cards/${encodeURIComponent(accountNumber)}/update_nip`, body);
  }

  get circuitState(): string {
    return this.breaker.state;
  }

  private async call<T>(operation: CredencialOperation, url: string, body?: object): Promise<T> {
    const route = ROUTES[operation];
    const attempts = route.idempotent ? 1 + (this.options.maxRetries ?? 2) : 1;
    let last: CredencialFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(this.backoff(attempt - 1));
      if (!this.breaker.allow()) {
        throw new ProviderUnavailableError(CREDENCIAL, 'Credencial is failing; calls are paused for a moment (circuit open)', { operation, reason: 'circuit_open' });
      }
      const started = performance.now();
      let res: AxiosResponse<T> | undefined;
      try {
        res = await this.http.request<T>({ method: route.method, url, data: body });
      } catch (err) {
        last = toTransportFailure(err);
      }
      const ms = Math.round(performance.now() - started);
      if (res && res.status >= 200 && res.status < 300) {
        this.breaker.success();
        this.log.debug({ provider: CREDENCIAL, operation, route: route.template, status: res.status, ms, attempt });
        return (res.data && typeof res.data === 'object' ? res.data : {}) as T;
      }
      if (res) last = { kind: 'http', status: res.status, body: res.data };
      const failure = last!;
      if (isTransient(failure) || (failure.kind === 'http' && failure.status === 401)) this.breaker.failure();
      else this.breaker.success();
      this.log.warn({ provider: CREDENCIAL, operation, route: route.template, status: failure.kind === 'http' ? failure.status : failure.kind, ms, attempt });
      if (!isTransient(failure)) break;
    }
    throw mapCredencialError(operation, last!);
  }

  private backoff(retry: number): number {
    const base = this.options.retryBaseDelayMs ?? 200;
    const exp = base * 2 ** (retry - 1);
    return Math.round(exp / 2 + Math.random() * (exp / 2));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
