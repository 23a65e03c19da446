import { ApiProperty } from '@nestjs/swagger';

export class InstrumentsBody {
  @ApiProperty({ type: [String], example: ['SHFE.au2512', 'rb2601', 'sh600000'] })
  instruments!: string[];
}
