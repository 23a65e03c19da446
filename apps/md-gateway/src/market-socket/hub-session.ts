import {
  CalendarError,
  epochMsToBeijing,
  futuresTradingDay,
  toCompactDate,
} from '@qautlra/calendar';
import { datetimeToEpochMs, MDSnapshot, OptionalF64, parseInstrumentId } from '@qautlra/qamd';
import type { QuoteBatch } from '../distributor/market-distributor';
import type { SourceStatus } from '../sources/market-source';
import { SocketSession, unknownInstrumentsText } from './socket-session';

/** The core hub's 22-field `MarketData` (`qautlra-rs/src/server/websocket/mdsession.rs`), in its field order. */
export interface HubMarketData {
  trading_day: string;
  instrument_id: string;
  exchange_id: string;
  exchange_inst_id: string;
  last_price: number;
  pre_settlement_price: number;
  pre_close_price: number;
  pre_open_interest: number;
  open_price: number;
  highest_price: number;
  lowest_price: number;
  volume: number;
  turnover: number;
  open_interest: number;
  upper_limit_price: number;
  lower_limit_price: number;
  update_time: string;
  update_millisec: number;
  bid_price1: number;
  bid_volume1: number;
  ask_price1: number;
  ask_volume1: number;
}

const numberOf = (value: OptionalF64): number => (typeof value === 'number' ? value : 0);

/** A QAMD snapshot in the hub's MarketData form; `instrumentId` is the id as the client wrote it. */
export function toHubMarketData(snapshot: MDSnapshot, instrumentId: string): HubMarketData {
  const epochMs = datetimeToEpochMs(snapshot.datetime);
  const { date, time } = epochMsToBeijing(epochMs);
  let tradingDay: string;
  try {
    tradingDay = toCompactDate(futuresTradingDay(epochMs));
  } catch (error) {
    if (!(error instanceof CalendarError)) throw error;
    tradingDay = toCompactDate(date);
  }
  const { exchange, code } = parseInstrumentId(snapshot.instrument_id);
  return {
    trading_day: tradingDay,
    instrument_id: instrumentId,
    exchange_id: exchange,
    exchange_inst_id: code,
    last_price: snapshot.last_price,
    pre_settlement_price: numberOf(snapshot.pre_settlement),
    pre_close_price: snapshot.pre_close,
    pre_open_interest: numberOf(snapshot.pre_open_interest),
    open_price: snapshot.open,
    highest_price: snapshot.highest,
    lowest_price: snapshot.lowest,
    volume: snapshot.volume,
    turnover: snapshot.amount,
    open_interest: numberOf(snapshot.open_interest),
    upper_limit_price: snapshot.upper_limit,
    lower_limit_price: snapshot.lower_limit,
    update_time: time,
    update_millisec: epochMs % 1000,
    bid_price1: snapshot.bid_price1,
    bid_volume1: snapshot.bid_volume1,
    ask_price1: snapshot.ask_price1,
    ask_volume1: snapshot.ask_volume1,
  };
}

const reply = (data: unknown, topic: string, code: number) => JSON.stringify({ data, topic, code });

/**
 * One `/ws/marketdata` connection: the core hub protocol — `{"op":"subscribe","symbols":[…]}` /
 * `unsubscribe`, replies only for a non-empty `symbols` array (§14 H7), errors with `topic:"error"`
 * and code 400, quotes as `{"data":MarketData,"topic":"marketdata","code":200}`.
 */
export class HubSession extends SocketSession {
  protected dispatch(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (cause) {
      this.transport.send(reply((cause as Error).message, 'error', 400));
      return;
    }
    const record = (typeof message === 'object' && message !== null ? message : {}) as Record<
      string,
      unknown
    >;
    if (record.op === undefined) {
      this.transport.send(reply('Missing operation', 'error', 400));
      return;
    }
    if (record.op !== 'subscribe' && record.op !== 'unsubscribe') {
      this.transport.send(reply('Unknown operation', 'error', 400));
      return;
    }
    const symbols = Array.isArray(record.symbols)
      ? record.symbols.filter((item): item is string => typeof item === 'string')
      : [];
    if (symbols.length === 0) return;
    if (record.op === 'subscribe') {
      const change = this.distributor.addSubscriptions(this.id, symbols);
      const unknown = unknownInstrumentsText(change.unknown);
      if (unknown) this.transport.send(reply(unknown, 'error', 400));
      if (change.overLimit.length > 0)
        this.transport.send(
          reply(
            `Subscription limit of ${this.distributor.maxPerClient} reached; not subscribed: ${change.overLimit.join(',')}`,
            'error',
            400,
          ),
        );
      // Only when something was subscribed: refused ids are not echoed as subscribed.
      if (change.unknown.length + change.overLimit.length < new Set(symbols).size)
        this.transport.send(reply('Subscribed', 'subscribe', 200));
    } else {
      this.distributor.removeSubscriptions(this.id, symbols);
      this.transport.send(reply('Unsubscribed', 'unsubscribe', 200));
    }
  }

  /** Source state changes: `{"data":{name,state,detail,since},"topic":"status","code":200}`. */
  protected sendStatus(status: SourceStatus): void {
    this.transport.send(reply(status, 'status', 200));
  }

  protected sendQuotes(quotes: QuoteBatch): void {
    for (const key of Object.keys(quotes)) {
      const snapshot = this.distributor.latest(key);
      if (snapshot) this.transport.send(reply(toHubMarketData(snapshot, key), 'marketdata', 200));
    }
  }
}
