import { ipAllowed, signWebhook, verifyWebhook, type WebhookVerificationConfig } from './webhook-verifier.js';

const NOW = 1_764_000_000;
const body = Buffer.from('{"clabe":"646180157000000004","reference":"MBAN01","amount":"10.50"}');
const base: WebhookVerificationConfig = { hmacSecrets: ['whsec_c2VjcmV0LW9uZQ=='], toleranceSeconds: 300, ipAllowlist: [] };

function signed(secret = base.hmacSecrets[0], ts = NOW, payload = body) {
  return { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, 'msg_1', ts, payload) };
}

describe('verifyWebhook', () => {
  it('accepts a correct signature', () => {
    expect(verifyWebhook(base, { rawBody: body, headers: signed(), sourceIp: '10.0.0.1' }, NOW)).toEqual({ ok: true });
  });

  it('accepts any of several secrets (rotation) and any of several signatures', () => {
    const config = { ...base, hmacSecrets: ['old-secret', base.hmacSecrets[0]] };
    expect(verifyWebhook(config, { rawBody: body, headers: signed('old-secret'), sourceIp: '1.1.1.1' }, NOW).ok).toBe(true);
    const h = signed();
    h['webhook-signature'] = `v1,bm9wZQ== ${h['webhook-signature']}`;
    expect(verifyWebhook(base, { rawBody: body, headers: h, sourceIp: '1.1.1.1' }, NOW).ok).toBe(true);
  });

  it('rejects a tampered body, a wrong secret, missing headers and stale timestamps', () => {
    const tampered = Buffer.from(body.toString().replace('10.50', '99.50'));
    expect(verifyWebhook(base, { rawBody: tampered, headers: signed(), sourceIp: '1.1.1.1' }, NOW)).toEqual({ ok: false, reason: 'signature does not match' });
    expect(verifyWebhook(base, { rawBody: body, headers: signed('other'), sourceIp: '1.1.1.1' }, NOW).ok).toBe(false);
    expect(verifyWebhook(base, { rawBody: body, headers: {}, sourceIp: '1.1.1.1' }, NOW).ok).toBe(false);
    expect(verifyWebhook(base, { rawBody: body, headers: signed(undefined, NOW - 301), sourceIp: '1.1.1.1' }, NOW)).toEqual({ ok: false, reason: 'webhook-timestamp outside the tolerance' });
    expect(verifyWebhook(base, { rawBody: body, headers: signed(undefined, NOW + 301), sourceIp: '1.1.1.1' }, NOW).ok).toBe(false);
  });

  it('checks basic auth when configured', () => {
    const config: WebhookVerificationConfig = { hmacSecrets: [], toleranceSeconds: 300, ipAllowlist: [], basicAuth: { username: 'stp', password: 's3cret' } };
    const good = { authorization: `Basic ${Buffer.from('stp:s3cret').toString('base64')}` };
    const bad = { authorization: `Basic ${Buffer.from('stp:wrong').toString('base64')}` };
    expect(verifyWebhook(config, { rawBody: body, headers: good, sourceIp: '1.1.1.1' }).ok).toBe(true);
    expect(verifyWebhook(config, { rawBody: body, headers: bad, sourceIp: '1.1.1.1' }).ok).toBe(false);
    expect(verifyWebhook(config, { rawBody: body, headers: {}, sourceIp: '1.1.1.1' }).ok).toBe(false);
  });

  it('requires every configured check to pass', () => {
    const config = { ...base, ipAllowlist: ['10.1.0.0/16'] };
    expect(verifyWebhook(config, { rawBody: body, headers: signed(), sourceIp: '10.1.200.3' }, NOW).ok).toBe(true);
    expect(verifyWebhook(config, { rawBody: body, headers: signed(), sourceIp: '10.2.0.1' }, NOW).ok).toBe(false);
  });
});

describe('ipAllowed', () => {
  it.each([
    ['127.0.0.1', ['127.0.0.1'], true],
    ['::ffff:127.0.0.1', ['127.0.0.0/8'], true],
    ['192.168.1.9', ['192.168.1.0/24'], true],
    ['192.168.2.9', ['192.168.1.0/24'], false],
    ['8.8.8.8', ['0.0.0.0/0'], true],
    ['::1', ['::1'], true],
    ['::1', ['127.0.0.1'], false],
    ['1.2.3.4', [], true],
  ])('%s in %j → %s', (ip, list, expected) => {
    expect(ipAllowed(ip, list)).toBe(expected);
  });
});
