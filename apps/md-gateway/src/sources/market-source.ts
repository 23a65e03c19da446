import {
  type InstrumentInfo,
  MDSnapshot,
  parseInstrumentId,
  presetOf,
  productOf,
  type SourceQuality,
  type SourceState,
} from '@qautlra/qamd';

export type { InstrumentInfo, SourceState, SourceStatus } from '@qautlra/qamd';

/**
 * What the gateway knows of an instrument from its id alone (exchange, product, tick and
 * multiplier from the futures presets, the stock defaults otherwise), plus its limits. An id that
 * does not parse is kept as it is.
 */
export function instrumentInfoOf(
  id: string,
  upperLimit: number,
  lowerLimit: number,
): InstrumentInfo {
  let exchange = '';
  let code = id;
  try {
    ({ exchange, code } = parseInstrumentId(id));
  } catch {
    // keep the raw id
  }
  const preset = presetOf(code);
  return {
    id,
    exchange,
    product: productOf(code) || code,
    name: code,
    priceTick: preset.price_tick,
    volumeMultiple: preset.unit_table,
    upperLimit,
    lowerLimit,
  };
}

export interface SourceEvents {
  snapshot(snapshot: MDSnapshot): void;
  state(source: string, state: SourceState, detail?: string): void;
}

/**
 * A market-data source (sim, Sina, Tencent, upstream gateway, CTP). Instrument ids are canonical
 * `EXCHANGE.code`; snapshots come out with canonical `instrument_id`.
 */
export interface MarketSource {
  readonly name: string;
  serves(instrumentId: string): boolean;
  instruments(): InstrumentInfo[];
  start(events: SourceEvents): void;
  subscribe(instrumentIds: readonly string[]): void;
  unsubscribe(instrumentIds: readonly string[]): void;
  stop(): Promise<void>;
  /** What the source refused of its input (HTTP quote sources). */
  quality?(): SourceQuality;
}
