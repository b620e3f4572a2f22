import type { PrismaService } from '#libs/database';
import type { CardDto } from './dto/card.dto.js';

export type CardRow = Awaited<ReturnType<PrismaService['card']['findUniqueOrThrow']>>;

export function cardView(c: CardRow): CardDto {
  return {
    id: c.id,
    cardholder_id: c.cardholderId,
    provider: c.provider,
    type: c.type,
    status: c.status,
    masked_pan: c.maskedPan,
    last4: c.last4,
    ledger_account_id: c.ledgerAccountId,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}
