import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BUILTIN_FACTORS } from '@qautlra/factors';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
  ValidateNested,
} from 'class-validator';

const DATE = /^\d{4}-?\d{2}-?\d{2}$/;

export class FactorBacktestDto {
  @ApiPropertyOptional({ description: 'the quantile held long (default the top one)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  long?: number;

  @ApiPropertyOptional({
    description: 'the quantile held short (futures; A-shares cannot be shorted)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  short?: number;

  @ApiPropertyOptional({ description: 'rebalance every this many trading days (default 1)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(250)
  every?: number;

  @ApiPropertyOptional({ description: 'initial cash, CNY (default 10,000,000)' })
  @IsOptional()
  @IsNumber()
  @Min(10_000)
  @Max(1e12)
  cash?: number;
}

/** A factor study: daily bars, a factor, preprocessing, the alphalens analysis, optionally a quantile backtest. */
export class FactorRequestDto {
  @ApiPropertyOptional({ enum: ['sim', 'tsdb'], default: 'sim' })
  @IsOptional()
  @IsIn(['sim', 'tsdb'])
  source?: 'sim' | 'tsdb';

  @ApiProperty({
    example: [
      'SSE.600000',
      'SSE.600036',
      'SZSE.000001',
      'SZSE.000002',
      'SSE.601318',
      'SZSE.300750',
    ],
    description: 'EXCHANGE.code ids (5–300)',
  })
  @IsArray()
  @ArrayMinSize(5)
  @ArrayMaxSize(300)
  @IsString({ each: true })
  @Matches(/^[A-Za-z]{2,5}\.[A-Za-z0-9]{1,12}$/, { each: true })
  instruments!: string[];

  @ApiProperty({ example: '2025-06-02' })
  @Matches(DATE)
  from!: string;

  @ApiProperty({ example: '2026-03-31' })
  @Matches(DATE)
  to!: string;

  @ApiPropertyOptional({ description: "the sim generator's seed" })
  @IsOptional()
  @IsInt()
  seed?: number;

  @ApiPropertyOptional({
    example: 'rank(ts_mean(close, 20) / close)',
    description: 'a factor expression',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  expression?: string;

  @ApiPropertyOptional({
    enum: BUILTIN_FACTORS.map((b) => b.name),
    description: 'a built-in factor',
  })
  @IsOptional()
  @IsIn(BUILTIN_FACTORS.map((b) => b.name))
  builtin?: string;

  @ApiPropertyOptional({ description: "the built-in's window (dates)" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  window?: number;

  @ApiPropertyOptional({
    example: 'RSI(14)',
    description: 'a libs/indicators indicator as the factor',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  indicator?: string;

  @ApiPropertyOptional({
    example: 'histogram',
    description: "which of a multi-valued indicator's values",
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  value?: string;

  @ApiPropertyOptional({ enum: ['mad', 'quantile'] })
  @IsOptional()
  @IsIn(['mad', 'quantile'])
  winsorize?: 'mad' | 'quantile';

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  standardize?: boolean;

  @ApiPropertyOptional({ description: 'neutralize by groups (industries)' })
  @IsOptional()
  @IsBoolean()
  neutralize?: boolean;

  @ApiPropertyOptional({
    example: { 'SSE.600000': 'bank' },
    description: 'instrument → group (industry)',
  })
  @IsOptional()
  @IsObject()
  groups?: Record<string, string>;

  @ApiPropertyOptional({
    example: [1, 5, 20],
    description: 'horizons in trading days (1–10 of them)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(250, { each: true })
  periods?: number[];

  @ApiPropertyOptional({ default: 5 })
  @IsOptional()
  @IsInt()
  @Min(2)
  @Max(20)
  quantiles?: number;

  @ApiPropertyOptional({
    description: 'refuse (400 naming the counts) when a larger share of rows is dropped',
  })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  max_loss?: number;

  @ApiPropertyOptional({ type: FactorBacktestDto, description: 'also backtest holding a quantile' })
  @IsOptional()
  @ValidateNested()
  @Type(() => FactorBacktestDto)
  backtest?: FactorBacktestDto;
}

/**
 * Factor variants swept: `{name}` placeholders of the expression (or a built-in's `window`) take each
 * combination of the grid's values; each variant is one job, ranked by a statistic of its factor-weighted
 * portfolio (`sharpe`, …) or of its IC (`rank_ic_mean`, `rank_ic_ir`, `ic_mean`, `ic_ir`).
 */
export class FactorSweepDto extends FactorRequestDto {
  @ApiProperty({ example: { n: [5, 10, 20] }, description: 'values per placeholder (numbers)' })
  @IsObject()
  grid!: Record<string, number[]>;

  @ApiPropertyOptional({ example: 'rank_ic_ir', description: 'default rank_ic_ir (first horizon)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rank_by?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'] })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ example: '2025-12-01', description: 'first out-of-sample date' })
  @IsOptional()
  @Matches(DATE)
  split?: string;

  @ApiPropertyOptional({ description: 'walk-forward folds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  walk_forward?: number;
}
