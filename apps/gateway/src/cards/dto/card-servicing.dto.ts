import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { AMOUNT_PATTERN, UUID_EXAMPLE } from './common.dto.js';

const ID_TYPES = ['CC', 'CE', 'LC', 'NI', 'OT', 'PA', 'RC', 'TI', 'PE'];

export class ServicingCustomerDto {
  @ApiProperty({ enum: ID_TYPES, example: 'CC', description: 'Identification type as BCS knows it.' })
  @IsIn(ID_TYPES)
  id_type!: string;

  @ApiProperty({ example: '51680607', pattern: '^\\d{1,15}$', maxLength: 15 })
  @Matches(/^\d{1,15}$/, { message: 'id_number must be 1-15 digits' })
  id_number!: string;
}

export class RegisterCardDto {
  @ApiProperty({ enum: ['bcs'], example: 'bcs', description: 'The provider that already holds the card.' })
  @IsIn(['bcs'])
  provider!: string;

  @ApiProperty({ enum: ['credit', 'debit'], example: 'credit' })
  @IsIn(['credit', 'debit'])
  kind!: string;

  @ApiPropertyOptional({ example: '4111111111111111', pattern: '^\\d{13,19}$', maxLength: 19, description: 'Clear card number: turned into the provider\'s encrypted reference and masked; never stored or logged. Give this or `card_reference`.' })
  @IsOptional()
  @Matches(/^\d{13,19}$/, { message: 'card_number must be 13-19 digits' })
  card_number?: string;

  @ApiPropertyOptional({ example: 'f46626ae2ffa16e81c96b8374cd4b259', pattern: '^([0-9a-f]{32})+$', maxLength: 128, description: 'The card number as BCS encrypts it (when the channel does not know it); needs `last4`.' })
  @IsOptional()
  @Matches(/^(?:[0-9a-f]{32}){1,4}$/, { message: 'card_reference must be BCS\'s encrypted card number (lowercase hex, 32 digits per block)' })
  card_reference?: string;

  @ApiPropertyOptional({ example: '4425', pattern: '^\\d{4}$', maxLength: 4 })
  @IsOptional()
  @Matches(/^\d{4}$/, { message: 'last4 must be 4 digits' })
  last4?: string;

  @ApiProperty({ type: ServicingCustomerDto })
  @ValidateNested()
  @Type(() => ServicingCustomerDto)
  customer!: ServicingCustomerDto;

  @ApiPropertyOptional({ example: '24500036202', pattern: '^\\d{4,20}$', maxLength: 20, description: 'Debit: the deposit account. Credit: the card account (billing cycle changes need it).' })
  @IsOptional()
  @Matches(/^\d{4,20}$/, { message: 'account_number must be 4-20 digits' })
  account_number?: string;
}

export class HoldDto {
  @ApiPropertyOptional({ example: false, default: false, description: 'Also block every debit card of the card\'s customer (BCS flagAllDebCardsBlock).' })
  @IsOptional()
  @IsBoolean()
  all_debit_cards?: boolean;

  @ApiPropertyOptional({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, example: [], maxItems: 20, description: 'Other registered BCS cards of the same customer to block in the same hold.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUUID('all', { each: true })
  additional_card_ids?: string[];
}

export class HoldResultDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, example: [UUID_EXAMPLE], maxItems: 1000, description: 'Pasarela cards now BLOCKED.' })
  blocked_card_ids!: string[];

  @ApiProperty({ example: false })
  all_debit_cards!: boolean;
}

export class DeliveryDto {
  @ApiProperty({ example: 'NAL', maxLength: 20 })
  @IsString()
  @Length(1, 20)
  type!: string;

  @ApiProperty({ example: 'CO', maxLength: 3 })
  @IsString()
  @Length(2, 3)
  country!: string;

  @ApiPropertyOptional({ example: 'carrera 10 numero 10', maxLength: 120 })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  address_line?: string;

