import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { ApiKeysService } from '../../apps/gateway/src/auth/api-keys.service.js';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app.js';

export interface TestGateway {
  app: NestFastifyApplication;
  url: string;
  /** An admin key, created for this gateway. */
  adminKey: string;
  keyWith(...scopes: string[]): Promise<string>;
  /** Everything the gateway logged so far (JSON lines). */
  logs(): string;
  close(): Promise<void>;
}

/**
 * Boots the real gateway in-process on a random port, against the run's database and Redis
 * prefix (set by global-setup), and talks to it over HTTP with fetch.
 */
export async function startGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', ...env });
  const app = await createGatewayApp(config, { logDestination: sink });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const keys = app.get(ApiKeysService);
  const keyWith = async (...scopes: string[]) => (await keys.create(`test ${scopes.join(' ')}`, scopes)).key;
  const adminKey = await keyWith('admin');
  return { app, url, adminKey, keyWith, logs: () => chunks.join(''), close: () => app.close() };
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
  idempotencyKey?: string;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch with JSON in and out; `key` becomes a Bearer token. */
export async function call<T = any>(gw: TestGateway, method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const res = await fetch(`${gw.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (metrics, HTML); keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}
