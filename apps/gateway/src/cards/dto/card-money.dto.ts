import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { AMOUNT_PATTERN, UUID_EXAMPLE, WithLocationDto } from './common.dto.js';

const AMOUNT = { example: '150.00', pattern: AMOUNT_PATTERN.source, maxLength: 16, description: 'Decimal string, at most 2 decimals, greater than zero.' };
const PIN = /^\d{4}$/;

export class CardAmountDto extends WithLocationDto {
  @ApiProperty(AMOUNT)
  @Matches(AMOUNT_PATTERN, { message: 'amount must be a decimal string with at most 2 decimals, e.g. "150.00"' })
  amount!: string;
}

export class CardPaymentDto extends CardAmountDto {
  @ApiProperty({ example: 'ABONO POR COMISIONES', maxLength: 32 })
  @IsString()
  @Length(1, 32)
  description!: string;
}

export class CardWithdrawalDto extends CardAmountDto {
  @ApiPropertyOptional({ example: '1234', pattern: PIN.source, maxLength: 4, description: 'The ATM PIN, to validate the cardholder. Never stored or logged.' })
  @IsOptional()
  @Matches(PIN, { message: 'pin must be 4 digits' })
  pin?: string;
}

export class CardPurchaseDto extends CardWithdrawalDto {
  @ApiProperty({ example: 'CARGO POR COMISIONES', maxLength: 32 })
  @IsString()
  @Length(1, 32)
  merchant_description!: string;
}

export class CardTransferDto extends CardAmountDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  @IsUUID()
  origin_card_id!: string;

  @ApiProperty({ format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 })
  @IsUUID()
  destination_card_id!: string;
}

export class CardMoneyMovementDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Pasarela movement id.' })
  id!: string;

  @ApiProperty({ enum: ['disbursement', 'payment', 'withdrawal', 'purchase', 'card_transfer', 'spei_out'], example: 'disbursement' })
  kind!: string;

  @ApiProperty({ enum: ['confirmed'], example: 'confirmed', description: 'Confirmed by the provider and posted to the ledger.' })
  status!: string;

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'The card debited or credited (the origin of a transfer).' })
  card_id!: string;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: null, maxLength: 36, description: 'The destination card of a transfer.' })
  counterparty_card_id!: string | null;

  @ApiProperty({ example: '150.00', maxLength: 25 })
  amount!: string;

  @ApiProperty({ enum: ['MXN'], example: 'MXN' })
  currency!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'ABONO POR COMISIONES', maxLength: 100 })
  description!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'op-8812', maxLength: 100 })
  provider_operation_id!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '123456', maxLength: 40 })
  authorization_code!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '350.00', maxLength: 25, description: 'The card\'s balance after the movement, when the provider says.' })
  new_balance!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 })
  ledger_journal_id!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;
}

export class SpeiSourceDto {
  @ApiProperty({ enum: ['card', 'clabe'], example: 'card', description: 'Only `card` is served here (NeCIPCo); `clabe` (STP) answers 422 for now.' })
  @IsIn(['card', 'clabe'])
  type!: 'card' | 'clabe';

  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  @IsOptional()
  @IsUUID()
  card_id?: string;

  @ApiPropertyOptional({ example: '646180110400000007', pattern: '^\\d{18}$', maxLength: 18 })
  @IsOptional()
  @Matches(/^\d{18}$/)
  clabe?: string;
}

export class SpeiBeneficiaryDto {
  @ApiProperty({ example: '014027000005555558', pattern: '^(\\d{10}|\\d{16}|\\d{18})$', maxLength: 18, description: 'CLABE (18), card (16) or phone (10).' })
  @Matches(/^(\d{10}|\d{16}|\d{18})$/)
  account!: string;

  @ApiProperty({ example: 'SANTANDER', maxLength: 60, description: 'Institution name or key (GET /v1/spei/institutions).' })
  @IsString()
  @Length(1, 60)
  institution!: string;

  @ApiProperty({ example: 'John Doe', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  name!: string;

  @ApiPropertyOptional({ example: 'ND', maxLength: 18, default: 'ND' })
  @IsOptional()
  @IsString()
  @Length(2, 18)
  rfc_curp?: string;

  @ApiProperty({ example: 'john@example.com', maxLength: 100 })
  @IsEmail()
  @Length(3, 100)
  email!: string;
}

export class CreateSpeiTransferDto extends CardAmountDto {
  @ApiProperty({ type: SpeiSourceDto })
  @ValidateNested()
  @Type(() => SpeiSourceDto)
  source!: SpeiSourceDto;

  @ApiProperty({ type: SpeiBeneficiaryDto })
  @ValidateNested()
  @Type(() => SpeiBeneficiaryDto)
  beneficiary!: SpeiBeneficiaryDto;

  @ApiProperty({ example: 'Pago de Renta', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  concept!: string;

  @ApiProperty({ example: '12345', pattern: '^\\d{1,7}$', maxLength: 7 })
  @Matches(/^\d{1,7}$/)
  numeric_reference!: string;
}

export class SpeiTransferDto extends CardMoneyMovementDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'NC2026112500001', maxLength: 40 })
  tracking_key!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '5.80', maxLength: 25 })
  commission!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '0.93', maxLength: 25 })
  vat!: string | null;
}

export class SpeiInstitutionDto {
  @ApiProperty({ example: '40014', maxLength: 10 })
  spei_key!: string;

  @ApiProperty({ example: 'SANTANDER', maxLength: 100 })
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '014', maxLength: 3 })
  bank_code!: string | null;
}

export class SpeiInstitutionListDto {
  @ApiProperty({ type: [SpeiInstitutionDto], maxItems: 1000 })
  data!: SpeiInstitutionDto[];
}
