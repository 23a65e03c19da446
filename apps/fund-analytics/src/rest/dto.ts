import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { ConventionOverrides, PRESET_NAMES } from '@qautlra/analytics';
import { SHEET_LANGS, type GainColours, type SheetLang } from '@qautlra/report';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import type { AnalysisRequest, CompareRequest } from '../fund.service';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const RF_MODES = ['per-period', 'annual-geometric', 'annual-arithmetic', 'annual-sqrt'] as const;
const VAR_METHODS = ['parametric', 'historical', 'mean-2sigma'] as const;
const FIRST_POINTS = ['zero', 'drop'] as const;
const GAINS = ['red', 'green'] as const;
const FINITE = { allowNaN: false, allowInfinity: false };
/** Products in one comparison. */
export const MAX_COMPARED = 50;
/** An empty query value (`?start=`) is the same as none. */
const EMPTY_IS_ABSENT = Transform(({ value }: { value: unknown }) =>
  value === '' ? undefined : value,
);

/** The date range, benchmark and convention an analysis uses (query parameters or body fields). */
export class AnalysisFieldsDto {
  @ApiPropertyOptional({ enum: PRESET_NAMES, description: "the library's convention to follow" })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(PRESET_NAMES)
  preset?: string;

  @ApiPropertyOptional({ example: '2024-01-01', description: 'YYYY-MM-DD' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @Matches(DATE, { message: 'start must be YYYY-MM-DD' })
  start?: string;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'YYYY-MM-DD' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @Matches(DATE, { message: 'end must be YYYY-MM-DD' })
  end?: string;

  @ApiPropertyOptional({ example: 'IDX300', description: 'another product code' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsString()
  @Length(1, 64)
  benchmark?: string;

  @ApiPropertyOptional({
    description: 'default: inferred from the dates (252 daily, 52 weekly, 12 monthly)',
  })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @Type(() => Number)
  @IsNumber(FINITE)
  @Min(1)
  @Max(100_000)
  periods_per_year?: number;

  @ApiPropertyOptional({ example: 0.02, description: 'risk-free rate (annual unless rf_mode)' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @Type(() => Number)
  @IsNumber(FINITE)
  @Min(-1)
  @Max(10)
  risk_free?: number;

  @ApiPropertyOptional({
    enum: FIRST_POINTS,
    description:
      'NAV → returns: zero keeps the first point as a 0 return (reproduces quantstats given prices), drop starts at the second (quantstats given returns, empyrical); default: the preset’s',
  })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(FIRST_POINTS)
  nav_first_point?: (typeof FIRST_POINTS)[number];
}

/** `GET /products/:code/metrics` and `/report`: an analysis with every convention override. */
export class AnalysisQueryDto extends AnalysisFieldsDto {
  @ApiPropertyOptional({ enum: RF_MODES })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(RF_MODES)
  rf_mode?: ConventionOverrides['rfMode'];

  @ApiPropertyOptional({ enum: VAR_METHODS })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(VAR_METHODS)
  var_method?: ConventionOverrides['varMethod'];
}

export class MetricsQueryDto extends AnalysisQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: also the rolling series' })
  @IsOptional()
  @IsIn(['true', 'false'])
  rolling?: 'true' | 'false';
}

/** The tear sheet's language and colours. */
export class SheetFieldsDto {
  @ApiPropertyOptional({
    enum: SHEET_LANGS,
    description: 'en (default) or zh: Chinese labels, gains in red and losses in green',
  })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(SHEET_LANGS)
  lang?: SheetLang;

  @ApiPropertyOptional({ enum: GAINS, description: 'the colour of gains (default: by language)' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(GAINS)
  gains?: GainColours;
}

export class ReportQueryDto extends IntersectionType(AnalysisQueryDto, SheetFieldsDto) {}

/** `POST /compare`: products over one date range, ranked. */
export class CompareDto extends AnalysisFieldsDto {
  @ApiProperty({ example: ['SX0001', 'SX0002'], minItems: 2, maxItems: MAX_COMPARED })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_COMPARED)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  codes!: string[];

  @ApiPropertyOptional({ example: 'sharpe', description: 'a metric name to rank by' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsString()
  @Length(1, 64)
  rank_by?: string;

  @ApiPropertyOptional({ enum: ['asc', 'desc'] })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

/** `POST /compare/report`: a comparison as a tear sheet. */
export class CompareReportDto extends IntersectionType(CompareDto, SheetFieldsDto) {}

/** `GET /compare/report`: the same as a link, `codes=A,B,C`. */
export class CompareReportQueryDto extends CompareReportDto {
  @ApiProperty({ type: String, example: 'SX0001,SX0002', description: 'comma-separated codes' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').filter((code) => code !== '') : value,
  )
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_COMPARED)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  declare codes: string[];
}

export class DateRangeQueryDto extends PickType(AnalysisFieldsDto, ['start', 'end'] as const) {}

export class ProductSearchQueryDto {
  @ApiPropertyOptional({ description: 'part of a code or name' })
  @IsOptional()
  @IsString()
  @Length(0, 128)
  search?: string;
}

/** The form fields of a multipart import (the file itself is the `file` part). */
export class ImportFieldsDto {
  @ApiPropertyOptional({ description: 'names the product of a single-series file' })
  @EMPTY_IS_ABSENT
  @IsOptional()
  @IsString()
  @Length(1, 64)
  product?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only say what would change' })
  @IsOptional()
  @IsIn(['true', 'false'])
  dry_run?: 'true' | 'false';
}

/** The analysis a query or body asks for. */
export function analysisRequest(
  fields: AnalysisFieldsDto & Partial<AnalysisQueryDto>,
): AnalysisRequest {
  return {
    preset: fields.preset,
    start: fields.start,
    end: fields.end,
    benchmark: fields.benchmark,
    overrides: {
      periodsPerYear: fields.periods_per_year,
      riskFree: fields.risk_free,
      rfMode: fields.rf_mode,
      varMethod: fields.var_method,
      navFirstPoint: fields.nav_first_point,
    },
  };
}

/** The comparison a body or link asks for. */
export function compareRequest(body: CompareDto): CompareRequest {
  const { overrides, ...range } = analysisRequest(body);
  return { ...range, overrides, codes: body.codes, rankBy: body.rank_by, order: body.order };
}
