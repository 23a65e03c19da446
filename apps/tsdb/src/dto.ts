import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { BAR_PERIOD_MS, BarPeriod } from '@qautlra/tsdb';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { RESULT_FORMATS } from './result-format';

const TIME =
  'RFC 3339 (`2026-11-26T09:00:00+08:00`) or humantime (`now`, `10m-ago`, `1h-ago`, `2d ago`)';
/** A SQL text, a filter: bounded like every other field. */
const MAX_SQL = 1024 * 1024;

/** Decorates a time field: a short string, parsed (and named in its error) by the query route. */
function TimeField(example: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ example, description: TIME })(target, key);
    IsOptional()(target, key);
    IsString()(target, key);
    Length(0, 64)(target, key);
  };
}

export class CreateStreamDto {
  @ApiPropertyOptional({
    example: 'instrument_id',
    description: 'a field the stream is partitioned by (or the X-P-Partition-By header)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  partition_by?: string;
}

/**
 * A query: Parseable's `{query, startTime, endTime}` (SQL; `sendNull`, `fields` and `filterTags`
 * are accepted as Parseable clients send them) or the original README's `{stream, start_time,
 * end_time, limit, filter}`.
 */
export class QueryDto {
  @ApiPropertyOptional({
    example: 'SELECT instrument_id, last_price FROM market_data ORDER BY p_timestamp DESC LIMIT 10',
    description: 'SQL (read-only; files, extensions and writes are refused)',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_SQL)
  query?: string;

  @TimeField('1h-ago')
  startTime?: string;

  @TimeField('now')
  endTime?: string;

  @ApiPropertyOptional({ description: 'Parseable: accepted, nulls are always sent' })
  @IsOptional()
  @IsBoolean()
  sendNull?: boolean;

  @ApiPropertyOptional({ description: 'Parseable: accepted, the fields are the rows’ keys' })
  @IsOptional()
  @IsBoolean()
  fields?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Parseable: accepted, not applied' })
  @IsOptional()
  @IsString({ each: true })
  filterTags?: string[];

  @ApiPropertyOptional({ example: 'market_data', description: 'the original README form' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  stream?: string;

  @TimeField('1h-ago')
  start_time?: string;

  @TimeField('now')
  end_time?: string;

  @ApiPropertyOptional({ type: 'integer', default: 1000, minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000_000)
  limit?: number;

  @ApiPropertyOptional({ example: "instrument_id = 'SHFE.rb888'", description: 'a SQL condition' })
  @IsOptional()
  @IsString()
  @Length(0, MAX_SQL)
  filter?: string;
}

/** `?format=` (else the Accept header) chooses the result's encoding. */
export class ResultFormatQueryDto {
  @ApiPropertyOptional({
    enum: RESULT_FORMATS,
    description: 'default: by the Accept header, else json',
  })
  @IsOptional()
  @IsIn(RESULT_FORMATS)
  format?: string;
}

/** `GET /query`: the query's fields as query parameters. */
export class QueryParamsDto extends IntersectionType(QueryDto, ResultFormatQueryDto) {}

/** Parseable counts: `{stream, startTime, endTime, numBins}`. */
export class CountsDto extends PickType(QueryDto, ['startTime', 'endTime'] as const) {
  @ApiProperty({ example: 'market_data' })
  @IsString()
  @Length(1, 128)
  stream!: string;

  @ApiPropertyOptional({ type: 'integer', default: 10, minimum: 1, maximum: 10_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  numBins?: number;
}

export class BarsQueryDto {
  @ApiProperty({ example: 'market_data' })
  @IsString()
  @Length(1, 128)
  stream!: string;

  @ApiProperty({ example: 'SHFE.rb888' })
  @IsString()
  @Length(1, 64)
  instrument!: string;

  @ApiPropertyOptional({ enum: Object.keys(BAR_PERIOD_MS), default: '1m' })
  @IsOptional()
  @IsIn(Object.keys(BAR_PERIOD_MS))
  period?: BarPeriod;

  @TimeField('2026-11-26T09:00:00+08:00')
  start?: string;

  @TimeField('now')
  end?: string;
}

export class LatestQueryDto {
  @ApiProperty({ example: 'market_data' })
  @IsString()
  @Length(1, 128)
  stream!: string;

  @ApiPropertyOptional({
    example: 'SHFE.rb888,SHFE.au888',
    description: 'comma-separated; every instrument when absent',
  })
  @IsOptional()
  @IsString()
  @Length(0, 65_536)
  instruments?: string;
}
