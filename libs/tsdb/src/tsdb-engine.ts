import { BIGINT, DuckDBConnection, DuckDBInstance, TIMESTAMP, VARCHAR } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ChunkColumn, ChunkWriter } from './chunk-writer';
import { DEFAULT_SCHEMA_LIMITS, FieldType, inferNewFields, StreamField } from './schema';
import { assertReadOnly, assertReadOnlyText } from './sql-guard';
import { TsdbError } from './tsdb.error';
import { readLimited, runLimited } from './query-limits';
import { BAR_PERIOD_MS, BarPeriod, barsSql } from './bars-sql';
import { migrateLegacyCatalog } from './catalog-migration';
import {
  DUCK_TYPES,
  fieldReader,
  arrayReader,
  partitionDates,
  rememberLatest,
} from './ingest-columns';
import { jsonRows, Row, withoutNulls } from './result-rows';
import { INTERNAL, quoteIdentifier, streamNameProblem, STREAM_NAME_RULE } from './stream-names';

export interface TsdbOptions {
  dataDir: string;
  stagingDir: string;
  /** Parquet row-group size (`P_PARQUET_ROW_GROUP_SIZE`, default 262144). */
  rowGroupSize?: number;
  /** Parquet codec (`P_PARQUET_COMPRESSION_ALGO`, default zstd). */
  compression?: 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'uncompressed';
  /** A user query running longer than this is interrupted (default 30 s). */
  queryTimeoutMs?: number;
  /** A user query may return at most this many rows (default 1,000,000). */
  maxResultRows?: number;
  /** A user query's result may be at most this many bytes as JSON (default 64 MiB). */
  maxResultBytes?: number;
  /** Fields one stream may have (default 1,000). */
  maxFields?: number;
  /** Nesting depth of an object/array value (default 32). */
  maxJsonDepth?: number;
}

export interface StreamInfo {
  name: string;
  partitionBy?: string;
  createdAt: string;
  fields: StreamField[];
}

const quote = quoteIdentifier;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const hasField = (info: StreamInfo, name: string) =>
  info.fields.some((field) => field.name === name);
/** Parquet files are written sorted by event time when the stream has one. */
const fileOrder = (info: StreamInfo) => (hasField(info, 'datetime') ? ' ORDER BY "datetime"' : '');
const stageTable = (stream: string) => `${INTERNAL}.${quote(`stage_${stream}`)}`;
const CATALOG = {
  streams: `${INTERNAL}.streams`,
  fields: `${INTERNAL}.fields`,
  flushes: `${INTERNAL}.flushes`,
  compactions: `${INTERNAL}.compactions`,
};

/**
 * The time-series store: streams of JSON events with an inferred schema, staged durably in a
 * DuckDB database file (committed before the write is acknowledged, so it survives `kill -9`),
 * flushed to zstd Parquet partitioned by date (`p_date`: the trading day for market data) and an
 * optional field, and queried with SQL over Parquet plus the staged rows.
 *
 * One DuckDB instance, locked down: external file access only inside the data and staging
 * directories, configuration locked, only single SELECT statements from users.
 */
