import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { CATALOG_NAMES } from '#libs/domain';
import { AMOUNT_PATTERN, UUID_EXAMPLE } from './common.dto.js';
import { CARD_PROVIDERS } from '../card-providers.js';

const AMOUNT = { example: '1000.00', pattern: AMOUNT_PATTERN.source, maxLength: 16 };

export class ClientAddressDto {
  @ApiProperty({ example: 'Av. Siempre', maxLength: 100 }) @IsString() @Length(1, 100) street!: string;
  @ApiProperty({ example: '1234', maxLength: 20 }) @IsString() @Length(1, 20) external_number!: string;
  @ApiPropertyOptional({ example: 'Apt.4', maxLength: 20 }) @IsOptional() @IsString() @Length(1, 20) internal_number?: string;
  @ApiProperty({ example: 'Napoles', maxLength: 100 }) @IsString() @Length(1, 100) suburb!: string;
  @ApiProperty({ example: 'Benito Juarez', maxLength: 100 }) @IsString() @Length(1, 100) township!: string;
  @ApiProperty({ example: 'CDMX', maxLength: 100 }) @IsString() @Length(1, 100) city!: string;
  @ApiProperty({ example: 'CDMX', maxLength: 40 }) @IsString() @Length(1, 40) state!: string;
  @ApiProperty({ example: '55555', pattern: '^\\d{5}$', maxLength: 5 }) @Matches(/^\d{5}$/) postal_code!: string;
}

export class ContactPersonDto {
  @ApiProperty({ example: 'Juan', maxLength: 40 }) @IsString() @Length(1, 40) name!: string;
  @ApiPropertyOptional({ example: 'Carlos', maxLength: 40 }) @IsOptional() @IsString() @Length(1, 40) second_name?: string;
  @ApiProperty({ example: 'Perea', maxLength: 40 }) @IsString() @Length(1, 40) surname!: string;
  @ApiPropertyOptional({ example: 'Lopez', maxLength: 40 }) @IsOptional() @IsString() @Length(1, 40) second_surname?: string;
  @ApiProperty({ example: 'juan@redribbon.mx', maxLength: 100 }) @IsEmail() @Length(3, 100) email!: string;
  @ApiProperty({ example: '52', pattern: '^\\d{2,3}$', maxLength: 3 }) @Matches(/^\d{2,3}$/) phone_country_code!: string;
  @ApiProperty({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 }) @Matches(/^\d{10}$/) phone!: string;
  @ApiProperty({ example: '52', pattern: '^\\d{2,3}$', maxLength: 3 }) @Matches(/^\d{2,3}$/) mobile_phone_country_code!: string;
  @ApiProperty({ example: '6666666666', pattern: '^\\d{10}$', maxLength: 10 }) @Matches(/^\d{10}$/) mobile_phone!: string;
}

export class ClientApiKeyDto {
  @ApiProperty({ example: 'SUB_CLIENT_ACCESS', maxLength: 50 }) @IsString() @Length(1, 50) name!: string;
  @ApiPropertyOptional({ example: 'Subclient Api Key', maxLength: 100 }) @IsOptional() @IsString() @Length(1, 100) description?: string;
  @ApiProperty({ example: 'S3cure-pass', maxLength: 50, description: 'The sub-client\'s password at the provider. Never stored or logged.' }) @IsString() @Length(4, 50) password!: string;
}

export class CreateClientDto {
  @ApiPropertyOptional({ enum: CARD_PROVIDERS, example: 'necipco', default: 'necipco' }) @IsOptional() @IsIn(CARD_PROVIDERS) provider?: string;
  @ApiProperty({ example: 'Red Ribbon SA', maxLength: 100 }) @IsString() @Length(1, 100) name!: string;
  @ApiProperty({ example: 'REDRI', maxLength: 5 }) @IsString() @Length(1, 5) alias!: string;
  @ApiProperty({ example: 'ops@redribbon.mx', maxLength: 100 }) @IsEmail() @Length(3, 100) email!: string;
  @ApiProperty({ ...AMOUNT, description: 'Initial available balance, taken from the program\'s main balance.' }) @Matches(AMOUNT_PATTERN) initial_available!: string;
  @ApiProperty({ example: '5555555555', pattern: '^\\d{10}$', maxLength: 10 }) @Matches(/^\d{10}$/) phone!: string;
  @ApiProperty({ example: '6666666666', pattern: '^\\d{10}$', maxLength: 10 }) @Matches(/^\d{10}$/) mobile_phone!: string;
  @ApiProperty({ example: 'AAMM9001010A1', maxLength: 13 }) @IsString() @Length(12, 13) rfc!: string;
  @ApiProperty({ type: ClientAddressDto }) @ValidateNested() @Type(() => ClientAddressDto) address!: ClientAddressDto;
  @ApiProperty({ type: ContactPersonDto }) @ValidateNested() @Type(() => ContactPersonDto) contact!: ContactPersonDto;
  @ApiProperty({ type: ClientApiKeyDto }) @ValidateNested() @Type(() => ClientApiKeyDto) api_key!: ClientApiKeyDto;
}

