import type { Logger } from 'pino';
import { contextLogger } from '#libs/logging';
import type { KeyObject } from 'node:crypto';
import { Money, ProviderUnavailableError, SensitiveValue, type SensitiveKind } from '#libs/domain';
import { CircuitBreaker, parseJsonBody } from '#libs/providers/shared';
import {
  generateRsaKeyPair,
  NecipcoCipher,
  NecipcoCryptoError,
  NecipcoDecipher,
  publicKeyPem,
  samePublicKey,
  toPrivateKey,
  toPublicKey,
  type RsaPadding,
} from './necipco.crypto.js';
import { isRetryableStatus, mapNecipcoError, PROVIDER, unavailable } from './necipco.errors.js';
import {
  assertCardholderQuery,
  assertValid,
  catalogsUsed,
  SCHEMAS,
  UUID_LIKE,
  type CatalogRef,
  type OperationName,
  type Schema,
} from './necipco.validation.js';
import type * as W from './wire/index.js';
import { CATALOG_RESPONSE_KEYS } from './wire/catalogs.js';

export interface NecipcoClientOptions {
  /** Where the client logs (the app's AppLogger); silent when not given. */
  logger?: Logger;
  /** e.g. https://host/v1 or http://127.0.0.1:4000/necipco/v1 */
  baseUrl: string;
  apiKey: string;
  password: string;
  /** NeCIPCo's public key (PEM). Undefined: read from GET /clients/api_key/public_key. */
  systemPublicKey?: string;
  /** Our private key (PEM). Undefined: an ephemeral key pair, registered at start. */
  privateKey?: string;
  padding?: RsaPadding;
  timeoutMs?: number;
  /** Register our public key when NeCIPCo holds another (or none). Default true. */
  registerPublicKey?: boolean;
  /** Extra attempts for idempotent GETs on network errors, 429 and 5xx. Default 2. */
  getRetries?: number;
  retryDelayMs?: number;
  /** Longest wait a Retry-After may impose before a GET retry. Default 2000 ms. */
  maxRetryWaitMs?: number;
  /** Consecutive unavailability failures that open the circuit, and how long it stays open. */
  breakerThreshold?: number;
  breakerOpenMs?: number;
  /** Re-login this many seconds before the JWT's exp. Default 30. */
  tokenSkewSeconds?: number;
  catalogTtlMs?: number;
  /** For tests: count or fake the HTTP layer. */
  fetch?: typeof fetch;
}

/** A coordinate as the caller gives it: "19.43260" or 19.4326. Sent with exactly 5 decimals. */
export type Coordinate = string | number;
type S = SensitiveValue;
type A = Money;
type G = Coordinate;

/** Pieces of a request as callers give them: sensitive values wrapped, money as Money. */
type Loose = Record<string, unknown>;

class RawNumber {
  constructor(readonly token: string) {}
}

const RAW_MARK = '\u0000necipco-raw:';
const RAW_RE = new RegExp(`"${RAW_MARK.replace('\u0000', '\\\\u0000')}(-?[0-9]+(?:\\.[0-9]+)?)"`, 'g');

/** JSON with amounts and coordinates written as exact number tokens (never through a float). */
export function toWireJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v instanceof RawNumber ? `${RAW_MARK}${v.token}` : v)).replace(RAW_RE, '$1');
}

/** "12.1" → "12.10000"; input already validated (at most 5 decimals). */
export function fiveDecimals(value: Coordinate): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,5}))?$/.exec(String(value).trim());
  if (!m) throw new Error('coordinate not validated');
  return `${m[1]}${m[2]}.${(m[3] ?? '').padEnd(5, '0')}`;
}

interface CallOptions {
  query?: Record<string, string>;
  body?: string;
  auth?: boolean;
  /** Idempotent: may be retried. Default: GET only. */
  retry?: boolean;
}

interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

interface Token {
  value: string;
  /** ms epoch; undefined = until a 401 says otherwise. */
  expiresAt?: number;
}

interface Keys {
  cipher: NecipcoCipher;
}

/**
 * HTTP client for every operation of the NeCIPCo API document. Field rules are checked before any call
 * (ValidationError naming the field); sensitive request fields are encrypted (base64 in bodies, base64url
 * without padding in queries); sensitive response fields come back as SensitiveValue. One JWT is reused;
 * a 401 or an expiring token triggers one login shared by all concurrent callers. GETs are retried a
 * bounded number of times; mutations never are. Every documented HTTP code becomes a domain error.
 */
