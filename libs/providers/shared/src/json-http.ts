/**
 * The HTTP plumbing the JSON providers share: for the axios ones (STP, Credencial) one instance
 * configured the same way, the classification of "no answer at all" into timeout / network, and the
 * breaker built from the client options; for the fetch ones (NeCIPCo, BCS) the lenient parse of an
 * answer's body. What each provider does with an answer (retries, error mapping) stays in its client.
 */
import axios, { type AxiosInstance } from 'axios';
import { CircuitBreaker } from './circuit-breaker.js';

export interface JsonHttpOptions {
  baseUrl: string;
  timeoutMs: number;
}

export interface BreakerClientOptions {
  /** Consecutive transient failures that open the circuit (default 5) and how long it stays open (default 30 s). */
  breakerThreshold?: number;
  breakerCooldownMs?: number;
}

/** A failure with no HTTP answer. */
export type TransportFailure = { kind: 'timeout' } | { kind: 'network'; code?: string };

export function createJsonHttp(options: JsonHttpOptions): AxiosInstance {
  return axios.create({
    baseURL: options.baseUrl.replace(/\/+$/, ''),
    timeout: options.timeoutMs,
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    // Every status is an answer we map ourselves; axios only throws for no answer at all.
    validateStatus: () => true,
    maxRedirects: 0,
    transitional: { clarifyTimeoutError: true },
  });
}

export function breakerFor(options: BreakerClientOptions): CircuitBreaker {
  return new CircuitBreaker({ threshold: options.breakerThreshold ?? 5, cooldownMs: options.breakerCooldownMs ?? 30_000 });
}

/** What axios threw when no answer came: built from the code only, never from the request (it may hold card data). */
export function toTransportFailure(err: unknown): TransportFailure {
  const e = err as { code?: string; name?: string };
  if (e?.code === 'ETIMEDOUT' || e?.code === 'ECONNABORTED' || e?.name === 'TimeoutError') return { kind: 'timeout' };
  return { kind: 'network', code: typeof e?.code === 'string' ? e.code : undefined };
}

/** An answer's text as JSON; undefined when it is empty or not JSON (the caller decides what that means). */
export function parseJsonBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
