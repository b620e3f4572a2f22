import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { AMOUNT_PATTERN, LocationDto, UUID_EXAMPLE } from '../../cards/dto/common.dto.js';
import { PageQueryDto } from '../../common/page-query.dto.js';

export const SPEI_STATUSES = ['queued', 'sending', 'sent', 'settled', 'returned', 'failed', 'unknown'] as const;

export class SpeiTransferSourceDto {
  @ApiProperty({ enum: ['clabe', 'card'], example: 'clabe', description: '`clabe`: from a CLABE account, through STP (held, queued, sent by a worker, resolved by STP\'s webhook). `card`: from a NeCIPCo card, through NeCIPCo\'s /spei (synchronous).' })
  @IsIn(['clabe', 'card'])
  type!: 'clabe' | 'card';

  @ApiPropertyOptional({ example: '646180123310000012', pattern: '^\\d{18}$', maxLength: 18, description: 'Required for `clabe`: a CLABE account opened through /v1/clabe-accounts.' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'source.clabe must be 18 digits' })
  clabe?: string;

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Required for `card`.' })
  @IsOptional()
  @IsUUID()
  card_id?: string;
}

export class SpeiTransferBeneficiaryDto {
  @ApiProperty({ example: '012180029588856995', pattern: '^(\\d{10}|\\d{16}|\\d{18})$', maxLength: 18, description: 'CLABE (18 digits, bank code and check digit verified), phone (10) or, for a card source only, a debit card (16).' })
  @Matches(/^(\d{10}|\d{16}|\d{18})$/, { message: 'beneficiary.account must be a CLABE (18 digits), a card (16) or a phone (10)' })
  account!: string;

  @ApiPropertyOptional({ enum: ['clabe', 'mobile_phone', 'debit_card'], example: 'clabe', description: 'STP Catalog Type Account (40 / 10 / 3). Inferred from the length when omitted.' })
  @IsOptional()
  @IsIn(['clabe', 'mobile_phone', 'debit_card'])
  account_type?: 'clabe' | 'mobile_phone' | 'debit_card';

  @ApiPropertyOptional({ example: '40012', maxLength: 60, description: 'Institution key (GET /v1/spei/institutions) or, for a card source, its name. For a CLABE it is derived from the bank code and must match it when given.' })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  institution?: string;

  @ApiProperty({ example: 'LUIS TRUTIE RODRIGUEZ', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  name!: string;

  @ApiPropertyOptional({ example: 'ND', maxLength: 18, default: 'ND', description: 'RFC or CURP of the beneficiary; ND when unknown.' })
  @IsOptional()
  @IsString()
  @Length(2, 18)
  rfc_curp?: string;

  @ApiPropertyOptional({ example: 'luis@example.com', maxLength: 100, description: 'Required for a card source (NeCIPCo).' })
  @IsOptional()
  @IsEmail()
  @Length(3, 100)
  email?: string;
}

export class CreateSpeiTransferRequestDto {
  @ApiProperty({ type: SpeiTransferSourceDto })
  @ValidateNested()
  @Type(() => SpeiTransferSourceDto)
  source!: SpeiTransferSourceDto;

  @ApiProperty({ example: '150.00', pattern: AMOUNT_PATTERN.source, maxLength: 16, description: 'Decimal string, at most 2 decimals, 0.01 to 999999999999.99.' })
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string with at most 2 decimals, e.g. "150.00"' })
  amount!: string;

  @ApiProperty({ type: SpeiTransferBeneficiaryDto })
  @ValidateNested()
  @Type(() => SpeiTransferBeneficiaryDto)
  beneficiary!: SpeiTransferBeneficiaryDto;

  @ApiProperty({ example: 'Pago de Renta', maxLength: 40, description: 'Payment concept.' })
  @IsString()
  @Length(1, 40)
  concept!: string;

  @ApiProperty({ example: '12345', pattern: '^\\d{1,7}$', maxLength: 7 })
  @Matches(/^\d{1,7}$/, { message: 'numeric_reference must be 1-7 digits' })
  numeric_reference!: string;

  @ApiPropertyOptional({ type: LocationDto, description: 'Required for a card source (NeCIPCo).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => LocationDto)
  location?: LocationDto;
}

export class SpeiTransferSourceViewDto {
  @ApiProperty({ enum: ['clabe', 'card'], example: 'clabe' })
  type!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '646180123310000012', maxLength: 18 })
  clabe!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, maxLength: 36 })
  card_id!: string | null;
}

export class SpeiTransferBeneficiaryViewDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'LUIS TRUTIE RODRIGUEZ', maxLength: 40 })
  name!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '012180029588856995', maxLength: 18, description: 'CLABE or phone; a debit card (card source only) is shown masked, `************1234`.' })
  account!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, enum: ['clabe', 'mobile_phone', 'debit_card'], example: 'clabe' })
  account_type!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '40012', maxLength: 60, description: 'STP institution key (CLABE source) or the institution name given (card source).' })
  institution!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'ND', maxLength: 18 })
  rfc_curp!: string | null;
}

