import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_BASE = 'https://pasarela.dev/problems/';

export class ProblemFieldError {
  @ApiProperty({ example: 'amount', maxLength: 200 })
  field!: string;

  @ApiProperty({ example: 'amount must be a decimal string with at most 2 decimals', maxLength: 1000 })
  message!: string;
}

/** RFC 9457 problem details, plus a stable `code` and the request's correlation id. */
export class Problem {
  @ApiProperty({ example: `${PROBLEM_BASE}validation_failed`, maxLength: 300 })
  type!: string;

  @ApiProperty({ example: 'Bad Request', maxLength: 200 })
  title!: string;

  @ApiProperty({ example: 400, minimum: 400, maximum: 599 })
  status!: number;

  @ApiProperty({ example: 'the request body is invalid', maxLength: 2000 })
  detail!: string;

  @ApiProperty({ example: '/v1/ledger/transfers', maxLength: 2000 })
  instance!: string;

  @ApiProperty({ example: 'validation_failed', maxLength: 100 })
  code!: string;

  @ApiProperty({ example: '6f1c2b9e-3f7a-4c1e-9d55-2b1f0c8e7a10', maxLength: 200 })
  request_id!: string;

  @ApiPropertyOptional({ type: [ProblemFieldError], maxItems: 100 })
  errors?: ProblemFieldError[];
}

export function problemType(code: string): string {
  return `${PROBLEM_BASE}${code}`;
}
