import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length } from 'class-validator';

/** At most this many instruments in one REST subscribe (the WebSocket's own cap is separate). */
export const MAX_REST_INSTRUMENTS = 1000;

export class InstrumentsBody {
  @ApiProperty({
    type: [String],
    example: ['SHFE.au888', 'rb888', 'sh600000'],
    maxItems: MAX_REST_INSTRUMENTS,
  })
  @IsArray()
  @ArrayMaxSize(MAX_REST_INSTRUMENTS)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  instruments!: string[];
}

export class QuotesQuery {
  @ApiPropertyOptional({
    example: 'SHFE.au888,sh600000',
    description:
      'instruments to read, comma-separated; without it, every instrument subscribed upstream',
  })
  @IsOptional()
  @IsString()
  @Length(0, 65_536)
  ins?: string;
}
