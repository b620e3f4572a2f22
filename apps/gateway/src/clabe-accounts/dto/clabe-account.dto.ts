import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { STP_FEDERAL_ENTITIES } from '#libs/providers/stp';

const FEDERAL_ENTITY_CODES = Object.keys(STP_FEDERAL_ENTITIES);

/*
 * Field rules are STP's (libs/providers/stp/README.md, stp.validation.ts), checked by the adapter before
 * any call: this DTO checks types and lengths; a rule the adapter finds broken is a 400 naming the field.
 */

export class ClabeHolderAddressDto {
  @ApiPropertyOptional({ example: 'Polanco', maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  street?: string;

  @ApiPropertyOptional({ example: '254', maxLength: 10 })
  @IsOptional()
  @IsString()
  @Length(1, 10)
  outdoor_number?: string;

  @ApiPropertyOptional({ example: '1', maxLength: 10 })
  @IsOptional()
  @IsString()
  @Length(1, 10)
  interior_number?: string;

  @ApiPropertyOptional({ example: 'Lomas de chapultepec', maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  suburb?: string;

  @ApiPropertyOptional({ example: 'Miguel Hidalgo', maxLength: 60 })
  @IsOptional()
  @IsString()
  @Length(1, 60)
  municipality?: string;

  @ApiPropertyOptional({ example: '01100', pattern: '^\\d{5}$', maxLength: 5 })
  @IsOptional()
  @IsString()
  @Length(1, 5)
  zip_code?: string;
}

export class CreateClabeAccountDto {
  @ApiProperty({ example: 'Enrique', maxLength: 50, description: 'Name of the physical person (letters only).' })
  @IsString()
  @Length(1, 50)
  name!: string;

  @ApiProperty({ example: 'Martinez', maxLength: 50, description: 'Paternal surname.' })
  @IsString()
  @Length(1, 50)
  last_name!: string;

  @ApiPropertyOptional({ example: 'Gomez', maxLength: 50, description: 'Maternal surname (STP: conditional).' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  second_lastname?: string;

  @ApiProperty({ example: '1986-02-28', format: 'date', maxLength: 10, description: 'A real past date, YYYY-MM-DD.' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'birth_date must be YYYY-MM-DD' })
  birth_date!: string;

  @ApiPropertyOptional({ enum: ['male', 'female'], example: 'male', description: 'STP H / M.' })
  @IsOptional()
  @IsIn(['male', 'female'])
  gender?: 'male' | 'female';

  @ApiProperty({ example: 'MAGL860228TF3', maxLength: 18, description: '13-character RFC or 18-character CURP.' })
  @IsString()
  @Length(13, 18)
  rfc_or_curp!: string;

  @ApiProperty({
    enum: FEDERAL_ENTITY_CODES,
    example: '9',
    description: `Federative Entities Catalog (INEGI): ${FEDERAL_ENTITY_CODES.map((k) => `${k} = ${STP_FEDERAL_ENTITIES[k]}`).join(', ')}.`,
  })
  @IsIn(FEDERAL_ENTITY_CODES)
  federal_entity!: string;

  @ApiProperty({ example: '30', pattern: '^\\d{1,3}$', maxLength: 3, description: 'Catalog of Economic Activities code (numeric).' })
  @IsString()
  @Length(1, 3)
  economic_activity!: string;

  @ApiProperty({ example: '187', pattern: '^\\d{1,3}$', maxLength: 3, description: 'Country of birth catalog code (numeric; 187 = México).' })
  @IsString()
  @Length(1, 3)
  country_of_birth!: string;

  @ApiPropertyOptional({ example: '3313476042', maxLength: 20, description: 'INE/IFE, CI or CC number.' })
  @IsOptional()
  @IsString()
  @Length(1, 20)
  personal_id?: string;

  @ApiPropertyOptional({ type: ClabeHolderAddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ClabeHolderAddressDto)
  address?: ClabeHolderAddressDto;

  @ApiPropertyOptional({ example: 'enrique@example.com', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(3, 100)
  email?: string;

  @ApiPropertyOptional({ example: '5513673221', pattern: '^\\d{10}$', maxLength: 10 })
  @IsOptional()
  @IsString()
  @Length(1, 10)
  phone?: string;
}

export class ClabeAccountBalanceDto {
  @ApiProperty({ example: '150.00', maxLength: 25, description: 'Posted balance (credits − debits).' })
  posted!: string;

  @ApiProperty({ example: '100.00', maxLength: 25, description: 'Posted less what pending SPEI OUT holds reserve.' })
  available!: string;

  @ApiProperty({ example: '50.00', maxLength: 25, description: 'Held by SPEI OUT orders not yet settled or returned.' })
  held!: string;

  @ApiProperty({ enum: ['MXN'], example: 'MXN' })
  currency!: string;
}

export class ClabeAccountDto {
  @ApiProperty({ format: 'uuid', example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 36, description: 'Pasarela id (also the account_id sent to STP).' })
  id!: string;

  @ApiProperty({ example: '646180123310000012', pattern: '^\\d{18}$', maxLength: 18, description: 'The CLABE STP assigned (check digit verified).' })
  clabe!: string;

  @ApiProperty({ enum: ['stp'], example: 'stp' })
  provider!: string;

  @ApiProperty({ enum: ['active', 'inactive'], example: 'active', description: 'From STP\'s CLABE status webhook; an inactive CLABE cannot send, and SPEI IN to it goes to suspense.' })
  status!: string;

  @ApiProperty({ example: 'Enrique', maxLength: 50 })
  name!: string;

  @ApiProperty({ example: 'Martinez', maxLength: 50 })
  last_name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Gomez', maxLength: 50 })
  second_lastname!: string | null;

  @ApiProperty({ format: 'uuid', example: '5a1d7c1e-2b9f-4d0a-8e3c-1f2a3b4c5d6e', maxLength: 36, description: 'Its ledger account (no overdraft).' })
  ledger_account_id!: string;

  @ApiProperty({ type: ClabeAccountBalanceDto })
  balance!: ClabeAccountBalanceDto;

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;
}
