import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PRESET_NAMES } from '@qautlra/analytics';
import { BAR_FREQUENCIES } from '@qautlra/execution';
import { SHEET_LANGS, SheetLang } from '@qautlra/report';
import { Type } from 'class-transformer';
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
  IsUUID,
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
  volume_cap?: number;

  @ApiPropertyOptional({ deprecated: true, description: 'deprecated alias of volume_cap' })
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
  slippage_ticks?: number;

  @ApiPropertyOptional({ deprecated: true, description: 'deprecated alias of slippage_ticks' })
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
  rank_by?: string;

  @ApiPropertyOptional({ deprecated: true, description: 'deprecated alias of rank_by' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rankBy?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], description: 'default: what is better first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({
    example: '2026-03-02',
    description:
      'first out-of-sample date: combinations are ranked by the statistic before it and shown with the one after it',
  })
  @IsOptional()
  @Matches(DATE)
  split?: string;

  @ApiPropertyOptional({
    example: 3,
    description:
      'walk-forward folds: the dates cut into folds + 1 segments, the best so far chosen for each next one',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  walk_forward?: number;
}

/** A run request as the service takes it: the snake_case names only (aliases resolved). */
export type RunRequestBody = Omit<RunRequestDto, 'volumeCap' | 'slippageTicks'>;
export type SweepRequestBody = Omit<SweepRequestDto, 'volumeCap' | 'slippageTicks' | 'rankBy'>;

/** The request without its deprecated camelCase aliases (their values under the snake_case names). */
export function runRequestOf(dto: RunRequestDto): RunRequestBody {
  const { volumeCap, slippageTicks, ...rest } = dto;
  return {
    ...rest,
    ...(rest.volume_cap === undefined && volumeCap !== undefined ? { volume_cap: volumeCap } : {}),
    ...(rest.slippage_ticks === undefined && slippageTicks !== undefined
      ? { slippage_ticks: slippageTicks }
      : {}),
  };
}

export function sweepRequestOf(dto: SweepRequestDto): SweepRequestBody {
  const { rankBy, ...rest } = dto;
  return {
    ...(runRequestOf(rest) as Omit<
      SweepRequestBody,
      'grid' | 'rank_by' | 'order' | 'split' | 'walk_forward'
    >),
    grid: rest.grid,
    ...(rest.order === undefined ? {} : { order: rest.order }),
    ...(rest.split === undefined ? {} : { split: rest.split }),
    ...(rest.walk_forward === undefined ? {} : { walk_forward: rest.walk_forward }),
    ...((rest.rank_by ?? rankBy) === undefined ? {} : { rank_by: rest.rank_by ?? rankBy }),
  };
}

/** `GET /api/runs` */
export class RunsQueryDto {
  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'only the runs of this sweep', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  sweep?: string;
}

/** `GET /api/runs/{id}/report` */
export class RunReportQueryDto {
  @ApiPropertyOptional({ enum: SHEET_LANGS, default: 'en' })
  @IsOptional()
  @IsIn(SHEET_LANGS)
  lang?: SheetLang;
}

/** `GET /api/runs/{id}/bars` */
export class RunBarsQueryDto {
  @ApiProperty({ example: 'SHFE.rb888', description: 'an instrument of the run' })
  @IsString()
  @Length(1, 64)
  instrument!: string;

  @ApiPropertyOptional({
    enum: BAR_FREQUENCIES,
    description: "the run's frequency or a coarser one (default: the run's)",
  })
  @IsOptional()
  @IsIn(BAR_FREQUENCIES)
  frequency?: string;
}
