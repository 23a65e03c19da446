import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  MessageEvent,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Sse,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { map, Observable } from 'rxjs';
import { BacktestService, RunEvent } from '../backtest.service';
import { partToWire, runToWire } from '../wire';
import {
  RunBarsQueryDto,
  RunReportQueryDto,
  RunRequestDto,
  runRequestOf,
  RunsQueryDto,
} from './dto';

const PARTS = ['trades', 'orders', 'daily', 'equity', 'logs'] as const;

/** A run's event as clients see it (the finished run in snake_case). */
function eventToWire(event: RunEvent) {
  return event.type === 'done' ? { type: event.type, run: runToWire(event.run) } : event;
}

@ApiTags('backtest')
@Controller('api')
export class BacktestController {
  constructor(private readonly service: BacktestService) {}

  @Get('strategies')
  @ApiOperation({
    summary: 'The strategies offered: name, description, parameters (default, range)',
  })
  @ApiOkResponse({ schema: { type: 'array', items: ref('Strategy') } })
  strategies() {
    return this.service.strategies().map(({ file: _file, ...entry }) => entry);
  }

  @Post('runs')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Queue a backtest on the sim market; follow it at /api/runs/{id}/events',
  })
  @ApiAcceptedResponse({ schema: ref('Run') })
  async submit(@Body() body: RunRequestDto) {
    return runToWire(await this.service.submit(runRequestOf(body)));
  }

  @Get('runs')
  @ApiOperation({ summary: 'Runs, newest first (summary and statistics when done)' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('Run') } })
  async runs(@Query() query: RunsQueryDto) {
    return (await this.service.runs(query.limit ?? 50, query.sweep)).map(runToWire);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'One run: status, progress, summary, statistics' })
  @ApiOkResponse({ schema: ref('Run') })
  async run(@Param('id', ParseUUIDPipe) id: string) {
    return runToWire(await this.service.run(id));
  }

  @Sse('runs/:id/events')
  @ApiOperation({
    summary: 'Server-sent events: progress once per trading day, then done or failed',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description: 'an event stream; each event’s data is a RunEvent',
    content: { 'text/event-stream': { schema: ref('RunEvent') } },
  })
  async events(@Param('id', ParseUUIDPipe) id: string): Promise<Observable<MessageEvent>> {
    return (await this.service.events(id)).pipe(
      map((event) => ({ type: event.type, data: eventToWire(event) })),
    );
  }

  @Get('runs/:id/report')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary:
      'HTML report of a finished run (the fund tear sheet on its daily NAV): cumulative return, drawdown, rolling Sharpe/volatility, monthly heat map, worst drawdowns, every statistic',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'an HTML page',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  report(@Param('id', ParseUUIDPipe) id: string, @Query() query: RunReportQueryDto) {
    return this.service.report(id, query.lang);
  }

  @Get('runs/:id/bars')
  @ApiOperation({
    summary:
      'The bars a run replayed for one instrument ([start ms, open, high, low, close, volume]), at its frequency or a coarser one; at most 50,000',
  })
  @ApiOkResponse({ schema: { type: 'array', items: ref('ChartBar') } })
  runBars(@Param('id', ParseUUIDPipe) id: string, @Query() query: RunBarsQueryDto) {
    return this.service.bars(id, query.instrument, query.frequency);
  }

  @Get('runs/:id/:part')
  @ApiOperation({
    summary: 'A finished run’s trades, orders, daily records (with QIFI), equity curve or logs',
  })
  @ApiParam({ name: 'part', enum: PARTS })
  @ApiOkResponse({ schema: ref('RunPart') })
  async part(@Param('id', ParseUUIDPipe) id: string, @Param('part') part: string) {
    if (!(PARTS as readonly string[]).includes(part))
      throw new NotFoundException({
        code: 'NOT_FOUND',
        message: `a run has ${PARTS.join(', ')}`,
      });
    const name = part as (typeof PARTS)[number];
    return partToWire(name, await this.service.part(id, name));
  }
}
