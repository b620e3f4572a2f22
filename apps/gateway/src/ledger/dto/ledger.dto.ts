import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Money } from '#libs/domain';
import type { AccountBalances, LedgerAccount, LedgerEntry, LedgerTransfer, JournalResult } from '#libs/ledger';

const UUID_EXAMPLE = '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11';
const AMOUNT_PATTERN = /^\d{1,15}(\.\d{1,2})?$/;

/** Money leaves the API as a decimal string with two places, never a number or a bigint. */
export function money(centavos: bigint): string {
  return Money.ofCentavos(centavos).toDecimalString();
}

export class AccountBalancesDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ example: 'customer:0b6f2a52', maxLength: 128 })
  code!: string;

  @ApiProperty({ enum: ['asset', 'liability'], example: 'liability' })
  type!: string;

  @ApiProperty({ enum: ['MXN', 'USD'], example: 'MXN' })
  currency!: string;

  @ApiProperty({ example: '1500.00', description: 'Posted balance, signed by type: liability = credits − debits, asset = debits − credits.', maxLength: 25 })
  balance!: string;

  @ApiProperty({ example: '1350.00', description: 'Posted balance less pending holds.', maxLength: 25 })
  available!: string;

  @ApiProperty({ example: '500.00', maxLength: 25 })
  posted_debits!: string;

  @ApiProperty({ example: '2000.00', maxLength: 25 })
  posted_credits!: string;

  @ApiProperty({ example: '150.00', maxLength: 25 })
  pending_debits!: string;

  @ApiProperty({ example: '0.00', maxLength: 25 })
  pending_credits!: string;

  @ApiProperty({ example: true, description: 'No overdraft: debits never exceed credits.' })
  debits_must_not_exceed_credits!: boolean;

  @ApiProperty({ example: false })
  credits_must_not_exceed_debits!: boolean;

  @ApiProperty({ example: '42', description: 'Increments on every balance change.', maxLength: 20 })
  version!: string;

  static from(a: LedgerAccount, b: AccountBalances): AccountBalancesDto {
    return {
      id: a.id,
      code: a.code,
      type: a.type,
      currency: a.currency,
      balance: money(b.posted),
      available: money(b.available),
      posted_debits: money(b.postedDebits),
      posted_credits: money(b.postedCredits),
      pending_debits: money(b.pendingDebits),
      pending_credits: money(b.pendingCredits),
      debits_must_not_exceed_credits: a.flags.debitsMustNotExceedCredits,
      credits_must_not_exceed_debits: a.flags.creditsMustNotExceedDebits,
      version: a.version.toString(),
    };
  }
}

export class LedgerTransferDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 })
  journal_id!: string;

  @ApiProperty({ example: 1, minimum: 1, maximum: 1000 })
  leg!: number;

  @ApiProperty({ example: 'manual:adj-2026-11-25-001', maxLength: 300 })
  idempotency_key!: string;

  @ApiProperty({ enum: ['transfer', 'hold', 'post', 'void', 'reverse'], example: 'transfer' })
  op!: string;

  @ApiProperty({ enum: ['pending', 'posted', 'voided'], example: 'posted' })
  status!: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  debit_account_id!: string;

  @ApiProperty({ format: 'uuid', example: '00000000-0000-4000-8000-000000000002', maxLength: 36 })
  credit_account_id!: string;

  @ApiProperty({ example: '150.00', maxLength: 25 })
  amount!: string;

  @ApiProperty({ enum: ['MXN', 'USD'], example: 'MXN' })
  currency!: string;

  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true, example: null, description: 'The hold a post/void resolves.', maxLength: 36 })
  pending_id!: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true, example: null, description: 'The transfer a reversal mirrors.', maxLength: 36 })
  reverses_id!: string | null;

  @ApiProperty({ example: 'adjustment', maxLength: 64 })
  kind!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'TICKET-1234', maxLength: 255 })
  external_ref!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { reason: 'chargeback correction' } })
  metadata!: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;

  static from(t: LedgerTransfer): LedgerTransferDto {
    return {
      id: t.id,
      journal_id: t.journalId,
      leg: t.leg,
      idempotency_key: t.idempotencyKey,
      op: t.op,
      status: t.status,
      debit_account_id: t.debitAccountId,
      credit_account_id: t.creditAccountId,
      amount: money(t.amount),
      currency: t.currency,
      pending_id: t.pendingId,
      reverses_id: t.reversesId,
      kind: t.kind,
      external_ref: t.externalRef,
      metadata: t.metadata,
      created_at: t.createdAt.toISOString(),
    };
  }
}

export class LedgerEntryDto extends LedgerTransferDto {
  @ApiProperty({ enum: ['debit', 'credit'], example: 'credit', description: 'The side of the transfer this account is on.' })
  direction!: string;

  @ApiProperty({ format: 'uuid', example: '00000000-0000-4000-8000-000000000001', maxLength: 36 })
  counterparty_account_id!: string;

  static fromEntry(e: LedgerEntry): LedgerEntryDto {
    return { ...LedgerTransferDto.from(e), direction: e.direction, counterparty_account_id: e.counterpartyAccountId };
  }
}

export class LedgerEntryPageDto {
  @ApiProperty({ type: [LedgerEntryDto], maxItems: 200 })
  data!: LedgerEntryDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'czoxMjM0NQ', description: 'Pass as `cursor` for the next (older) page; null on the last page.', maxLength: 200 })
  next_cursor!: string | null;
}

export class ListEntriesQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ example: 'czoxMjM0NQ', maxLength: 200, description: 'The `next_cursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}

export class TransferLegDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Account debited (money leaves a liability / enters an asset).' })
  @IsUUID()
  debit_account_id!: string;

  @ApiProperty({ format: 'uuid', example: '00000000-0000-4000-8000-000000000002', maxLength: 36 })
  @IsUUID()
  credit_account_id!: string;

  @ApiProperty({ example: '150.00', pattern: AMOUNT_PATTERN.source, maxLength: 18, description: 'Decimal string, at most 2 decimals, greater than zero.' })
  @IsString()
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string with at most 2 decimals, e.g. "150.00"' })
  amount!: string;

  @ApiPropertyOptional({ example: 'adjustment', pattern: '^[a-z][a-z0-9_.:-]{0,63}$', maxLength: 64, default: 'adjustment' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.:-]{0,63}$/)
  kind?: string;

  @ApiPropertyOptional({ example: 'TICKET-1234', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  external_ref?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { reason: 'chargeback correction' } })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

export class CreateLedgerTransferDto {
  @ApiPropertyOptional({ enum: ['MXN', 'USD'], example: 'MXN', default: 'MXN' })
  @IsOptional()
  @IsIn(['MXN', 'USD'])
  currency?: 'MXN' | 'USD';

  @ApiProperty({ type: [TransferLegDto], minItems: 1, maxItems: 20, description: 'Written all or nothing.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => TransferLegDto)
  legs!: TransferLegDto[];
}

export class LedgerJournalDto {
  @ApiProperty({ format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 })
  journal_id!: string;

  @ApiProperty({ type: [LedgerTransferDto], maxItems: 20 })
  transfers!: LedgerTransferDto[];

  static from(r: JournalResult): LedgerJournalDto {
    return { journal_id: r.journalId, transfers: r.transfers.map(LedgerTransferDto.from) };
  }
}
