import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBasicAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { ref } from '@qautlra/platform';
import type { Response } from 'express';
import { FieldType, quoteIdentifier, Row, TsdbError } from '@qautlra/tsdb';
import { BasicAuthGuard } from './basic-auth.guard';
import {
  BarsQueryDto,
  CountsDto,
  CreateStreamDto,
  LatestQueryDto,
  QueryDto,
  QueryParamsDto,
  ResultFormatQueryDto,
} from './dto';
import {
  ARROW_STREAM,
  PARQUET,
  resultFormat,
  ResultFormat,
  toArrowStream,
  toCsv,
} from './result-format';
import { parseTime } from './time-range';
import { TsdbService } from './tsdb.service';

/** Arrow type names Parseable reports in a stream schema. */
const ARROW_TYPE: Readonly<Record<FieldType, string>> = {
  DOUBLE: 'Float64',
  VARCHAR: 'Utf8',
  TIMESTAMP: 'Timestamp(Microsecond, None)',
  BOOLEAN: 'Boolean',
  JSON: 'Utf8',
};

/** Events are free-form JSON (bounded in fields and depth by the engine): one object or an array. */
const EVENTS_BODY = {
  schema: {
    oneOf: [ref('Event'), { type: 'array', items: ref('Event') }],
    example: [{ instrument_id: 'SHFE.rb888', last_price: 3300, volume: 12 }],
  },
};

/** A query's answer in each format it can take. */
const QUERY_RESULT = {
  description: 'rows as JSON (or CSV, Arrow IPC stream, Parquet by Accept or ?format=)',
  content: {
    'application/json': { schema: ref('Rows') },
    'text/csv': { schema: { type: 'string' } },
    [ARROW_STREAM]: { schema: { type: 'string', format: 'binary' } },
    [PARQUET]: { schema: { type: 'string', format: 'binary' } },
  },
};

