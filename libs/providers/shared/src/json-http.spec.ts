import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { breakerFor, createJsonHttp, parseJsonBody, toTransportFailure } from './json-http.js';

describe('json-http', () => {
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 500);
      if (req.url === '/redirect') return void res.writeHead(302, { location: '/ok' }).end();
      res.writeHead(req.url === '/ok' ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, accept: req.headers.accept, type: req.headers['content-type'] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends JSON to the base URL without its trailing slash, and hands every status back instead of throwing', async () => {
    const http = createJsonHttp({ baseUrl: `${baseUrl}//`, timeoutMs: 1_000 });
    const ok = await http.post('/ok', { a: 1 });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ url: '/ok', accept: 'application/json', type: 'application/json' });
    expect((await http.post('/down', {})).status).toBe(503);
    // Redirects are answers too, not followed.
    expect((await http.get('/redirect')).status).toBe(302);
  });

  it('classifies a timeout and a refused connection', async () => {
    const slow = await createJsonHttp({ baseUrl, timeoutMs: 50 }).get('/slow').catch((e: unknown) => e);
    expect(toTransportFailure(slow)).toEqual({ kind: 'timeout' });
    const refused = await createJsonHttp({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000 }).get('/').catch((e: unknown) => e);
    expect(toTransportFailure(refused)).toEqual({ kind: 'network', code: 'ECONNREFUSED' });
    expect(toTransportFailure(new Error('boom'))).toEqual({ kind: 'network', code: undefined });
  });

  it('builds the breaker from the client options (defaults 5 failures, 30 s)', () => {
    const defaults = breakerFor({});
    for (let i = 0; i < 4; i++) defaults.failure();
    expect(defaults.state).toBe('closed');
    defaults.failure();
    expect(defaults.state).toBe('open');
    const one = breakerFor({ breakerThreshold: 1, breakerCooldownMs: 0 });
    one.failure();
    expect(one.state).toBe('half_open');
  });

  it('parses an answer body leniently: empty or not JSON is undefined', () => {
    expect(parseJsonBody('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseJsonBody('0')).toBe(0);
    expect(parseJsonBody('')).toBeUndefined();
    expect(parseJsonBody('<html>502</html>')).toBeUndefined();
  });
});
