import { SHEET_LANGS, SheetLang } from '@qautlra/report';
import {
  BadRequestException,
  Body,
  Controller,
  DefaultValuePipe,
  Get,
  Header,
  HttpCode,
  MessageEvent,
  NotFoundException,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { map, Observable } from 'rxjs';
import { BacktestService } from '../backtest.service';
import { RunRequestDto, SweepRequestDto } from './dto';

const PARTS = ['trades', 'orders', 'daily', 'equity', 'logs'] as const;

@ApiTags('backtest')
@Controller('api')
export class BacktestController {
  constructor(private readonly service: BacktestService) {}

  @Get('strategies')
  @ApiOperation({
    summary: 'The strategies offered: name, description, parameters (default, range)',
  })
  strategies() {
    return this.service.strategies().map(({ file: _file, ...entry }) => entry);
  }

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a backtest on the sim market; follow it at /api/runs/{id}/events',
  })
  submit(@Body() body: RunRequestDto) {
    return this.service.submit(body);
  }

  @Get('runs')
  @ApiOperation({ summary: 'Runs, newest first (summary and statistics when done)' })
  @ApiQuery({ name: 'limit', required: false, example: 50 })
  @ApiQuery({ name: 'sweep', required: false })
  runs(
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
    @Query('sweep') sweep?: string,
  ) {
    return this.service.runs(Math.min(Math.max(1, limit), 500), sweep);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run: status, progress, summary, statistics' })
  run(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.run(id);
  }

  @Sse('runs/:id/events')
  @ApiOperation({
    summary: 'Server-sent events: progress once per trading day, then done or failed',
  })
  async events(@Param('id', ParseUUIDPipe) id: string): Promise<Observable<MessageEvent>> {
    return (await this.service.events(id)).pipe(
      map((event) => ({ type: event.type, data: event })),
    );
  }

  @Get('runs/:id/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary:
      'HTML report of a finished run (the fund tear sheet on its daily NAV): cumulative return, drawdown, rolling Sharpe/volatility, monthly heat map, worst drawdowns, every statistic',
  })
  @ApiQuery({ name: 'lang', required: false, enum: SHEET_LANGS })
  report(@Param('id', ParseUUIDPipe) id: string, @Query('lang') lang?: string) {
    if (lang !== undefined && !(SHEET_LANGS as readonly string[]).includes(lang))
      throw new BadRequestException(`lang must be one of ${SHEET_LANGS.join(', ')}`);
    return this.service.report(id, lang as SheetLang | undefined);
  }

  @Get('runs/:id/bars')
  @ApiOperation({
    summary:
      'The bars a run replayed for one instrument ([start ms, open, high, low, close, volume]), at its frequency or a coarser one; at most 50,000',
  })
  @ApiQuery({ name: 'instrument', required: true, example: 'SHFE.rb888' })
  @ApiQuery({ name: 'frequency', required: false, example: '1d' })
  runBars(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('instrument') instrument = '',
    @Query('frequency') frequency?: string,
  ) {
    return this.service.bars(id, instrument, frequency);
  }

  @Get('runs/:id/:part')
  @ApiOperation({
    summary: 'A finished run’s trades, orders, daily records (with QIFI), equity curve or logs',
  })
  part(@Param('id', ParseUUIDPipe) id: string, @Param('part') part: string) {
    if (!(PARTS as readonly string[]).includes(part))
      throw new NotFoundException({
        code: 'NOT_FOUND',
        message: `a run has ${PARTS.join(', ')}`,
      });
    return this.service.part(id, part as (typeof PARTS)[number]);
  }

  @Post('sweeps')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue every combination of a parameter grid (worker threads)' })
  sweep(@Body() body: SweepRequestDto) {
    return this.service.sweep(body);
  }

  @Get('sweeps/:id')
  @ApiOperation({ summary: 'A sweep’s runs ranked by its statistic' })
  sweepView(@Param('id', ParseUUIDPipe) id: string) {
    return this.service.sweepView(id);
  }
}
