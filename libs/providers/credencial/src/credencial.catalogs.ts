import type { ProcessorCardStatus } from '#libs/domain';

/**
 * Card status codes. The document shows only "01" (in the update example) and no catalogue;
 * this one is ours, shared by adapter and sandbox (see README).
 */
export const CREDENCIAL_CARD_STATUS: Readonly<Record<string, { status: ProcessorCardStatus; description: string; terminal: boolean }>> = Object.freeze({
  '00': { status: 'active', description: 'ACTIVA', terminal: false },
  '01': { status: 'blocked', description: 'BLOQUEO TEMPORAL', terminal: false },
  '02': { status: 'lost', description: 'EXTRAVIO', terminal: true },
  '03': { status: 'stolen', description: 'ROBO', terminal: true },
  '04': { status: 'cancelled', description: 'CANCELADA', terminal: true },
  '05': { status: 'inactive', description: 'INACTIVA', terminal: false },
});

export const CREDENCIAL_STATUS_CODE: Readonly<Record<ProcessorCardStatus, string>> = Object.freeze(
  Object.fromEntries(Object.entries(CREDENCIAL_CARD_STATUS).map(([code, s]) => [s.status, code])) as Record<ProcessorCardStatus, string>,
);

export const CREDENCIAL_CIVIL_STATUS = Object.freeze({ single: 'S', married: 'C', divorced: 'D', widowed: 'V', free_union: 'U' } as const);

export const CREDENCIAL_GENDER = Object.freeze({ male: 'M', female: 'F' } as const);

/** ISO 4217 numeric -> our currencies. */
export const CREDENCIAL_CURRENCIES: Readonly<Record<string, 'MXN' | 'USD'>> = Object.freeze({ '484': 'MXN', '840': 'USD' });

/** Webhook answer `code`: -1 = applied (the document's examples). Anything else is a refusal (ours: 1 insufficient funds, 2 unknown account, 3 card not active, 99 error). */
export const CREDENCIAL_ANSWER_CODE = Object.freeze({ APPLIED: -1, INSUFFICIENT_FUNDS: 1, UNKNOWN_ACCOUNT: 2, CARD_NOT_ACTIVE: 3, ERROR: 99 } as const);
