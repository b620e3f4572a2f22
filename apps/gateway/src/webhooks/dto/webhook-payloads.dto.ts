import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// Documentation of the provider payloads exactly as their documents show them (the receivers take the raw
// JSON; these classes only describe it in OpenAPI).

export class StpClabeStatusWebhookDto {
  @ApiProperty({ example: '646180123300000408', maxLength: 18, pattern: '^\\d{18}$' })
  clabe!: string;
  @ApiProperty({ example: 1, description: '1 active, 0 inactive', oneOf: [{ type: 'integer', format: 'int32', minimum: 0, maximum: 1 }, { type: 'string', maxLength: 1 }] })
  status!: number;
}

export class StpSpeiInWebhookDto {
  @ApiProperty({ example: '646180123300000408', maxLength: 18, pattern: '^\\d{18}$' })
  clabe!: string;
  @ApiProperty({ example: 'MBAN000000212', description: 'Tracking key of the payment', maxLength: 30 })
  reference!: string;
  @ApiProperty({ example: '10.50', maxLength: 20, pattern: '^\\d{1,15}(\\.\\d{1,2})?$' })
  amount!: string;
}

export class StpSpeiOutStatusWebhookDto {
  @ApiProperty({ example: 8610843, type: 'integer', format: 'int64', minimum: 0, maximum: 9_007_199_254_740_991 })
  id!: number;
  @ApiProperty({ example: 'ICTINEO000000001', description: 'Our tracking key', maxLength: 30 })
  folio!: string;
  @ApiProperty({ example: 1, description: '1 settled, 0 returned', type: 'integer', format: 'int32', minimum: 0, maximum: 1 })
  status!: number;
  @ApiProperty({ example: 'Liquidación', maxLength: 200 })
  cause!: string;
}

export class StpWebhookAckDto {
  @ApiProperty({ example: true })
  received!: boolean;
  @ApiProperty({ format: 'uuid', maxLength: 36, example: '0b6f2a52-3f0c-4b8a-9c1e-6d2f0a7e4b11' })
  event_id!: string;
  @ApiProperty({ enum: ['PENDING', 'APPLIED', 'UNMATCHED', 'FAILED'], example: 'PENDING' })
  status!: string;
  @ApiProperty({ example: false, description: 'True when this delivery repeats one already received (nothing changed).' })
  duplicate!: boolean;
}

const NUM = { type: 'number', format: 'double', minimum: 0, maximum: 999_999_999_999.99 } as const;
const INT = { type: 'integer', format: 'int32', minimum: 0, maximum: 999 } as const;

