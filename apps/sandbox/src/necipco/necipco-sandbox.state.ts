import { Inject, Injectable, Optional } from '@nestjs/common';
import { createHmac, createPublicKey, randomInt, randomUUID, timingSafeEqual, type KeyObject } from 'node:crypto';
import { AppConfig } from '#libs/config';
import { BANXICO_INSTITUTIONS, Clabe, luhnCheckDigit, Money } from '#libs/domain';
import {
  fromBase64Any,
  generateRsaKeyPair,
  NecipcoCode,
  publicKeyPem,
  rsaDecrypt,
  rsaEncrypt,
  toBase64,
  toPrivateKey,
  type RsaPadding,
} from '#libs/providers/necipco';
import { NecipcoSandboxError as E } from './necipco-sandbox.errors.js';

export const NECIPCO_SANDBOX_OPTIONS = Symbol('NECIPCO_SANDBOX_OPTIONS');

export interface NecipcoSandboxOptions {
  /** Credentials of the main client (default: config NECIPCO_API_KEY / NECIPCO_PASSWORD, else sandbox / sandbox). */
  apiKey?: string;
  password?: string;
  padding?: RsaPadding;
  /** JWT lifetime. Default 3600 s. */
  tokenTtlSeconds?: number;
  /** Main balance at start. Default "1000000.00". */
  initialAvailable?: string;
  /** Physical cards in stock (NEED_ACTIVATION) at start. Default 50. */
  stockSize?: number;
  /** First PIN lock; each further lock lasts this times the lock count. Default 5 minutes. */
  pinLockMs?: number;
  /** The sandbox's own private key (PEM); default: a fresh 2048-bit pair at start. */
  privateKeyPem?: string;
  /** The client's public key pre-registered (PEM); default: derived from config NECIPCO_PRIVATE_KEY, if set. */
  clientPublicKeyPem?: string;
}

export const MAX_PIN_ATTEMPTS = 5;
const SPEI_COMMISSION = Money.parse('5.80');
const SPEI_IVA = Money.parse('0.93');
const TZ = 'America/Mexico_City';

export interface SbApiKey {
  id: string;
  key: string;
  password: string;
  alias: string;
  publicKey?: KeyObject;
}

export interface SbClient {
  id: string;
  parentId?: string;
  name: string;
  alias: string;
  code: string;
  entityCode: string;
  email: string;
  rfc: string;
  available: Money;
  balance: Money;
  status: string;
  createdAt: string;
  updatedAt: string;
  apiKey: SbApiKey;
  apiKeyDescription?: string;
}

