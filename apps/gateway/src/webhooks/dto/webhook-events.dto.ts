import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateBy, type ValidationArguments } from 'class-validator';
import { Clabe, Money } from '#libs/domain';
import { WEBHOOK_PROVIDERS, WEBHOOK_STATUSES, WEBHOOK_TYPES, type CredencialAccountLinkRecord, type StpClabeLinkRecord, type WebhookEventRecord } from '#libs/inbox';
import { PageQueryDto } from '../../common/page-query.dto.js';

const UUID_EXAMPLE = '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11';

export class ListWebhookEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: WEBHOOK_PROVIDERS })
  @IsOptional()
  @IsIn(WEBHOOK_PROVIDERS as string[])
  provider?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_TYPES })
  @IsOptional()
  @IsIn(WEBHOOK_TYPES as string[])
  type?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_STATUSES })
  @IsOptional()
  @IsIn(WEBHOOK_STATUSES as string[])
  status?: string;

  @ApiPropertyOptional({ example: 'suspense_unknown_clabe', description: 'What applying did (credited, suspense_unknown_clabe, authorized, declined:insufficient_funds, order_unknown…)', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  outcome?: string;

}

export class WebhookEventDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 }) id!: string;
  @ApiProperty({ enum: WEBHOOK_PROVIDERS, example: 'stp' }) provider!: string;
  @ApiProperty({ enum: WEBHOOK_TYPES, example: 'spei_in' }) type!: string;
  @ApiProperty({ example: '646180123300000408:MBAN000000212', maxLength: 400 }) dedup_key!: string;
  @ApiProperty({ enum: WEBHOOK_STATUSES, example: 'APPLIED' }) status!: string;
  @ApiProperty({ type: 'string', example: 'credited', nullable: true, maxLength: 64 }) outcome!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The payload as received (never card data).' }) payload!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The answer given to the provider.' }) response!: unknown;
  @ApiProperty({ type: 'string', example: '10.50', nullable: true, maxLength: 25 }) amount!: string | null;
  @ApiProperty({ example: '0.00', maxLength: 25 }) reversed_amount!: string;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, maxLength: 36 }) ledger_account_id!: string | null;
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, maxLength: 36 }) ledger_transfer_id!: string | null;
  @ApiProperty({ example: 0, type: 'integer', format: 'int32', minimum: 0, maximum: 1000 }) attempts!: number;
  @ApiProperty({ type: 'string', nullable: true, maxLength: 2000 }) last_error!: string | null;
  @ApiProperty({ example: 0, type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000, description: 'Redeliveries with the same key and another payload (each raised an alert).' }) conflict_count!: number;
  @ApiProperty({ type: 'string', nullable: true, maxLength: 200 }) webhook_id!: string | null;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) received_at!: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, maxLength: 30 }) applied_at!: string | null;

  static from(e: WebhookEventRecord): WebhookEventDto {
    return {
      id: e.id,
      provider: e.provider,
      type: e.type,
      dedup_key: e.dedupKey,
      status: e.status,
      outcome: e.outcome,
      payload: e.payload,
      response: e.response,
      amount: e.amount === null ? null : Money.ofCentavos(e.amount).toDecimalString(),
      reversed_amount: Money.ofCentavos(e.reversedAmount).toDecimalString(),
      ledger_account_id: e.ledgerAccountId,
      ledger_transfer_id: e.ledgerTransferId,
      attempts: e.attempts,
      last_error: e.lastError,
      conflict_count: e.conflictCount,
      webhook_id: e.webhookId,
      received_at: new Date(e.receivedAt).toISOString(),
      applied_at: e.appliedAt ? new Date(e.appliedAt).toISOString() : null,
    };
  }
}

export class WebhookEventPageDto {
  @ApiProperty({ type: [WebhookEventDto], maxItems: 200 }) data!: WebhookEventDto[];
  @ApiProperty({ type: 'string', nullable: true, maxLength: 200 }) next_cursor!: string | null;
}

export class ReplayResultDto {
  @ApiProperty({ type: WebhookEventDto }) event!: WebhookEventDto;
  @ApiProperty({ example: true, description: 'False when the event was already APPLIED (a replay never applies twice).' }) enqueued!: boolean;
}

const CLABE_REASON = { digits: 'must contain digits only', length: 'must be exactly 18 digits', bank_code: 'has an unknown bank code', check_digit: 'has a wrong check digit' } as const;

/** A valid CLABE (#libs/domain Clabe: 18 digits, a known bank code, the 3-7-1 check digit); the message says which rule failed. */
function IsClabe(): PropertyDecorator {
  return ValidateBy({
    name: 'isClabe',
    validator: {
      validate: (v: unknown) => typeof v === 'string' && Clabe.isValid(v),
      defaultMessage: (a?: ValidationArguments) => {
        const problem = typeof a?.value === 'string' ? Clabe.problem(a.value) : 'digits';
        return `${a?.property ?? 'clabe'} ${CLABE_REASON[problem ?? 'digits']}`;
      },
    },
  });
}

export class RegisterClabeLinkDto {
  @ApiProperty({ example: '646180123300000408', maxLength: 18, pattern: '^\\d{18}$', description: 'A valid CLABE: a known bank code and the check digit.' })
  @IsClabe()
  clabe!: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  @IsUUID()
  ledger_account_id!: string;

  @ApiPropertyOptional({ enum: ['active', 'inactive'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'inactive'])
  status?: 'active' | 'inactive';
}

export class ClabeLinkDto {
  @ApiProperty({ example: '646180123300000408', maxLength: 18 }) clabe!: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) ledger_account_id!: string;
  @ApiProperty({ enum: ['active', 'inactive'] }) status!: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updated_at!: string;
  static from(r: StpClabeLinkRecord): ClabeLinkDto {
    return { clabe: r.clabe, ledger_account_id: r.ledgerAccountId, status: r.status, updated_at: new Date(r.updatedAt).toISOString() };
  }
}

export class RegisterCredencialAccountLinkDto {
  @ApiProperty({ example: '544802938', maxLength: 20, pattern: '^\\d{1,20}$' })
  @Matches(/^\d{1,20}$/)
  account_number!: string;

  @ApiProperty({ example: '21000002159', maxLength: 64 })
  @IsString()
  @Length(1, 64)
  emi_account_identifier!: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  @IsUUID()
  ledger_account_id!: string;

  @ApiPropertyOptional({ enum: ['active', 'blocked', 'cancelled'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'blocked', 'cancelled'])
  status?: 'active' | 'blocked' | 'cancelled';
}

export class CredencialAccountLinkDto {
  @ApiProperty({ example: '544802938', maxLength: 20 }) account_number!: string;
  @ApiProperty({ example: '21000002159', maxLength: 64 }) emi_account_identifier!: string;
  @ApiProperty({ format: 'uuid', maxLength: 36 }) ledger_account_id!: string;
  @ApiProperty({ enum: ['active', 'blocked', 'cancelled'] }) status!: string;
  @ApiProperty({ format: 'date-time', maxLength: 30 }) updated_at!: string;
  static from(r: CredencialAccountLinkRecord): CredencialAccountLinkDto {
    return { account_number: r.accountNumber, emi_account_identifier: r.emiAccountIdentifier, ledger_account_id: r.ledgerAccountId, status: r.status, updated_at: new Date(r.updatedAt).toISOString() };
  }
}