export class ClientDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 }) id!: string;
  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' }) provider!: string;
  @ApiProperty({ example: 'Red Ribbon SA', maxLength: 100 }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'REDRI', maxLength: 5 }) alias!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'AAMM9001010A1', maxLength: 13 }) rfc!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '1000.00', maxLength: 25, description: 'Available balance at the provider, when just reported.' }) available!: string | null;
  @ApiProperty({ example: '1000.00', maxLength: 25, description: 'The sub-client\'s ledger balance.' }) ledger_balance!: string;
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 }) ledger_account_id!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '0c1e2a52-8e3c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 100, description: 'The sub-client\'s API key id at the provider (its login).' }) provider_api_key_id!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 }) created_at!: string;
}

export class ClientPageDto {
  @ApiProperty({ type: [ClientDto], maxItems: 200 }) data!: ClientDto[];
  @ApiPropertyOptional({ type: String, nullable: true, example: 'MGI2ZjJhNTI', maxLength: 200 }) next_cursor!: string | null;
}

export class ProgramDto {
  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' }) provider!: string;
  @ApiProperty({ example: 'Pasarela Sandbox', maxLength: 100 }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'PASAR', maxLength: 20 }) alias!: string | null;
  @ApiProperty({ example: '1000000.00', maxLength: 25, description: 'Main balance, available for disbursements.' }) available!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '250.00', maxLength: 25, description: 'Collection balance.' }) balance!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'ACTIVE', maxLength: 40 }) status!: string | null;
}

export class FundClientDto {
  @ApiProperty({ ...AMOUNT, description: 'Moved from the program\'s main balance to the sub-client.' }) @Matches(AMOUNT_PATTERN) amount!: string;
}

export class FundingDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 }) client_id!: string;
  @ApiProperty({ example: '1200.50', maxLength: 25 }) amount!: string;
  @ApiProperty({ example: '2200.50', maxLength: 25, description: 'The sub-client\'s available balance at the provider after the funding.' }) client_available!: string;
  @ApiProperty({ example: '997799.50', maxLength: 25, description: 'The program\'s main balance after the funding.' }) program_available!: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 }) ledger_journal_id!: string | null;
}

export class ProductDto {
  @ApiProperty({ example: '3f1c2a52-8e3c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 100, description: 'The provider\'s product id (pass it as `product_id` to issue a virtual card).' }) id!: string;
  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' }) provider!: string;
  @ApiProperty({ example: 'PASARELA DEBITO', maxLength: 100 }) name!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Debit card', maxLength: 200 }) description!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'DEBIT', maxLength: 40 }) type!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'ACTIVE', maxLength: 40 }) status!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: '484', maxLength: 3 }) currency_code!: string | null;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', nullable: true, example: 48, minimum: 0, maximum: 100000000 }) stock_cards!: number | null;
}

export class ProductListDto {
  @ApiProperty({ type: [ProductDto], maxItems: 1000 }) data!: ProductDto[];
}

export class CatalogEntryDto {
  @ApiProperty({ example: 'ACTIVE', maxLength: 100 }) key!: string;
  @ApiProperty({ example: '01', maxLength: 100 }) value!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Active card', maxLength: 200 }) description!: string | null;
}

export class CatalogDto {
  @ApiProperty({ enum: CATALOG_NAMES, example: 'card_status' }) name!: string;
  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' }) provider!: string;
  @ApiProperty({ type: [CatalogEntryDto], maxItems: 1000 }) data!: CatalogEntryDto[];
}

export class ProviderQueryDto {
  @ApiPropertyOptional({ enum: CARD_PROVIDERS, example: 'necipco', default: 'necipco' }) @IsOptional() @IsIn(CARD_PROVIDERS) provider?: string;
}
