import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import { toWireInstrument, toWireSnapshot, WireInstrumentInfo } from '@qautlra/qamd';
import { DistributorService } from '../distributor/distributor.service';
import { MarketGateway } from '../market-socket/market.gateway';
import { MarketSocketServer } from '../market-socket/market-socket.server';
import { ReplaySource } from '../sources/replay-source';
import { InstrumentsBody, QuotesQuery } from './dto';

const REST_CLIENT = 'server:rest';

/** The original gateway's REST API (`api.rs`) with real counters, plus quotes and instruments. */
@ApiTags('market data')
@Controller('api')
export class MarketController {
  constructor(
    private readonly service: DistributorService,
    private readonly sockets: MarketSocketServer,
    private readonly io: MarketGateway,
  ) {
    service.distributor.addClient(REST_CLIENT, { deliver: () => undefined });
  }

  @Get('subscriptions')
  @ApiOperation({ summary: 'Every instrument subscribed upstream (by any client)' })
  @ApiOkResponse({ schema: ref('InstrumentList') })
  subscriptions(): { instruments: string[] } {
    return { instruments: this.service.distributor.activeInstruments() };
  }

  @Post(['subscriptions', 'subscribe'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'Subscribes upstream for a server-owned subscriber (also at /api/subscriptions)',
  })
  @ApiOkResponse({
    description: 'the REST subscriber’s instruments',
    schema: ref('InstrumentList'),
  })
  subscribe(@Body() body: InstrumentsBody): { instruments: string[] } {
    const change = this.service.distributor.addSubscriptions(REST_CLIENT, body.instruments);
    if (change.unknown.length > 0)
      throw new NotFoundException(`unknown instrument: ${change.unknown.join(', ')}`);
    return { instruments: change.subscribed };
  }

  @Post('unsubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'Drops instruments from the server-owned subscriber' })
  @ApiOkResponse({
    description: 'the REST subscriber’s instruments',
    schema: ref('InstrumentList'),
  })
  unsubscribe(@Body() body: InstrumentsBody): { instruments: string[] } {
    this.service.distributor.removeSubscriptions(REST_CLIENT, body.instruments);
    return { instruments: this.service.distributor.subscriptionsOf(REST_CLIENT) };
  }

  @Get('status')
  @ApiOperation({ summary: 'Gateway state: sources, clients and real counters' })
  @ApiOkResponse({ schema: ref('GatewayStatus') })
  status() {
    const distributor = this.service.distributor;
    return {
      status: this.service.sourceStatus().every((source) => source.state === 'connected')
        ? 'connected'
        : 'degraded',
      uptime: Math.round((Date.now() - this.service.startedAt) / 1000),
      connected_clients: this.sockets.clientCount + this.io.clientCount,
      clients: { websocket: this.sockets.clientCount, socket_io: this.io.clientCount },
      slow_clients: this.sockets.slowClientCount,
      max_client_buffered_bytes: this.sockets.maxBufferedBytes,
      active_subscriptions: distributor.activeInstruments().length,
      sources: this.service.sourceStatus(),
      ticks_in: distributor.ticksIn,
      frames_out: distributor.framesOut,
      updates_out: distributor.updatesOut,
      ticks_in_per_second: this.service.rates.ticksInPerSecond,
      frames_out_per_second: this.service.rates.framesOutPerSecond,
      last_tick_age_ms: this.service.lastTickAgeMs(),
    };
  }

  @Post('replay/start')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Starts a replay source configured with autostart false (playback begins once something is subscribed)',
  })
  @ApiOkResponse({ schema: ref('ReplayState') })
  startReplay(): { playing: boolean; played: number } {
    const replay = this.service.sources.find(
      (source): source is ReplaySource => source instanceof ReplaySource,
    );
    if (!replay)
      throw new NotFoundException({ code: 'NO_REPLAY', message: 'no replay source is configured' });
    replay.begin();
    return { playing: replay.playing, played: replay.played };
  }

  @Get('instruments')
  @ApiOperation({ summary: 'Every instrument the sources serve, with tick size and multiplier' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('Instrument') } })
  instruments(): WireInstrumentInfo[] {
    return this.service.instruments().map(toWireInstrument);
  }

  @Get('quotes')
  @ApiOperation({ summary: 'Latest quotes, merged: the asked instruments or every subscribed one' })
  @ApiOkResponse({ schema: ref('Quotes') })
  quotes(@Query() query: QuotesQuery): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    const asked = (query.ins ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
    for (const id of asked.length > 0 ? asked : this.service.distributor.activeInstruments()) {
      const snapshot = this.service.distributor.latest(id);
      if (snapshot) out[id] = { ...toWireSnapshot(snapshot), instrument_id: id };
    }
    return out;
  }

  @Get('quotes/:instrument')
  @ApiOperation({ summary: 'The latest quote of one subscribed instrument' })
  @ApiOkResponse({ schema: ref('Quote') })
  quote(@Param('instrument') instrument: string): Record<string, unknown> {
    const snapshot = this.service.distributor.latest(instrument);
    if (!snapshot) throw new NotFoundException(`no quote for ${instrument} (subscribe first)`);
    return { ...toWireSnapshot(snapshot), instrument_id: instrument };
  }
}
