import { randomInt, randomUUID } from 'node:crypto';
import { Clabe } from '#libs/domain';
import { DEV_WEBHOOK_SECRET } from '#libs/config';
import { signWebhook } from '#libs/inbox';
import { LedgerService } from '#libs/ledger';
import { QueueFactory, QueueName } from '#libs/queue';
import { call, type TestGateway } from './gateway.js';

/** A fresh valid STP CLABE (646 / 180 / enterprise 1233 + 7 random digits). */
export function newClabe(): string {
  return Clabe.compose('646', '180', `1233${String(randomInt(0, 10_000_000)).padStart(7, '0')}`).value;
}

export interface SendOptions {
  secret?: string;
  webhookId?: string;
  timestamp?: number;
  headers?: Record<string, string>;
  unsigned?: boolean;
}

/** POSTs a webhook signed like a provider (Standard Webhooks) with the development secret. */
export async function sendWebhook(gw: { url: string }, path: string, body: unknown, opts: SendOptions = {}): Promise<{ status: number; body: any }> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const id = opts.webhookId ?? `msg_${randomUUID()}`;
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(opts.headers ?? {}) };
  if (!opts.unsigned) {
    headers['webhook-id'] = id;
    headers['webhook-timestamp'] = String(ts);
    headers['webhook-signature'] = signWebhook(opts.secret ?? DEV_WEBHOOK_SECRET, id, ts, raw);
  }
  const res = await fetch(`${gw.url}${path}`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

/** Polls the inbox API until the event leaves PENDING (or the timeout). */
export async function settled(gw: TestGateway, id: string, timeoutMs = 15_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(gw, 'GET', `/v1/webhook-events/${id}`, { key: gw.adminKey });
    if (r.status === 200 && r.body.status !== 'PENDING') return r.body;
    if (Date.now() > deadline) throw new Error(`event ${id} still ${r.body?.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** A customer (liability, no overdraft) ledger account, funded with `centavos` from stp:settlement. */
export async function fundedAccount(ledger: LedgerService, centavos: bigint): Promise<string> {
  const account = await ledger.createAccount({ code: `test:wh:${randomUUID()}`, type: 'liability', flags: { debitsMustNotExceedCredits: true } });
  if (centavos > 0n) {
    await ledger.transfer({ idempotencyKey: `fund:${account.id}`, legs: [{ debitAccountId: '00000000-0000-4000-8000-000000000001', creditAccountId: account.id, amount: centavos, kind: 'funding' }] });
  }
  return account.id;
}

export function debitPayload(accountNumber: string, emi: string, amount: number | string, reference: string): Record<string, unknown> {
  return {
    emi_account_reference: '0001003143',
    emi_account_identifier: emi,
    account_number: Number(accountNumber),
    amount,
    currency: 484,
    amount_liq: amount,
    currency_liq: 484,
    identifier_adq: '123456',
    reference,
    commission: 0,
    commission_liq: 0,
    origin: 'MASTER_POS',
    reason: 0,
    acquirer: 'TEST',
    city: 'CDMX',
    date: '18/12/2012 03:29:30 PM',
    terminal: 'TERM0001',
    trade_name: 'TEST STORE',
  };
}

export function reversePayload(accountNumber: string, emi: string, amount: number | string, reference: string): Record<string, unknown> {
  return {
    emi_account_identifier: emi,
    account_number: Number(accountNumber),
    identifier_adq: '123456',
    origin: 'MASTER_POS',
    reverse_reason: 'REVERSO',
    amount,
    currency: 484,
    amount_liq: amount,
    currency_liq: 484,
    date: '18/12/2012 03:35:30 PM',
    reference,
    trade_name: 'TEST STORE',
  };
}

/**
 * Counts the jobs this gateway adds to the webhooks queue until `stop()` (the count so far). A receiver that
 * refuses a webhook must add none.
 */
export function watchEnqueues(gw: TestGateway): { count: () => number; stop: () => number } {
  const queue = gw.app.get(QueueFactory).queue(QueueName.Webhooks) as { add: (...args: unknown[]) => Promise<unknown> };
  const original = queue.add;
  let n = 0;
  queue.add = function (this: unknown, ...args: unknown[]) {
    n++;
    return original.apply(this, args);
  };
  return {
    count: () => n,
    stop: () => {
      queue.add = original;
      return n;
    },
  };
}