export interface SbCardholder {
  id: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface SbAccount {
  id: string;
  reference: string;
  cardholderId: string;
  status: string;
  createdAt: string;
  activatedAt: string | null;
  document: { type: string; number: string };
  observations: string;
  assignedBy: string;
}

export type SbCardType = 'PHYSICAL' | 'VIRTUAL' | 'VIRTUAL_WITH_PHYSICAL';

export interface SbMovement {
  id: string;
  referencialId: string;
  at: Date;
  type: string;
  subtype: string;
  description: string;
  merchant: string;
  amount: Money;
  credit: boolean;
  authorization: string;
  channel: string;
}

export interface SbCard {
  id: string;
  pan: string;
  type: SbCardType;
  status: string;
  productId: string;
  cardholderId?: string;
  accountId?: string;
  balance: Money;
  posPin: string;
  atmPin?: string;
  pinFailures: number;
  lockCount: number;
  lockedUntil?: number;
  expMonth: string;
  expYear: string;
  cvc?: { value: string; expiresAt: number };
  assignedAt?: string;
  movements: SbMovement[];
  lastApproved?: string;
  lastDenied?: string;
  lastBlock?: string;
  delivery?: Record<string, string>;
}

export interface SbProduct {
  id: string;
  name: string;
  typeKey: string;
  typeValue: string;
  affinityGroup: string;
}

export interface CatalogEntry {
  key: string;
  value: string;
  description: string;
}

const e = (key: string, value: string, description = ''): CatalogEntry => ({ key, value, description });

export const SANDBOX_CATALOGS: Record<string, CatalogEntry[]> = {
  card_status: [
    e('ACTIVE', '01'),
    e('TEMPORARY_INACTIVE', '2N'),
    e('NEED_ACTIVATION', '00', 'Card in stock, not active yet'),
    e('PREVENTIVE_BLOCK', '2P', 'Preventive block'),
    e('LOST', '41', 'Reported lost, for replacement'),
    e('STOLEN', '43', 'Reported stolen, for replacement'),
    e('CANCELED', '05', 'Canceled'),
  ],
  document_type: [e('INE', 'INE', 'Instituto Nacional Electoral'), e('IFE', 'IFE', 'Instituto Federal Electoral'), e('PASAPORTE', 'PASAPORTE', 'Pasaporte'), e('CEDULA_PROFESIONAL', 'CEDULA_PROFESIONAL', 'Cédula profesional')],
  states: [
    'CDMX', 'AGUASCALIENTES', 'BAJA_CALIFORNIA', 'BAJA_CALIFORNIA_SUR', 'CAMPECHE', 'CHIAPAS', 'CHIHUAHUA', 'COAHUILA', 'COLIMA', 'DURANGO',
    'ESTADO_DE_MEXICO', 'GUANAJUATO', 'GUERRERO', 'HIDALGO', 'JALISCO', 'MICHOACAN', 'MORELOS', 'NAYARIT', 'NUEVO_LEON', 'OAXACA', 'PUEBLA',
    'QUERETARO', 'QUINTANA_ROO', 'SAN_LUIS_POTOSI', 'SINALOA', 'SONORA', 'TABASCO', 'TAMAULIPAS', 'TLAXCALA', 'VERACRUZ', 'YUCATAN', 'ZACATECAS',
  ].map((k, i) => e(k, String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(i - 25) : ''))),
  marital_status: [e('SOLTERO', 'S'), e('CASADO', 'C'), e('DIVORCIADO', 'D'), e('VIUDO', 'V'), e('UNION_LIBRE', 'U')],
  gender: [e('MALE', 'MALE'), e('FEMALE', 'FEMALE')],
};

/** 16 digits with a Luhn check digit. */
export function luhnPan(first15: string): string {
  return first15 + luhnCheckDigit(first15);
}

export function mexicoDateTime(d: Date): { date: string; time: string } {
  const s = d.toLocaleString('sv-SE', { timeZone: TZ, hour12: false });
  const [date, time] = s.split(' ');
  return { date, time };
}

/** Money as the document's JSON numbers (through the decimal string, never float arithmetic). */
export function num(m: Money): number {
  return Number(m.toDecimalString());
}

/**
 * The simulated NeCIPCo's whole state, in memory: clients and their api keys / public keys, JWTs,
 * cardholders, accounts, cards (a stock in NEED_ACTIVATION, balances, PINs with attempts and locks,
 * movements), products, SPEI orders.
 */
@Injectable()
export class NecipcoSandboxState {
  readonly padding: RsaPadding;
  readonly privateKey: KeyObject;
  readonly systemPublicKeyPem: string;
  private readonly jwtSecret = Buffer.from(randomUUID());
  private readonly tokenTtl: number;
  private readonly pinLockMs: number;
  private readonly revoked = new Set<string>();
  readonly clients = new Map<string, SbClient>();
  readonly cardholders = new Map<string, SbCardholder>();
  readonly accounts = new Map<string, SbAccount>();
  readonly cards = new Map<string, SbCard>();
  private readonly byPan = new Map<string, SbCard>();
  readonly products: SbProduct[];
  readonly spei: Array<Record<string, unknown>> = [];
  private nextStock = 1;
  private nextVirtual = 1;
  private nextAccount = 555_000_001;
  private nextMovement = 100_000_001;
  private faults: Array<{ status: number; remaining: number; path?: string }> = [];

