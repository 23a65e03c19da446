import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

export const FREQUENCIES = ['tick', '1m', '5m', '15m', '30m', '1h', '1d'] as const;

export class LimitsDto {
  @ApiPropertyOptional({ example: 10, description: 'most lots per instrument and side (0: none)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  max_position?: number;

  @ApiPropertyOptional({
    example: 30,
    description: 'most orders in any 60 s (0: none); more pauses the instance',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  max_orders_per_minute?: number;

  @ApiPropertyOptional({
    example: 50000,
    description: 'the account’s loss today (CNY) that pauses the instance (0: none)',
  })
  @IsOptional()
  @IsNumber({ allowInfinity: false, allowNaN: false })
  @Min(0)
  @Max(1e13)
  max_daily_loss?: number;
}

export class CreateInstanceDto {
  @ApiPropertyOptional({
    example: 'rebar trend',
    description: 'a label (default: strategy on instruments)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiProperty({ example: 'ma-cross', description: 'a strategy name from GET /api/strategies' })
  @IsString()
  @Length(1, 128)
  strategy!: string;

  @ApiPropertyOptional({
    example: { fast: 5, slow: 20 },
    description: 'parameters (defaults for the rest)',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ example: 'demo', description: 'the trade-server user (and account) it trades as' })
  @IsString()
  @Length(1, 64)
  account!: string;

  @ApiProperty({
    example: 'demo',
    description: 'that user’s password (kept on the server, never returned)',
  })
  @IsString()
  @Length(1, 256)
  password!: string;

  @ApiProperty({ example: ['SHFE.rb888'], description: 'EXCHANGE.code ids (1–20)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[A-Za-z]{2,5}\.[A-Za-z0-9]{1,12}$/, { each: true })
  instruments!: string[];

  @ApiPropertyOptional({
    enum: FREQUENCIES,
    default: '1m',
    description: 'bars built live (onBar), or tick (onTick)',
  })
  @IsOptional()
  @IsIn(FREQUENCIES)
  frequency?: (typeof FREQUENCIES)[number];

  @ApiPropertyOptional({
    example: 200,
    default: 200,
    description: 'bars of tsdb history replayed before trading (orders not sent)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20_000)
  warmup_bars?: number;

  @ApiPropertyOptional({ type: LimitsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => LimitsDto)
  limits?: LimitsDto;

  @ApiPropertyOptional({ default: true, description: 'start at once' })
  @IsOptional()
  @IsBoolean()
  start?: boolean;
}

export class StopDto {
  @ApiPropertyOptional({
    default: false,
    description: 'cancel its orders and close its positions first',
  })
  @IsOptional()
  @IsBoolean()
  flatten?: boolean;
}

export class ParamsDto {
  @ApiProperty({
    example: { fast: 8 },
    description: 'parameters to change (the rest keep their values)',
  })
  @IsObject()
  params!: Record<string, unknown>;
}

export class LogsQueryDto {
  @ApiPropertyOptional({ default: 200, minimum: 1, maximum: 2000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2000)
  limit?: number;
}