  @ApiPropertyOptional({ example: 'Bogota', maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  city?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', example: 730005, minimum: 0, maximum: 99999999 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(99999999)
  postal_code?: number;
}

export class ContactDto {
  @ApiPropertyOptional({ example: 'email@email.com', maxLength: 120 })
  @IsOptional()
  @IsEmail()
  @Length(3, 120)
  email?: string;

  @ApiPropertyOptional({ example: '3000000000', pattern: '^\\d{7,15}$', maxLength: 15 })
  @IsOptional()
  @Matches(/^\d{7,15}$/)
  cell_phone?: string;
}

export class ServiceAgreementDto {
  @ApiProperty({ example: '', maxLength: 40, description: 'BCS entprAgreement.spRefId (service ally id; may be empty).' })
  @IsString()
  @Length(0, 40)
  ally_id!: string;

  @ApiProperty({ example: 'N', maxLength: 40, description: 'BCS entprAgreement.svcIdent.' })
  @IsString()
  @Length(1, 40)
  service_id!: string;

  @ApiProperty({ example: 'N', maxLength: 40, description: 'BCS entprAgreement.svcRqUID.' })
  @IsString()
  @Length(1, 40)
  service_request_id!: string;
}

/** Credit cards: `lock_code`. Debit cards: the rest (BCS's debit replacement fields). */
export class ReplacementDto {
  @ApiPropertyOptional({ enum: ['01'], example: '01', description: 'Credit cards: lock put on the old card (BCS allows only 01).' })
  @IsOptional()
  @IsIn(['01'])
  lock_code?: string;

  @ApiPropertyOptional({ example: 'IVR01', maxLength: 20, description: 'Debit cards: reason for the replacement.' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  reason?: string;

  @ApiPropertyOptional({ example: '1', maxLength: 5 })
  @IsOptional()
  @IsString()
  @Length(1, 5)
  operation_type?: string;

  @ApiPropertyOptional({ example: '1000.00', pattern: AMOUNT_PATTERN.source, maxLength: 16, description: 'Debit cards: the commission charged.' })
  @IsOptional()
  @Matches(AMOUNT_PATTERN, { message: 'fee must be a decimal string with at most 2 decimals, e.g. "1000.00"' })
  fee?: string;

  @ApiPropertyOptional({ example: '', maxLength: 10, description: 'Debit cards: BCS blockTypeField (may be empty).' })
  @IsOptional()
  @IsString()
  @Length(0, 10)
  block_type?: string;

  @ApiPropertyOptional({ example: 'TEL', maxLength: 10, description: 'Debit cards: transaction source / channel (BCS trnSrc).' })
  @IsOptional()
  @IsString()
  @Length(1, 10)
  source?: string;

  @ApiPropertyOptional({ type: DeliveryDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeliveryDto)
  delivery?: DeliveryDto;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ type: ServiceAgreementDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceAgreementDto)
  service_agreement?: ServiceAgreementDto;
}

export class ReplacementResultDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ example: 'REPLACED', maxLength: 20, description: 'The old card is locked; the new plastic is BCS\'s to deliver.' })
  status!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '4615043316', maxLength: 40 })
  biller_number!: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, example: '6321966129', maxLength: 40 })
  reference_id!: string | null;
}

export class CvvDto {
  @ApiProperty({ example: '123', pattern: '^\\d{3,4}$', maxLength: 4, description: 'Sent to BCS encrypted; never stored or logged.' })
  @Matches(/^\d{3,4}$/, { message: 'cvv must be 3 or 4 digits' })
  cvv!: string;
}

export class SecretValidationDto {
  @ApiProperty({ example: true, description: 'true when BCS confirmed it; a mismatch is a 422.' })
  valid!: boolean;
}

export class BillingCycleDto {
  @ApiProperty({ enum: ['1', '2'], example: '1', description: '"1" = payment days 03-08, "2" = days 15-18.' })
  @IsIn(['1', '2'])
  days_cycle!: '1' | '2';

  @ApiProperty({ example: 'example@example.com', maxLength: 120 })
  @IsEmail()
  @Length(3, 120)
  email!: string;

  @ApiProperty({ example: '31111111111', pattern: '^\\d{7,15}$', maxLength: 15 })
  @Matches(/^\d{7,15}$/, { message: 'cell_phone must be 7-15 digits' })
  cell_phone!: string;
}

export class BillingCycleResultDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ enum: ['1', '2'], example: '1' })
  days_cycle!: string;
}

export class TermDto {
  @ApiProperty({ example: '12345678', pattern: '^\\d{1,20}$', maxLength: 20, description: 'The purchase (transaction sequence).' })
  @Matches(/^\d{1,20}$/, { message: 'sequence must be 1-20 digits' })
  sequence!: string;

  @ApiProperty({ type: 'integer', format: 'int32', example: 6, minimum: 1, maximum: 99, description: 'Installments left after the change.' })
  @IsInt()
  @Min(1)
  @Max(99)
  installments!: number;
}

export class DeadlinesDto {
  @ApiProperty({ type: [TermDto], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => TermDto)
  terms!: TermDto[];
}

export class DeadlinesResultDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ type: [TermDto], maxItems: 50 })
  terms!: TermDto[];
}

export class CardApplicationDto {
  @ApiProperty({ enum: ['bcs'], example: 'bcs' })
  @IsIn(['bcs'])
  provider!: string;

  @ApiProperty({ enum: ['debit'], example: 'debit' })
  @IsIn(['debit'])
  type!: string;

  @ApiProperty({ type: ServicingCustomerDto })
  @ValidateNested()
  @Type(() => ServicingCustomerDto)
  customer!: ServicingCustomerDto;
}

export class CardApplicationResultDto {
  @ApiProperty({ enum: ['submitted'], example: 'submitted', description: 'BCS answered OK; it returns no card, so none is created here (register it once issued).' })
  status!: string;

  @ApiProperty({ example: 'bcs', maxLength: 20 })
  provider!: string;
}
