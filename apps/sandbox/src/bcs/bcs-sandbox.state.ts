import { randomInt } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { AppConfig, BCS_SANDBOX_ACCESS_TOKEN, BCS_SANDBOX_CIPHER_KEY, BCS_SANDBOX_CLIENT_ID, BCS_SANDBOX_CLIENT_SECRET } from '#libs/config';
import { luhnCheckDigit } from '#libs/domain';
import { BcsCipher } from '#libs/providers/bcs';

export const BCS_SANDBOX_OPTIONS = Symbol('BCS_SANDBOX_OPTIONS');

export interface BcsSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
  cipherKey?: string;
  /** Billing periods (30 days) that must pass between two cycle changes. Default 6. */
  minCyclePeriods?: number;
}

export type SandboxCardKind = 'credit' | 'debit';

export interface SandboxInstallment {
  /** Installments left. */
  installments: number;
  /** The longest term the purchase allows. */
  maxInstallments: number;
}

/** Test data: a card as BCS holds it (the sandbox keeps clear numbers; it is not a real system). */
export interface SandboxCard {
  pan: string;
  kind: SandboxCardKind;
  customer: string; // `${idType}:${idNumber}`
  cvv: string;
  pin: string;
  /** Deposit account (debit) or credit card account number. */
  account: string;
  /** null = no block; "TEMP" = an account hold; "01"… = definitive lock code. */
  block: string | null;
  expired: boolean;
  inArrears: boolean;
  minimumPaymentPending: boolean;
  naturalPerson: boolean;
  replacementAllowed: boolean;
  daysCycle: '1' | '2';
  cycleHistory: Array<{ at: string; from: string; to: string }>;
  installments: Map<string, SandboxInstallment>;
  replacedBy?: string;
}

export interface SandboxCustomer {
  idType: string;
  idNumber: string;
}

/** In-memory BCS: customers, cards, blocks, billing-cycle history, installments, debit card applications. */
@Injectable()
export class BcsSandboxState {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken: string;
  readonly cipher: BcsCipher;
  readonly minCyclePeriods: number;
  readonly customers = new Map<string, SandboxCustomer>();
  readonly cards = new Map<string, SandboxCard>();
  readonly applications: Array<{ custId: string; at: string }> = [];
  /** Sandbox clock offset (ms), so tests can let billing periods pass. */
  private offsetMs = 0;

  constructor(@Optional() @Inject(BCS_SANDBOX_OPTIONS) opts?: BcsSandboxOptions, @Optional() @Inject(AppConfig) config?: AppConfig) {
    this.clientId = opts?.clientId ?? config?.bcsClientId ?? BCS_SANDBOX_CLIENT_ID;
    this.clientSecret = opts?.clientSecret ?? config?.bcsClientSecret ?? BCS_SANDBOX_CLIENT_SECRET;
    this.accessToken = opts?.accessToken ?? config?.bcsAccessToken ?? BCS_SANDBOX_ACCESS_TOKEN;
    this.cipher = new BcsCipher(opts?.cipherKey ?? config?.bcsCipherKey ?? BCS_SANDBOX_CIPHER_KEY);
    this.minCyclePeriods = opts?.minCyclePeriods ?? 6;
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advanceDays(days: number): void {
    this.offsetMs += days * 86_400_000;
  }

  /** A card found by its clear number or BCS's encrypted form of it. */
  card(acctId: string): SandboxCard | undefined {
    const clear = /^\d{13,19}$/.test(acctId) ? acctId : this.cipher.decrypt(acctId.toLowerCase());
    return clear ? this.cards.get(clear) : undefined;
  }

  cardByAccount(account: string): SandboxCard | undefined {
    for (const c of this.cards.values()) if (c.account === account && c.kind === 'credit') return c;
    return undefined;
  }

  cardsOf(customer: string): SandboxCard[] {
    return [...this.cards.values()].filter((c) => c.customer === customer);
  }

  /** Test data: a new card (and its customer), with a fresh Luhn-valid number. */
  createCard(input: Partial<Omit<SandboxCard, 'installments' | 'cycleHistory'>> & { idType?: string; idNumber?: string; installments?: Record<string, SandboxInstallment> }): SandboxCard {
    const idType = input.idType ?? 'CC';
    const idNumber = input.idNumber ?? String(randomInt(10_000_000, 99_999_999));
    const key = `${idType}:${idNumber}`;
    this.customers.set(key, { idType, idNumber });
    const kind = input.kind ?? 'credit';
    const card: SandboxCard = {
      pan: input.pan ?? luhn(kind === 'credit' ? '457021' : '549616'),
      kind,
      customer: key,
      cvv: input.cvv ?? String(randomInt(100, 1000)),
      pin: input.pin ?? String(randomInt(1000, 10_000)),
      account: input.account ?? String(randomInt(10_000_000, 99_999_999)) + String(randomInt(100, 1000)),
      block: input.block ?? null,
      expired: input.expired ?? false,
      inArrears: input.inArrears ?? false,
      minimumPaymentPending: input.minimumPaymentPending ?? false,
      naturalPerson: input.naturalPerson ?? true,
      replacementAllowed: input.replacementAllowed ?? true,
      daysCycle: input.daysCycle ?? '2',
      cycleHistory: [],
      installments: new Map(Object.entries(input.installments ?? (kind === 'credit' ? { '12345678': { installments: 12, maxInstallments: 36 }, '87654321': { installments: 6, maxInstallments: 24 } } : {}))),
    };
    this.cards.set(card.pan, card);
    return card;
  }

  /** A replacement: same customer and account, new number; the old card keeps a definitive lock. */
  replace(old: SandboxCard, lockCode: string): SandboxCard {
    old.block = lockCode;
    const fresh = this.createCard({ ...old, pan: undefined, block: null, idType: this.customers.get(old.customer)!.idType, idNumber: this.customers.get(old.customer)!.idNumber, installments: Object.fromEntries(old.installments) });
    old.replacedBy = fresh.pan;
    return fresh;
  }
}

function luhn(prefix: string): string {
  let body = prefix;
  while (body.length < 15) body += String(randomInt(0, 10));
  return body + luhnCheckDigit(body);
}
