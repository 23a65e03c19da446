import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { SweepRequestDto, sweepRequestOf } from '../rest/dto';
import { sweepToWire, sweepViewToWire } from '../wire';
import { SweepService } from './sweep.service';

@ApiTags('backtest')
@Controller('api')
export class SweepController {
  constructor(private readonly sweeps: SweepService) {}

  @Post('sweeps')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Queue every combination of a parameter grid as jobs (worker threads, or BullMQ worker processes with REDIS_URL)',
  })
  @ApiAcceptedResponse({ schema: ref('Sweep') })
  async create(@Body() body: SweepRequestDto) {
    return sweepToWire(await this.sweeps.create(sweepRequestOf(body)));
  }

  @Get('sweeps/:id')
  @ApiOperation({
    summary:
      'A sweep’s progress and its combinations ranked by its statistic (in/out of sample, walk-forward)',
  })
  @ApiOkResponse({ schema: ref('SweepView') })
  async view(@Param('id', ParseUUIDPipe) id: string) {
    return sweepViewToWire(await this.sweeps.view(id));
  }
}