  constructor(@Optional() @Inject(NECIPCO_SANDBOX_OPTIONS) options: NecipcoSandboxOptions | null, @Optional() @Inject(AppConfig) config: AppConfig | null) {
    const o = options ?? {};
    this.padding = o.padding ?? config?.necipcoRsaPadding ?? 'oaep-sha256';
    this.tokenTtl = o.tokenTtlSeconds ?? 3600;
    this.pinLockMs = o.pinLockMs ?? 5 * 60_000;
    this.privateKey = o.privateKeyPem ? toPrivateKey(o.privateKeyPem) : generateRsaKeyPair().privateKey;
    this.systemPublicKeyPem = publicKeyPem(this.privateKey);
    const now = new Date().toISOString();
    const clientKeyPem = o.clientPublicKeyPem ?? (config?.necipcoPrivateKey ? publicKeyPem(toPrivateKey(config.necipcoPrivateKey)) : undefined);
    const main: SbClient = {
      id: randomUUID(),
      name: 'Pasarela Sandbox',
      alias: 'PASARELA',
      code: 'PAS',
      entityCode: '123',
      email: 'sandbox@pasarela.dev',
      rfc: 'XAXX010101000',
      available: Money.parse(o.initialAvailable ?? '1000000.00'),
      balance: Money.ofCentavos(0n),
      status: 'ACTIVE',
      createdAt: now,
      updatedAt: now,
      apiKey: {
        id: randomUUID(),
        key: o.apiKey ?? config?.necipcoApiKey ?? 'sandbox',
        password: o.password ?? config?.necipcoPassword ?? 'sandbox',
        alias: 'DEFAULT_API_KEY',
        publicKey: clientKeyPem ? createPublicKey(clientKeyPem) : undefined,
      },
    };
    this.clients.set(main.id, main);
    this.products = [
      { id: '6f1c1f4e-8a5b-4c41-9d1e-000000000001', name: 'PASARELA DEBITO', typeKey: 'DEBIT_2', typeValue: 'Debito 2', affinityGroup: '0003' },
      { id: '6f1c1f4e-8a5b-4c41-9d1e-000000000002', name: 'PASARELA VIRTUAL', typeKey: 'VIRTUAL', typeValue: 'Virtual', affinityGroup: '0004' },
    ];
    for (let i = 0; i < (o.stockSize ?? 50); i++) this.addStockCard();
  }

  // ------------------------------------------------------------------ faults (sandbox control)

  addFault(status: number, count: number, path?: string): void {
    this.faults.push({ status, remaining: count, path });
  }

  takeFault(path: string): number | undefined {
    const f = this.faults.find((x) => x.remaining > 0 && (!x.path || path.includes(x.path)));
    if (!f) return undefined;
    f.remaining -= 1;
    this.faults = this.faults.filter((x) => x.remaining > 0);
    return f.status;
  }

  // ------------------------------------------------------------------ auth

  login(apiKey: unknown, password: unknown): { token: string; client: SbClient } {
    const client = [...this.clients.values()].find((c) => safeEqual(c.apiKey.key, apiKey) && safeEqual(c.apiKey.password, password));
    if (!client) throw E.unauthorized('Invalid api_key or password');
    const now = Math.floor(Date.now() / 1000);
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const body = b64({ jti: randomUUID(), sub: client.apiKey.id, cid: client.id, iat: now, exp: now + this.tokenTtl });
    const sig = createHmac('sha256', this.jwtSecret).update(`${head}.${body}`).digest('base64url');
    return { token: `${head}.${body}.${sig}`, client };
  }

