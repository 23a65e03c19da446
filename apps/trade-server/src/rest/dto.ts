import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACCOUNT_TRADING_STATES, AccountTradingState, RiskLimits } from '@qautlra/risk';
import {
  DIRECTIONS,
  DiffProtocolError,
  InsertOrder,
  OFFSETS,
  parseDiffClientMessage,
  PRICE_TYPES,
  TIME_CONDITIONS,
  VOLUME_CONDITIONS,
} from '@qautlra/diff';
import { BadRequestException, PipeTransform } from '@nestjs/common';
import { MAX_MONEY } from '@qautlra/qifi';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  NotEquals,
  ValidateNested,
} from 'class-validator';

/** A name or password: 1–128 characters. */
const NAME = { min: 1, max: 128 };

export class LoginDto {
  @ApiProperty({ example: 'demo' })
  @IsString()
  @Length(NAME.min, NAME.max)
  user_name!: string;

  @ApiProperty({ example: 'demo', format: 'password' })
  @IsString()
  @Length(NAME.min, NAME.max)
  password!: string;
}

export class ApiKeyRequestDto {
  @ApiPropertyOptional({ example: 'my strategy', maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(0, 100)
  label?: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'alice' })
  @IsString()
  @Length(NAME.min, NAME.max)
  user_name!: string;

  @ApiProperty({ example: 's3cret', format: 'password' })
  @IsString()
  @Length(NAME.min, NAME.max)
  password!: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  is_admin?: boolean;
}

/**
 * Risk-limit overrides; a limit not named keeps its default. snake_case on the wire; the
 * camelCase names of the first release are still accepted (deprecated).
 */
export class RiskLimitsDto {
  [key: string]: number | boolean | undefined;
}

/** The wire (snake_case) name of each risk limit. */
export const RISK_LIMIT_WIRE_NAMES: Readonly<Record<keyof RiskLimits, string>> = {
  minOrderVolume: 'min_order_volume',
  maxOrderVolume: 'max_order_volume',
  maxPositionPerInstrument: 'max_position_per_instrument',
  maxPositionPerAccount: 'max_position_per_account',
  maxNotional: 'max_notional',
  selfTradePrevention: 'self_trade_prevention',
  maxOrdersPerSecond: 'max_orders_per_second',
  maxCancelsPerSecond: 'max_cancels_per_second',
  maxOrdersPerDay: 'max_orders_per_day',
  maxCancelsPerDay: 'max_cancels_per_day',
};

// Each limit is declared twice on the DTO (snake_case, and the deprecated camelCase alias) with
// the same rule: a boolean for self-trade prevention, a finite non-negative number otherwise.
for (const [name, wire] of Object.entries(RISK_LIMIT_WIRE_NAMES)) {
  const boolean = name === 'selfTradePrevention';
  for (const [key, deprecated] of [
    [wire, false],
    [name, true],
  ] as const) {
    const decorators: PropertyDecorator[] = [
      ApiPropertyOptional({
        type: boolean ? Boolean : Number,
        ...(boolean ? {} : { minimum: 0 }),
        ...(deprecated ? { deprecated: true, description: `deprecated alias of ${wire}` } : {}),
      }),
      IsOptional(),
      boolean ? IsBoolean() : IsNumber({ allowNaN: false, allowInfinity: false }),
      ...(boolean ? [] : [Min(0)]),
    ];
    for (const decorate of decorators) decorate(RiskLimitsDto.prototype, key);
  }
}

/** The overrides a DTO names, by the engine's (camelCase) names; the snake_case name wins. */
export function riskOverrides(dto: RiskLimitsDto): Partial<RiskLimits> {
  const overrides: Partial<Record<keyof RiskLimits, number | boolean>> = {};
  for (const [name, wire] of Object.entries(RISK_LIMIT_WIRE_NAMES) as [
    keyof RiskLimits,
    string,
  ][]) {
    const value = dto[wire] ?? dto[name];
    if (value !== undefined) overrides[name] = value;
  }
  return overrides as Partial<RiskLimits>;
}

/** Risk limits as the API answers them: snake_case. */
export function wireRiskLimits(limits: RiskLimits): Record<string, number | boolean> {
  return Object.fromEntries(
    (Object.entries(RISK_LIMIT_WIRE_NAMES) as [keyof RiskLimits, string][]).map(([name, wire]) => [
      wire,
      limits[name],
    ]),
  );
}

