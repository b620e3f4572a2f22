import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

export type QueueBackendKind = 'redis' | 'postgres';
export type NecipcoRsaPadding = 'oaep-sha256' | 'oaep-sha1' | 'pkcs1';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Typed, validated configuration. Used as the injection token too (an abstract-free class
 * whose instances are only built by `loadConfig`), so nothing else reads `process.env`.
 */
export class AppConfig {
  readonly nodeEnv!: string;
  readonly host!: string;
  readonly port!: number;
  readonly sandboxPort!: number;
  /** Postgres URL; undefined means "start the embedded Postgres". */
  readonly databaseUrl?: string;
  /** Redis URL; undefined means "BullMQ on the Postgres backend". */
  readonly redisUrl?: string;
  readonly databasePoolSize!: number;
  readonly queuePrefix!: string;
  readonly embeddedPgPort!: number;
  readonly embeddedPgDir!: string;
  readonly logLevel!: LogLevel;
  readonly bodyLimitBytes!: number;
  readonly rateLimitMax!: number;
  readonly rateLimitWindowMs!: number;
  readonly shutdownTimeoutMs!: number;
  readonly devApiKey?: string;
  /** Browser origins allowed by CORS; empty means CORS is off (server-to-server callers need none). */
  readonly corsOrigins!: string[];
  /**
   * Proxies (addresses / CIDRs, or proxy-addr's `loopback`, `linklocal`, `uniquelocal`) whose X-Forwarded-For is
   * believed; empty means the socket's address is the client's (the IP allowlists and rate limits use it).
   */
  readonly trustProxy!: string[];
  readonly sandboxUrl!: string;
  readonly gatewayUrl!: string;
  // --- NeCIPCo (card issuing) ---
  /** Base URL including the version, e.g. https://host/v1; defaults to the sandbox's `${sandboxUrl}/necipco/v1`. */
  readonly necipcoBaseUrl!: string;
  readonly necipcoApiKey!: string;
  readonly necipcoPassword!: string;
  /** NeCIPCo's (system) public key, PEM. Undefined: fetched from GET /clients/api_key/public_key after login. */
  readonly necipcoSystemPublicKey?: string;
  /** Our private key, PEM (its public half is registered with NeCIPCo). Undefined: an ephemeral pair per process. */
  readonly necipcoPrivateKey?: string;
  readonly necipcoRsaPadding!: NecipcoRsaPadding;
  readonly necipcoTimeoutMs!: number;
  /** Register our public key through POST /clients/api_key/public_key when NeCIPCo holds another one. */
  readonly necipcoRegisterPublicKey!: boolean;

