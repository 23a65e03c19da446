import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { renderFactorSheet } from '@qautlra/report';
import { SweepService } from '../sweeps/sweep.service';
import { sweepToWire } from '../wire';
import { FactorRequestDto, FactorSweepDto } from './factor.dto';
import { FactorService } from './factor.service';

@ApiTags('factors')
@Controller('api/factors')
export class FactorController {
  constructor(
    private readonly factors: FactorService,
    private readonly sweeps: SweepService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The built-in factors, the expression language’s functions and the bar columns',
  })
  @ApiOkResponse({ schema: { type: 'object' } })
  catalog() {
    return this.factors.catalog();
  }

  @Post('analysis')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A factor study on daily bars: IC and rank IC per horizon, quantile returns, spread, factor-weighted returns, turnover, rank autocorrelation, groups; optionally a quantile backtest',
  })
  @ApiOkResponse({ schema: { type: 'object' } })
  analyze(@Body() body: FactorRequestDto) {
    return this.factors.analyze(body);
  }

  @Post('report')
  @HttpCode(200)
  @Header('content-type', 'text/html; charset=utf-8')
  @ApiProduces('text/html')
  @ApiOperation({
    summary:
      'The same study as a factor tear sheet: one self-contained HTML page (server-rendered SVG charts)',
  })
  @ApiOkResponse({ schema: { type: 'string' } })
  async report(@Body() body: FactorRequestDto): Promise<string> {
    return renderFactorSheet(await this.factors.analyze(body));
  }

  @Post('sweeps')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Sweep factor variants: each combination of the grid in the expression’s {name} placeholders (or a built-in’s window) is one job; follow it at GET /api/sweeps/{id}',
  })
  @ApiOkResponse({ schema: ref('Sweep') })
  async sweep(@Body() body: FactorSweepDto) {
    return sweepToWire(await this.sweeps.createFactor(body));
  }
}