export class NecipcoClient {
  private readonly log: Logger;
  private readonly opts: Required<Omit<NecipcoClientOptions, 'systemPublicKey' | 'privateKey' | 'fetch' | 'logger'>>;
  private readonly http: typeof fetch;
  private readonly privateKey: KeyObject;
  private readonly decipher: NecipcoDecipher;
  private readonly ephemeralKey: boolean;
  private systemKey?: KeyObject;
  private token?: Token;
  private loginInFlight?: Promise<Token>;
  private keysInFlight?: Promise<Keys>;
  private keys?: Keys;
  private readonly catalogCache = new Map<CatalogRef, { keys: string[]; at: number }>();
  private readonly breaker: CircuitBreaker;
  /** HTTP requests sent (tests, metrics). */
  requestCount = 0;
  loginCount = 0;

  constructor(options: NecipcoClientOptions) {
    this.log = contextLogger(options.logger, 'NecipcoClient');
    this.opts = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      password: options.password,
      padding: options.padding ?? 'oaep-sha256',
      timeoutMs: options.timeoutMs ?? 10_000,
      registerPublicKey: options.registerPublicKey ?? true,
      getRetries: options.getRetries ?? 2,
      retryDelayMs: options.retryDelayMs ?? 200,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 2000,
      breakerThreshold: options.breakerThreshold ?? 5,
      breakerOpenMs: options.breakerOpenMs ?? 30_000,
      tokenSkewSeconds: options.tokenSkewSeconds ?? 30,
      catalogTtlMs: options.catalogTtlMs ?? 3_600_000,
    };
    // No half-open trial: after the pause NeCIPCo gets a fresh count of failures.
    this.breaker = new CircuitBreaker({ threshold: this.opts.breakerThreshold, cooldownMs: this.opts.breakerOpenMs, halfOpen: false });
    this.http = options.fetch ?? ((...args) => fetch(...args));
    this.ephemeralKey = !options.privateKey;
    this.privateKey = options.privateKey ? toPrivateKey(options.privateKey) : generateRsaKeyPair().privateKey;
    this.decipher = new NecipcoDecipher(this.privateKey, this.opts.padding);
    if (options.systemPublicKey) this.systemKey = toPublicKey(options.systemPublicKey);
  }

  /** Our public key (PEM) — what NeCIPCo must hold to encrypt its answers to us. */
  get ourPublicKeyPem(): string {
    return publicKeyPem(this.privateKey);
  }

  // ---------------------------------------------------------------- auth

  /** POST /auth/login — also done implicitly; returns the client NeCIPCo reports. */
  async login(): Promise<W.WireClient> {
    const { client } = await this.doLogin();
    return client;
  }

  /** DELETE /auth/logout — revokes the current token (if any). */
  async logout(): Promise<void> {
    const token = this.token;
    if (!token) return;
    this.token = undefined;
    // `{}`: the document requires Content-Type: application/json, and a JSON content type wants a body.
    try {
      await this.send('logout', 'DELETE', '/auth/logout', { body: '{}' }, token.value);
    } catch (e) {
      if (e instanceof UnauthorizedSignal) return; // already expired or revoked: logged out anyway
      throw e;
    }
  }

  /** Nest shutdown hook: revoke our session token rather than leave it valid until it expires. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.token) return;
    await Promise.race([this.logout().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
  }

  private async currentToken(): Promise<Token> {
    const t = this.token;
    if (t && (t.expiresAt === undefined || t.expiresAt - this.opts.tokenSkewSeconds * 1000 > Date.now())) return t;
    return this.relogin(t);
  }

  /** One login at a time: concurrent callers share the same attempt. */
  private relogin(stale?: Token): Promise<Token> {
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    if (!this.loginInFlight) {
      this.loginInFlight = this.doLogin()
        .then((r) => r.token)
        .finally(() => {
          this.loginInFlight = undefined;
        });
    }
    return this.loginInFlight;
  }

  private async doLogin(): Promise<{ token: Token; client: W.WireClient }> {
    this.loginCount++;
    const body: W.LoginRequest = { api_client: { api_key: this.opts.apiKey, password: this.opts.password } };
    const res = await this.send<W.LoginResponse>('login', 'POST', '/auth/login', { body: JSON.stringify(body), auth: false });
    const header = res.headers.get('authorization') ?? '';
    const value = header.replace(/^Bearer\s+/i, '').trim();
    if (!value) throw new ProviderUnavailableError(PROVIDER, 'NeCIPCo login returned no token', { provider: PROVIDER, operation: 'login' });
    const token: Token = { value, expiresAt: jwtExpiry(value) };
    this.token = token;
    return { token, client: res.body?.data?.client };
  }

  // ---------------------------------------------------------------- keys

  /** System key known and our public key registered (once; shared by concurrent callers). */
  private ready(): Promise<Keys> {
    if (this.keys) return Promise.resolve(this.keys);
    if (!this.keysInFlight) {
      this.keysInFlight = this.bootstrapKeys()
        .then((k) => (this.keys = k))
        .finally(() => {
          this.keysInFlight = undefined;
        });
    }
    return this.keysInFlight;
  }

  private async bootstrapKeys(): Promise<Keys> {
    const needLookup = !this.systemKey || this.opts.registerPublicKey || this.ephemeralKey;
    if (needLookup) {
      const res = await this.call<W.NecipcoEnvelope<W.PublicKeyResponseData>>('getPublicKey', 'GET', '/clients/api_key/public_key');
      const data = res.body.data;
      if (!this.systemKey) {
        const pem = data?.system?.public_key;
        if (!pem) throw new ProviderUnavailableError(PROVIDER, 'NeCIPCo did not return its public key', { provider: PROVIDER });
        this.systemKey = toPublicKey(pem);
      }
      const registered = data?.api_key?.public_key;
      if ((this.opts.registerPublicKey || this.ephemeralKey) && !(registered && samePublicKey(registered, this.privateKey))) {
        this.log.info('registering our public key with NeCIPCo');
        await this.call('addPublicKey', 'POST', '/clients/api_key/public_key', { body: JSON.stringify({ public_key: this.ourPublicKeyPem }) });
      }
    }
    return { cipher: new NecipcoCipher(this.systemKey!, this.opts.padding) };
  }

  private reveal(encoded: unknown, kind: SensitiveKind, field: string, operation: string): SensitiveValue | undefined {
    if (encoded === undefined || encoded === null || encoded === '') return undefined;
    try {
      return new SensitiveValue(this.decipher.decrypt(String(encoded)), kind);
    } catch (e) {
      if (!(e instanceof NecipcoCryptoError)) throw e;
      // NeCIPCo holds another public key than ours: register again on the next call.
      this.keys = undefined;
      throw new ProviderUnavailableError(PROVIDER, `could not decrypt ${field} from NeCIPCo`, { provider: PROVIDER, operation, field });
    }
  }

  // ---------------------------------------------------------------- request building

  /** Sensitive → clear, Money → decimal string: the view the field rules are written for. */
  private clearView(input: Loose): Loose {
    const out: Loose = {};
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined) continue;
      out[k] = v instanceof SensitiveValue ? v.reveal() : v instanceof Money ? v.toDecimalString() : v;
    }
    return out;
  }

  /** Validates (format, then catalogs) and returns the clear view. No HTTP happens before the format check. */
  private async validate(op: OperationName, input: Loose): Promise<Loose> {
    const schema: Schema = SCHEMAS[op];
    const clear = this.clearView(input);
    assertValid(op, schema, clear);
    const wanted = catalogsUsed(schema).filter((c) => Object.entries(schema).some(([f, s]) => s.rule.kind === 'catalog' && s.rule.catalog === c && clear[f] !== undefined));
    if (wanted.length) {
      const lists = new Map<CatalogRef, string[]>();
      for (const c of wanted) lists.set(c, await this.catalogKeys(c));
      assertValid(op, schema, clear, (c) => lists.get(c));
    }
    return clear;
  }

  private encodeField(op: OperationName, field: string, value: unknown, keys: Keys, where: 'body' | 'query'): unknown {
    const spec = (SCHEMAS[op] as Schema)[field];
    if (!spec) return value;
    if (spec.sensitive) {
      const text = String(value);
      if (spec.rule.kind === 'card' && UUID_LIKE.test(text)) return text; // a card id travels in clear
      return where === 'body' ? keys.cipher.forBody(text) : keys.cipher.forQuery(text);
    }
    switch (spec.rule.kind) {
      case 'latitude':
      case 'longitude':
        return where === 'body' ? new RawNumber(fiveDecimals(value as Coordinate)) : fiveDecimals(value as Coordinate);
      case 'amount':
        return where === 'body' ? new RawNumber(Money.parse(String(value)).toDecimalString()) : String(value);
      case 'boolean':
        return where === 'body' ? value === true || value === 'true' : String(value);
      default:
        return value;
    }
  }

  private async body(op: OperationName, input: Loose): Promise<string> {
    const clear = await this.validate(op, input);
    const keys = await this.ready();
    const wire: Loose = {};
    for (const [k, v] of Object.entries(clear)) wire[k] = this.encodeField(op, k, v, keys, 'body');
    return toWireJson(wire);
  }

  private async query(op: OperationName, input: Loose): Promise<Record<string, string>> {
    const clear = await this.validate(op, input);
    const keys = await this.ready();
    const q: Record<string, string> = {};
    for (const [k, v] of Object.entries(clear)) q[k] = String(this.encodeField(op, k, v, keys, 'query'));
    return q;
  }

  // ---------------------------------------------------------------- transport

  /** Authenticated call: one re-login on 401, then the answer or a domain error. */
  private async call<T>(operation: string, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
    let token = await this.currentToken();
    try {
      return await this.send<T>(operation, method, path, options, token.value);
    } catch (e) {
      if (!(e instanceof UnauthorizedSignal)) throw e;
      this.log.warn(`NeCIPCo answered 401 to ${operation}; logging in again`);
      token = await this.relogin(token);
      try {
        return await this.send<T>(operation, method, path, options, token.value);
      } catch (again) {
        if (again instanceof UnauthorizedSignal) throw mapNecipcoError({ operation, status: 401, body: again.body });
        throw again;
      }
    }
  }

  private async ensureReady(): Promise<void> {
    await this.ready();
  }

  private async send<T>(operation: string, method: string, path: string, options: CallOptions, bearer?: string): Promise<Answer<T>> {
    if (!this.breaker.allow()) {
      throw new ProviderUnavailableError(PROVIDER, 'NeCIPCo circuit open after repeated failures', { provider: PROVIDER, operation, circuit: 'open' });
    }
    const retry = options.retry ?? method === 'GET';
    const attempts = retry ? 1 + this.opts.getRetries : 1;
    const url = this.opts.baseUrl + path + (options.query && Object.keys(options.query).length ? `?${new URLSearchParams(options.query).toString()}` : '');
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (bearer) headers.authorization = `Bearer ${bearer}`;

    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        this.requestCount++;
        res = await this.http(url, { method, headers, body: options.body, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      } catch (e) {
        const reason = (e as Error)?.name === 'TimeoutError' ? `timeout after ${this.opts.timeoutMs} ms` : 'network error';
        if (attempt < attempts) {
          await sleep(this.opts.retryDelayMs * attempt);
          continue;
        }
        this.failure();
        throw unavailable(operation, reason);
      }
      const text = await res.text();
      const body = parseJsonBody(text);
      if (res.status === 401 && options.auth !== false) throw new UnauthorizedSignal(body);
      if (isRetryableStatus(res.status) && attempt < attempts) {
        const retryAfter = Number(res.headers.get('retry-after'));
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, this.opts.maxRetryWaitMs) : this.opts.retryDelayMs * attempt);
        continue;
      }
      if (res.status < 200 || res.status >= 300) {
        if (isRetryableStatus(res.status)) this.failure();
        else this.success();
        const retryAfter = Number(res.headers.get('retry-after'));
        throw mapNecipcoError({ operation, status: res.status, body, retryAfter: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined });
      }
      this.success();
      if (body && typeof body === 'object' && (body as { success?: unknown }).success === false) {
        const code = (body as { code?: unknown }).code;
        throw mapNecipcoError({ operation, status: typeof code === 'number' && code >= 2000 ? 403 : 422, body });
      }
      if (text && body === undefined) throw new ProviderUnavailableError(PROVIDER, `NeCIPCo answered ${operation} with something that is not JSON`, { provider: PROVIDER, operation });
      return { status: res.status, body: body as T, headers: res.headers };
    }
  }

  private failure(): void {
    if (this.breaker.failure()) this.log.warn(`NeCIPCo circuit open for ${this.opts.breakerOpenMs} ms`);
  }

  private success(): void {
    this.breaker.success();
  }

  private async data<T>(operation: string, method: string, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.call<W.NecipcoEnvelope<T>>(operation, method, path, options);
    return res.body?.data;
  }

  // ---------------------------------------------------------------- catalogs used by validation

  private async catalogKeys(ref: CatalogRef): Promise<string[]> {
    const hit = this.catalogCache.get(ref);
    if (hit && Date.now() - hit.at < this.opts.catalogTtlMs) return hit.keys;
    let keys: string[];
    if (ref === 'spei_institutions') {
      const list = await this.getSpeiInstitutions();
      keys = list.spei_institutions.flatMap((i) => [i.nombre_institucion, i.clave_institucion]);
    } else {
      keys = (await this.getCatalog(ref)).map((e) => e.key);
    }
    this.catalogCache.set(ref, { keys, at: Date.now() });
    return keys;
  }

  // ---------------------------------------------------------------- cardholders

  /** GET /cardholders */
  async getCardholder(query: W.GetCardholderQuery): Promise<W.CardholderResponseData> {
    const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
    assertCardholderQuery(q);
    await this.ensureReady();
    return this.data('getCardholder', 'GET', '/cardholders', { query: q });
  }

  /** POST /cardholders */
  async createCardholder(input: W.CreateCardholderRequest<A>): Promise<W.CardholderResponseData> {
    return this.data('createCardholder', 'POST', '/cardholders', { body: await this.body('createCardholder', input as unknown as Loose) });
  }

  // ---------------------------------------------------------------- cards

  /** PUT /cards — assign a stock card (by its PAN) to a cardholder. */
  async assignCard(input: W.AssignCardRequest<S, G>): Promise<W.AssignCardResponseData> {
    return this.data('assignCard', 'PUT', '/cards', { body: await this.body('assignCard', input as unknown as Loose) });
  }

  /** POST /cards/activate */
  async activateCard(input: W.ActivateCardRequest<S, G>): Promise<W.WireCardAndAccount> {
    return this.data('activateCard', 'POST', '/cards/activate', { body: await this.body('activateCard', input as unknown as Loose) });
  }

  /** PUT /cards/status */
  async changeCardStatus(input: W.ChangeCardStatusRequest<S, G>): Promise<W.WireCardAndAccount> {
    return this.data('changeCardStatus', 'PUT', '/cards/status', { body: await this.body('changeCardStatus', input as unknown as Loose) });
  }

  /** GET /cards/balance */
  async getBalance(input: W.BalanceQuery<S>): Promise<W.BalanceResponseData> {
    return this.data('getBalance', 'GET', '/cards/balance', { query: await this.query('getBalance', input as unknown as Loose) });
  }

  /** GET /cards/info — card_number comes back decrypted, as a SensitiveValue. */
  async getCardInfo(input: W.CardQuery<S>): Promise<W.CardInfoResponseData<SensitiveValue>> {
    const data = await this.data<W.CardInfoResponseData>('getCardInfo', 'GET', '/cards/info', { query: await this.query('getCardInfo', input as unknown as Loose) });
    return { ...data, card: { ...data.card, card_number: this.reveal(data.card?.card_number, 'pan', 'card_number', 'getCardInfo') } };
  }

  /** GET /cards/authenticate — last four PAN digits + last two ATM PIN digits. */
  async authenticateCard(input: W.CardQuery<S> & { authentication_info: SensitiveValue | string }): Promise<W.ValidatedResponseData> {
    return this.data('authenticate', 'GET', '/cards/authenticate', { query: await this.query('authenticate', input as unknown as Loose) });
  }

  /** GET /cards/pin/pos — the POS PIN, decrypted, as a SensitiveValue. */
  async getPosPin(input: W.PosPinQuery<S, G>): Promise<W.PosPinResponseData<SensitiveValue>> {
    const data = await this.data<W.PosPinResponseData>('getPosPin', 'GET', '/cards/pin/pos', { query: await this.query('getPosPin', input as unknown as Loose) });
    return { ...data, card: { ...data.card, pin: this.reveal(data.card?.pin, 'pin', 'pin', 'getPosPin')! } };
  }

  /** POST /cards/pin — set the ATM PIN. */
  async setAtmPin(input: W.SetPinRequest<S, G>): Promise<W.PinOperationResponseData> {
    return this.data('setAtmPin', 'POST', '/cards/pin', { body: await this.body('setAtmPin', input as unknown as Loose) });
  }

  /** PUT /cards/pin — change the ATM PIN (needs the old one). */
  async updateAtmPin(input: W.UpdatePinRequest<S, G>): Promise<W.PinOperationResponseData> {
    return this.data('updateAtmPin', 'PUT', '/cards/pin', { body: await this.body('updateAtmPin', input as unknown as Loose) });
  }

  /** GET /cards/pin/validate */
  async validateAtmPin(input: W.ValidatePinQuery<S, G>): Promise<W.ValidatedResponseData & { attempts_remaining?: number }> {
    return this.data('validateAtmPin', 'GET', '/cards/pin/validate', { query: await this.query('validateAtmPin', input as unknown as Loose) });
  }

  /** POST /cards/transfer — card to card. */
  async transfer(input: W.TransferRequest<S, A, G>): Promise<W.TransferResponseData> {
    return this.data('transfer', 'POST', '/cards/transfer', { body: await this.body('transfer', input as unknown as Loose) });
  }

  /** POST /cards/disbursement */
  async disbursement(input: W.DisbursementRequest<S, A, G>): Promise<W.MoneyOperationResponseData> {
    return this.data('disbursement', 'POST', '/cards/disbursement', { body: await this.body('disbursement', input as unknown as Loose) });
  }

  /** POST /cards/payment */
  async payment(input: W.PaymentRequest<S, A, G>): Promise<W.MoneyOperationResponseData> {
    return this.data('payment', 'POST', '/cards/payment', { body: await this.body('payment', input as unknown as Loose) });
  }

  /** POST /cards/withdrawal */
  async withdrawal(input: W.WithdrawalRequest<S, A, G>): Promise<W.MoneyOperationResponseData> {
    return this.data('withdrawal', 'POST', '/cards/withdrawal', { body: await this.body('withdrawal', input as unknown as Loose) });
  }

  /** POST /cards/purchase */
  async purchase(input: W.PurchaseRequest<S, A, G>): Promise<W.MoneyOperationResponseData> {
    return this.data('purchase', 'POST', '/cards/purchase', { body: await this.body('purchase', input as unknown as Loose) });
  }

  /** GET /cards/movements */
  async getMovements(input: W.MovementsQuery<S>): Promise<W.MovementsResponseData> {
    return this.data('movements', 'GET', '/cards/movements', { query: await this.query('movements', input as unknown as Loose) });
  }

  // ---------------------------------------------------------------- virtual cards

  /** POST /cards/virtual — card number and expiry come back decrypted. */
  async createVirtualCard(input: W.CreateVirtualCardRequest<G>): Promise<W.CreateVirtualCardResponseData<SensitiveValue | undefined>> {
    const data = await this.data<W.CreateVirtualCardResponseData>('createVirtualCard', 'POST', '/cards/virtual', {
      body: await this.body('createVirtualCard', input as unknown as Loose),
    });
    const op = 'createVirtualCard';
    return {
      ...data,
      card: {
        ...data.card,
        card_number: this.reveal(data.card?.card_number, 'pan', 'card_number', op),
        exp_month: this.reveal(data.card?.exp_month, 'expiry', 'exp_month', op),
        exp_year: this.reveal(data.card?.exp_year, 'expiry', 'exp_year', op),
      },
    };
  }

  /** PUT /cards/virtual — order the physical card of a virtual one. */
  async createPhysicalFromVirtual(input: W.PhysicalFromVirtualRequest<S, G>): Promise<W.PhysicalFromVirtualResponseData> {
    return this.data('physicalFromVirtual', 'PUT', '/cards/virtual', { body: await this.body('physicalFromVirtual', input as unknown as Loose) });
  }

  /** GET /cards/virtual/cvc — a temporary CVC, decrypted. */
  async getVirtualCardCvc(input: W.CvcQuery<S, G>): Promise<W.CvcResponseData<SensitiveValue>> {
    const data = await this.data<W.CvcResponseData>('virtualCardCvc', 'GET', '/cards/virtual/cvc', { query: await this.query('virtualCardCvc', input as unknown as Loose) });
    return { ...data, card: { ...data.card, cvc: this.reveal(data.card?.cvc, 'cvc', 'cvc', 'virtualCardCvc')! } };
  }

  // ---------------------------------------------------------------- clients

  /** GET /clients */
  async getClient(): Promise<W.ClientResponseData> {
    return this.data('getClient', 'GET', '/clients');
  }

  /** GET /clients/api_key/public_key — sensitive_data (a check value) is decrypted when it can be. */
  async getPublicKey(): Promise<W.PublicKeyResponseData<SensitiveValue | undefined>> {
    await this.ensureReady();
    const data = await this.data<W.PublicKeyResponseData>('getPublicKey', 'GET', '/clients/api_key/public_key');
    let check: SensitiveValue | undefined;
    try {
      check = this.reveal(data.sensitive_data, 'authentication', 'sensitive_data', 'getPublicKey');
    } catch {
      check = undefined;
    }
    return { ...data, sensitive_data: check };
  }

  /** POST /clients/api_key/public_key */
  async addPublicKey(publicKeyPem: string): Promise<W.AddPublicKeyResponseData> {
    assertValid('addPublicKey', SCHEMAS.addPublicKey, { public_key: publicKeyPem });
    const data = await this.data<W.AddPublicKeyResponseData>('addPublicKey', 'POST', '/clients/api_key/public_key', { body: JSON.stringify({ public_key: publicKeyPem }) });
    this.keys = undefined;
    return data;
  }

  /** POST /clients — create a sub-client. */
  async createClient(input: W.CreateClientRequest<A>): Promise<W.CreateClientResponseData> {
    return this.data('createClient', 'POST', '/clients', { body: await this.body('createClient', input as unknown as Loose) });
  }

  /** POST /clients/fund */
  async fundClient(input: W.FundClientRequest<A>): Promise<W.FundClientResponseData> {
    return this.data('fundClient', 'POST', '/clients/fund', { body: await this.body('fundClient', input as unknown as Loose) });
  }

  // ---------------------------------------------------------------- SPEI, products, catalogs

  /** POST /spei */
  async createSpei(input: W.CreateSpeiRequest<S, A, G>): Promise<W.CreateSpeiResponseData> {
    return this.data('createSpei', 'POST', '/spei', { body: await this.body('createSpei', input as unknown as Loose) });
  }

  /** GET /spei/institutions */
  async getSpeiInstitutions(): Promise<W.SpeiInstitutionsResponseData> {
    return this.data('getSpeiInstitutions', 'GET', '/spei/institutions');
  }

  /** GET /products */
  async getProducts(): Promise<W.ProductsResponseData> {
    return this.data('getProducts', 'GET', '/products');
  }

  /** GET /catalogs/{card_status|document_types|states|marital_status|gender} */
  async getCatalog(name: W.WireCatalogName): Promise<W.WireCatalogEntry[]> {
    const data = await this.data<W.CatalogResponseData>(`catalog:${name}`, 'GET', `/catalogs/${name}`);
    // document_types answers under `document_type`; accept either key.
    return data?.[CATALOG_RESPONSE_KEYS[name]] ?? data?.[name] ?? [];
  }

  getCardStatusCatalog(): Promise<W.WireCatalogEntry[]> {
    return this.getCatalog('card_status');
  }

  getDocumentTypesCatalog(): Promise<W.WireCatalogEntry[]> {
    return this.getCatalog('document_types');
  }

  getStatesCatalog(): Promise<W.WireCatalogEntry[]> {
    return this.getCatalog('states');
  }

  getMaritalStatusCatalog(): Promise<W.WireCatalogEntry[]> {
    return this.getCatalog('marital_status');
  }

  getGenderCatalog(): Promise<W.WireCatalogEntry[]> {
    return this.getCatalog('gender');
  }
}

class UnauthorizedSignal {
  constructor(readonly body: unknown) {}
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** exp of a JWT (not verified: it is NeCIPCo's token, we only schedule the re-login). */
export function jwtExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(part.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
