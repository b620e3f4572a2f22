import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CARD_PROVIDERS } from '../card-providers.js';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { EncryptedCardDataDto, LocationDto, PageQueryDto, UUID_EXAMPLE, WithLocationDto } from './common.dto.js';

const PIN = /^\d{4}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class IdentityDocumentDto {
  @ApiProperty({ example: 'INE', maxLength: 40, description: 'Key of the `document_types` catalog.' })
  @IsString()
  @Length(1, 40)
  type!: string;

  @ApiProperty({ example: '1234567890', maxLength: 27 })
  @IsString()
  @Length(1, 27)
  number!: string;
}

export class IssueCardDto extends WithLocationDto {
  @ApiProperty({ enum: ['virtual', 'physical'], example: 'virtual', description: '`virtual`: a new virtual card of `product_id`; `physical`: a stock card (`card_number`) assigned to the cardholder.' })
  @IsIn(['virtual', 'physical'])
  type!: 'virtual' | 'physical';

  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36, description: 'Pasarela cardholder id; the card goes to the cardholder\'s provider.' })
  @IsUUID()
  cardholder_id!: string;

  @ApiPropertyOptional({ example: '3f1c2a52-8e3c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 100, description: 'Virtual cards: the product (GET /v1/products).' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  product_id?: string;

  @ApiPropertyOptional({ example: '5064110000000000', pattern: '^\\d{16}$', maxLength: 16, description: 'Physical cards: the PAN printed on the stock card. Never stored, logged or returned.' })
  @IsOptional()
  @Matches(/^\d{16}$/, { message: 'card_number must be 16 digits' })
  card_number?: string;

  @ApiProperty({ type: IdentityDocumentDto })
  @ValidateNested()
  @Type(() => IdentityDocumentDto)
  document!: IdentityDocumentDto;

  @ApiPropertyOptional({ example: 'Entregada en sucursal', maxLength: 200 })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  observations?: string;
}

export class CardDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  id!: string;

  @ApiProperty({ format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36 })
  cardholder_id!: string;

  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' })
  provider!: string;

  @ApiProperty({ enum: ['PHYSICAL', 'VIRTUAL', 'VIRTUAL_WITH_PHYSICAL'], example: 'VIRTUAL' })
  type!: string;

  @ApiProperty({ example: 'ACTIVE', maxLength: 40, description: 'Key of the `card_status` catalog, as last seen.' })
  status!: string;

  @ApiProperty({ example: '************1234', pattern: '^\\*{12}\\d{4}$', maxLength: 16 })
  masked_pan!: string;

  @ApiProperty({ example: '1234', pattern: '^\\d{4}$', maxLength: 4 })
  last4!: string;

  @ApiProperty({ format: 'uuid', example: '00000000-0000-4000-8000-000000000009', maxLength: 36, description: 'The card\'s ledger account (`card:<id>`).' })
  ledger_account_id!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  updated_at!: string;
}

export class IssuedCardDto extends CardDto {
  @ApiPropertyOptional({
    type: EncryptedCardDataDto,
    nullable: true,
    description: 'Virtual cards: `pan`, `expiry_month`, `expiry_year`, encrypted to the public key registered for the calling API key; null when it registered none.',
  })
  card_data!: EncryptedCardDataDto | null;
}

export class CardActivityDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-11-25T10:00:00', maxLength: 40 })
  last_approved_operation!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: null, maxLength: 40 })
  last_denied_operation!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: null, maxLength: 40 })
  last_block_status!: string | null;
}

export class CardDetailsDto extends CardDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '1234567890', maxLength: 40, description: 'Account reference at the provider.' })
  account_reference!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '646180110400000007', maxLength: 18 })
  clabe!: string | null;

  @ApiPropertyOptional({ type: CardActivityDto, nullable: true })
  activity!: CardActivityDto | null;

  @ApiPropertyOptional({ type: EncryptedCardDataDto, nullable: true, description: '`pan` encrypted to the caller\'s registered public key; null when it registered none.' })
  card_data!: EncryptedCardDataDto | null;
}

