import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { CARD_PROVIDERS } from '../card-providers.js';

const PEM_EXAMPLE = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAuSH7IAJikX+jhtH8RROa\n...\n-----END PUBLIC KEY-----\n';

export class RegisterProgramKeyDto {
  @ApiPropertyOptional({ enum: CARD_PROVIDERS, example: 'necipco', default: 'necipco' }) @IsOptional() @IsIn(CARD_PROVIDERS) provider?: string;
  @ApiPropertyOptional({
    example: PEM_EXAMPLE,
    maxLength: 4000,
    description:
      'The public key to register (PEM, SPKI). Optional: Pasarela registers the public half of its configured private key, and refuses any other key (422 public_key_mismatch), since the provider encrypts its answers to it.',
  })
  @IsOptional()
  @IsString()
  @Length(100, 4000)
  public_key?: string;
}

export class ProgramKeysDto {
  @ApiProperty({ enum: CARD_PROVIDERS, example: 'necipco' }) provider!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '7b2a44b0-52e4-4e8b-9a57-58a5d2a1d0c4', maxLength: 100 }) client_id!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'e1f2a3b4-0000-4000-8000-000000000001', maxLength: 100 }) api_key_id!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: PEM_EXAMPLE, maxLength: 4000, description: 'The key the provider encrypts its answers to (registered by us).' })
  registered_public_key!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: PEM_EXAMPLE, maxLength: 4000, description: 'The provider\'s key Pasarela encrypts card numbers and PINs to.' })
  system_public_key!: string | null;
  @ApiProperty({ example: PEM_EXAMPLE, maxLength: 4000, description: 'The public half of Pasarela\'s configured private key.' }) our_public_key!: string;
  @ApiProperty({ example: true, description: 'Whether the registered key is ours (false: the provider\'s answers cannot be decrypted until it is registered).' })
  registered_key_is_ours!: boolean;
}
