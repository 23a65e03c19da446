import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRESET_NAMES } from '@qautlra/analytics';
import { BAR_FREQUENCIES } from '@qautlra/execution';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

const DATE = /^\d{4}-?\d{2}-?\d{2}$/;

/** A backtest to run, on the sim market's generator or on what the tsdb recorded. */
export class RunRequestDto {
  @ApiPropertyOptional({
    enum: ['sim', 'tsdb'],
    default: 'sim',
    description: "sim: the sim market's generator (any dates); tsdb: the recorded tick stream",
  })
  @IsOptional()
  @IsIn(['sim', 'tsdb'])
  source?: 'sim' | 'tsdb';

  @ApiProperty({ example: 'ma-cross', description: 'a strategy name from GET /api/strategies' })
  @IsString()
  @Length(1, 128)
  strategy!: string;

  @ApiProperty({ example: ['SHFE.rb888'], description: 'EXCHANGE.code ids (1–100)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[A-Za-z]{2,5}\.[A-Za-z0-9]{1,12}$/, { each: true })
  instruments!: string[];

  @ApiProperty({ example: '2026-01-05', description: 'first trading day' })
  @Matches(DATE)
  from!: string;

  @ApiProperty({ example: '2026-03-31', description: 'last trading day' })
  @Matches(DATE)
  to!: string;

  @ApiPropertyOptional({ enum: [...BAR_FREQUENCIES, 'tick'], default: '1m' })
  @IsOptional()
  @IsIn([...BAR_FREQUENCIES, 'tick'])
  frequency?: (typeof BAR_FREQUENCIES)[number] | 'tick';

  @ApiPropertyOptional({
    example: { fast: 5, slow: 20 },
    description: 'parameter overrides (names and ranges as the strategy declares them)',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, number | string | boolean>;

  @ApiPropertyOptional({ example: 1_000_000, description: 'initial cash, CNY' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(1e13)
  cash?: number;

  @ApiPropertyOptional({ enum: ['next-open', 'close'], default: 'next-open' })
  @IsOptional()
  @IsIn(['next-open', 'close'])
  fill?: 'next-open' | 'close';

  @ApiPropertyOptional({ example: 1, description: "share of a bar's volume orders may take (0–1]" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(1)
  volumeCap?: number;

  @ApiPropertyOptional({ example: 0, description: 'price ticks a fill gives away' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  slippageTicks?: number;

  @ApiPropertyOptional({ enum: PRESET_NAMES, default: 'quantstats' })
  @IsOptional()
  @IsIn(PRESET_NAMES)
  convention?: string;

  @ApiPropertyOptional({ example: 20250328, description: "the sim's seed" })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;
}

/** A parameter grid over one backtest: every combination runs; results ranked by a statistic. */
export class SweepRequestDto extends RunRequestDto {
  @ApiProperty({
    example: { fast: [3, 5, 8], slow: [20, 30] },
    description: 'values per parameter (every combination runs; at most BACKTEST_MAX_SWEEP)',
  })
  @IsObject()
  grid!: Record<string, (number | string | boolean)[]>;

  @ApiPropertyOptional({ example: 'sharpe', description: 'a statistic name (quantstats names)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rankBy?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'default: what is better first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}
