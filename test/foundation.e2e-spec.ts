import { randomUUID } from 'node:crypto';
import { call, startGateway, type TestGateway } from './support/gateway.js';

describe('gateway foundation (e2e)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ LOG_LEVEL: 'debug', BODY_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  describe('health', () => {
    it('answers liveness', async () => {
      const live = await call(gw, 'GET', '/health/live');
      expect(live.status).toBe(200);
      expect(live.body.status).toBe('ok');
    });

    it('answers readiness with Postgres and the queue backend', async () => {
      const ready = await call(gw, 'GET', '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info.database.status).toBe('up');
      expect(ready.body.info.queue).toEqual({ status: 'up', backend: 'redis' });
    });
  });

  describe('docs', () => {
    it('serves Swagger UI and the OpenAPI document', async () => {
      const ui = await call(gw, 'GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.text).toContain('swagger');
      const doc = await call(gw, 'GET', '/docs-json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toMatch(/^3\./);
      expect(doc.body.paths['/v1/api-keys'].post.responses['401']).toBeDefined();
    });
  });

  describe('problem+json and correlation ids', () => {
    it('echoes a caller X-Request-Id and puts it in the problem', async () => {
      const res = await call(gw, 'GET', '/v1/nowhere', { key: gw.adminKey, headers: { 'x-request-id': 'qa-trace-42' } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('x-request-id')).toBe('qa-trace-42');
      expect(res.body).toMatchObject({ status: 404, code: 'not_found', request_id: 'qa-trace-42', instance: '/v1/nowhere' });
      expect(res.body.type).toMatch(/^https:\/\/pasarela\.dev\/problems\//);
    });

    it('makes up a request id when none (or an unsafe one) is sent', async () => {
      const res = await call(gw, 'GET', '/health/live', { headers: { 'x-request-id': 'bad id with spaces' } });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('rejects unknown fields, naming them (forbidNonWhitelisted)', async () => {
      const res = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { name: 'x', scopes: ['cards:read'], surprise: 1 } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'surprise' })]));
    });

    it('names each invalid field', async () => {
      const res = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { name: '', scopes: ['root'] } });
      expect(res.status).toBe(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'scopes']));
    });

    it('answers malformed JSON with a 400 problem, not a 500', async () => {
      const res = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: randomUUID(), body: '{"name": ' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('refuses a body over the limit with 413', async () => {
      const res = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { name: 'x'.repeat(10_000), scopes: ['admin'] } });
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('payload_too_large');
    });

    it('refuses a webhook body over the limit with 413 too (the raw body is kept by the same parser)', async () => {
      const res = await fetch(`${gw.url}/webhooks/stp/spei-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clabe: '646180123300000007', concepto: 'x'.repeat(10_000) }) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { code: string }).code).toBe('payload_too_large');
    });
  });

  describe('API keys and scopes', () => {
    it('401 without a key, with a malformed key and with an unknown key', async () => {
      for (const key of [undefined, 'nope', 'psk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
        const res = await call(gw, 'GET', '/v1/api-keys', { key });
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
        expect(res.body.code).toMatch(/^api_key_(missing|invalid)$/);
      }
    });

    it('accepts the key in X-API-Key too', async () => {
      const res = await call(gw, 'GET', '/v1/api-keys', { headers: { 'x-api-key': gw.adminKey } });
      expect(res.status).toBe(200);
    });

    it('403 when the key lacks the scope', async () => {
      const reader = await gw.keyWith('cards:read');
      const res = await call(gw, 'GET', '/v1/api-keys', { key: reader });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
    });

    it('creates, lists and revokes a key; a revoked key gets 401', async () => {
      const created = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: randomUUID(), body: { name: 'payouts', scopes: ['admin'] } });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^psk_[0-9a-f]{12}_/);
      expect(created.body).not.toHaveProperty('secret_hash');
      const newKey = created.body.key;
      expect((await call(gw, 'GET', '/v1/api-keys', { key: newKey })).status).toBe(200);
      const list = await call(gw, 'GET', '/v1/api-keys', { key: gw.adminKey });
      expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);
      expect(JSON.stringify(list.body)).not.toContain(newKey);
      const revoked = await call(gw, 'POST', `/v1/api-keys/${created.body.id}/revoke`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(revoked.status).toBe(200);
      expect(revoked.body.revoked_at).not.toBeNull();
      expect((await call(gw, 'GET', '/v1/api-keys', { key: newKey })).status).toBe(401);
    });

    it('404 when revoking an unknown key', async () => {
      const res = await call(gw, 'POST', `/v1/api-keys/${randomUUID()}/revoke`, { key: gw.adminKey, idempotencyKey: randomUUID() });
      expect(res.status).toBe(404);
    });
  });

  describe('idempotency', () => {
    it('requires an Idempotency-Key on mutations', async () => {
      const res = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, body: { name: 'x', scopes: ['admin'] } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('idempotency_key_missing');
    });

    it('replays the first response for the same key and body, without the secret, and creates nothing new', async () => {
      const idem = randomUUID();
      const body = { name: 'replayed', scopes: ['spei:write'] };
      const first = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: idem, body });
      const second = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: idem, body: { scopes: ['spei:write'], name: 'replayed' } });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.key).toBeUndefined();
      const list = await call(gw, 'GET', '/v1/api-keys', { key: gw.adminKey });
      expect(list.body.data.filter((k: { name: string }) => k.name === 'replayed')).toHaveLength(1);
    });

    it('409 for the same key with a different body; the original stays', async () => {
      const idem = randomUUID();
      const first = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: idem, body: { name: 'orig', scopes: ['cards:read'] } });
      const clash = await call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: idem, body: { name: 'other', scopes: ['cards:read'] } });
      expect(clash.status).toBe(409);
      expect(clash.body.code).toBe('idempotency_key_reused');
      const list = await call(gw, 'GET', '/v1/api-keys', { key: gw.adminKey });
      expect(list.body.data.find((k: { id: string }) => k.id === first.body.id).name).toBe('orig');
      expect(list.body.data.some((k: { name: string }) => k.name === 'other')).toBe(false);
    });

    it('runs concurrent requests with one key exactly once', async () => {
      const idem = randomUUID();
      const body = { name: `race-${idem}`, scopes: ['cards:read'] };
      const results = await Promise.all(Array.from({ length: 8 }, () => call(gw, 'POST', '/v1/api-keys', { key: gw.adminKey, idempotencyKey: idem, body })));
      for (const r of results) expect([201, 409]).toContain(r.status);
      const list = await call(gw, 'GET', '/v1/api-keys', { key: gw.adminKey });
      expect(list.body.data.filter((k: { name: string }) => k.name === body.name)).toHaveLength(1);
    });

    it('a failed request frees its key for a corrected retry', async () => {
      const idem = randomUUID();
      const bad = await call(gw, 'POST', `/v1/api-keys/${randomUUID()}/revoke`, { key: gw.adminKey, idempotencyKey: idem });
      expect(bad.status).toBe(404);
      const again = await call(gw, 'POST', `/v1/api-keys/${randomUUID()}/revoke`, { key: gw.adminKey, idempotencyKey: idem });
      expect(again.status).toBe(404);
    });
  });

  describe('metrics', () => {
    it('exposes request counts by route template and status, latency, and queue depths', async () => {
      await call(gw, 'GET', '/v1/api-keys', { key: gw.adminKey });
      const res = await call(gw, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      expect(res.text).toMatch(/pasarela_http_requests_total\{method="GET",route="\/v1\/api-keys",status="200"\} \d+/);
      expect(res.text).toContain('pasarela_http_request_duration_seconds_bucket');
      expect(res.text).toMatch(/pasarela_queue_jobs\{queue="webhooks",state="waiting"\} \d+/);
    });
  });

  describe('card data never reaches the logs', () => {
    const PAN = '4111111111111111';
    const secrets: Record<string, string> = {
      card_number: PAN,
      pan: '5555555555554444',
      pin: '8642',
      nip: '9753',
      cvc: '314',
      cvv: '271',
      card_security_code: '828',
      old_pin: '1357',
      new_pin: '2468',
      card_nip: '1593',
      card_nip_confirmation: '7531',
    };

    it('redacts every sensitive field and any 13-19 digit string sent through a request', async () => {
      const before = gw.logs().length;
      const res = await call(gw, 'POST', `/v1/api-keys?pan=${PAN}&note=6011000990139424`, {
        key: gw.adminKey,
        idempotencyKey: randomUUID(),
        body: { name: 'logged', scopes: ['admin'], nested: { ...secrets }, ...secrets, memo: `card 378282246310005 here` },
      });
      expect(res.status).toBe(400); // unknown fields; the body was logged before validation
      await new Promise((r) => setTimeout(r, 50));
      const logs = gw.logs().slice(before);
      expect(logs).toContain('request received'); // the body really was logged, at debug
      expect(logs).toContain(`"request_id":"${res.headers.get('x-request-id')}"`); // with its correlation id
      expect(logs).toContain('[REDACTED]');
      for (const [field, value] of Object.entries(secrets)) {
        // Short PINs are checked as JSON values, so a timestamp's digits cannot match by chance.
        const leaked = logs.includes(`"${value}"`) || logs.includes(`:${value}`);
        expect({ field, leaked }).toEqual({ field, leaked: false });
      }
      for (const digits of [PAN, '6011000990139424', '378282246310005']) expect(logs).not.toContain(digits);
      expect(logs).toContain('************1111');
    });
  });
});

describe('rate limiting (e2e)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  afterAll(async () => {
    await gw?.close();
  });

  it('answers 429 with Retry-After once a key spends its window, per key', async () => {
    const key = await gw.keyWith('admin');
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await call(gw, 'GET', '/v1/api-keys', { key });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.body.code).toBe('rate_limited');
    const other = await gw.keyWith('admin');
    expect((await call(gw, 'GET', '/v1/api-keys', { key: other })).status).toBe(200);
  });
});

describe('graceful shutdown (e2e)', () => {
  it('finishes an in-flight request, then refuses new ones', async () => {
    const gw = await startGateway();
    // A request whose body arrives slowly is in flight when shutdown starts.
    const controller = new AbortController();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const body = new ReadableStream({
      async start(c) {
        c.enqueue(new TextEncoder().encode('{"name":"slow",'));
        await gate;
        c.enqueue(new TextEncoder().encode('"scopes":["cards:read"]}'));
        c.close();
      },
    });
    const inFlight = fetch(`${gw.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminKey}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit);
    await new Promise((r) => setTimeout(r, 100));
    const closing = gw.close();
    await new Promise((r) => setTimeout(r, 100));
    release();
    const res = await inFlight;
    expect(res.status).toBe(201);
    await closing;
    await expect(fetch(`${gw.url}/health/live`)).rejects.toThrow();
  });
});
