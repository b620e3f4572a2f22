import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { PageQueryDto } from '../../common/page-query.dto.js';
import { AMOUNT_PATTERN, UUID_EXAMPLE } from './common.dto.js';
import { CARD_PROVIDERS } from '../card-providers.js';

export class CardholderAddressDto {
  @ApiProperty({ example: 'Av. Siempre Viva', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  street!: string;

  @ApiProperty({ example: '#12', maxLength: 20 })
  @IsString()
  @Length(1, 20)
  external_number!: string;

  @ApiPropertyOptional({ example: 'Lt3.', maxLength: 20 })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  internal_number?: string;

  @ApiProperty({ example: 'Napoles', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  suburb!: string;

  @ApiPropertyOptional({ example: 'Benito Juarez', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  township?: string;

  @ApiProperty({ example: 'CDMX', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ example: 'CDMX', maxLength: 40, description: 'Key of the `states` catalog.' })
  @IsString()
  @Length(1, 40)
  state!: string;

  @ApiProperty({ example: '55120', pattern: '^\\d{5}$', maxLength: 5 })
  @Matches(/^\d{5}$/)
  postal_code!: string;

  @ApiPropertyOptional({ example: 'MX', maxLength: 40 })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  country?: string;
}

export class CreateCardholderDto {
  @ApiPropertyOptional({ enum: CARD_PROVIDERS, example: 'necipco', default: 'necipco' })
  @IsOptional()
  @IsIn(CARD_PROVIDERS)
  provider?: string;

  @ApiProperty({ example: 'John', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  first_name!: string;

  @ApiProperty({ example: 'Doe', maxLength: 40 })
  @IsString()
  @Length(0, 40)
  second_name!: string;

  @ApiProperty({ example: 'Gonzalez', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  surname!: string;

  @ApiProperty({ example: 'Perez', maxLength: 40 })
  @IsString()
  @Length(0, 40)
  second_surname!: string;

  @ApiProperty({ example: 'XAXX010101000', maxLength: 13 })
  @IsString()
  @Length(1, 13)
  rfc!: string;

  @ApiProperty({ example: 'XEXX010101HNEXXX01', maxLength: 18 })
  @IsString()
  @Length(1, 18)
  curp!: string;

  @ApiProperty({ example: 'john@example.com', maxLength: 100, format: 'email' })
  @IsEmail()
  @Length(3, 100)
  email!: string;

  @ApiProperty({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 })
  @Matches(/^\d{10}$/)
  primary_phone!: string;

  @ApiProperty({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 })
  @Matches(/^\d{10}$/)
  mobile_phone!: string;

  @ApiProperty({ type: CardholderAddressDto })
  @ValidateNested()
  @Type(() => CardholderAddressDto)
  address!: CardholderAddressDto;

  @ApiProperty({ example: '1995-09-22', pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  birthdate!: string;

  @ApiProperty({ example: 'MALE', maxLength: 40, description: 'Key of the `gender` catalog.' })
  @IsString()
  @Length(1, 40)
  gender!: string;

  @ApiProperty({ example: 'SOLTERO', maxLength: 40, description: 'Key of the `marital_status` catalog.' })
  @IsString()
  @Length(1, 40)
  marital_status!: string;

  @ApiProperty({ example: false })
  @IsBoolean()
  has_kids!: boolean;

  @ApiPropertyOptional({ example: '20000.00', pattern: AMOUNT_PATTERN.source, maxLength: 16 })
  @IsOptional()
  @Matches(AMOUNT_PATTERN)
  gross_monthly_income?: string;

  @ApiPropertyOptional({ example: '18000.50', pattern: AMOUNT_PATTERN.source, maxLength: 16 })
  @IsOptional()
  @Matches(AMOUNT_PATTERN)
  net_monthly_income?: string;

  @ApiPropertyOptional({ example: 'VIP', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  observations?: string;

  @ApiPropertyOptional({ example: 'customer-8812', maxLength: 100, description: 'Your reference; unique at the provider.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  external_id?: string;
}

export class CardholderCardDto {
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Pasarela card id; null for a card not issued through Pasarela.' })
  id!: string | null;

  @ApiProperty({ example: '************1234', pattern: '^\\*{12}\\d{4}$', maxLength: 16 })
  masked_pan!: string;

  @ApiPropertyOptional({ type: String, nullable: true, enum: ['PHYSICAL', 'VIRTUAL', 'VIRTUAL_WITH_PHYSICAL'], example: 'PHYSICAL' })
  type!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'ACTIVE', maxLength: 40 })
  status!: string | null;
}

export class CardholderDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' })
  provider!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'customer-8812', maxLength: 100 })
  external_id!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'John', maxLength: 40 })
  first_name!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Doe', maxLength: 40 })
  second_name!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Gonzalez', maxLength: 40 })
  surname!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Perez', maxLength: 40 })
  second_surname!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'XAXX010101000', maxLength: 13 })
  rfc!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'XEXX010101HNEXXX01', maxLength: 18 })
  curp!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'john@example.com', maxLength: 100 })
  email!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '5555555555', maxLength: 10 })
  mobile_phone!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '1995-09-22', maxLength: 10 })
  birthdate!: string | null;

  @ApiProperty({ type: [CardholderCardDto], maxItems: 100 })
  cards!: CardholderCardDto[];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;
}

export class CardholderSummaryDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' })
  provider!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'customer-8812', maxLength: 100 })
  external_id!: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;
}

export class CardholderPageDto {
  @ApiProperty({ type: [CardholderSummaryDto], maxItems: 200 })
  data!: CardholderSummaryDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'MGI2ZjJhNTI', maxLength: 200 })
  next_cursor!: string | null;
}

/** The filters searched at the provider (NeCIPCo Get Cardholders); the rest of the query is the page. */
export const CARDHOLDER_SEARCH_FIELDS = ['id', 'rfc', 'curp', 'email', 'primary_phone', 'mobile_phone'] as const;

/** GET /v1/cardholders: a page of ours, or — with any search filter — a search at the provider(s). */
export class ListCardholdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Pasarela cardholder id (searched at its provider by the provider\'s id).' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiPropertyOptional({ example: 'XAXX010101000', pattern: '^[A-Za-z0-9&Ññ]{10,13}$', minLength: 10, maxLength: 13 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9&Ññ]{10,13}$/, { message: 'rfc must be 10-13 letters or digits' })
  rfc?: string;

  @ApiPropertyOptional({ example: 'XEXX010101HNEXXX01', pattern: '^[A-Za-z0-9]{18}$', minLength: 18, maxLength: 18 })
  @IsOptional()
  @Matches(/^[A-Za-z0-9]{18}$/, { message: 'curp must be 18 letters or digits' })
  curp?: string;

  @ApiPropertyOptional({ example: 'john@example.com', format: 'email', minLength: 5, maxLength: 100 })
  @IsOptional()
  @Length(5, 100)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 })
  @IsOptional()
  @Matches(/^\d{10}$/, { message: 'primary_phone must be 10 digits' })
  primary_phone?: string;

  @ApiPropertyOptional({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 })
  @IsOptional()
  @Matches(/^\d{10}$/, { message: 'mobile_phone must be 10 digits' })
  mobile_phone?: string;

  @ApiPropertyOptional({ enum: CARD_PROVIDERS, example: 'necipco', description: 'Search only this provider (default: every provider that issues cards).' })
  @IsOptional()
  @IsIn(CARD_PROVIDERS)
  provider?: string;
}
