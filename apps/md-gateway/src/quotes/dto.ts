import { ApiProperty } from '@nestjs/swagger';

export class InstrumentsBody {
  @ApiProperty({ type: [String], example: ['SHFE.au888', 'rb888', 'sh600000'] })
  instruments!: string[];
}