export class SpeiTransferEventDto {
  @ApiProperty({ enum: [...SPEI_STATUSES], example: 'queued' })
  status!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  at!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'hold placed, queued for STP', maxLength: 500 })
  detail!: string | null;
}

export class SpeiTransferErrorDto {
  @ApiProperty({ example: 'stp_bad_request', maxLength: 100 })
  code!: string;

  @ApiProperty({ example: 'STP rejected the SPEI OUT order as invalid', maxLength: 500 })
  message!: string;
}

export class SpeiTransferDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ enum: ['spei_out'], example: 'spei_out' })
  kind!: string;

  @ApiProperty({ type: SpeiTransferSourceViewDto })
  source!: SpeiTransferSourceViewDto;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, maxLength: 36, description: 'The card debited (card source).' })
  card_id!: string | null;

  @ApiProperty({ enum: ['stp', 'necipco'], example: 'stp' })
  provider!: string;

  @ApiProperty({
    enum: [...SPEI_STATUSES],
    example: 'queued',
    description:
      'CLABE source: queued (amount held) → sending → sent (STP accepted) → settled (hold posted) | returned (hold voided, or the posting reversed); failed = STP refused it (hold voided); unknown = STP never answered after every retry (hold kept; STP\'s status webhook still resolves it). Card source: settled once NeCIPCo confirmed and the ledger posted; unknown when NeCIPCo\'s answer was lost.',
  })
  status!: string;

  @ApiProperty({ example: '150.00', maxLength: 25 })
  amount!: string;

  @ApiProperty({ enum: ['MXN'], example: 'MXN' })
  currency!: string;

  @ApiProperty({ type: SpeiTransferBeneficiaryViewDto })
  beneficiary!: SpeiTransferBeneficiaryViewDto;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Pago de Renta', maxLength: 40 })
  concept!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '12345', maxLength: 7 })
  numeric_reference!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'PASARELA261125K3M9QX2T7A', maxLength: 40, description: 'The clave de rastreo, generated by Pasarela (STP), unique per order.' })
  tracking_key!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '8610843', maxLength: 100 })
  provider_order_id!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Liquidación', maxLength: 500, description: 'STP\'s cause in its status webhook.' })
  cause!: string | null;

  @ApiPropertyOptional({ type: SpeiTransferErrorDto, nullable: true })
  error!: SpeiTransferErrorDto | null;

  @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 1000, example: 1, description: 'Sends to the provider so far.' })
  attempts!: number;

  @ApiPropertyOptional({ type: String, nullable: true, example: '5.80', maxLength: 25 })
  commission!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0.93', maxLength: 25 })
  vat!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'The ledger hold (CLABE source).' })
  hold_ledger_transfer_id!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, maxLength: 36, description: 'The ledger posting (card source).' })
  ledger_journal_id!: string | null;

  @ApiProperty({ type: [SpeiTransferEventDto], maxItems: 100, description: 'Every status the transfer went through, oldest first.' })
  history!: SpeiTransferEventDto[];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:02.000Z', maxLength: 30 })
  updated_at!: string;
}

export class ListSpeiTransfersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: [...SPEI_STATUSES], example: 'unknown' })
  @IsOptional()
  @IsIn([...SPEI_STATUSES])
  status?: string;

  @ApiPropertyOptional({ enum: ['clabe', 'card'], example: 'clabe', description: '`clabe`: STP orders from a CLABE account; `card`: SPEI sent from a card (NeCIPCo).' })
  @IsOptional()
  @IsIn(['clabe', 'card'])
  source_type?: 'clabe' | 'card';

  @ApiPropertyOptional({ example: '646180123310000012', pattern: '^\\d{18}$', maxLength: 18, description: 'Source CLABE (only CLABE-sourced transfers have one).' })
  @IsOptional()
  @Matches(/^\d{18}$/, { message: 'clabe must be 18 digits' })
  clabe?: string;

  @ApiPropertyOptional({ example: '2026-11-01', maxLength: 30, description: 'Created at or after: a date (from its start, UTC) or an ISO 8601 date-time.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'created_from must be an ISO 8601 date or date-time' })
  @Length(10, 30)
  created_from?: string;

  @ApiPropertyOptional({ example: '2026-11-30', maxLength: 30, description: 'Created at or before: a date (through its end, UTC) or an ISO 8601 date-time. Not before created_from.' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'created_to must be an ISO 8601 date or date-time' })
  @Length(10, 30)
  created_to?: string;

}

export class SpeiTransferPageDto {
  @ApiProperty({ type: [SpeiTransferDto], maxItems: 200, description: 'Newest first, both sources.' })
  data!: SpeiTransferDto[];

  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: null, description: 'Pass as `cursor` for the next page; null on the last.' })
  next_cursor!: string | null;
}
