/**
 * STP implements two ports: ClabeAccounts (create a CLABE account) and SpeiOut (send an order,
 * keyed by our tracking key; list institutions). Validation runs before any HTTP call.
 */
import { randomBytes } from 'node:crypto';
import {
  BANXICO_INSTITUTIONS,
  Clabe,
  ClabeAccounts,
  ConflictError,
  SpeiOut,
  type BanxicoInstitution,
  type ClabeAccountCreated,
  type CreateClabeAccountRequest,
  type SpeiOutOrder,
  type SpeiOutSubmission,
} from '#libs/domain';
import type { StpClient } from './stp.client.js';
import { STP, STP_ERROR_CODES } from './stp.errors.js';
import { fromCreateClabeResponse, fromTransferResponse, toCreateClabeWire, toTransferWire } from './stp.mapper.js';
import { assertNoProblems, checkCreateClabe, checkTransfer } from './stp.validation.js';

export interface StpAdapterOptions {
  /** STP `enterprise` (company name) for orders. */
  enterprise: string;
  /** STP `enterprise_id` for CLABE accounts. */
  enterpriseId: string;
  /** Default `payer_account` (our concentrator CLABE at STP). */
  payerAccount: string;
  /** Tracking key prefix, uppercase letters/digits, at most 12. */
  trackingKeyPrefix: string;
}

const KEY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** PREFIX + yyMMdd + 10 random base32 characters (50 bits): unique per order, at most 28 characters. */
export function generateTrackingKey(prefix: string, now = new Date()): string {
  const date = now.toISOString().slice(2, 10).replace(/-/g, '');
  const bytes = randomBytes(10);
  let rand = '';
  for (const b of bytes) rand += KEY_ALPHABET[b & 31];
  return `${prefix}${date}${rand}`;
}

export class StpAdapter implements ClabeAccounts, SpeiOut {
  readonly provider = STP;

  constructor(
    private readonly client: StpClient,
    private readonly options: StpAdapterOptions,
  ) {
    // Fail at start, not on the first order, when the configured payer account is not a CLABE.
    Clabe.parse(options.payerAccount, 'STP_PAYER_ACCOUNT');
  }

  async createClabeAccount(request: CreateClabeAccountRequest): Promise<ClabeAccountCreated> {
    const wire = toCreateClabeWire(request, this.options.enterpriseId);
    assertNoProblems(checkCreateClabe(wire as unknown as Record<string, unknown>));
    const response = await this.client.createClabe(wire);
    return fromCreateClabeResponse(response, wire.account_id);
  }

  newTrackingKey(): string {
    return generateTrackingKey(this.options.trackingKeyPrefix);
  }

  /**
   * Idempotent by tracking key: sending the same order again after a lost answer yields
   * `alreadyRegistered: true` (STP answers 409 for a known key) instead of a second order.
   */
  async sendOrder(order: SpeiOutOrder): Promise<SpeiOutSubmission> {
    const wire = toTransferWire(order, { enterprise: this.options.enterprise, payerAccount: this.options.payerAccount });
    assertNoProblems(checkTransfer(wire as unknown as Record<string, unknown>));
    try {
      const response = await this.client.registerOrder(wire);
      return fromTransferResponse(response, wire.tracking_key);
    } catch (err) {
      if (err instanceof ConflictError && err.code === STP_ERROR_CODES.trackingKeyInUse) {
        return { provider: STP, trackingKey: wire.tracking_key, alreadyRegistered: true };
      }
      throw err;
    }
  }

  institutions(): readonly BanxicoInstitution[] {
    return BANXICO_INSTITUTIONS;
  }
}
