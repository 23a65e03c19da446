import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { ALERT_KINDS, AlertKind } from '../alerts/alert-store';
import { MAX_ROOM_NAME_LENGTH } from '../rooms/room-name';

/** `POST /realtime_sub` and `/realtime_unsub`, as the original took them. */
export class LegacySubscriptionDto {
  @ApiProperty({ description: 'the session id a `/ws/` connection got from `auth`' })
  @IsUUID(4)
  sid!: string;

  @ApiProperty({ example: 'ACCOUNT:demo' })
  @IsString()
  @Length(1, MAX_ROOM_NAME_LENGTH)
  room!: string;
}

export class RoomQueryDto {
  @ApiProperty({ example: 'FACTOR:SHFE.rb888:1m:MA(20)' })
  @IsString()
  @Length(1, MAX_ROOM_NAME_LENGTH)
  room!: string;
}

export class AccountQueryDto {
  @ApiProperty({ example: 'demo' })
  @IsString()
  @Length(1, 128)
  account!: string;
}

export class AlertRuleDto {
  @ApiProperty({ example: 'demo' })
  @IsString()
  @Length(1, 128)
  account!: string;

  @ApiProperty({
    enum: ALERT_KINDS,
    description:
      'risk_ratio ≥ x; drawdown (CNY) or drawdown_ratio ≥ y from the day’s peak; loss: day loss ≥ z; position: lots held ≥ n (of `target`, else all); factor_above / factor_below: the factor room `target` crossing the level',
  })
  @IsIn(ALERT_KINDS)
  kind!: AlertKind;

  @ApiProperty({ example: 0.8 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-1e13)
  @Max(1e13)
  threshold!: number;

  @ApiPropertyOptional({
    example: 'FACTOR:SHFE.rb888:1m:RSI(14)',
    description: 'position: an instrument; factor rules: a factor room',
  })
  @IsOptional()
  @IsString()
  @Length(1, MAX_ROOM_NAME_LENGTH)
  target?: string;

  @ApiPropertyOptional({
    example: 'https://hooks.example.com/risk',
    description: 'POSTed the alert as JSON',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @Length(1, 2_048)
  webhook?: string;
}