function eventsOf(body: unknown): Row[] {
  const events = Array.isArray(body)
    ? (body as Row[])
    : typeof body === 'object' && body !== null
      ? [body as Row]
      : undefined;
  if (!events)
    throw new TsdbError('TSDB_INVALID_EVENT', 'body must be a JSON object or an array of objects');
  // An absent body parses as {}: an empty ingest is a mistake, not one empty event.
  if (events.length === 0 || (events.length === 1 && isEmptyObject(events[0])))
    throw new TsdbError('TSDB_INVALID_EVENT', 'the body has no events (an empty object or array)');
  return events;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** The Parseable-compatible HTTP API (`/api/v1`), behind basic auth. */
@ApiTags('streams and queries')
@ApiBasicAuth()
@UseGuards(BasicAuthGuard)
@Controller('api/v1')
export class LogstreamController {
  constructor(private readonly service: TsdbService) {}

  private get engine() {
    return this.service.engine;
  }

  private allow(kind: 'ingest' | 'query'): void {
    const mode = this.service.config.mode;
    if (mode !== 'all' && mode !== kind)
      throw new ForbiddenException(`this server runs in ${mode} mode: ${kind} is disabled`);
  }

  @Get('logstream')
  @ApiOperation({ summary: 'Lists the streams' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('StreamName') } })
  list(): { name: string }[] {
    return this.engine.listStreams().map((name) => ({ name }));
  }

  @Put('logstream/:stream')
  @ApiOperation({ summary: 'Creates a stream (X-P-Partition-By or partition_by names a field)' })
  @ApiOkResponse({ schema: ref('StreamCreated') })
  async create(
    @Param('stream') stream: string,
    @Headers('x-p-partition-by') partitionHeader: string | undefined,
    @Body() body: CreateStreamDto,
  ): Promise<{ name: string; partition_by: string | null }> {
    const partitionBy = partitionHeader ?? body.partition_by;
    const info = await this.engine.createStream(stream, { partitionBy });
    return { name: info.name, partition_by: info.partitionBy ?? null };
  }

  @Delete('logstream/:stream')
  @ApiOperation({ summary: 'Deletes a stream and its data' })
  @ApiOkResponse({ schema: ref('StreamDeleted') })
  async remove(@Param('stream') stream: string): Promise<{ deleted: string }> {
    await this.engine.deleteStream(stream);
    return { deleted: stream };
  }

  @Get('logstream/:stream/schema')
  @ApiOperation({ summary: 'A stream’s fields with Arrow type names (as Parseable reports them)' })
  @ApiOkResponse({ schema: ref('StreamSchema') })
  schema(@Param('stream') stream: string) {
    const info = this.engine.stream(stream);
    return {
      fields: [
        { name: 'p_timestamp', data_type: 'Timestamp(Millisecond, None)', nullable: true },
        { name: 'p_date', data_type: 'Utf8', nullable: true },
        ...info.fields.map((field) => ({
          name: field.name,
          data_type: ARROW_TYPE[field.type],
          nullable: true,
        })),
      ],
      partition_by: info.partitionBy ?? null,
    };
  }

  @Post('ingest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingests events into the stream X-P-Stream names (created if new)' })
  @ApiOkResponse({ schema: ref('Ingested') })
  @ApiHeader({ name: 'X-P-Stream', required: true, description: 'the stream to ingest into' })
  @ApiBody(EVENTS_BODY)
  ingestByHeader(@Headers('x-p-stream') stream: string | undefined, @Body() body: unknown) {
    if (!stream) throw new TsdbError('TSDB_INVALID_STREAM', 'missing X-P-Stream header');
    return this.ingest(stream, body);
  }

  @Post('logstream/:stream')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ingests events into the stream (created if new)' })
  @ApiOkResponse({ schema: ref('Ingested') })
  @ApiBody(EVENTS_BODY)
  ingestByPath(@Param('stream') stream: string, @Body() body: unknown) {
    return this.ingest(stream, body);
  }

  private async ingest(stream: string, body: unknown): Promise<{ ingested: number }> {
    this.allow('ingest');
    const events = eventsOf(body);
    // Like Parseable, ingesting into a stream that does not exist creates it.
    return { ingested: await this.engine.ingestCreating(stream, events) };
  }

  /** Parseable: `{query, startTime, endTime}` → JSON rows; the original README: `{stream, start_time, end_time, limit, filter}`. */
  @Post('query')
  @HttpCode(200)
  @ApiOperation({ summary: 'Runs a read-only SQL query, or reads a stream by time range' })
  @ApiProduces('application/json', 'text/csv', ARROW_STREAM, PARQUET)
  @ApiOkResponse(QUERY_RESULT)
  async query(
    @Body() body: QueryDto,
    @Headers('accept') accept: string | undefined,
    @Query() query: ResultFormatQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    await this.respond(response, body, resultFormat(accept, query.format));
  }

  @Get('query')
  @ApiOperation({ summary: 'The query of POST /api/v1/query from URL parameters' })
  @ApiProduces('application/json', 'text/csv', ARROW_STREAM, PARQUET)
  @ApiOkResponse(QUERY_RESULT)
  async queryGet(
    @Query() query: QueryParamsDto,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    await this.respond(response, query, resultFormat(accept, query.format));
  }

  private async respond(response: Response, body: QueryDto, format: ResultFormat): Promise<void> {
    const { sql, range } = this.toSql(body);
    if (format === 'parquet') {
      response
        .status(200)
        .type(PARQUET)
        .send(await this.engine.exportParquet(sql, range));
      return;
    }
    const rows = await this.engine.query(sql, range);
    if (format === 'csv') response.status(200).type('text/csv').send(toCsv(rows));
    else if (format === 'arrow')
      response
        .status(200)
        .type(ARROW_STREAM)
        .send(toArrowStream(rows, this.service.config.executionBatchSize));
    else response.status(200).json(rows);
  }

  private toSql(body: QueryDto): {
    sql: string;
    range: { start?: Date; end?: Date };
  } {
    this.allow('query');
    if (typeof body.query === 'string') {
      return {
        sql: body.query,
        range: {
          start: parseTime(body.startTime, 'startTime'),
          end: parseTime(body.endTime, 'endTime'),
        },
      };
    }
    if (typeof body.stream === 'string') {
      this.engine.stream(body.stream);
      const limit = body.limit ?? 1000;
      const filter = body.filter?.trim() ? body.filter : 'TRUE';
      return {
        sql: `SELECT * FROM ${quoteIdentifier(body.stream)} WHERE (${filter}) ORDER BY p_timestamp LIMIT ${limit}`,
        range: {
          start: parseTime(body.start_time, 'start_time'),
          end: parseTime(body.end_time, 'end_time'),
        },
      };
    }
    throw new TsdbError('TSDB_SQL_ERROR', 'body needs "query" (SQL) or "stream"');
  }

  /** Parseable counts: `{stream, startTime, endTime, numBins}` → `{fields, records:[{start_time, end_time, count}]}`. */
  @Post('counts')
  @HttpCode(200)
  @ApiOperation({ summary: 'Event counts of a stream in equal time bins' })
  @ApiOkResponse({ schema: ref('Counts') })
  async counts(@Body() body: CountsDto) {
    this.allow('query');
    this.engine.stream(body.stream);
    const end = parseTime(body.endTime, 'endTime') ?? new Date();
    const start = parseTime(body.startTime, 'startTime') ?? new Date(end.getTime() - 86_400_000);
    const bins = body.numBins ?? 10;
    const width = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / bins));
    const rows = await this.engine.query(
      `SELECT floor((epoch_ms(p_timestamp) - ${start.getTime()}) / ${width})::BIGINT AS bin, count(*)::BIGINT AS n ` +
        `FROM ${quoteIdentifier(body.stream)} GROUP BY bin`,
      { start, end },
    );
    const byBin = new Map(rows.map((row) => [Number(row.bin), Number(row.n)]));
    return {
      fields: ['start_time', 'end_time', 'count'],
      records: Array.from({ length: bins }, (_, bin) => ({
        start_time: new Date(start.getTime() + bin * width).toISOString(),
        end_time: new Date(
          Math.min(end.getTime(), start.getTime() + (bin + 1) * width),
        ).toISOString(),
        count: byBin.get(bin) ?? 0,
      })),
    };
  }

  /** OHLCV (+ amount, open interest) bars of one instrument from a tick stream. */
  @Get('bars')
  @ApiOperation({ summary: 'OHLCV bars of one instrument from a tick stream' })
  @ApiOkResponse({ schema: { type: 'array', items: ref('Bar') } })
  bars(@Query() query: BarsQueryDto): Promise<Row[]> {
    this.allow('query');
    return this.engine.bars(query.stream, query.instrument, query.period ?? '1m', {
      start: parseTime(query.start, 'start'),
      end: parseTime(query.end, 'end'),
    });
  }

  /** The newest tick of each instrument, from memory (`instruments=a,b`; all when absent). */
  @Get('latest')
  @ApiOperation({ summary: 'The newest tick of each instrument (all when none asked)' })
  @ApiOkResponse({ schema: ref('Rows') })
  latest(@Query() query: LatestQueryDto): Promise<Row[]> {
    this.allow('query');
    return this.engine.latest(
      query.stream,
      (query.instruments ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    );
  }

  /** Live ingest state (gateway recorder), row counts. */
  @Get('status')
  @ApiOperation({ summary: 'Streams, failed streams and live ingest state' })
  @ApiOkResponse({ schema: ref('TsdbStatus') })
  status() {
    return {
      mode: this.service.config.mode,
      streams: this.engine.listStreams(),
      failed_streams: this.engine.failedStreams(),
      recorder: this.service.recorder?.status ?? null,
      amqp: this.service.amqp?.status ?? null,
      nats: this.service.nats?.status ?? null,
    };
  }

  /** Moves staged rows to Parquet now (an addition; the server also flushes on a timer). */
  @Post('flush')
  @HttpCode(200)
  @ApiOperation({ summary: 'Moves staged rows to Parquet now' })
  @ApiOkResponse({ schema: ref('Flushed') })
  async flush(): Promise<{ flushed: number }> {
    return { flushed: await this.service.flushAll() };
  }
}
