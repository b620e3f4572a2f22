import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsString, Matches, ValidateNested } from 'class-validator';
import { Money, ValidationError } from '#libs/domain';

export const UUID_EXAMPLE = '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11';
export const UUID_PARAM = { format: 'uuid', example: UUID_EXAMPLE, maxLength: 36 };
export const AMOUNT_PATTERN = /^\d{1,13}(\.\d{1,2})?$/;
const COORDINATE = /^-?\d{1,3}(\.\d{1,5})?$/;

export function money(m: Money | undefined | null): string | null {
  return m ? m.toDecimalString() : null;
}

/** Where the operation is made from (the provider requires it): decimal degrees, at most 5 decimals. */
export class LocationDto {
  @ApiProperty({ example: '19.43260', pattern: COORDINATE.source, maxLength: 10, description: 'Decimal degrees, -90 to 90, at most 5 decimals.' })
  @IsString()
  @Matches(COORDINATE, { message: 'latitude must be decimal degrees with at most 5 decimals, e.g. "19.43260"' })
  latitude!: string;

  @ApiProperty({ example: '-99.13320', pattern: COORDINATE.source, maxLength: 10, description: 'Decimal degrees, -180 to 180, at most 5 decimals.' })
  @IsString()
  @Matches(COORDINATE, { message: 'longitude must be decimal degrees with at most 5 decimals, e.g. "-99.13320"' })
  longitude!: string;
}

export class WithLocationDto {
  @ApiProperty({ type: LocationDto })
  @ValidateNested()
  @Type(() => LocationDto)
  location!: LocationDto;
}

/** `latitude` / `longitude` as query parameters (GET operations the provider wants located). */
export class LocationQueryDto {
  @ApiProperty({ example: '19.43260', pattern: COORDINATE.source, maxLength: 10 })
  @IsString()
  @Matches(COORDINATE)
  latitude!: string;

  @ApiProperty({ example: '-99.13320', pattern: COORDINATE.source, maxLength: 10 })
  @IsString()
  @Matches(COORDINATE)
  longitude!: string;
}


export class EncryptedCardDataDto {
  @ApiProperty({ enum: ['RSA-OAEP-256'], example: 'RSA-OAEP-256', description: 'RSA-OAEP with SHA-256 (and MGF1-SHA-256), to the public key registered for the calling API key.' })
  algorithm!: string;

  @ApiProperty({ example: 'mZ2bQ9m2WQmG1Vb2qBfJ2l9yC1j8dE7a3kP0xY4sT6u', maxLength: 43, description: 'base64url SHA-256 of the registered key (DER SPKI).' })
  key_fingerprint!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 2000 },
    example: { pan: 'kq3v…base64…', expiry_month: 'Yh1…', expiry_year: 'Z0p…' },
    description: 'Field name → base64 ciphertext of the clear value.',
  })
  values!: Record<string, string>;
}

export function encodeCursor(id: string): string {
  return Buffer.from(id).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new ValidationError('cursor is not one this API returned', { field: 'cursor' }, 'invalid_cursor');
  return id;
}

export { PageQueryDto } from '../../common/page-query.dto.js';
