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
