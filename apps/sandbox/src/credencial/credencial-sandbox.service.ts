import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { maskPan, Money } from '#libs/domain';
import {
  checkCardNumber,
  checkInitialNip,
  checkNomination,
  checkStatusUpdate,
  checkUpdateNip,
  CREDENCIAL_CARD_STATUS,
  toWireNumber,
  type CredencialBalanceWebhook,
  type CredencialCardStatusResponse,
  type CredencialDebitWebhook,
  type CredencialMovementsWebhook,
  type CredencialNominationRequest,
  type CredencialNominationResponse,
  type CredencialReverseWebhook,
} from '#libs/providers/credencial';
import { SandboxFaults } from '../common/sandbox-faults.js';
import { CredencialHttpError } from './credencial-sandbox.errors.js';

export const CREDENCIAL_SANDBOX_OPERATIONS = ['nomination', 'get_status', 'update_status', 'initial_nip', 'update_nip'] as const;

/** A plastic assigned to an account. The simulated processor keeps no clear card number and no clear NIP. */
export interface SandboxCard {
  accountNumber: string;
  maskedPan: string;
  panHash: string;
  emiAccountReference: string;
  emiAccountIdentifier: string;
  cardholder: Omit<CredencialNominationRequest, 'emi_account_reference' | 'emi_account_identifier'>;
  statusCode: string;
  /** The plastic's data, MMYY and CVC, shown by the sandbox controls so tests can prove possession. */
  expiration: string;
  securityCode: string;
  nipHash?: string;
  nipSalt: string;
  createdAt: string;
}

export interface CredencialOutgoingWebhook {
  kind: 'debit' | 'reverse' | 'balance' | 'movements';
  path: string;
  payload: CredencialDebitWebhook | CredencialReverseWebhook | CredencialBalanceWebhook | CredencialMovementsWebhook;
}

/** Gateway receiver paths (DESIGN: /webhooks/credencial/{debit|reverse|balance|movements}). */
export const CREDENCIAL_WEBHOOK_PATHS = Object.freeze({
  debit: '/webhooks/credencial/debit',
  reverse: '/webhooks/credencial/reverse',
  balance: '/webhooks/credencial/balance',
  movements: '/webhooks/credencial/movements',
});

type Wire = Record<string, unknown>;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** "18/12/2012 03:29:30 PM", the document's DEBIT date format. */
function processorDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const h = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${p(d.getDate())}/${p(d.getMonth() + 1)}/${d.getFullYear()} ${p(h)}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
}

/**
 * The simulated Credencial: nominated cards with status and NIP (hashed), planned failures, and the
 * DEBIT / REVERSE / BALANCE / MOVEMENTS webhook payloads built on demand. `emit` hands them to the
 * `onWebhook` listeners; CredencialWebhookSender POSTs them, signed, to the gateway and returns its answer.
 */
@Injectable()
export class CredencialSandboxService {
  readonly faults = new SandboxFaults();
  private cards = new Map<string, SandboxCard>();
  private byPanHash = new Map<string, string>();
  private transactions = new Map<string, { operation: 'initial_nip' | 'update_nip'; accountNumber: string }>();
  private nextAccountNumber = 544802938;
  private readonly panSalt = randomBytes(16).toString('hex');
  private readonly listeners: Array<(webhook: CredencialOutgoingWebhook) => void> = [];

  // ---- provider operations ----

  nominate(cardNumber: string, raw: Wire): CredencialNominationResponse {
    const body = normalizeNomination(raw);
    const problems = checkNomination(body);
    if (problems.length) throw new CredencialHttpError(400, problems.map((p) => p.message).join('; '));
    if (checkCardNumber(cardNumber).length) throw new CredencialHttpError(404, 'Tarjeta no encontrada');
    const panHash = sha256(`${this.panSalt}:${cardNumber}`);
    if (this.byPanHash.has(panHash)) throw new CredencialHttpError(409, 'La tarjeta ya está asignada');
    const accountNumber = String(this.nextAccountNumber++);
    const now = new Date();
    const req = body as unknown as CredencialNominationRequest;
    const { emi_account_reference, emi_account_identifier, ...cardholder } = req;
    this.cards.set(accountNumber, {
      accountNumber,
      maskedPan: maskPan(cardNumber),
      panHash,
      emiAccountReference: String(emi_account_reference),
      emiAccountIdentifier: String(emi_account_identifier),
      cardholder,
      statusCode: '00',
      expiration: `${String(now.getMonth() + 1).padStart(2, '0')}${String((now.getFullYear() + 4) % 100).padStart(2, '0')}`,
      securityCode: String(randomInt(100, 1000)),
      nipSalt: randomBytes(16).toString('hex'),
      createdAt: now.toISOString(),
    });
    this.byPanHash.set(panHash, accountNumber);
    return { account_number: Number(accountNumber) };
  }

