import { Inject, Injectable } from '@nestjs/common';
import { LedgerService, type JournalResult, type LegInput } from '#libs/ledger';

/**
 * The chart of accounts for card money, per provider `p` (today `necipco`):
 *   card:<card id>            liability — what the cardholder has on the card (mirrors the provider's card balance)
 *   <p>:program:main          liability — the program's main balance at the provider (disbursements leave it)
 *   <p>:program:collection    liability — the program's collection balance (withdrawals and purchases land here)
 *   <p>:client:<client id>    liability — a sub-client's available balance (funded from the main balance)
 *   <p>:settlement            asset     — money held at the provider; SPEI paid from a card leaves it
 * No balance flags: the provider is the authority on funds and has already confirmed every movement posted
 * here, so the ledger records it even when it is out of step (reconciliation surfaces that), never refuses it.
 */
@Injectable()
export class CardLedgerService {
  private readonly known = new Map<string, string>();

  constructor(@Inject(LedgerService) private readonly ledger: LedgerService) {}

  async cardAccount(cardId: string): Promise<string> {
    return this.account(`card:${cardId}`, 'liability');
  }

  async clientAccount(provider: string, clientId: string): Promise<string> {
    return this.account(`${provider}:client:${clientId}`, 'liability');
  }

  mainAccount(provider: string): Promise<string> {
    return this.account(`${provider}:program:main`, 'liability');
  }

  collectionAccount(provider: string): Promise<string> {
    return this.account(`${provider}:program:collection`, 'liability');
  }

  settlementAccount(provider: string): Promise<string> {
    return this.account(`${provider}:settlement`, 'asset');
  }

  /** Posts the legs under a key derived from the caller's Idempotency-Key: a retry replays, never double-posts. */
  post(idempotencyKey: string, legs: LegInput[]): Promise<JournalResult> {
    return this.ledger.transfer({ idempotencyKey, legs });
  }

  private async account(code: string, type: 'asset' | 'liability'): Promise<string> {
    const cached = this.known.get(code);
    if (cached) return cached;
    const account = await this.ledger.createAccount({ code, type });
    this.known.set(code, account.id);
    return account.id;
  }
}
