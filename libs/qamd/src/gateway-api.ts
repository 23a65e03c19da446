/**
 * Shapes of the market-data gateway's API that its clients read too (the gateway's sources and the
 * browser app share them).
 */

/** Connection state of a source, reported to clients and `/api/status`. */
export type SourceState = 'connecting' | 'connected' | 'disconnected';

/** A source's state as reported to clients (`status` messages) and `/api/status`. */
export interface SourceStatus {
  name: string;
  state: SourceState;
  detail?: string;
  /** ISO time of the last state change. */
  since: string;
  /** Lines of an HTTP source refused (garbled, negative totals…) and fields dropped to 0, since start. */
  quality?: SourceQuality;
}

export interface SourceQuality {
  lines_refused: number;
  fields_dropped: number;
  /** The last refusal: `symbol: reason`. */
  last_refusal?: string;
}

/** What the gateway knows about an instrument a source serves (`GET /api/instruments`). */
export interface InstrumentInfo {
  id: string;
  exchange: string;
  product: string;
  name: string;
  priceTick: number;
  volumeMultiple: number;
  upperLimit: number;
  lowerLimit: number;
}

/**
 * An element of `GET /api/instruments` on the wire: snake_case like QAMD itself, plus the
 * camelCase names earlier releases sent (deprecated, to be dropped in the next release).
 */
export interface WireInstrumentInfo {
  id: string;
  exchange: string;
  product: string;
  name: string;
  price_tick: number;
  volume_multiple: number;
  upper_limit: number;
  lower_limit: number;
  /** @deprecated `price_tick` */
  priceTick: number;
  /** @deprecated `volume_multiple` */
  volumeMultiple: number;
  /** @deprecated `upper_limit` */
  upperLimit: number;
  /** @deprecated `lower_limit` */
  lowerLimit: number;
}

export function toWireInstrument(info: InstrumentInfo): WireInstrumentInfo {
  return {
    id: info.id,
    exchange: info.exchange,
    product: info.product,
    name: info.name,
    price_tick: info.priceTick,
    volume_multiple: info.volumeMultiple,
    upper_limit: info.upperLimit,
    lower_limit: info.lowerLimit,
    priceTick: info.priceTick,
    volumeMultiple: info.volumeMultiple,
    upperLimit: info.upperLimit,
    lowerLimit: info.lowerLimit,
  };
}

/**
 * An instrument as a gateway lists it — snake_case, or the camelCase of an older gateway — or
 * undefined when it lacks an id or a number.
 */
export function instrumentOfWire(value: unknown): InstrumentInfo | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = value as Record<string, unknown>;
  const text = (name: string) => (typeof item[name] === 'string' ? item[name] : '');
  const number = (snake: string, camel: string) => {
    const found = item[snake] ?? item[camel];
    return typeof found === 'number' && Number.isFinite(found) ? found : undefined;
  };
  const priceTick = number('price_tick', 'priceTick');
  const volumeMultiple = number('volume_multiple', 'volumeMultiple');
  const id = text('id');
  if (!id || priceTick === undefined || volumeMultiple === undefined) return undefined;
  return {
    id,
    exchange: text('exchange'),
    product: text('product'),
    name: text('name'),
    priceTick,
    volumeMultiple,
    upperLimit: number('upper_limit', 'upperLimit') ?? 0,
    lowerLimit: number('lower_limit', 'lowerLimit') ?? 0,
  };
}
