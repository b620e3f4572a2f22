import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/** `limit` + `cursor` of every cursor-paginated list (`next_cursor` of the previous page). */
export class PageQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 200, default: 50, type: 'integer', format: 'int32' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ example: 'MGI2ZjJhNTI', maxLength: 200, description: 'The `next_cursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}