  // --- STP (SPEI, CLABE accounts) ---
  /** Defaults to the sandbox's `${sandboxUrl}/stp`; the document's paths (/clabes, /transfer) hang off it. */
  readonly stpBaseUrl!: string;
  /** STP `enterprise` (company name) sent with every SPEI OUT order. */
  readonly stpEnterprise!: string;
  /** STP `enterprise_id` sent when creating CLABE accounts. */
  readonly stpEnterpriseId!: string;
  /** Our ordering (concentrator) CLABE at STP: `payer_account` when an order names none. */
  readonly stpPayerAccount!: string;
  /** Prefix of the tracking keys Pasarela generates (uppercase letters/digits, at most 12). */
  readonly stpTrackingKeyPrefix!: string;
  readonly stpTimeoutMs!: number;
  /** SPEI OUT sends per order (first try + retries on transient STP failures) and the first backoff (doubles each time). */
  readonly stpSendAttempts!: number;
  readonly stpSendBackoffMs!: number;
  /** Sandbox only: resolve each accepted order this long after it arrives and send its status webhook (0 = only on command). */
  readonly stpSandboxAutoResolveMs!: number;
  /** Sandbox only: POST the simulated STP's webhooks to GATEWAY_URL (signed with the first STP webhook secret). */
  readonly stpSandboxSendWebhooks!: boolean;
  // --- Credencial (card processing) ---
  /** Defaults to the sandbox's `${sandboxUrl}/credential` (the document's path prefix). */
  readonly credencialBaseUrl!: string;
  readonly credencialTimeoutMs!: number;
  /** Retries of idempotent Credencial calls (GET/PUT status) on transient failures. */
  readonly credencialMaxRetries!: number;
  // --- BCS (cards-management: holds, replacements, CVV/PIN validation, billing cycle, deadlines) ---
  /** The document's URI ending in /cards-management/v1; defaults to the sandbox's `${sandboxUrl}/cards-management/v1`. */
  readonly bcsBaseUrl!: string;
  readonly bcsClientId!: string;
  readonly bcsClientSecret!: string;
  /** Bearer token sent as Authorization / X-Security-Token (the document names no token endpoint). */
  readonly bcsAccessToken!: string;
  /** AES-128 key (32 hex) shared with BCS for the encrypted acctId / secretid. */
  readonly bcsCipherKey!: string;
  /** Fixed X-Invoker-* header values (Channel, BranchId, …); the rest come from each request. */
  readonly bcsInvoker!: Record<string, string>;
  readonly bcsTimeoutMs!: number;
  // --- provider webhooks (verification per provider; the sweeper) ---
  readonly stpWebhook!: ProviderWebhookConfig;
  readonly credencialWebhook!: ProviderWebhookConfig;
  /** Allowed clock skew of `webhook-timestamp`, seconds. */
  readonly webhookToleranceSeconds!: number;
  /** How often the worker's sweeper looks for inbox rows left PENDING, and how old they must be. */
  readonly sweeperIntervalMs!: number;
  readonly sweeperAgeMs!: number;
  /** How often an idle worker looks for authorized card debits to settle (while it finds some, every 20 ms). */
  readonly debitSettleIntervalMs!: number;
  /** Most Credencial DEBITs the gateway authorizes in one statement when they queue up (1: each on its own). */
  readonly debitAuthorizeBatch!: number;
  /** DEBIT authorization statements the gateway runs at once when batching (one per lane of settlement shards). */
  readonly debitAuthorizeLanes!: number;
  /** Most STP SPEI IN deliveries the gateway persists in one statement (and enqueues as one job) when they queue up (1: each on its own). */
  readonly webhookIntakeBatch!: number;
  /** SPEI IN intake statements the gateway runs at once when batching (one per lane of dedup keys). */
  readonly webhookIntakeLanes!: number;
  /** Tries of a webhook job before its inbox row is dead-lettered (FAILED), and the first backoff (doubles each time). */
  readonly webhookJobAttempts!: number;
  readonly webhookJobBackoffMs!: number;
  /** HMAC-SHA256 key of idempotency records' request hashes (a PIN body must not be brute-forceable from its hash). */
  readonly idempotencyHashKey!: string;

  get queueBackend(): QueueBackendKind {
    return this.redisUrl ? 'redis' : 'postgres';
  }

  constructor(values: Omit<AppConfig, 'queueBackend'>) {
    Object.assign(this, values);
    Object.freeze(this);
  }
}

/** How one provider's webhooks are verified: every configured check must pass (see libs/inbox verifyWebhook). */
export interface ProviderWebhookConfig {
  /** HMAC secrets (`whsec_<base64>` or raw), several during a rotation; empty disables the signature check. */
  hmacSecrets: string[];
  basicAuth?: { username: string; password: string };
  /** Addresses or IPv4 CIDRs; empty allows any source. */
  ipAllowlist: string[];
}

