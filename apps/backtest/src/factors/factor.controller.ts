import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { renderFactorSheet } from '@qautlra/report';
import { FactorRequestDto } from './factor.dto';
import { FactorService } from './factor.service';

@ApiTags('factors')
@Controller('api/factors')
export class FactorController {
  constructor(private readonly factors: FactorService) {}

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
}