export class CardPageDto {
  @ApiProperty({ type: [CardDto], maxItems: 200 })
  data!: CardDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'MGI2ZjJhNTI', maxLength: 200 })
  next_cursor!: string | null;
}

export class ListCardsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  @IsOptional()
  @IsUUID()
  cardholder_id?: string;
}

export class ChangeCardStatusDto extends WithLocationDto {
  @ApiProperty({ example: 'TEMPORARY_INACTIVE', maxLength: 40, pattern: '^[A-Z_]{1,40}$', description: 'Key of the `card_status` catalog (e.g. ACTIVE, TEMPORARY_INACTIVE, CANCELED).' })
  @Matches(/^[A-Z_]{1,40}$/)
  status!: string;
}

export class SetPinDto extends WithLocationDto {
  @ApiProperty({ example: '4321', pattern: PIN.source, maxLength: 4, description: 'The new ATM PIN. Never stored or logged.' })
  @Matches(PIN, { message: 'pin must be 4 digits' })
  pin!: string;

  @ApiPropertyOptional({ example: '1234', pattern: PIN.source, maxLength: 4, description: 'The current PIN, to change a PIN already set; omit it to set the first PIN.' })
  @IsOptional()
  @Matches(PIN, { message: 'current_pin must be 4 digits' })
  current_pin?: string;

  @ApiPropertyOptional({ example: '1229', pattern: '^(0[1-9]|1[0-2])\\d{2}$', maxLength: 4, description: 'Card processors (Credencial): the plastic\'s expiry, MMYY, proving possession. Never stored or logged.' })
  @IsOptional()
  @Matches(/^(0[1-9]|1[0-2])\d{2}$/, { message: 'card_expiration must be MMYY' })
  card_expiration?: string;

  @ApiPropertyOptional({ example: '123', pattern: '^\\d{3,4}$', maxLength: 4, description: 'Card processors (Credencial): the plastic\'s security code (CVC). Never stored or logged.' })
  @IsOptional()
  @Matches(/^\d{3,4}$/, { message: 'card_security_code must be 3 or 4 digits' })
  card_security_code?: string;
}

export class PinDto extends WithLocationDto {
  @ApiProperty({ example: '4321', pattern: PIN.source, maxLength: 4 })
  @Matches(PIN, { message: 'pin must be 4 digits' })
  pin!: string;
}

export class PinValidationDto {
  @ApiProperty({ example: true })
  valid!: boolean;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', nullable: true, example: 4, minimum: 0, maximum: 5 })
  attempts_remaining!: number | null;
}

export class PinOperationDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ enum: ['set', 'changed'], example: 'set' })
  result!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'op-8812', maxLength: 100 })
  provider_operation_id!: string | null;
}

export class PosPinDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ type: EncryptedCardDataDto, description: '`pin` (the POS PIN) encrypted to the caller\'s registered public key.' })
  card_data!: EncryptedCardDataDto;
}

export class CvcDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ type: EncryptedCardDataDto, description: '`cvc` encrypted to the caller\'s registered public key.' })
  card_data!: EncryptedCardDataDto;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', nullable: true, example: 3, minimum: 0, maximum: 1440 })
  valid_for_minutes!: number | null;
}

export class AuthenticationDto {
  @ApiProperty({ example: '123468', pattern: '^\\d{6}$', maxLength: 6, description: 'Last four digits of the card number followed by the last two digits of the ATM PIN.' })
  @Matches(/^\d{6}$/, { message: 'authentication_info must be 6 digits' })
  authentication_info!: string;
}

export class AuthenticationResultDto {
  @ApiProperty({ example: true })
  authenticated!: boolean;
}

