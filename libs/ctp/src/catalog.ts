import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The CTP API catalog of a layout (native-ctp/scripts/layouts.js over native-ctp/spec/ctp-api-6.3.15.json):
 * typedefs, struct field order and class method order. The C++ side is generated from the same layouts
 * (native-ctp/scripts/generate.js), so the layouts computed here are those the compiler lays out — checked
 * field by field against each addon's offsetof table in the tests.
 */
interface CatalogFile {
  typedefs: Record<string, { c: 'char' | 'int' | 'short' | 'double'; length?: number }>;
  constants: Record<string, string>;
  structs: Record<string, { type: string; name: string }[]>;
  classes: Record<
    string,
    { kind: 'static' | 'virtual'; returns: string; name: string; params: string }[]
  >;
}

export type FieldKind = 'string' | 'char' | 'int' | 'short' | 'double';

export interface FieldLayout {
  readonly name: string;
  readonly kind: FieldKind;
  readonly offset: number;
  readonly size: number;
}

export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly FieldLayout[];
  readonly byName: ReadonlyMap<string, FieldLayout>;
}

/** A callback of an SPI class, by its vtable index. */
export interface SpiEvent {
  readonly index: number;
  readonly name: string;
  /** The struct its data pointer points to, if it has one (besides CThostFtdcRspInfoField). */
  readonly struct?: string;
}

/** A request method taking a struct image (and a request id). */
export interface ApiRequest {
  readonly index: number;
  readonly name: string;
  readonly struct: string;
}

/** The ABI layouts built: 6.3.15 (libraries ≤ 6.3.15) and 6.5.1 (market data of 6.5.1 … 6.7.11). */
export type CtpLayout = '6.3.15' | '6.5.1';

export interface CtpCatalog {
  readonly version: CtpLayout;
  /** Whether this layout drives the trader API (6.5.1 is market data only). */
  readonly trader: boolean;
  readonly structs: ReadonlyMap<string, StructLayout>;
  readonly constants: Readonly<Record<string, string>>;
  readonly mdEvents: readonly SpiEvent[];
  readonly traderEvents: readonly SpiEvent[];
  readonly mdRequests: ReadonlyMap<string, ApiRequest>;
  readonly traderRequests: ReadonlyMap<string, ApiRequest>;
}

const SIZE: Record<string, number> = { char: 1, short: 2, int: 4, double: 8 };

/** The repository's native-ctp folder, from here (source or dist). */
export function nativeCtpDir(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'native-ctp', 'package.json'))) return join(dir, 'native-ctp');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('native-ctp folder not found above ' + __dirname);
    dir = parent;
  }
}

interface Param {
  type: string;
  name: string;
  pointer: boolean;
}

/** native-ctp/scripts/layouts.js: the layouts, shared with the C++ generator. */
interface LayoutsModule {
  LAYOUTS: string[];
  catalogFor(layout: string): CatalogFile & { layout: string; trader: boolean };
  layoutForVersion(version: string): { layout?: CtpLayout; problem?: string };
  paramsOf(text: string): Param[];
}

let layouts: LayoutsModule | undefined;
/** The shared layout rules (plain JS, so the generator runs without a TypeScript build). */
export function layoutsModule(): LayoutsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  layouts ??= require(join(nativeCtpDir(), 'scripts', 'layouts.js')) as LayoutsModule;
  return layouts;
}

const paramsOf = (text: string): Param[] => layoutsModule().paramsOf(text);

/** Natural alignment on x86-64 SysV: char 1, short 2, int 4, double 8; char arrays 1. */
export function layoutOf(file: CatalogFile, name: string): StructLayout {
  const declared = file.structs[name];
  if (!declared) throw new Error(`no struct ${name}`);
  let offset = 0;
  let align = 1;
  const fields: FieldLayout[] = [];
  for (const f of declared) {
    const t = file.typedefs[f.type];
    if (!t) throw new Error(`no typedef ${f.type}`);
    const unit = SIZE[t.c]!;
    const size = t.length ? t.length * unit : unit;
    const fieldAlign = unit;
    offset = Math.ceil(offset / fieldAlign) * fieldAlign;
    align = Math.max(align, fieldAlign);
    const kind: FieldKind = t.length ? 'string' : t.c;
    fields.push({ name: f.name, kind, offset, size });
    offset += size;
  }
  const size = Math.max(1, Math.ceil(offset / align) * align);
  return { name, size, fields, byName: new Map(fields.map((f) => [f.name, f])) };
}

function eventsOf(file: CatalogFile, cls: string): SpiEvent[] {
  return file.classes[cls]!.map((m, index) => {
    const data = paramsOf(m.params).find((p) => p.pointer && p.type !== 'CThostFtdcRspInfoField');
    return data ? { index, name: m.name, struct: data.type } : { index, name: m.name };
  });
}

function requestsOf(file: CatalogFile, cls: string): Map<string, ApiRequest> {
  const out = new Map<string, ApiRequest>();
  file.classes[cls]!.forEach((m, index) => {
    if (m.kind !== 'virtual' || m.returns !== 'int') return;
    const ps = paramsOf(m.params);
    const first = ps[0];
    if (!first || !first.pointer || !first.type.startsWith('CThostFtdc')) return;
    if (ps.length > 2 || (ps.length === 2 && ps[1]!.name !== 'nRequestID')) return;
    out.set(m.name, { index, name: m.name, struct: first.type });
  });
  return out;
}

const cache = new Map<string, CtpCatalog>();

export function loadCatalog(version: CtpLayout = '6.3.15'): CtpCatalog {
  const cached = cache.get(version);
  if (cached) return cached;
  const file = layoutsModule().catalogFor(version);
  const catalog: CtpCatalog = {
    version,
    trader: file.trader,
    structs: new Map(Object.keys(file.structs).map((name) => [name, layoutOf(file, name)])),
    constants: file.constants,
    mdEvents: eventsOf(file, 'CThostFtdcMdSpi'),
    traderEvents: eventsOf(file, 'CThostFtdcTraderSpi'),
    mdRequests: requestsOf(file, 'CThostFtdcMdApi'),
    traderRequests: requestsOf(file, 'CThostFtdcTraderApi'),
  };
  cache.set(version, catalog);
  return catalog;
}
