import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { loadConfig } from '#libs/config';
import { ALL_QUEUES, QueueFactory, QueueName } from '#libs/queue';
import { startGateway, type TestGateway } from './support/gateway.js';
import { until } from './support/until.js';

const basic = (key: string, user = 'qa') => `Basic ${Buffer.from(`${user}:${key}`).toString('base64')}`;

async function get(gw: TestGateway, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`${gw.url}${path}`, { method, headers });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * The Bull Board dashboard at /admin/queues, on both queue backends: admin keys only (Basic auth for
 * browsers, or the API's headers), every project queue listed, and job detail, retry and clean work.
 * Each gateway gets its own queue prefix, so no other suite's worker takes these jobs.
 */
describe.each([
  ['Redis', {}],
  ['BullMQ Postgres backend', { REDIS_URL: '' }],
])('queue dashboard on %s (e2e)', (backendLabel, env: Record<string, string>) => {
  let gw: TestGateway;
  let admin: string;

  beforeAll(async () => {
    // Under the run's prefix (`<prefix>:…`), so the global teardown removes these keys too.
    gw = await startGateway({ ...env, QUEUE_PREFIX: `${loadConfig().queuePrefix}:board-${randomUUID().slice(0, 8)}` });
    admin = basic(gw.adminKey);
  }, 60_000);

  afterAll(async () => {
    await gw?.close();
  });

  it('asks a browser for credentials: 401 with a Basic challenge without a key or with a wrong one', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: basic('psk_000000000000_notarealkeynotarealkeynotarealkey00') }, { authorization: 'Basic Og==' }];
    for (const headers of attempts) {
      const res = await get(gw, '/admin/queues', headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="Pasarela queues"');
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    // Basic auth is the dashboard's alone: the API keeps its two documented headers.
    expect((await get(gw, '/v1/api-keys', { authorization: admin })).status).toBe(401);
    // The board's API and its static files are behind the same check.
    const api = await get(gw, '/admin/queues/api/queues');
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toBe('Basic realm="Pasarela queues"');
    expect((await get(gw, '/admin/queues/static/images/logo.svg')).status).toBe(401);
  });

  it('answers 403 to a valid key without the admin scope, however it is sent', async () => {
    const reader = await gw.keyWith('webhooks:read');
    const ways: Array<Record<string, string>> = [{ authorization: basic(reader) }, { authorization: `Bearer ${reader}` }, { 'x-api-key': reader }];
    for (const headers of ways) {
      const res = await get(gw, '/admin/queues', headers);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('insufficient_scope');
    }
    expect((await get(gw, '/admin/queues/api/queues', { authorization: basic(reader) })).status).toBe(403);
  });

  it('serves the Bull Board page to an admin over Basic auth (any username), and its assets', async () => {
    for (const user of ['qa', '']) {
      const page = await get(gw, '/admin/queues', { authorization: basic(gw.adminKey, user) });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.text).toContain('<div id="root">');
      expect(page.text).toContain('<title>Pasarela queues</title>');
      expect(page.text).toContain('<base href="/admin/queues/" />');
    }
    const css = /href="(static\/css\/[^"]+\.css)"/.exec((await get(gw, '/admin/queues', { authorization: admin })).text)?.[1];
    expect(css).toBeDefined();
    const asset = await get(gw, `/admin/queues/${css}`, { authorization: admin });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('text/css');
    // Deep links of the single-page app are served too (a reload on a queue's page).
    expect((await get(gw, '/admin/queues/queue/webhooks', { authorization: admin })).status).toBe(200);
  });

  it("lists every project queue in Bull Board's own API, with the API's headers too", async () => {
    const ways: Array<Record<string, string>> = [{ authorization: admin }, { authorization: `Bearer ${gw.adminKey}` }, { 'x-api-key': gw.adminKey }];
    for (const headers of ways) {
      const res = await get(gw, '/admin/queues/api/queues', headers);
      expect(res.status).toBe(200);
      const names = (res.body.queues as Array<{ name: string }>).map((q) => q.name).sort();
      expect(names).toEqual([...ALL_QUEUES].sort());
      expect(names).toEqual(expect.arrayContaining([QueueName.Webhooks, QueueName.SpeiOut, QueueName.Maintenance]));
    }
    const page = await get(gw, '/admin/queues', { authorization: admin });
    expect(page.text).toContain(backendLabel);
  });

  it('renders every queue in a real browser that signs in with Basic auth', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const context = await browser.newContext({ httpCredentials: { username: 'qa', password: gw.adminKey } });
      const page = await context.newPage();
      const failures: string[] = [];
      page.on('response', (r) => {
        if (r.url().startsWith(`${gw.url}/admin/queues`) && r.status() >= 400) failures.push(`${r.status()} ${r.url()}`);
      });
      const polled = page.waitForResponse((r) => r.url().includes('/admin/queues/api/queues') && r.status() === 200);
      await page.goto(`${gw.url}/admin/queues`, { waitUntil: 'domcontentloaded' });
      await polled;
      for (const name of ALL_QUEUES) await page.getByRole('link', { name, exact: true }).first().waitFor({ timeout: 20_000 });
      expect(await page.locator('body').innerText()).toContain(backendLabel);
      expect(failures).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('shows a failed job in detail, retries it and cleans it', async () => {
    const factory = gw.app.get(QueueFactory);
    let runs = 0;
    factory.worker(QueueName.Maintenance, async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run fails on purpose');
      return 'ok';
    });
    const job = await factory.queue(QueueName.Maintenance).add('board-check', { n: 1 }, { attempts: 1 });
    const base = `/admin/queues/api/queues/${QueueName.Maintenance}/${job.id}`;
    const state = async () => (await get(gw, base, { authorization: admin })).body?.status;
    await until('the job to fail', state, (s) => s === 'failed');

    const detail = await get(gw, base, { authorization: admin });
    expect(detail.status).toBe(200);
    expect(detail.body.job).toMatchObject({ id: job.id, name: 'board-check', data: { n: 1 }, failedReason: 'first run fails on purpose', isFailed: true });
    const failedList = await get(gw, `/admin/queues/api/queues?activeQueue=${QueueName.Maintenance}&status=failed&page=1&jobsPerPage=10`, { authorization: admin });
    const maintenance = (failedList.body.queues as Array<{ name: string; counts: Record<string, number>; jobs: Array<{ id: string }> }>).find((q) => q.name === QueueName.Maintenance)!;
    expect(maintenance.counts.failed).toBe(1);
    expect(maintenance.jobs.map((j) => j.id)).toEqual([job.id]);

    const retry = await get(gw, `${base}/retry`, { authorization: admin }, 'PUT');
    expect(retry.status).toBe(204);
    await until('the retried job to complete', state, (s) => s === 'completed');
    expect(runs).toBe(2);

    // A write from another site (a form or fetch riding on the browser's saved Basic credentials) is refused.
    const forged = await get(gw, `${base}/clean`, { authorization: admin, origin: 'https://evil.example' }, 'PUT');
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('cross_origin_write');
    expect(await factory.queue(QueueName.Maintenance).getJob(job.id!)).toBeTruthy();

    const clean = await get(gw, `${base}/clean`, { authorization: admin, origin: gw.url }, 'PUT');
    expect(clean.status).toBe(204);
    expect(await factory.queue(QueueName.Maintenance).getJob(job.id!)).toBeFalsy();
    expect((await get(gw, base, { authorization: admin })).status).toBe(404);
  }, 60_000);
});