export class DeliveryAddressDto {
  @ApiProperty({ example: 'Av. Siempre Viva', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  street!: string;

  @ApiProperty({ example: '#12 Lt3.', maxLength: 20 })
  @IsString()
  @Length(1, 20)
  street_number!: string;

  @ApiProperty({ example: 'Benito Juarez', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  township!: string;

  @ApiProperty({ example: 'CDMX', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  state!: string;

  @ApiProperty({ example: '55120', pattern: '^\\d{5}$', maxLength: 5 })
  @Matches(/^\d{5}$/)
  postal_code!: string;
}

export class RequestPhysicalCardDto extends WithLocationDto {
  @ApiProperty({ type: DeliveryAddressDto })
  @ValidateNested()
  @Type(() => DeliveryAddressDto)
  delivery_address!: DeliveryAddressDto;
}

export class PhysicalCardDto {
  @ApiProperty({ type: CardDto })
  card!: CardDto;

  @ApiProperty({ type: DeliveryAddressDto })
  delivery_address!: DeliveryAddressDto;
}

export class BalanceQueryDto {
  @ApiPropertyOptional({ example: true, default: false, description: 'Include the recent movements the provider reports with the balance.' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  include_movements?: boolean;
}

export class RecentMovementDto {
  @ApiProperty({ example: '2026-11-25T10:00:00', maxLength: 40 })
  occurred_at!: string;

  @ApiProperty({ example: '150.00', maxLength: 25 })
  amount!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'OXXO', maxLength: 100 })
  merchant!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'DISPERSION', maxLength: 200 })
  description!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '123456', maxLength: 40 })
  authorization_code!: string | null;
}

export class CardBalanceDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ example: '150.00', maxLength: 25, description: 'Available balance as the provider reports it.' })
  available!: string;

  @ApiProperty({ enum: ['MXN'], example: 'MXN' })
  currency!: string;

  @ApiProperty({ example: '150.00', maxLength: 25, description: 'The card\'s ledger balance (mirrors the provider; a difference needs reconciling).' })
  ledger_balance!: string;

  @ApiPropertyOptional({ type: [RecentMovementDto], maxItems: 100, nullable: true })
  recent_movements!: RecentMovementDto[] | null;
}

export class MovementsQueryDto extends PageQueryDto {
  @ApiProperty({ example: '2026-11-01', pattern: DATE.source, maxLength: 10, description: 'First day (YYYY-MM-DD).' })
  @Matches(DATE, { message: 'from must be YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2026-11-25', pattern: DATE.source, maxLength: 10, description: 'Last day (YYYY-MM-DD).' })
  @Matches(DATE, { message: 'to must be YYYY-MM-DD' })
  to!: string;
}

export class CardMovementEntryDto {
  @ApiProperty({ example: '9f1c2a52', maxLength: 100, description: 'The provider\'s movement id.' })
  movement_id!: string;

  @ApiProperty({ example: '2026-11-25T10:00:00', maxLength: 40 })
  occurred_at!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'PURCHASE', maxLength: 100 })
  type!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'TIENDA', maxLength: 200 })
  merchant!: string | null;

  @ApiProperty({ example: '25.00', maxLength: 25 })
  amount!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '484', maxLength: 3 })
  currency_code!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '123456', maxLength: 40 })
  authorization_code!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '00', maxLength: 40 })
  status!: string | null;
}

export class CardMovementPageDto {
  @ApiProperty({ format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 })
  card_id!: string;

  @ApiProperty({ example: '2026-11-01', maxLength: 10 })
  from!: string;

  @ApiProperty({ example: '2026-11-25', maxLength: 10 })
  to!: string;

  @ApiProperty({ type: [CardMovementEntryDto], maxItems: 200 })
  data!: CardMovementEntryDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'NTA', maxLength: 200 })
  next_cursor!: string | null;
}

export class RegisterCardDataKeyDto {
  @ApiProperty({ example: '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----', maxLength: 4000, description: 'RSA public key (2048-8192 bits), PEM SPKI.' })
  @IsString()
  @Length(100, 4000)
  public_key!: string;
}

export class CardDataKeyDto {
  @ApiProperty({ enum: ['RSA-OAEP-256'], example: 'RSA-OAEP-256' })
  algorithm!: string;

  @ApiProperty({ example: 'mZ2bQ9m2WQmG1Vb2qBfJ2l9yC1j8dE7a3kP0xY4sT6u', maxLength: 43 })
  key_fingerprint!: string;

  @ApiProperty({ example: '-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----', maxLength: 4000 })
  public_key!: string;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  updated_at!: string;
}

export { LocationDto };