  status(accountNumber: string): CredencialCardStatusResponse {
    const card = this.requireCard(accountNumber);
    return { account_number: Number(card.accountNumber), status: card.statusCode, description: CREDENCIAL_CARD_STATUS[card.statusCode]!.description };
  }

  updateStatus(accountNumber: string, body: Wire): Record<string, never> {
    const problems = checkStatusUpdate(body);
    if (problems.length) throw new CredencialHttpError(400, problems.map((p) => p.message).join('; '));
    const card = this.requireCard(accountNumber);
    const next = String(body.status);
    if (next === card.statusCode) return {};
    if (CREDENCIAL_CARD_STATUS[card.statusCode]!.terminal) {
      throw new CredencialHttpError(409, `La tarjeta está en estatus ${CREDENCIAL_CARD_STATUS[card.statusCode]!.description} y no puede cambiar`);
    }
    card.statusCode = next;
    return {};
  }

  initialNip(accountNumber: string, body: Wire): Record<string, never> {
    const problems = checkInitialNip(body);
    if (problems.length) throw new CredencialHttpError(400, problems.map((p) => p.message).join('; '));
    const card = this.requireCard(accountNumber);
    this.verifyPlastic(card, body);
    if (this.replayed('initial_nip', accountNumber, String(body.transaction_id))) return {};
    this.requireActive(card);
    if (card.nipHash) throw new CredencialHttpError(409, 'La tarjeta ya tiene NIP inicial');
    card.nipHash = this.nipHash(card, String(body.card_nip));
    this.transactions.set(String(body.transaction_id), { operation: 'initial_nip', accountNumber });
    return {};
  }

  updateNip(accountNumber: string, body: Wire): Record<string, never> {
    const problems = checkUpdateNip(body);
    if (problems.length) throw new CredencialHttpError(400, problems.map((p) => p.message).join('; '));
    const card = this.requireCard(accountNumber);
    this.verifyPlastic(card, body);
    if (this.replayed('update_nip', accountNumber, String(body.transaction_id))) return {};
    this.requireActive(card);
    if (!card.nipHash) throw new CredencialHttpError(409, 'La tarjeta no tiene NIP inicial');
    if (card.nipHash !== this.nipHash(card, String(body.card_nip_actual))) throw new CredencialHttpError(403, 'NIP actual incorrecto');
    card.nipHash = this.nipHash(card, String(body.card_nip_new));
    this.transactions.set(String(body.transaction_id), { operation: 'update_nip', accountNumber });
    return {};
  }

  // ---- sandbox controls ----

  card(accountNumber: string): SandboxCard | undefined {
    return this.cards.get(accountNumber);
  }

  /** Sandbox-only: is this the card's NIP? (lets tests prove a change without reading a NIP back). */
  nipMatches(accountNumber: string, nip: string): boolean {
    const card = this.requireCard(accountNumber);
    return card.nipHash !== undefined && card.nipHash === this.nipHash(card, nip);
  }

  reset(): void {
    this.cards.clear();
    this.byPanHash.clear();
    this.transactions.clear();
    this.faults.clear();
  }

  // ---- the webhook seam ----

  /** "Webhook of DEBIT": a purchase/withdrawal on the card, for the gateway to authorize. */
  buildDebitWebhook(
    accountNumber: string,
    input: { amount: Money; origin?: string; reference?: string; tradeName?: string; terminal?: string; city?: string; at?: Date },
  ): CredencialDebitWebhook {
    const card = this.requireCard(accountNumber);
    if (!input.amount.isPositive()) throw new CredencialHttpError(400, 'amount must be positive');
    const currency = input.amount.currency === 'USD' ? 840 : 484;
    return {
      emi_account_reference: card.emiAccountReference,
      emi_account_identifier: card.emiAccountIdentifier,
      account_number: Number(card.accountNumber),
      amount: toWireNumber(input.amount),
      currency,
      amount_liq: toWireNumber(input.amount),
      currency_liq: currency,
      identifier_adq: String(randomInt(100000, 1000000)),
      reference: input.reference ?? String(randomInt(100000000, 1000000000)) + String(randomInt(100, 1000)),
      commission: 0,
      commission_liq: 0,
      origin: input.origin ?? 'MASTER_POS',
      reason: 0,
      acquirer: 'SANDBOX',
      city: input.city ?? 'CDMX',
      date: processorDate(input.at ?? new Date()),
      terminal: input.terminal ?? 'SBXTERM0001',
      trade_name: input.tradeName ?? 'SANDBOX STORE',
    };
  }

