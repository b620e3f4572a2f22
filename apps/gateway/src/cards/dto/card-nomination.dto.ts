import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CardDto } from './card.dto.js';

/** Providers whose cards are nominated (processed, not issued, by them). */
export const NOMINATION_PROVIDERS = ['credencial'] as const;

export class NominationAddressDto {
  @ApiProperty({ example: 'casa', maxLength: 20, description: 'Type of address (e.g. casa, trabajo).' })
  @IsString()
  @Length(1, 20)
  type!: string;

  @ApiProperty({ example: 'Privada', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  street!: string;

  @ApiPropertyOptional({ example: '24', maxLength: 20 })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  number?: string;

  @ApiProperty({ example: '484', pattern: '^\\d{1,3}$', maxLength: 3, description: 'ISO 3166-1 numeric country code (484 = México).' })
  @Matches(/^\d{1,3}$/, { message: 'address.country must be an ISO 3166-1 numeric code, e.g. "484"' })
  country!: string;

  @ApiProperty({ example: 'CDMX', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  state!: string;

  @ApiProperty({ example: 'Granjas', maxLength: 60 })
  @IsString()
  @Length(1, 60)
  suburb!: string;

  @ApiPropertyOptional({ example: 'Iztapalapa', maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  locality?: string;

  @ApiProperty({ example: '04056', pattern: '^\\d{5}$', maxLength: 5 })
  @Matches(/^\d{5}$/, { message: 'address.zip_code must be 5 digits' })
  zip_code!: string;
}

export class NominationDocumentDto {
  @ApiProperty({ example: 'DNI', maxLength: 20 })
  @Matches(/^[A-Za-z0-9 ]{1,20}$/, { message: 'document.type must be 1-20 letters or digits' })
  type!: string;

  @ApiProperty({ example: '32145698777', maxLength: 30 })
  @Matches(/^[A-Za-z0-9]{1,30}$/, { message: 'document.number must be 1-30 letters or digits' })
  number!: string;
}

export class NominationCardholderDto {
  @ApiProperty({ example: 'Jose Lopez', maxLength: 26, description: 'The name printed on the plastic.' })
  @IsString()
  @Length(1, 26)
  card_name!: string;

  @ApiProperty({ example: 'Jose Lopez Garcia', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  full_name!: string;

  @ApiProperty({ example: '1986-10-10', pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birth_date must be YYYY-MM-DD' })
  birth_date!: string;

  @ApiProperty({ enum: ['male', 'female'], example: 'male' })
  @IsIn(['male', 'female'])
  gender!: 'male' | 'female';

  @ApiProperty({ enum: ['single', 'married', 'divorced', 'widowed', 'free_union'], example: 'single' })
  @IsIn(['single', 'married', 'divorced', 'widowed', 'free_union'])
  civil_status!: 'single' | 'married' | 'divorced' | 'widowed' | 'free_union';

  @ApiProperty({ example: 'persona@dominio.com', format: 'email', maxLength: 100 })
  @IsEmail()
  @Length(3, 100)
  email!: string;

  @ApiProperty({ example: '5511456745', pattern: '^\\d{10}$', maxLength: 10 })
  @Matches(/^\d{10}$/, { message: 'phone must be 10 digits' })
  phone!: string;

  @ApiProperty({ type: NominationAddressDto })
  @ValidateNested()
  @Type(() => NominationAddressDto)
  address!: NominationAddressDto;

  @ApiProperty({ type: NominationDocumentDto })
  @ValidateNested()
  @Type(() => NominationDocumentDto)
  document!: NominationDocumentDto;
}

export class NominateCardDto {
  @ApiPropertyOptional({ enum: NOMINATION_PROVIDERS, example: 'credencial', default: 'credencial', description: 'The card processor; a provider without card processing is 422 capability_not_supported.' })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  provider?: string;

  @ApiProperty({ example: '4111111111111111', pattern: '^\\d{16}$', maxLength: 16, description: 'The PAN printed on the plastic. Only forwarded to the processor: never stored, logged or returned.' })
  @Matches(/^\d{16}$/, { message: 'card_number must be 16 digits' })
  card_number!: string;

  @ApiProperty({ example: '0001003143', pattern: '^[A-Za-z0-9]{1,20}$', maxLength: 20, description: 'Our account\'s reference at the processor (Credencial `emi_account_reference`).' })
  @Matches(/^[A-Za-z0-9]{1,20}$/, { message: 'account_reference must be 1-20 letters or digits' })
  account_reference!: string;

  @ApiProperty({ example: '21000002159', pattern: '^[A-Za-z0-9]{1,20}$', maxLength: 20, description: 'Our account\'s identifier at the processor (Credencial `emi_account_identifier`, sent back in its DEBIT webhooks).' })
  @Matches(/^[A-Za-z0-9]{1,20}$/, { message: 'account_identifier must be 1-20 letters or digits' })
  account_identifier!: string;

  @ApiProperty({ type: NominationCardholderDto, description: 'The cardholder, forwarded to the processor with the nomination.' })
  @ValidateNested()
  @Type(() => NominationCardholderDto)
  cardholder!: NominationCardholderDto;

  @ApiPropertyOptional({ example: 'customer-8812', maxLength: 100, description: 'Your id for the cardholder.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  external_id?: string;
}

export class NominatedCardDto extends CardDto {
  @ApiProperty({ example: '544802938', pattern: '^\\d{1,20}$', maxLength: 20, description: 'The processor\'s card account number (the `account_number` of its webhooks).' })
  provider_account_number!: string;

  @ApiProperty({ example: '0001003143', maxLength: 64 })
  account_reference!: string;

  @ApiProperty({ example: '21000002159', maxLength: 64 })
  account_identifier!: string;
}