export class CredencialDebitWebhookDto {
  @ApiProperty({ example: '0001003143', maxLength: 64 }) emi_account_reference!: string;
  @ApiProperty({ example: '21000002159', maxLength: 64 }) emi_account_identifier!: string;
  @ApiProperty({ example: 544802938, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) account_number!: number;
  @ApiProperty({ example: 2000.0, ...NUM }) amount!: number;
  @ApiProperty({ example: 840, ...INT }) currency!: number;
  @ApiProperty({ example: 10.0, ...NUM }) amount_liq!: number;
  @ApiProperty({ example: 484, ...INT }) currency_liq!: number;
  @ApiProperty({ example: '?', maxLength: 64 }) identifier_adq!: string;
  @ApiProperty({ example: '-', maxLength: 64 }) reference!: string;
  @ApiProperty({ example: 0, ...NUM }) commission!: number;
  @ApiProperty({ example: 0, ...NUM }) commission_liq!: number;
  @ApiProperty({ example: 'MASTER_ATM', maxLength: 64 }) origin!: string;
  @ApiProperty({ example: 0, ...INT }) reason!: number;
  @ApiProperty({ example: '?', maxLength: 128 }) acquirer!: string;
  @ApiProperty({ example: '?', maxLength: 128 }) city!: string;
  @ApiProperty({ example: '18/12/2012 03:29:30 PM', maxLength: 32 }) date!: string;
  @ApiProperty({ example: '?', maxLength: 64 }) terminal!: string;
  @ApiProperty({ example: '?', maxLength: 128 }) trade_name!: string;
}

export class CredencialReverseWebhookDto {
  @ApiProperty({ example: '200020000015', maxLength: 64 }) emi_account_identifier!: string;
  @ApiProperty({ example: 544802938, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) account_number!: number;
  @ApiProperty({ example: '?', maxLength: 64 }) identifier_adq!: string;
  @ApiProperty({ example: '?', maxLength: 64 }) origin!: string;
  @ApiProperty({ example: '?', maxLength: 128 }) reverse_reason!: string;
  @ApiProperty({ example: 100, ...NUM }) amount!: number;
  @ApiProperty({ example: 484, ...INT }) currency!: number;
  @ApiProperty({ example: 100, ...NUM }) amount_liq!: number;
  @ApiProperty({ example: 484, ...INT }) currency_liq!: number;
  @ApiProperty({ example: '?', maxLength: 32 }) date!: string;
  @ApiProperty({ example: '?', description: 'The reference of the debit it reverses', maxLength: 64 }) reference!: string;
  @ApiProperty({ example: '?', maxLength: 128 }) trade_name!: string;
}

export class CredencialInquiryWebhookDto {
  @ApiProperty({ example: '0001003143', maxLength: 64 }) emi_account_reference!: string;
  @ApiProperty({ example: '200020000015', maxLength: 64 }) emi_account_identifier!: string;
  @ApiProperty({ example: 544802938, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) account_number!: number;
  @ApiProperty({ example: '', maxLength: 64 }) identifier_adq!: string;
  @ApiProperty({ example: '', maxLength: 64 }) reference!: string;
  @ApiProperty({ example: 'MASTER_ATM', maxLength: 64 }) origin!: string;
}

export class CredencialDebitAnswerDto {
  @ApiProperty({ example: -1, description: '-1 applied; 1 insufficient funds, 2 unknown account, 3 card not active, 99 other refusal', type: 'integer', format: 'int32', minimum: -1, maximum: 99 }) code!: number;
  @ApiProperty({ example: 'Retiro aplicado con éxito.', maxLength: 300 }) message!: string;
  @ApiProperty({ example: '21000002159', maxLength: 64 }) emi_account_identifier!: string;
  @ApiProperty({ example: 1355866173000, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) date!: number;
  @ApiProperty({ example: 5000.0, ...NUM, description: 'Available balance after' }) balance_actual!: number;
  @ApiProperty({ example: 7000.0, ...NUM, description: 'Available balance before' }) balance_last!: number;
  @ApiProperty({ example: '-', maxLength: 64 }) reference!: string;
}

export class CredencialBalanceAnswerDto {
  @ApiProperty({ example: -1, type: 'integer', format: 'int32', minimum: -1, maximum: 99 }) code!: number;
  @ApiProperty({ example: 'Consulta aplicada con éxito.', maxLength: 300 }) message!: string;
  @ApiProperty({ example: 5000.0, ...NUM }) balance_actual!: number;
  @ApiProperty({ example: 1355866173000, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) date!: number;
  @ApiProperty({ example: '-', maxLength: 64 }) reference!: string;
}

export class CredencialMovementDto {
  @ApiProperty({ example: '25487', maxLength: 64 }) reference!: string;
  @ApiProperty({ example: '33', description: '33 charge, 1027 credit', maxLength: 8 }) type!: string;
  @ApiProperty({ example: 1000.0, ...NUM }) amount!: number;
  @ApiProperty({ example: 484, ...INT }) currency!: number;
  @ApiProperty({ example: 1355934010000, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) date!: number;
  @ApiProperty({ example: '0116TERM0050101', maxLength: 64 }) terminal!: string;
}

export class CredencialMovementsAnswerDto {
  @ApiProperty({ example: -1, type: 'integer', format: 'int32', minimum: -1, maximum: 99 }) code!: number;
  @ApiProperty({ example: 'Consulta aplicado con éxito', maxLength: 300 }) message!: string;
  @ApiProperty({ example: '-', maxLength: 64 }) reference!: string;
  @ApiProperty({ type: [CredencialMovementDto], maxItems: 100 }) movements!: CredencialMovementDto[];
  @ApiProperty({ example: 1355866173000, type: 'integer', format: 'int64', minimum: 0, maximum: 99_999_999_999_999 }) date!: number;
}

export const ApiPropertyOpt = ApiPropertyOptional;