export class TsdbEngine {
  private readonly streams = new Map<string, StreamInfo>();
  /** Streams whose catalog entry could not be loaded at start → why. */
  private readonly failed = new Map<string, string>();
  /** stream → instrument_id → its newest event (by `datetime`, else arrival), for `latest`. */
  private readonly latestRows = new Map<string, Map<string, Row>>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly writer = new ChunkWriter();
  private readonly listeners = new Set<(stream: string, events: readonly Row[]) => void>();
  private sequence = 0n;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly options: Required<TsdbOptions>,
  ) {}

  static async open(options: TsdbOptions): Promise<TsdbEngine> {
    const dataDir = resolve(options.dataDir);
    const stagingDir = resolve(options.stagingDir);
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(stagingDir, { recursive: true });
    const instance = await DuckDBInstance.create(join(stagingDir, 'staging.duckdb'));
    const connection = await instance.connect();
    for (const statement of [
      `SET allowed_directories = [${literal(`${dataDir}/`)}, ${literal(`${stagingDir}/`)}]`,
      'SET enable_external_access = false',
      'SET autoinstall_known_extensions = false',
      'SET autoload_known_extensions = false',
      'SET lock_configuration = true',
      // The original's window UDF `rolling_mean` (mean of the last 300 rows, "5 minutes" of ticks):
      // rolling_mean(x, order_column[, n := 300]).
      'CREATE OR REPLACE MACRO rolling_mean(x, o, n := 300) AS avg(x) OVER (ORDER BY o ROWS BETWEEN n - 1 PRECEDING AND CURRENT ROW)',
    ])
      await connection.run(statement);
    await migrateLegacyCatalog(connection);
    for (const statement of [
      `CREATE SCHEMA IF NOT EXISTS ${INTERNAL}`,
      `CREATE TABLE IF NOT EXISTS ${CATALOG.streams} (name VARCHAR PRIMARY KEY, partition_by VARCHAR, created_at TIMESTAMP)`,
      `CREATE TABLE IF NOT EXISTS ${CATALOG.fields} (stream VARCHAR, name VARCHAR, type VARCHAR, position INTEGER)`,
      `CREATE TABLE IF NOT EXISTS ${CATALOG.flushes} (id VARCHAR PRIMARY KEY, stream VARCHAR, done_at TIMESTAMP)`,
      `CREATE TABLE IF NOT EXISTS ${CATALOG.compactions} (id VARCHAR PRIMARY KEY, dir VARCHAR, old_files VARCHAR)`,
    ])
      await connection.run(statement);
    const engine = new TsdbEngine(instance, connection, {
      dataDir,
      stagingDir,
      rowGroupSize: options.rowGroupSize ?? 262_144,
      compression: options.compression ?? 'zstd',
      queryTimeoutMs: options.queryTimeoutMs ?? 30_000,
      maxResultRows: options.maxResultRows ?? 1_000_000,
      maxResultBytes: options.maxResultBytes ?? 64 * 1024 * 1024,
      maxFields: options.maxFields ?? DEFAULT_SCHEMA_LIMITS.maxFields,
      maxJsonDepth: options.maxJsonDepth ?? DEFAULT_SCHEMA_LIMITS.maxDepth,
    });
    await engine.load();
    return engine;
  }

  /** Runs store operations one at a time (one connection; flushes and writes never interleave). */
  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async rows(sql: string): Promise<Row[]> {
    return jsonRows(await this.connection.runAndReadAll(sql));
  }

  /**
   * Loads the catalog. A stream that cannot be loaded (its staged table or view is broken) is
   * left out and reported by `failedStreams()`; the others are served.
   */
  private async load(): Promise<void> {
    for (const row of await this.rows(
      `SELECT name, partition_by, CAST(created_at AS VARCHAR) AS created_at FROM ${CATALOG.streams}`,
    )) {
      const name = row.name as string;
      try {
        const problem = streamNameProblem(name);
        if (problem) throw new TsdbError('TSDB_INVALID_STREAM', problem);
        const fields = (
          await this.rows(
            `SELECT name, type FROM ${CATALOG.fields} WHERE stream = ${literal(name)} ORDER BY position`,
          )
        ).map((field) => ({ name: field.name as string, type: field.type as FieldType }));
        const max = await this.rows(`SELECT max(p_seq) AS m FROM ${stageTable(name)}`);
        const seq = BigInt((max[0]?.m as string | number | null) ?? 0);
        if (seq > this.sequence) this.sequence = seq;
        this.streams.set(name, {
          name,
          partitionBy: (row.partition_by as string | null) ?? undefined,
          createdAt: row.created_at as string,
          fields,
        });
      } catch (error) {
        this.failed.set(name, (error as Error).message);
      }
    }
    await this.recoverFlushes();
    await this.recoverCompactions();
    for (const name of [...this.streams.keys()]) {
      try {
        await this.refreshView(name);
      } catch (error) {
        this.streams.delete(name);
        this.failed.set(name, (error as Error).message);
      }
    }
  }

  /** Streams that could not be loaded at start, with the reason (they are not served). */
  failedStreams(): { name: string; error: string }[] {
    return [...this.failed].map(([name, error]) => ({ name, error }));
  }

  /** Finishes flushes that committed before a crash, and discards the files of those that did not. */
  private async recoverFlushes(): Promise<void> {
    const done = new Set(
      (await this.rows(`SELECT id FROM ${CATALOG.flushes}`)).map((row) => row.id as string),
    );
    for (const entry of readdirSync(this.options.dataDir)) {
      const match = /^\.flush-([0-9a-f-]+)-(.+)$/.exec(entry);
      if (!match) continue;
      const [, id = '', stream = ''] = match;
      const dir = join(this.options.dataDir, entry);
      if (done.has(id)) this.publish(dir, stream);
      else rmSync(dir, { recursive: true, force: true });
    }
    await this.connection.run(`DELETE FROM ${CATALOG.flushes}`);
  }

  /** Calls `listener` with every batch once it is committed (live push); returns an unsubscribe. */
  onIngest(listener: (stream: string, events: readonly Row[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Finishes compactions whose swap was committed; drops temporary files of the others. */
  private async recoverCompactions(): Promise<void> {
    for (const row of await this.rows(`SELECT id, dir, old_files FROM ${CATALOG.compactions}`)) {
      this.finishCompaction(
        row.id as string,
        row.dir as string,
        JSON.parse(row.old_files as string) as string[],
      );
    }
    await this.connection.run(`DELETE FROM ${CATALOG.compactions}`);
    const sweep = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) sweep(path);
        else if (/^compact-.*\.tmp$/.test(entry)) rmSync(path, { force: true });
      }
    };
    sweep(this.options.dataDir);
  }

  private finishCompaction(id: string, dir: string, oldFiles: readonly string[]): void {
    const temporary = join(dir, `compact-${id}.tmp`);
    if (existsSync(temporary)) renameSync(temporary, join(dir, `part_${id}.parquet`));
    for (const file of oldFiles) rmSync(join(dir, file), { force: true });
  }

  /**
   * Rewrites every partition directory holding at least `minFiles` Parquet files into one file:
   * write a temporary file, commit the swap in the catalog, rename it in, delete the old files
   * (a crash after the commit is finished at start). Runs exclusively, so no query sees both.
   */
  compact(name: string, minFiles = 4): Promise<number> {
    return this.exclusive(async () => {
      this.stream(name);
      let compacted = 0;
      const visit = async (dir: string): Promise<void> => {
        if (!existsSync(dir)) return;
        const entries = readdirSync(dir);
        const files = entries.filter((entry) => entry.endsWith('.parquet')).sort();
        for (const entry of entries)
          if (statSync(join(dir, entry)).isDirectory()) await visit(join(dir, entry));
        if (files.length < minFiles) return;
        const id = randomUUID();
        const list = files.map((file) => literal(join(dir, file))).join(', ');
        const order = fileOrder(this.stream(name));
        await this.connection.run(
          `COPY (SELECT * FROM read_parquet([${list}], hive_partitioning = false, union_by_name = true)${order}) ` +
            `TO ${literal(join(dir, `compact-${id}.tmp`))} (FORMAT parquet, COMPRESSION ${this.options.compression}, ROW_GROUP_SIZE ${this.options.rowGroupSize})`,
        );
        await this.connection.run(
          `INSERT INTO ${CATALOG.compactions} VALUES (${literal(id)}, ${literal(dir)}, ${literal(JSON.stringify(files))})`,
        );
        this.finishCompaction(id, dir, files);
        await this.connection.run(`DELETE FROM ${CATALOG.compactions} WHERE id = ${literal(id)}`);
        compacted += files.length;
      };
      await visit(join(this.options.dataDir, name));
      if (compacted > 0) await this.refreshView(name);
      return compacted;
    });
  }

  /** Deletes a stream's partitions (and staged rows) whose `p_date` is before `oldestKept` (YYYY-MM-DD). */
  expire(name: string, oldestKept: string): Promise<number> {
    return this.exclusive(async () => {
      this.stream(name);
      const dir = join(this.options.dataDir, name);
      let removed = 0;
      if (existsSync(dir))
        for (const entry of readdirSync(dir)) {
          const day = /^p_date=(\d{4}-\d{2}-\d{2})$/.exec(entry)?.[1];
          if (day && day < oldestKept) {
            rmSync(join(dir, entry), { recursive: true, force: true });
            removed += 1;
          }
        }
      await this.connection.run(
        `DELETE FROM ${stageTable(name)} WHERE p_date < ${literal(oldestKept)}`,
      );
      await this.refreshView(name);
      return removed;
    });
  }

  listStreams(): string[] {
    return [...this.streams.keys()].sort();
  }

  stream(name: string): StreamInfo {
    const info = this.streams.get(name);
    if (!info) throw new TsdbError('TSDB_STREAM_NOT_FOUND', `stream ${name} does not exist`);
    return info;
  }

  createStream(name: string, options: { partitionBy?: string } = {}): Promise<StreamInfo> {
    return this.exclusive(() => this.createUnlocked(name, options));
  }

  private async createUnlocked(
    name: string,
    options: { partitionBy?: string } = {},
  ): Promise<StreamInfo> {
    const problem = streamNameProblem(name);
    if (problem) throw new TsdbError('TSDB_INVALID_STREAM', `${problem} (${STREAM_NAME_RULE})`);
    // SQL identifiers are case-insensitive: `Ticks` and `ticks` would be one view.
    const same = [...this.streams.keys(), ...this.failed.keys()].find(
      (existing) => existing.toLowerCase() === name.toLowerCase(),
    );
    if (same !== undefined)
      throw new TsdbError('TSDB_STREAM_EXISTS', `stream ${same} already exists`);
    if (
      options.partitionBy !== undefined &&
      !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(options.partitionBy)
    )
      throw new TsdbError(
        'TSDB_INVALID_STREAM',
        `invalid partition field ${options.partitionBy.slice(0, 80)}`,
      );
    const info: StreamInfo = {
      name,
      partitionBy: options.partitionBy,
      createdAt: new Date().toISOString(),
      fields: [],
    };
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run(
        `CREATE TABLE ${stageTable(name)} (p_seq BIGINT, p_timestamp TIMESTAMP, p_date VARCHAR)`,
      );
      await this.connection.run(
        `INSERT INTO ${CATALOG.streams} VALUES (${literal(name)}, ${options.partitionBy ? literal(options.partitionBy) : 'NULL'}, now())`,
      );
      this.streams.set(name, info);
      await this.refreshView(name);
      await this.connection.run('COMMIT');
    } catch (error) {
      this.streams.delete(name);
      await this.connection.run('ROLLBACK');
      throw error;
    }
    return info;
  }

  /** Deletes a stream with its files; also removes one that failed to load at start. */
  deleteStream(name: string): Promise<void> {
    return this.exclusive(() => this.deleteUnlocked(name));
  }

  private async deleteUnlocked(name: string): Promise<void> {
    if (!this.failed.has(name)) this.stream(name);
    await this.connection.run(`DROP VIEW IF EXISTS main.${quote(name)}`);
    await this.connection.run(`DROP TABLE IF EXISTS ${stageTable(name)}`);
    await this.connection.run(`DELETE FROM ${CATALOG.fields} WHERE stream = ${literal(name)}`);
    await this.connection.run(`DELETE FROM ${CATALOG.streams} WHERE name = ${literal(name)}`);
    rmSync(join(this.options.dataDir, name), { recursive: true, force: true });
    this.streams.delete(name);
    this.failed.delete(name);
    this.latestRows.delete(name);
  }

  /**
   * Ingests into a stream, creating it first when it does not exist (Parseable's behaviour). A
   * stream created here is removed again when the batch is refused: a failed request registers
   * nothing.
   */
  ingestCreating(name: string, events: readonly Row[], now = Date.now()): Promise<number> {
    if (this.streams.has(name)) return this.ingest(name, events, now);
    return this.exclusive(async () => {
      const created = !this.streams.has(name);
      if (created) await this.createUnlocked(name);
      try {
        return await this.ingestUnlocked(name, events, now);
      } catch (error) {
        if (created) await this.deleteUnlocked(name);
        throw error;
      }
    });
  }

  /**
   * Appends events to a stream's staging table. The batch is checked first (a type conflict names
   * the field and writes nothing); new fields are added; the rows are committed before this resolves.
   */
  ingest(name: string, events: readonly Row[], now = Date.now()): Promise<number> {
    return this.exclusive(() => this.ingestUnlocked(name, events, now));
  }

  private async ingestUnlocked(name: string, events: readonly Row[], now: number): Promise<number> {
    const info = this.stream(name);
    events.forEach((event, index) => {
      if (typeof event !== 'object' || event === null || Array.isArray(event))
        throw new TsdbError('TSDB_INVALID_EVENT', `event ${index} is not a JSON object`);
    });
    const timestamps = new Map<string, (number | undefined)[]>();
    const added = inferNewFields(info.fields, events, timestamps, {
      maxFields: this.options.maxFields,
      maxDepth: this.options.maxJsonDepth,
    });
    if (added.length > 0) {
      // One transaction for the new columns and their catalog rows: all of them or none.
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const [offset, field] of added.entries()) {
          await this.connection.run(
            `ALTER TABLE ${stageTable(name)} ADD COLUMN IF NOT EXISTS ${quote(field.name)} ${field.type === 'JSON' ? 'VARCHAR' : field.type}`,
          );
          await this.connection.run(
            `INSERT INTO ${CATALOG.fields} VALUES (${literal(name)}, ${literal(field.name)}, ${literal(field.type)}, ${info.fields.length + offset})`,
          );
        }
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
      info.fields.push(...added);
    }
    if (events.length === 0) return 0;
    const appender = await this.connection.createAppender(`stage_${name}`, INTERNAL);
    const firstSeq = Number(this.sequence) + 1;
    this.sequence += BigInt(events.length);
    const dates = partitionDates(events, now, timestamps.get('datetime'));
    const columns: ChunkColumn[] = [
      { kind: 'BIGINT', type: BIGINT, value: (i) => firstSeq + i },
      { kind: 'TIMESTAMP', type: TIMESTAMP, value: () => now * 1000 },
      { kind: 'VARCHAR', type: VARCHAR, value: (i) => dates[i] },
      ...info.fields.map((field): ChunkColumn => ({
        kind: field.type,
        type: DUCK_TYPES[field.type],
        value:
          field.type === 'TIMESTAMP'
            ? arrayReader(timestamps.get(field.name))
            : fieldReader(events, field.name),
      })),
    ];
    this.writer.append(appender, columns, events.length);
    appender.closeSync();
    if (added.length > 0) await this.refreshView(name);
    const latest = this.latestRows.get(name);
    if (latest) for (const event of events) rememberLatest(latest, event);
    for (const listener of this.listeners) listener(name, events);
    return events.length;
  }

  /**
   * Moves a stream's staged rows into Parquet: COPY to a private directory, then in one
   * transaction delete the staged rows and record the flush, then move the files into place. A
   * crash before the commit leaves the rows staged (the files are discarded on restart); after
   * it, the restart finishes the move. Each row is in exactly one place.
   */
  flush(name: string): Promise<number> {
    return this.exclusive(async () => {
      const info = this.stream(name);
      const bound = this.sequence;
      const count = Number(
        (
          await this.rows(`SELECT count(*) AS n FROM ${stageTable(name)} WHERE p_seq <= ${bound}`)
        )[0]?.n ?? 0,
      );
      if (count === 0) return 0;
      const id = randomUUID();
      const dir = join(this.options.dataDir, `.flush-${id}-${name}`);
      const partitions = ['p_date', ...(info.partitionBy ? [info.partitionBy] : [])]
        .map(quote)
        .join(', ');
      await this.connection.run(
        `COPY (SELECT * EXCLUDE (p_seq) FROM ${stageTable(name)} WHERE p_seq <= ${bound}` +
          `${fileOrder(info)}) ` +
          `TO ${literal(dir)} (FORMAT parquet, COMPRESSION ${this.options.compression}, ` +
          `ROW_GROUP_SIZE ${this.options.rowGroupSize}, PARTITION_BY (${partitions}), ` +
          `FILENAME_PATTERN 'part_{uuid}')`,
      );
      await this.connection.run('BEGIN TRANSACTION');
      try {
        await this.connection.run(`DELETE FROM ${stageTable(name)} WHERE p_seq <= ${bound}`);
        await this.connection.run(
          `INSERT INTO ${CATALOG.flushes} VALUES (${literal(id)}, ${literal(name)}, now())`,
        );
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      this.publish(dir, name);
      await this.connection.run(`DELETE FROM ${CATALOG.flushes} WHERE id = ${literal(id)}`);
      await this.refreshView(name);
      return count;
    });
  }

  /** Moves every file of a finished flush directory into the stream's tree. */
  private publish(flushDir: string, stream: string): void {
    const target = join(this.options.dataDir, stream);
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const destination = join(target, relative(flushDir, path));
          mkdirSync(join(destination, '..'), { recursive: true });
          renameSync(path, destination);
        }
      }
    };
    if (existsSync(flushDir)) walk(flushDir);
    rmSync(flushDir, { recursive: true, force: true });
  }

  private parquetGlob(name: string): string | undefined {
    const dir = join(this.options.dataDir, name);
    const hasFiles = (path: string): boolean =>
      existsSync(path) &&
      readdirSync(path).some((entry) => {
        const child = join(path, entry);
        return statSync(child).isDirectory() ? hasFiles(child) : entry.endsWith('.parquet');
      });
    return hasFiles(dir) ? `${dir}/**/*.parquet` : undefined;
  }

  /** The stream's view: Parquet files and staged rows, with the same columns. */
  private async refreshView(name: string): Promise<void> {
    const glob = this.parquetGlob(name);
    const staged = `SELECT * EXCLUDE (p_seq) FROM ${stageTable(name)}`;
    const stored = glob
      ? `SELECT * FROM read_parquet(${literal(glob)}, hive_partitioning = true, hive_types_autocast = false, union_by_name = true)`
      : undefined;
    await this.connection.run(
      `CREATE OR REPLACE VIEW main.${quote(name)} AS ${stored ? `${stored} UNION ALL BY NAME ` : ''}${staged}`,
    );
  }

  /**
   * The newest event of each instrument (`instrument_id`), from memory; loaded from storage on the
   * first call after start. All instruments when `instruments` is empty.
   */
  latest(name: string, instruments: readonly string[] = []): Promise<Row[]> {
    return this.exclusive(async () => {
      const info = this.stream(name);
      let latest = this.latestRows.get(name);
      if (!latest) {
        latest = new Map();
        if (hasField(info, 'instrument_id')) {
          const order = hasField(info, 'datetime')
            ? '"datetime" DESC, p_timestamp DESC'
            : 'p_timestamp DESC';
          const rows = await this.rows(
            `SELECT * EXCLUDE (p_timestamp, p_date) FROM ${quote(name)} WHERE instrument_id IS NOT NULL ` +
              `QUALIFY row_number() OVER (PARTITION BY instrument_id ORDER BY ${order}) = 1`,
          );
          for (const row of rows) rememberLatest(latest, withoutNulls(row));
        }
        this.latestRows.set(name, latest);
      }
      const wanted = instruments.length > 0 ? instruments : [...latest.keys()].sort();
      return wanted.flatMap((id) => {
        const row = latest.get(id);
        return row ? [row] : [];
      });
    });
  }

  /**
   * OHLCV bars of one instrument from its ticks (`datetime`, `last_price`, cumulative `volume`,
   * optional cumulative `amount` and `open_interest`). Intraday bars start on multiples of the
   * period (Beijing and UTC agree on whole hours); a bar's volume is the rise of the cumulative
   * volume since the previous bar of the same trading day. Daily bars group by trading day
   * (`p_date`), so the night session belongs to the next day.
   */
  bars(
    name: string,
    instrument: string,
    period: BarPeriod,
    range: { start?: Date; end?: Date } = {},
  ): Promise<Row[]> {
    return this.exclusive(async () => {
      const info = this.stream(name);
      const has = (field: string) => hasField(info, field);
      for (const field of ['instrument_id', 'datetime', 'last_price', 'volume'])
        if (!has(field))
          throw new TsdbError(
            'TSDB_SQL_ERROR',
            `stream ${name} has no ${field} field for bars`,
            field,
          );
      const sql = barsSql(
        this.instrumentSource(name, instrument),
        info.fields,
        instrument,
        period,
        range,
      );
      try {
        return await this.rows(sql);
      } catch (error) {
        throw new TsdbError('TSDB_SQL_ERROR', (error as Error).message);
      }
    });
  }

  /** Runs one read-only SQL statement; stream names are tables (staged rows included). */
  query(sql: string, range: { start?: Date; end?: Date } = {}): Promise<Row[]> {
    return this.exclusive(async () => {
      await assertReadOnlyText(this.connection, sql);
      return readLimited(
        this.connection,
        range.start || range.end ? this.withRange(sql, range) : sql,
        this.options,
      );
    });
  }

  /**
   * One instrument's rows. When the stream is partitioned by `instrument_id`, only that
   * instrument's Parquet directories are read (plus its staged rows) instead of the whole view.
   */
  private instrumentSource(name: string, instrument: string): string {
    const info = this.stream(name);
    if (info.partitionBy !== 'instrument_id' || !/^[A-Za-z0-9._-]+$/.test(instrument))
      return quote(name);
    const dir = join(this.options.dataDir, name);
    const hasFiles =
      existsSync(dir) &&
      readdirSync(dir).some((day) => existsSync(join(dir, day, `instrument_id=${instrument}`)));
    const staged = `SELECT * EXCLUDE (p_seq) FROM ${stageTable(name)} WHERE instrument_id = ${literal(instrument)}`;
    if (!hasFiles) return `(${staged})`;
    const glob = `${dir}/*/instrument_id=${instrument}/*.parquet`;
    return (
      `(SELECT * FROM read_parquet(${literal(glob)}, hive_partitioning = true, hive_types_autocast = false, union_by_name = true) ` +
      `UNION ALL BY NAME ${staged})`
    );
  }

  /** Runs one read-only SQL statement and returns its result as a zstd Parquet file's bytes. */
  exportParquet(sql: string, range: { start?: Date; end?: Date } = {}): Promise<Buffer> {
    return this.exclusive(async () => {
      const text = await this.userSql(sql, range);
      const file = join(this.options.stagingDir, `export-${randomUUID()}.parquet`);
      try {
        await runLimited(this.connection, this.options, () =>
          this.connection.run(
            `COPY (${text}) TO ${literal(file)} (FORMAT parquet, COMPRESSION ${this.options.compression})`,
          ),
        );
        const { maxResultBytes } = this.options;
        if (statSync(file).size > maxResultBytes)
          throw new TsdbError(
            'TSDB_SQL_REFUSED',
            `the result is larger than ${maxResultBytes} bytes (QADB_MAX_RESULT_BYTES): select fewer columns or rows`,
          );
        return readFileSync(file);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }

  /** A user's statement after the read-only check, limited to the time range when one is given. */
  private async userSql(sql: string, range: { start?: Date; end?: Date }): Promise<string> {
    await assertReadOnly(this.connection, sql);
    return range.start || range.end ? this.withRange(sql, range) : sql;
  }

  /** Shadows every stream the query names with the rows whose `p_timestamp` is in the range. */
  private withRange(sql: string, range: { start?: Date; end?: Date }): string {
    const named = this.listStreams().filter((name) =>
      new RegExp(`(^|[^A-Za-z0-9_])"?${name.replace(/[-]/g, '\\-')}"?([^A-Za-z0-9_]|$)`).test(sql),
    );
    if (named.length === 0) return sql;
    const conditions = [
      range.start ? `p_timestamp >= ${literal(range.start.toISOString())}::TIMESTAMPTZ` : undefined,
      range.end ? `p_timestamp < ${literal(range.end.toISOString())}::TIMESTAMPTZ` : undefined,
    ]
      .filter(Boolean)
      .join(' AND ');
    const ctes = named
      .map((name) => `${quote(name)} AS (SELECT * FROM main.${quote(name)} WHERE ${conditions})`)
      .join(', ');
    return `WITH ${ctes} ${sql}`;
  }

  async close(): Promise<void> {
    await this.queue;
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

export { BAR_PERIOD_MS, barsSql, quoteIdentifier, streamNameProblem, STREAM_NAME_RULE };
export type { BarPeriod, Row };
