import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Length } from 'class-validator';
import { SCOPES } from '../api-key.js';
import type { ApiKeyView } from '../api-keys.service.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'payouts-service', minLength: 1, maxLength: 100, description: 'Who uses the key.' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: ['cards:read', 'spei:write'], enum: SCOPES, isArray: true, maxItems: SCOPES.length })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  scopes!: string[];
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11', maxLength: 36 })
  id!: string;

  @ApiProperty({ example: 'payouts-service', maxLength: 100 })
  name!: string;

  @ApiProperty({ example: '3fa85f6457b2', description: 'Public part of the key, safe to show.', maxLength: 12 })
  prefix!: string;

  @ApiProperty({ example: ['cards:read', 'spei:write'], enum: SCOPES, isArray: true, maxItems: SCOPES.length })
  scopes!: string[];

  @ApiProperty({ format: 'date-time', example: '2026-11-25T10:00:00.000Z', maxLength: 30 })
  created_at!: string;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, example: null, maxLength: 30 })
  last_used_at!: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true, example: null, maxLength: 30 })
  revoked_at!: string | null;

  static from(v: ApiKeyView): ApiKeyDto {
    return {
      id: v.id,
      name: v.name,
      prefix: v.prefix,
      scopes: v.scopes,
      created_at: v.createdAt.toISOString(),
      last_used_at: v.lastUsedAt?.toISOString() ?? null,
      revoked_at: v.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiPropertyOptional({
    example: 'psk_3fa85f6457b2_Vt0M1b7cQ2xK9dL4sP8wE3rT6yU1iO5a',
    description: 'The secret key. Shown once, in the first response only; a replay of the same request omits it.',
    maxLength: 100,
  })
  key?: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyDto], maxItems: 10000 })
  data!: ApiKeyDto[];
}
