import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
}
