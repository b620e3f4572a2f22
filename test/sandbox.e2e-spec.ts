import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '#libs/config';
import { createSandboxApp } from '../apps/sandbox/src/sandbox.app.js';

/** The sandbox shell: its index of simulated providers, health and Swagger UI, over real HTTP. */
describe('sandbox app (e2e)', () => {
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    app = await createSandboxApp(loadConfig({ SANDBOX_PORT: '0', HOST: '127.0.0.1' }), sink);
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the simulated providers and their base paths', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { providers: { provider: string; base_path: string }[] };
    expect(Object.fromEntries(body.providers.map((p) => [p.provider, p.base_path]))).toEqual({
      necipco: '/necipco/v1',
      stp: '/stp',
      credencial: '/credential',
      bcs: '/cards-management/v1',
    });
  });

  it('answers /health and serves Swagger UI at /docs', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' });
    const docs = await fetch(`${url}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const json = (await (await fetch(`${url}/docs-json`)).json()) as { info: { title: string }; paths: Record<string, unknown> };
    expect(json.info.title).toBe('Pasarela provider sandbox');
    expect(json.paths['/']).toBeDefined();
  });
});