  /** "Webhook of REVERSE DEBIT": reverses (part of) a debit, identified by its reference. */
  buildReverseWebhook(
    accountNumber: string,
    input: { amount: Money; reference: string; reverseReason?: string; origin?: string; tradeName?: string; at?: Date },
  ): CredencialReverseWebhook {
    const card = this.requireCard(accountNumber);
    if (!input.amount.isPositive()) throw new CredencialHttpError(400, 'amount must be positive');
    const currency = input.amount.currency === 'USD' ? 840 : 484;
    return {
      emi_account_identifier: card.emiAccountIdentifier,
      account_number: Number(card.accountNumber),
      identifier_adq: String(randomInt(100000, 1000000)),
      origin: input.origin ?? 'MASTER_POS',
      reverse_reason: input.reverseReason ?? 'REVERSO',
      amount: toWireNumber(input.amount),
      currency,
      amount_liq: toWireNumber(input.amount),
      currency_liq: currency,
      date: processorDate(input.at ?? new Date()),
      reference: input.reference,
      trade_name: input.tradeName ?? 'SANDBOX STORE',
    };
  }

  buildBalanceWebhook(accountNumber: string, origin = 'MASTER_ATM'): CredencialBalanceWebhook {
    const card = this.requireCard(accountNumber);
    return { emi_account_reference: card.emiAccountReference, emi_account_identifier: card.emiAccountIdentifier, account_number: Number(card.accountNumber), identifier_adq: '', reference: '', origin };
  }

  buildMovementsWebhook(accountNumber: string, origin = 'MASTER_ATM'): CredencialMovementsWebhook {
    const card = this.requireCard(accountNumber);
    return { emi_account_reference: card.emiAccountReference, emi_account_identifier: card.emiAccountIdentifier, account_number: Number(card.accountNumber), identifier_adq: '', reference: '', origin };
  }

  /** Hands a built webhook to the listeners (the controls then deliver it with CredencialWebhookSender). */
  emit(kind: CredencialOutgoingWebhook['kind'], payload: CredencialOutgoingWebhook['payload']): CredencialOutgoingWebhook {
    const webhook = { kind, path: CREDENCIAL_WEBHOOK_PATHS[kind], payload };
    for (const l of this.listeners) l(webhook);
    return webhook;
  }

  onWebhook(listener: (webhook: CredencialOutgoingWebhook) => void): void {
    this.listeners.push(listener);
  }

  // ---- internals ----

  private requireCard(accountNumber: string): SandboxCard {
    const card = this.cards.get(accountNumber);
    if (!card) throw new CredencialHttpError(404, 'Tarjeta no encontrada');
    return card;
  }

  private requireActive(card: SandboxCard): void {
    if (card.statusCode !== '00') throw new CredencialHttpError(409, `La tarjeta está en estatus ${CREDENCIAL_CARD_STATUS[card.statusCode]!.description}`);
  }

  private verifyPlastic(card: SandboxCard, body: Wire): void {
    if (String(body.card_expiration) !== card.expiration || Number(body.card_security_code) !== Number(card.securityCode)) {
      throw new CredencialHttpError(403, 'Datos de la tarjeta incorrectos');
    }
  }

  /** The same transaction id for the same operation and card is a replay (answered `{}` again); reused elsewhere it is a conflict. */
  private replayed(operation: 'initial_nip' | 'update_nip', accountNumber: string, transactionId: string): boolean {
    const seen = this.transactions.get(transactionId);
    if (!seen) return false;
    if (seen.operation === operation && seen.accountNumber === accountNumber) return true;
    throw new CredencialHttpError(409, 'transaction_id ya utilizado');
  }

  private nipHash(card: SandboxCard, nip: string): string {
    return sha256(`${card.nipSalt}:${nip}`);
  }
}

/**
 * The document's curl posts `address[type]=...` form fields; JSON clients send nested objects.
 * Both become nested objects here; the table's account_number / account_id are accepted for the
 * example's emi_account_reference / emi_account_identifier.
 */
export function normalizeNomination(raw: Wire): Wire {
  const out: Wire = {};
  for (const [key, value] of Object.entries(raw)) {
    const m = /^(address|document)\[(\w+)\]$/.exec(key);
    if (m) {
      const group = (out[m[1]!] ??= {}) as Wire;
      group[m[2]!] = value;
    } else if (key === 'address' || key === 'document') {
      out[key] = { ...((out[key] as Wire) ?? {}), ...(value && typeof value === 'object' ? (value as Wire) : {}) };
    } else {
      out[key] = value;
    }
  }
  if (out.emi_account_reference === undefined && out.account_number !== undefined) out.emi_account_reference = out.account_number;
  if (out.emi_account_identifier === undefined && out.account_id !== undefined) out.emi_account_identifier = out.account_id;
  delete out.account_number;
  delete out.account_id;
  return out;
}
