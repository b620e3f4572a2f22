/**
 * The STP sandbox's webhook sender against a stand-in receiver: every webhook STP would send (CLABE status,
 * SPEI IN, SPEI OUT status) is POSTed to GATEWAY_URL + /webhooks/stp/…, signed (Standard Webhooks, verified
 * here with the gateway's own verifier), retried on 5xx with the same webhook-id, and not retried on a 4xx.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigModule, DEV_WEBHOOK_SECRET, loadConfig } from '#libs/config';
import { verifyWebhook } from '#libs/inbox';
import { StpSandboxModule } from '../apps/sandbox/src/stp/stp-sandbox.module.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('STP sandbox webhook sender', () => {
  let receiver: Server;
  let received: Received[] = [];
  let answers: number[] = [];
  let sandbox: NestFastifyApplication;
  let base: string;

  async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  async function deliveries(n: number): Promise<any[]> {
    for (let i = 0; i < 200; i++) {
      const list = (await admin('GET', '/sandbox/stp/webhooks')).body.deliveries as any[];
      const done = list.filter((d) => d.state !== 'delivering');
      if (done.length >= n) return done;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('deliveries did not finish');
  }

  const verified = (r: Received) =>
    verifyWebhook({ hmacSecrets: [DEV_WEBHOOK_SECRET], toleranceSeconds: 300, ipAllowlist: [], basicAuth: { username: 'stp', password: 'hook-pass' } }, { rawBody: Buffer.from(r.body), headers: r.headers, sourceIp: '127.0.0.1' });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += String(c)));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.statusCode = answers.shift() ?? 200;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const gatewayUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const config = loadConfig({ LOG_LEVEL: 'silent', GATEWAY_URL: gatewayUrl, STP_SANDBOX_AUTO_RESOLVE_MS: '0', STP_WEBHOOK_BASIC_AUTH: 'stp:hook-pass' }, {});
    @Module({ imports: [ConfigModule.forRoot(config), StpSandboxModule] })
    class Root {}
    sandbox = await NestFactory.create<NestFastifyApplication>(Root, new FastifyAdapter(), { logger: false });
    await sandbox.listen(0, '127.0.0.1');
    base = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await sandbox?.close();
    await new Promise((r) => receiver.close(r));
  });

  beforeEach(async () => {
    received = [];
    answers = [];
    await admin('POST', '/stp/_sandbox/reset');
  });

  it('sends SPEI IN, CLABE status and SPEI OUT status webhooks to their gateway paths, signed and with basic auth', async () => {
    const created = await admin('POST', '/stp/clabes', { enterprise_id: 'pasarela-sandbox', account_id: 'wh-1', name: 'Ana', last_name: 'Lopez', birth_date: '19900131', rfc_or_curp: 'LOAA900131MDFPNN09', federal_entity: '9', economy_activity: '1', country_of_birth: '187' });
    expect(created.status).toBe(201);
    const clabe = created.body.clabe;
    expect((await admin('POST', '/sandbox/stp/deposits', { clabe, amount: '150.00', reference: 'MBAN000000212' })).status).toBe(200);
    const order = await admin('POST', '/stp/transfer', { payer_account: clabe, beneficiary_name: 'LUIS TRUTIE RODRIGUEZ', beneficiary_account: '012180029588856995', beneficiary_account_type: '40', counterpart_institution: '40012', beneficiary_rfc_curp: 'ND', amount: '5.04', payment_concept: 'Envio de SPEI', numeric_reference: '12345', tracking_key: 'ICTINEO000000001', enterprise: 'PASARELA' });
    expect(order.status).toBe(200);
    expect((await admin('POST', '/sandbox/stp/orders/ICTINEO000000001/settle')).status).toBe(200);
    const done = await deliveries(3);
    expect(done.every((d) => d.state === 'delivered' && d.attempts === 1)).toBe(true);
    const byPath = new Map(received.map((r) => [r.path, r]));
    expect(JSON.parse(byPath.get('/webhooks/stp/spei-in')!.body)).toEqual({ clabe, reference: 'MBAN000000212', amount: '150.00' });
    expect(JSON.parse(byPath.get('/webhooks/stp/clabe-status')!.body)).toEqual({ clabe, status: 1 });
    expect(JSON.parse(byPath.get('/webhooks/stp/spei-out')!.body)).toEqual({ id: order.body.id, folio: 'ICTINEO000000001', status: 1, cause: 'Liquidación' });
    for (const r of received) expect({ path: r.path, result: verified(r) }).toEqual({ path: r.path, result: { ok: true } });
    // A tampered body would not verify.
    expect(verified({ ...received[0]!, body: received[0]!.body.replace('1', '2') }).ok).toBe(false);
  });

  it('retries a 5xx (same webhook-id, backoff) until delivered; a 4xx is not retried', async () => {
    answers = [503, 500, 200];
    await admin('POST', '/sandbox/stp/deposits', { clabe: '646180123300000408', amount: '1.00' });
    const [first] = await deliveries(1);
    expect(first).toMatchObject({ state: 'delivered', attempts: 3, last_status: 200, kind: 'spei_in' });
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    received = [];
    answers = [401];
    await admin('POST', '/sandbox/stp/deposits', { clabe: '646180123300000408', amount: '2.00' });
    const list = await deliveries(2);
    expect(list[0]).toMatchObject({ state: 'rejected', attempts: 1, last_status: 401 });
    expect(received).toHaveLength(1);
  });
});