export class CreateAccountDto {
  @ApiProperty({ example: 'alice-1' })
  @IsString()
  @Length(NAME.min, NAME.max)
  account_cookie!: string;

  @ApiProperty({ example: 'alice' })
  @IsString()
  @Length(NAME.min, NAME.max)
  user_name!: string;

  @ApiPropertyOptional({ example: 1_000_000, default: 1_000_000, minimum: 0, maximum: MAX_MONEY })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0, { message: `cash must be a number from 0 to ${MAX_MONEY}` })
  @Max(MAX_MONEY, { message: `cash must be a number from 0 to ${MAX_MONEY}` })
  cash?: number;

  @ApiPropertyOptional({ type: RiskLimitsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RiskLimitsDto)
  risk_limits?: RiskLimitsDto;
}

export class TransferDto {
  @ApiProperty({
    example: 100_000,
    description: `deposit (> 0) or withdrawal (< 0), non-zero, within ±${MAX_MONEY}`,
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @NotEquals(0)
  @Min(-MAX_MONEY, { message: `amount must be a non-zero number within ±${MAX_MONEY}` })
  @Max(MAX_MONEY, { message: `amount must be a non-zero number within ±${MAX_MONEY}` })
  amount!: number;
}

export class AccountStateDto {
  @ApiProperty({ enum: ACCOUNT_TRADING_STATES, example: 'HALTED' })
  @IsIn(ACCOUNT_TRADING_STATES)
  state!: AccountTradingState;
}

const TRADING_DAY = /^\d{8}$/;

export class SettleDto {
  @ApiProperty({ example: '20261126', description: 'the trading day to settle into, YYYYMMDD' })
  @Matches(TRADING_DAY, { message: 'trading_day must be YYYYMMDD' })
  trading_day!: string;
}

export class SettlementQueryDto {
  @ApiPropertyOptional({ example: '20261126', description: 'one trading day, YYYYMMDD' })
  @IsOptional()
  @Matches(TRADING_DAY, { message: 'trading_day must be YYYYMMDD' })
  trading_day?: string;
}

/** The fields of an order (DIFF `insert_order` without `aid`/`user_id`), for the docs; the
 * body is checked by {@link InsertOrderPipe} with the one DIFF parser the WebSocket uses. */
export class InsertOrderDto {
  @ApiPropertyOptional({
    example: 'my-1',
    maxLength: 128,
    description: 'your id; a UUID when omitted',
  })
  order_id?: string;

  @ApiProperty({ example: 'SHFE' })
  exchange_id!: string;

  @ApiProperty({ example: 'rb888' })
  instrument_id!: string;

  @ApiProperty({ enum: DIRECTIONS })
  direction!: string;

  @ApiProperty({ enum: OFFSETS })
  offset!: string;

  @ApiProperty({ type: 'integer', example: 1, minimum: 1 })
  volume!: number;

  @ApiProperty({ enum: PRICE_TYPES, example: 'LIMIT' })
  price_type!: string;

  @ApiPropertyOptional({ example: 3300, description: 'required for LIMIT' })
  limit_price?: number;

  @ApiPropertyOptional({ enum: VOLUME_CONDITIONS, default: 'ANY' })
  volume_condition?: string;

  @ApiPropertyOptional({ enum: TIME_CONDITIONS, default: 'GFD' })
  time_condition?: string;
}

/** An order's fields: DIFF `insert_order` without the message's `aid` and `user_id`. */
export type InsertOrderFields = Omit<InsertOrder, 'aid' | 'user_id'>;

/**
 * An order body → a DIFF `insert_order` (its `user_id` set by the route), through the same
 * parser as the WebSocket's; a bad body is a 400 with the parser's code and message.
 */
export class InsertOrderPipe implements PipeTransform<unknown, InsertOrderFields> {
  transform(value: unknown): InsertOrderFields {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new BadRequestException({
        code: 'INVALID_REQUEST',
        message: 'the body must be a JSON object',
      });
    try {
      const {
        aid: _aid,
        user_id: _user,
        ...order
      } = parseDiffClientMessage({
        ...value,
        aid: 'insert_order',
        user_id: '-',
      }) as InsertOrder;
      return order;
    } catch (error) {
      if (error instanceof DiffProtocolError)
        throw new BadRequestException({
          code: error.code,
          message: error.message,
          details: error.field ? [{ field: error.field, problems: [error.message] }] : [],
        });
      throw error;
    }
  }
}
