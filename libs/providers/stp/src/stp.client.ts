/**
 * STP over HTTP: the document's two outbound operations, JSON bodies (the document sets
 * `Content-Type: application/json`), no authentication (the document describes none), a timeout per
 * call, a circuit breaker. No automatic retries: neither POST is idempotent at the HTTP level —
 * SPEI OUT is made idempotent by its tracking key and retried by the worker, which owns the backoff.
 *
 * Errors leave as domain errors (stp.errors.ts). Logs carry the operation, status and duration,
 * never a body (a beneficiary account can be a card number).
 */
import type { Logger } from 'pino';
import { contextLogger } from '#libs/logging';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { ProviderUnavailableError } from '#libs/domain';
import { breakerFor, createJsonHttp, toTransportFailure, type BreakerClientOptions, type CircuitBreaker } from '#libs/providers/shared';
import { mapStpError, STP, type StpOperation } from './stp.errors.js';
import type { StpCreateClabeRequest, StpCreateClabeResponse } from './wire/clabe-account.wire.js';
import type { StpTransferRequest, StpTransferResponse } from './wire/transfer.wire.js';

export interface StpClientOptions extends BreakerClientOptions {
  /** Where the client logs (the app's AppLogger); silent when not given. */
  logger?: Logger;
  /** e.g. https://stp.ictineoptf.com:8080/stp or http://127.0.0.1:4000/stp */
  baseUrl: string;
  timeoutMs: number;
}

const PATHS: Record<StpOperation, string> = {
  create_clabe: '/clabes',
  transfer: '/transfer',
};

export class StpClient {
  private readonly http: AxiosInstance;
  private readonly breaker: CircuitBreaker;
  private readonly log: Logger;

  constructor(readonly options: StpClientOptions) {
    this.log = contextLogger(options.logger, 'StpClient');
    this.http = createJsonHttp(options);
    this.breaker = breakerFor(options);
  }

  /** POST /clabes — create a CLABE account for a physical person. */
  async createClabe(request: StpCreateClabeRequest): Promise<StpCreateClabeResponse> {
    const res = await this.post<StpCreateClabeResponse>('create_clabe', request);
    const clabe = res.data && typeof res.data === 'object' ? (res.data as Partial<StpCreateClabeResponse>).clabe : undefined;
    if (typeof clabe !== 'string' && typeof clabe !== 'number') {
      throw new ProviderUnavailableError(STP, 'STP answered the CLABE account creation without a CLABE', { operation: 'create_clabe', reason: 'bad_response' });
    }
    return { ...res.data, clabe: String(clabe) };
  }

  /** POST /transfer — register a SPEI OUT order. */
  async registerOrder(request: StpTransferRequest): Promise<StpTransferResponse> {
    const res = await this.post<StpTransferResponse>('transfer', request);
    return res.data && typeof res.data === 'object' ? res.data : {};
  }

  get circuitState(): string {
    return this.breaker.state;
  }

  private async post<T>(operation: StpOperation, body: object): Promise<AxiosResponse<T>> {
    if (!this.breaker.allow()) {
      throw new ProviderUnavailableError(STP, 'STP is failing; calls are paused for a moment (circuit open)', { operation, reason: 'circuit_open' });
    }
    const started = performance.now();
    let res: AxiosResponse<T>;
    try {
      res = await this.http.post<T>(PATHS[operation], body);
    } catch (err) {
      this.breaker.failure();
      const failure = toTransportFailure(err);
      this.log.warn({ provider: STP, operation, failure: failure.kind, ms: Math.round(performance.now() - started) });
      throw mapStpError(operation, failure);
    }
    const ms = Math.round(performance.now() - started);
    if (res.status >= 200 && res.status < 300) {
      this.breaker.success();
      this.log.debug({ provider: STP, operation, status: res.status, ms });
      return res;
    }
    if (res.status >= 500 || res.status === 401 || res.status === 429 || res.status === 408) this.breaker.failure();
    else this.breaker.success();
    this.log.warn({ provider: STP, operation, status: res.status, ms });
    throw mapStpError(operation, { kind: 'http', status: res.status, body: res.data });
  }
}
