import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Verification of inbound provider webhooks, configurable per provider: any combination of
 * - an HMAC-SHA256 signature over the raw body in the Standard Webhooks style
 *   (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64> [v1,<base64> …]`),
 *   with several secrets accepted at once so they can be rotated;
 * - HTTP basic auth;
 * - a source IP allowlist (exact addresses or IPv4 CIDR blocks).
 * Every configured check must pass. A failure says why, for the log line; the caller answers 401.
 */
export interface WebhookVerificationConfig {
  /** Secrets as `whsec_<base64>` or raw text; empty disables the signature check. */
  hmacSecrets: string[];
  /** Allowed clock skew for `webhook-timestamp`, in seconds. */
  toleranceSeconds: number;
  basicAuth?: { username: string; password: string };
  /** Empty allows any source. */
  ipAllowlist: string[];
}

export interface InboundWebhook {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  sourceIp: string;
}

export type VerificationResult = { ok: true } | { ok: false; reason: string };

export function secretBytes(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` — what a sender puts in webhook-signature. */
export function signWebhook(secret: string, id: string, timestamp: number, body: Buffer | string): string {
  const mac = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

function header(h: InboundWebhook['headers'], name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function ipAllowed(ip: string, allowlist: string[]): boolean {
  if (allowlist.length === 0) return true;
  const normalized = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const value = ipv4ToInt(normalized);
  return allowlist.some((entry) => {
    const [base, bits] = entry.split('/');
    if (bits === undefined) return base === normalized || base === ip;
    const baseInt = ipv4ToInt(base);
    const n = Number(bits);
    if (value === undefined || baseInt === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
    const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
    return (value & mask) === (baseInt & mask);
  });
}

export function verifyWebhook(config: WebhookVerificationConfig, inbound: InboundWebhook, nowSeconds = Math.floor(Date.now() / 1000)): VerificationResult {
  if (!ipAllowed(inbound.sourceIp, config.ipAllowlist)) return { ok: false, reason: `source ${inbound.sourceIp} is not allowlisted` };

  if (config.basicAuth) {
    const auth = header(inbound.headers, 'authorization');
    if (!auth?.startsWith('Basic ')) return { ok: false, reason: 'basic auth missing' };
    const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    const expected = `${config.basicAuth.username}:${config.basicAuth.password}`;
    if (!safeEqual(decoded, expected)) return { ok: false, reason: 'basic auth wrong' };
  }

  if (config.hmacSecrets.length > 0) {
    const id = header(inbound.headers, 'webhook-id');
    const ts = header(inbound.headers, 'webhook-timestamp');
    const sig = header(inbound.headers, 'webhook-signature');
    if (!id || !ts || !sig) return { ok: false, reason: 'signature headers missing (webhook-id, webhook-timestamp, webhook-signature)' };
    if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'webhook-timestamp is not a unix time' };
    const timestamp = Number(ts);
    if (Math.abs(nowSeconds - timestamp) > config.toleranceSeconds) return { ok: false, reason: 'webhook-timestamp outside the tolerance' };
    const presented = sig.split(' ').filter((s) => s.startsWith('v1,'));
    const valid = config.hmacSecrets.some((secret) => {
      const expected = signWebhook(secret, id, timestamp, inbound.rawBody);
      return presented.some((p) => safeEqual(p, expected));
    });
    if (!valid) return { ok: false, reason: 'signature does not match' };
  }
  return { ok: true };
}