  /** The client behind a `Bearer` header, or 401. */
  authenticate(header: string | undefined): { client: SbClient; jti: string } {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) throw E.unauthorized('Missing Authorization Bearer token');
    const [head, body, sig] = m[1].split('.');
    if (!head || !body || !sig) throw E.unauthorized('Invalid token');
    const expected = createHmac('sha256', this.jwtSecret).update(`${head}.${body}`).digest('base64url');
    if (!safeEqual(expected, sig)) throw E.unauthorized('Invalid token');
    let payload: { jti: string; cid: string; exp: number };
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw E.unauthorized('Invalid token');
    }
    if (payload.exp * 1000 <= Date.now()) throw E.unauthorized('Token expired');
    if (this.revoked.has(payload.jti)) throw E.unauthorized('Token revoked');
    const client = this.clients.get(payload.cid);
    if (!client) throw E.unauthorized('Invalid token');
    return { client, jti: payload.jti };
  }

  logout(jti: string): void {
    this.revoked.add(jti);
  }

  // ------------------------------------------------------------------ crypto

  /** Decrypts a sensitive field sent to us; `where` decides the accepted encoding. */
  decryptField(field: string, value: unknown, where: 'body' | 'query'): string {
    if (typeof value !== 'string' || value === '') throw E.validation([{ field, message: 'is required' }]);
    if (where === 'query' && /[=+/]/.test(value)) {
      throw E.validation([{ field, message: 'must be base64url encoded without padding (RFC 4648 §5)' }]);
    }
    try {
      return rsaDecrypt(fromBase64Any(value), this.privateKey, this.padding).toString('utf8');
    } catch {
      throw E.validation([{ field, message: 'could not be decrypted with the system key' }]);
    }
  }

  /** Encrypts a sensitive response field with the caller's registered public key (403 when none). */
  encryptFor(client: SbClient, plain: string): string {
    const key = client.apiKey.publicKey;
    if (!key) throw E.declined(NecipcoCode.PUBLIC_KEY_REQUIRED, 'A public key must be registered (POST /clients/api_key/public_key) to receive sensitive data');
    return toBase64(rsaEncrypt(plain, key, this.padding));
  }

  // ------------------------------------------------------------------ cards

  private addStockCard(): SbCard {
    const pan = luhnPan(`506411${String(this.nextStock++).padStart(9, '0')}`);
    return this.addCard(pan, 'PHYSICAL', this.products[0].id);
  }

  private addCard(pan: string, type: SbCardType, productId: string): SbCard {
    const exp = new Date();
    const card: SbCard = {
      id: randomUUID(),
      pan,
      type,
      status: 'NEED_ACTIVATION',
      productId,
      balance: Money.ofCentavos(0n),
      posPin: String(randomInt(0, 10_000)).padStart(4, '0'),
      pinFailures: 0,
      lockCount: 0,
      expMonth: String(exp.getUTCMonth() + 1).padStart(2, '0'),
      expYear: String(exp.getUTCFullYear() + 4),
      movements: [],
    };
    this.cards.set(card.id, card);
    this.byPan.set(pan, card);
    return card;
  }

  newVirtualCard(productId: string): SbCard {
    const pan = luhnPan(`506412${String(this.nextVirtual++).padStart(9, '0')}`);
    return this.addCard(pan, 'VIRTUAL', productId);
  }

  stock(): SbCard[] {
    return [...this.cards.values()].filter((c) => !c.cardholderId && c.type === 'PHYSICAL');
  }

  /** Takes a decrypted "card number or card id" value. */
  findCard(idOrPan: string): SbCard {
    const card = this.cards.get(idOrPan) ?? this.byPan.get(idOrPan);
    if (!card) throw E.notFound('Card');
    return card;
  }

  findCardholder(id: string): SbCardholder {
    const ch = this.cardholders.get(id);
    if (!ch) throw E.notFound('Cardholder');
    return ch;
  }

  newAccount(cardholderId: string, document: { type: string; number: string }, observations: string, assignedBy: string): SbAccount {
    const acc: SbAccount = {
      id: randomUUID(),
      reference: String(this.nextAccount++),
      cardholderId,
      status: 'ACTIVE',
      createdAt: new Date().toISOString(),
      activatedAt: null,
      document,
      observations,
      assignedBy,
    };
    this.accounts.set(acc.id, acc);
    return acc;
  }

  requireAssigned(card: SbCard): SbAccount {
    const acc = card.accountId ? this.accounts.get(card.accountId) : undefined;
    if (!acc) throw E.declined(NecipcoCode.CARD_NOT_ACTIVE, 'Card is not assigned to a cardholder');
    return acc;
  }

  requireActive(card: SbCard): SbAccount {
    const acc = this.requireAssigned(card);
    if (card.status !== 'ACTIVE') {
      card.lastDenied = this.stamp();
      throw E.declined(NecipcoCode.CARD_NOT_ACTIVE, `Card is not active (${card.status})`);
    }
    return acc;
  }

  /**
   * ATM PIN check with the documented lock: 5 wrong attempts lock validation for a while, each further
   * lock lasting longer. Returns whether the PIN matched; throws 403 when locked or not set.
   */
  checkPin(card: SbCard, pin: string): { ok: boolean; attemptsRemaining: number } {
    const now = Date.now();
    if (card.lockedUntil && card.lockedUntil > now) {
      throw E.declined(NecipcoCode.PIN_LOCKED, 'PIN validation temporarily blocked after too many wrong attempts', { locked_until: new Date(card.lockedUntil).toISOString() });
    }
    if (!card.atmPin) throw E.declined(NecipcoCode.PIN_NOT_SET, 'ATM PIN not set for this card');
    if (safeEqual(card.atmPin, pin)) {
      card.pinFailures = 0;
      return { ok: true, attemptsRemaining: MAX_PIN_ATTEMPTS };
    }
    card.pinFailures += 1;
    card.lastDenied = this.stamp();
    const attemptsRemaining = Math.max(0, MAX_PIN_ATTEMPTS - card.pinFailures);
    if (card.pinFailures >= MAX_PIN_ATTEMPTS) {
      card.lockCount += 1;
      card.lockedUntil = now + this.pinLockMs * card.lockCount;
      card.pinFailures = 0;
    }
    return { ok: false, attemptsRemaining };
  }

  /** For operations where a wrong PIN is a refusal (withdrawal, purchase, CVC, PIN update). */
  requirePin(card: SbCard, pin: string): void {
    const r = this.checkPin(card, pin);
    if (!r.ok) throw E.declined(NecipcoCode.INVALID_PIN, 'Invalid PIN', { attempts_remaining: r.attemptsRemaining });
  }

  clearLock(card: SbCard): void {
    card.lockedUntil = undefined;
    card.pinFailures = 0;
  }

  // ------------------------------------------------------------------ money

  authCode(): string {
    return String(randomInt(100_000, 1_000_000));
  }

  record(card: SbCard, m: Omit<SbMovement, 'id' | 'referencialId' | 'at' | 'authorization'>, authorization: string): SbMovement {
    const at = new Date();
    const mv: SbMovement = {
      ...m,
      id: String(this.nextMovement++),
      referencialId: `NECIPCO.${m.channel}.${Math.floor(at.getTime() / 1000)}.${randomInt(1_000_000, 9_999_999)}`,
      at,
      authorization,
    };
    card.movements.push(mv);
    card.lastApproved = this.stamp();
    return mv;
  }

  credit(card: SbCard, amount: Money): void {
    card.balance = card.balance.add(amount);
  }

  debit(card: SbCard, amount: Money): void {
    if (card.balance.centavos < amount.centavos) {
      card.lastDenied = this.stamp();
      throw E.declined(NecipcoCode.INSUFFICIENT_FUNDS, 'Insufficient balance on card');
    }
    card.balance = card.balance.subtract(amount);
  }

  debitClient(client: SbClient, amount: Money): void {
    if (client.available.centavos < amount.centavos) throw E.declined(NecipcoCode.INSUFFICIENT_CLIENT_FUNDS, 'Insufficient main balance');
    client.available = client.available.subtract(amount);
    client.updatedAt = new Date().toISOString();
  }

  speiCharges(): { commission: Money; iva: Money } {
    return { commission: SPEI_COMMISSION, iva: SPEI_IVA };
  }

  institutions(): Array<{ inicio_clabe: string; clave_institucion: string; nombre_institucion: string }> {
    return BANXICO_INSTITUTIONS.map((i) => ({ inicio_clabe: i.bankCode, clave_institucion: i.speiKey, nombre_institucion: i.name }));
  }

  clabeValid(clabe: string): boolean {
    return Clabe.isValid(clabe);
  }

  stamp(d = new Date()): string {
    const { date, time } = mexicoDateTime(d);
    return `${date} ${time}`;
  }

  catalogKeys(name: string): string[] | undefined {
    if (name === 'spei_institutions') return this.institutions().flatMap((i) => [i.nombre_institucion, i.clave_institucion]);
    const list = SANDBOX_CATALOGS[name === 'document_types' ? 'document_type' : name];
    return list?.map((x) => x.key);
  }
}

function safeEqual(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