/** The development secret `npm start` and the sandbox share, so the sandbox's webhooks verify out of the box. */
export const DEV_WEBHOOK_SECRET = 'whsec_cGFzYXJlbGEtZGV2LXdlYmhvb2stc2VjcmV0LTMyYg==';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  str(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw)) {
      this.problems.push(`${name} must be a whole number, got "${raw}"`);
      return fallback;
    }
    const n = Number(raw);
    if (n < min || n > max) {
      this.problems.push(`${name} must be between ${min} and ${max}, got ${n}`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
    if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  url(name: string, protocols: string[], fallback?: string): string | undefined {
    const raw = this.optional(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')}, got "${u.protocol}"`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return raw;
  }

  /** A PEM key; literal `\\n` escapes become newlines (one-line env files). Checked by parsing it. */
  pem(name: string, kind: 'public' | 'private'): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    const pem = raw.replace(/\\n/g, '\n').trim() + '\n';
    try {
      if (kind === 'public') createPublicKey(pem);
      else createPrivateKey(pem);
    } catch {
      this.problems.push(`${name} is not a valid PEM ${kind} key`);
    }
    return pem;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!allowed.includes(raw as T)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }
}

const NECIPCO_PADDINGS: readonly NecipcoRsaPadding[] = ['oaep-sha256', 'oaep-sha1', 'pkcs1'];

function necipcoConfig(r: Reader, sandboxUrl: string) {
  return {
    necipcoBaseUrl: r.url('NECIPCO_BASE_URL', ['http:', 'https:'], `${sandboxUrl.replace(/\/+$/, '')}/necipco/v1`)!.replace(/\/+$/, ''),
    necipcoApiKey: r.str('NECIPCO_API_KEY', 'sandbox'),
    necipcoPassword: r.str('NECIPCO_PASSWORD', 'sandbox'),
    necipcoSystemPublicKey: r.pem('NECIPCO_SYSTEM_PUBLIC_KEY', 'public'),
    necipcoPrivateKey: r.pem('NECIPCO_PRIVATE_KEY', 'private'),
    necipcoRsaPadding: r.oneOf('NECIPCO_RSA_PADDING', NECIPCO_PADDINGS, 'oaep-sha256'),
    necipcoTimeoutMs: r.int('NECIPCO_TIMEOUT_MS', 10_000, 100, 120_000),
    necipcoRegisterPublicKey: r.bool('NECIPCO_REGISTER_PUBLIC_KEY', true),
  };
}

function stpConfig(r: Reader, sandboxUrl: string) {
  const payer = r.str('STP_PAYER_ACCOUNT', '646180123300000013');
  if (!/^\d{18}$/.test(payer)) r.problems.push('STP_PAYER_ACCOUNT must be an 18-digit CLABE');
  const prefix = r.str('STP_TRACKING_KEY_PREFIX', 'PASARELA');
  if (!/^[A-Z0-9]{1,12}$/.test(prefix)) r.problems.push('STP_TRACKING_KEY_PREFIX must be 1-12 uppercase letters or digits');
  const enterprise = r.str('STP_ENTERPRISE', 'PASARELA');
  if (enterprise.length > 40) r.problems.push('STP_ENTERPRISE must be at most 40 characters');
  const enterpriseId = r.str('STP_ENTERPRISE_ID', 'pasarela-sandbox');
  if (enterpriseId.length > 50) r.problems.push('STP_ENTERPRISE_ID must be at most 50 characters');
  return {
    stpBaseUrl: r.url('STP_BASE_URL', ['http:', 'https:'], `${sandboxUrl.replace(/\/+$/, '')}/stp`)!.replace(/\/+$/, ''),
    stpEnterprise: enterprise,
    stpEnterpriseId: enterpriseId,
    stpPayerAccount: payer,
    stpTrackingKeyPrefix: prefix,
    stpTimeoutMs: r.int('STP_TIMEOUT_MS', 10_000, 100, 120_000),
    stpSendAttempts: r.int('STP_SEND_ATTEMPTS', 8, 1, 50),
    stpSendBackoffMs: r.int('STP_SEND_BACKOFF_MS', 1000, 10, 600_000),
    stpSandboxAutoResolveMs: r.int('STP_SANDBOX_AUTO_RESOLVE_MS', 2000, 0, 3_600_000),
    stpSandboxSendWebhooks: r.bool('STP_SANDBOX_SEND_WEBHOOKS', true),
  };
}

function credencialConfig(r: Reader, sandboxUrl: string) {
  return {
    credencialBaseUrl: r
      .url('CREDENCIAL_BASE_URL', ['http:', 'https:'], `${sandboxUrl.replace(/\/+$/, '')}/credential`)!
      .replace(/\/+$/, ''),
    credencialTimeoutMs: r.int('CREDENCIAL_TIMEOUT_MS', 10_000, 100, 120_000),
    credencialMaxRetries: r.int('CREDENCIAL_MAX_RETRIES', 2, 0, 5),
  };
}

/** Sandbox defaults, so `npm start` talks to the BCS simulator out of the box. */
export const BCS_SANDBOX_CLIENT_ID = '154-111-1111-222';
export const BCS_SANDBOX_CLIENT_SECRET = 'sandbox-secret';
export const BCS_SANDBOX_ACCESS_TOKEN = 'sandbox-token';
export const BCS_SANDBOX_CIPHER_KEY = '000102030405060708090a0b0c0d0e0f';

/** BCS_INVOKER_<NAME> → X-Invoker-<Header>, with the document's example values as defaults where it gives them. */
const BCS_INVOKER_ENV: Array<[string, string, string]> = [
  ['CHANNEL', 'Channel', '007'],
  ['ATM_ID', 'ATMId', '1102'],
  ['BRANCH_ID', 'BranchId', '1102'],
  ['TERMINAL_ID', 'TerminalId', ''],
  ['COMPONENT', 'Component', 'pasarela'],
  ['SERVER_IP', 'ServerIPAddress', '192.168.169.197'],
  ['USER_MAC', 'UserMACAddress', ''],
  ['SERVER_MAC', 'ServerMACAddress', ''],
  ['SOURCE', 'Source', 'PASARELA'],
  ['COUNTRY', 'Country', 'CO'],
  ['NETWORK', 'Network', ''],
  ['SUB_CHANNEL', 'subChannel', ''],
  ['USER', 'User', 'pasarela'],
  ['ALLY', 'ally', ''],
];

function bcsConfig(r: Reader, sandboxUrl: string) {
  const cipherKey = r.str('BCS_CIPHER_KEY', BCS_SANDBOX_CIPHER_KEY);
  if (!/^[0-9a-fA-F]{32}$/.test(cipherKey)) r.problems.push('BCS_CIPHER_KEY must be 32 hex digits (an AES-128 key)');
  const bcsInvoker: Record<string, string> = {};
  for (const [env, header, fallback] of BCS_INVOKER_ENV) {
    const v = r.str(`BCS_INVOKER_${env}`, fallback);
    if (/[\r\n]/.test(v)) r.problems.push(`BCS_INVOKER_${env} must be one line`);
    if (v) bcsInvoker[header] = v;
  }
  return {
    bcsBaseUrl: r.url('BCS_BASE_URL', ['http:', 'https:'], `${sandboxUrl.replace(/\/+$/, '')}/cards-management/v1`)!.replace(/\/+$/, ''),
    bcsClientId: r.str('BCS_CLIENT_ID', BCS_SANDBOX_CLIENT_ID),
    bcsClientSecret: r.str('BCS_CLIENT_SECRET', BCS_SANDBOX_CLIENT_SECRET),
    bcsAccessToken: r.str('BCS_ACCESS_TOKEN', BCS_SANDBOX_ACCESS_TOKEN),
    bcsCipherKey: cipherKey,
    bcsInvoker,
    bcsTimeoutMs: r.int('BCS_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}

function trustProxy(r: Reader): string[] {
  const entries = (r.optional('TRUST_PROXY') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of entries) {
    const ok = ['loopback', 'linklocal', 'uniquelocal'].includes(entry) || /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/.test(entry) || /^[0-9a-fA-F:]+(\/\d{1,3})?$/.test(entry);
    if (!ok) r.problems.push(`TRUST_PROXY: "${entry}" is not an IP address, a CIDR, or loopback / linklocal / uniquelocal`);
  }
  return entries;
}

function webhookConfig(r: Reader, prefix: 'STP' | 'CREDENCIAL', production: boolean): ProviderWebhookConfig {
  const secretsRaw = r.optional(`${prefix}_WEBHOOK_SECRETS`);
  const hmacSecrets = (secretsRaw ?? (production ? '' : DEV_WEBHOOK_SECRET)).split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of hmacSecrets) {
    if (s.startsWith('whsec_')) {
      const b = s.slice(6);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b) || Buffer.from(b, 'base64').length < 16) r.problems.push(`${prefix}_WEBHOOK_SECRETS: a whsec_ secret must be base64 of at least 16 bytes`);
    } else if (s.length < 16) {
      r.problems.push(`${prefix}_WEBHOOK_SECRETS: each secret must be at least 16 characters (or whsec_<base64>)`);
    }
  }
  let basicAuth: ProviderWebhookConfig['basicAuth'];
  const basic = r.optional(`${prefix}_WEBHOOK_BASIC_AUTH`);
  if (basic !== undefined) {
    const i = basic.indexOf(':');
    if (i < 1 || i === basic.length - 1) r.problems.push(`${prefix}_WEBHOOK_BASIC_AUTH must be user:password`);
    else basicAuth = { username: basic.slice(0, i), password: basic.slice(i + 1) };
  }
  const ipAllowlist = (r.optional(`${prefix}_WEBHOOK_IP_ALLOWLIST`) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const entry of ipAllowlist) {
    if (!/^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?$/.test(entry) && !/^[0-9a-fA-F:]+$/.test(entry)) r.problems.push(`${prefix}_WEBHOOK_IP_ALLOWLIST: "${entry}" is not an IP address or IPv4 CIDR`);
  }
  if (production && hmacSecrets.length === 0 && !basicAuth && ipAllowlist.length === 0) {
    r.problems.push(`${prefix} webhooks need at least one of ${prefix}_WEBHOOK_SECRETS, ${prefix}_WEBHOOK_BASIC_AUTH, ${prefix}_WEBHOOK_IP_ALLOWLIST in production`);
  }
  return { hmacSecrets, basicAuth, ipAllowlist };
}

/** Fixed in development so stored idempotency records still match after a restart; refused in production. */
export const DEV_IDEMPOTENCY_HASH_KEY = 'pasarela-dev-idempotency-hash-key-not-for-production';

function idempotencyHashKey(r: Reader, production: boolean): string {
  const key = r.optional('IDEMPOTENCY_HASH_KEY');
  if (key === undefined) {
    if (production) r.problems.push('IDEMPOTENCY_HASH_KEY is required when NODE_ENV=production (a secret of 32+ characters)');
    return DEV_IDEMPOTENCY_HASH_KEY;
  }
  if (key.length < 32) r.problems.push('IDEMPOTENCY_HASH_KEY must be at least 32 characters');
  else if (production && key === DEV_IDEMPOTENCY_HASH_KEY) r.problems.push('IDEMPOTENCY_HASH_KEY must not be the development default in production');
  return key;
}

/** The development key `npm start` ensures; same shape as every API key, so the guard accepts it. */
function devApiKey(r: Reader): string | undefined {
  const key = r.optional('DEV_API_KEY');
  if (key !== undefined && !/^psk_[0-9a-f]{12}_[A-Za-z0-9_-]{32,64}$/.test(key)) {
    r.problems.push('DEV_API_KEY must have the form psk_<12 lowercase hex>_<32-64 letters, digits, _ or -> (or leave it unset and one is generated)');
  }
  return key;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Builds the configuration from an environment (the process's by default) plus overrides.
 * Throws ConfigError listing every bad variable at once.
 */
export function loadConfig(overrides: Env = {}, base: Env = process.env): AppConfig {
  const r = new Reader({ ...base, ...overrides });
  const port = r.int('PORT', 3000, 0, 65535);
  const sandboxPort = r.int('SANDBOX_PORT', 4000, 0, 65535);
  const nodeEnv = r.str('NODE_ENV', 'development');
  const config = new AppConfig({
    nodeEnv,
    host: r.str('HOST', '0.0.0.0'),
    port,
    sandboxPort,
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 500),
    queuePrefix: r.str('QUEUE_PREFIX', 'pasarela'),
    embeddedPgPort: r.int('EMBEDDED_PG_PORT', 54329, 1, 65535),
    embeddedPgDir: r.str('EMBEDDED_PG_DIR', '.data/postgres'),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_048_576, 1024, 104_857_600),
    rateLimitMax: r.int('RATE_LIMIT_MAX', 1200, 1, 10_000_000),
    rateLimitWindowMs: r.int('RATE_LIMIT_WINDOW_MS', 60_000, 100, 86_400_000),
    shutdownTimeoutMs: r.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    devApiKey: devApiKey(r),
    corsOrigins: (r.optional('CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    trustProxy: trustProxy(r),
    sandboxUrl: r.url('SANDBOX_URL', ['http:', 'https:'], `http://127.0.0.1:${sandboxPort}`)!,
    gatewayUrl: r.url('GATEWAY_URL', ['http:', 'https:'], `http://127.0.0.1:${port}`)!,
    ...necipcoConfig(r, r.str('SANDBOX_URL', `http://127.0.0.1:${sandboxPort}`)),
    ...stpConfig(r, r.str('SANDBOX_URL', `http://127.0.0.1:${sandboxPort}`)),
    ...credencialConfig(r, r.str('SANDBOX_URL', `http://127.0.0.1:${sandboxPort}`)),
    ...bcsConfig(r, r.str('SANDBOX_URL', `http://127.0.0.1:${sandboxPort}`)),
    stpWebhook: webhookConfig(r, 'STP', nodeEnv === 'production'),
    credencialWebhook: webhookConfig(r, 'CREDENCIAL', nodeEnv === 'production'),
    webhookToleranceSeconds: r.int('WEBHOOK_TOLERANCE_SECONDS', 300, 1, 86_400),
    sweeperIntervalMs: r.int('SWEEPER_INTERVAL_MS', 5000, 100, 3_600_000),
    sweeperAgeMs: r.int('SWEEPER_AGE_MS', 15_000, 100, 86_400_000),
    debitSettleIntervalMs: r.int('DEBIT_SETTLE_INTERVAL_MS', 250, 10, 60_000),
    debitAuthorizeBatch: r.int('DEBIT_AUTHORIZE_BATCH', 64, 1, 1000),
    debitAuthorizeLanes: r.int('DEBIT_AUTHORIZE_LANES', 1, 1, 64),
    webhookIntakeBatch: r.int('WEBHOOK_INTAKE_BATCH', 64, 1, 1000),
    webhookIntakeLanes: r.int('WEBHOOK_INTAKE_LANES', 2, 1, 64),
    webhookJobAttempts: r.int('WEBHOOK_JOB_ATTEMPTS', 8, 1, 50),
    webhookJobBackoffMs: r.int('WEBHOOK_JOB_BACKOFF_MS', 500, 10, 600_000),
    idempotencyHashKey: idempotencyHashKey(r, nodeEnv === 'production'),
  });
  if (nodeEnv === 'production' && !config.databaseUrl) {
    r.problems.push('DATABASE_URL is required when NODE_ENV=production (the embedded Postgres is for development)');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}

/** A fresh random token, for generated secrets (dev keys, test prefixes). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** Where the test suite finds its servers; each run then makes its own database and key prefix. */
export interface TestServers {
  postgresUrl: string;
  redisUrl: string;
}

export function testServers(base: Env = process.env): TestServers {
  return {
    postgresUrl: base.TEST_POSTGRES_URL || 'postgresql://postgres@127.0.0.1:5432/postgres',
    redisUrl: base.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

/** The environment for a child process of ours: this one's, with overrides (undefined removes). */
export function childEnvironment(overrides: Record<string, string | undefined>, base: Env = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...base, ...overrides })) if (v !== undefined) env[k] = v;
  return env;
}
