import type { InsertOrder } from '@qautlra/diff';
import { parseInstrumentId } from '@qautlra/qamd';
import {
  buyLotOf,
  defaultPresetFor,
  FuturesPreset,
  Qifi,
  QifiAccountFields,
  QifiOrder,
  QifiPosition,
  QifiTrade,
} from '@qautlra/qifi';
import { splitClose } from './offset-converter';
import {
  MarketBar,
  MarketTick,
  OrderOptions,
  ParameterValues,
  positionView,
  PositionView,
  Strategy,
  StrategyContext,
} from './strategy';

/** One account as a venue shows it to a strategy. */
export interface VenueAccount {
  account(): QifiAccountFields;
  toQifi(): Qifi;
  position(key: string): QifiPosition | undefined;
  aliveOrders(): QifiOrder[];
}

/**
 * Where a strategy's orders go: the backtest engine (the execution core on replayed data), the
 * paper broker or a live one. Orders are DIFF `insert_order` messages, as a client sends them.
 */
export interface Venue {
  now(): number;
  tradingDay(): string;
  account(name: string): VenueAccount | undefined;
  insert(account: string, order: InsertOrder): void;
  cancel(account: string, orderId: string): void;
  /**
   * Orders sent that the account does not show yet (a backtest's orders waiting for the next
   * bar; a live venue's orders in flight): `cancelAll` and `targetPosition` cancel them too.
   */
  pending?(account: string, instrument?: string): readonly InsertOrder[];
}

export interface StrategyRunnerOptions {
  /** Accounts the strategy trades; the first is its default. */
  accounts: readonly string[];
  /** Prefix of the order ids the runner makes (`<prefix><n>`). */
  orderIdPrefix?: string;
  /** Finished bars kept per instrument for `context.bars` (default 2,000). */
  barHistory?: number;
  log?: (message: string, at: number) => void;
  /** Contract presets (default: the platform's futures table and the stock default). */
  presetFor?: (exchange: string, instrument: string) => FuturesPreset | undefined;
}

/**
 * Runs a strategy against a venue: implements its context (orders, positions, the account) and
 * hands it market data and its own order and trade updates. The same runner serves backtests and
 * live runs; only the venue differs.
 */
export class StrategyRunner<P extends ParameterValues = ParameterValues> {
  readonly context: StrategyContext<P>;
  private sequence = 0;
  private readonly history = new Map<string, MarketBar[]>();
  private readonly barHistory: number;
  private readonly prefix: string;

  constructor(
    private readonly strategy: Strategy<P>,
    params: P,
    private readonly venue: Venue,
    private readonly options: StrategyRunnerOptions,
  ) {
    if (options.accounts.length === 0) throw new RangeError('a strategy needs an account');
    this.barHistory = options.barHistory ?? 2_000;
    this.prefix = options.orderIdPrefix ?? 's';
    this.context = this.makeContext(Object.freeze({ ...params }));
  }

  start(): void {
    this.strategy.onStart?.(this.context);
  }

  bar(bar: MarketBar): void {
    let bars = this.history.get(bar.instrument);
    if (!bars) this.history.set(bar.instrument, (bars = []));
    bars.push(bar);
    if (bars.length > this.barHistory * 2) bars.splice(0, bars.length - this.barHistory);
    this.strategy.onBar?.(bar, this.context);
  }

  tick(tick: MarketTick): void {
    this.strategy.onTick?.(tick, this.context);
  }

  order(order: QifiOrder): void {
    this.strategy.onOrder?.(order, this.context);
  }

  trade(trade: QifiTrade): void {
    this.strategy.onTrade?.(trade, this.context);
  }

  day(tradingDay: string): void {
    this.strategy.onDay?.(tradingDay, this.context);
  }

  end(): void {
    this.strategy.onEnd?.(this.context);
  }

  /** Whether an order id is one this runner made. */
  owns(orderId: string): boolean {
    return orderId.startsWith(this.prefix);
  }

  private makeContext(params: Readonly<P>): StrategyContext<P> {
    const accounts = this.options.accounts;
    const venue = this.venue;
    const held = (name?: string): VenueAccount => {
      const key = name ?? accounts[0]!;
      const account = venue.account(key);
      if (!account) throw new RangeError(`unknown account ${key}`);
      return account;
    };
    const send = (
      instrument: string,
      direction: 'BUY' | 'SELL',
      offset: InsertOrder['offset'],
      volume: number,
      options: OrderOptions = {},
    ): string[] => {
      if (!Number.isSafeInteger(volume) || volume <= 0) return [];
      const { exchange, code } = parseInstrumentId(instrument);
      const account = options.account ?? accounts[0]!;
      held(account);
      this.sequence += 1;
      const orderId = `${this.prefix}${this.sequence}`;
      const limit = options.price;
      venue.insert(account, {
        aid: 'insert_order',
        user_id: account,
        order_id: orderId,
        exchange_id: exchange,
        instrument_id: code,
        direction,
        offset,
        volume,
        price_type: limit === undefined ? 'ANY' : 'LIMIT',
        ...(limit === undefined ? {} : { limit_price: limit }),
        volume_condition: 'ANY',
        time_condition: limit === undefined ? 'IOC' : (options.timeCondition ?? 'GFD'),
      });
      return [orderId];
    };
    const close = (
      instrument: string,
      direction: 'BUY' | 'SELL',
      volume: number,
      options: OrderOptions = {},
    ): string[] => {
      const { exchange } = parseInstrumentId(instrument);
      const position = held(options.account).position(instrument);
      return splitClose(exchange, direction, volume, position).flatMap((part) =>
        send(instrument, direction, part.offset, part.volume, options),
      );
    };
    const log = this.options.log ?? (() => undefined);
    const context: StrategyContext<P> = {
      params,
      accounts,
      now: () => venue.now(),
      tradingDay: () => venue.tradingDay(),
      account: (name) => held(name).account(),
      qifi: (name) => held(name).toQifi(),
      position: (instrument, name): PositionView =>
        positionView(instrument, held(name).position(instrument)),
      orders: (name) => held(name).aliveOrders(),
      buy: (instrument, volume, options) => send(instrument, 'BUY', 'OPEN', volume, options),
      sell: (instrument, volume, options) => close(instrument, 'SELL', volume, options),
      buyOpen: (instrument, volume, options) => send(instrument, 'BUY', 'OPEN', volume, options),
      sellOpen: (instrument, volume, options) => send(instrument, 'SELL', 'OPEN', volume, options),
      buyClose: (instrument, volume, options) => close(instrument, 'BUY', volume, options),
      sellClose: (instrument, volume, options) => close(instrument, 'SELL', volume, options),
      buyCloseToday: (instrument, volume, options) =>
        send(instrument, 'BUY', 'CLOSETODAY', volume, options),
      sellCloseToday: (instrument, volume, options) =>
        send(instrument, 'SELL', 'CLOSETODAY', volume, options),
      targetPosition: (instrument, net, options = {}) => {
        if (!Number.isSafeInteger(net))
          throw new RangeError(`target position ${net} must be a whole number of lots`);
        context.cancelAll(instrument, options.account);
        const now = context.position(instrument, options.account);
        const ids: string[] = [];
        if (net > now.net) {
          const wanted = net - now.net;
          const covered = Math.min(wanted, now.short);
          ids.push(...close(instrument, 'BUY', covered, options));
          ids.push(...send(instrument, 'BUY', 'OPEN', wanted - covered, options));
        } else if (net < now.net) {
          const wanted = now.net - net;
          const sold = Math.min(wanted, now.long);
          ids.push(...close(instrument, 'SELL', sold, options));
          ids.push(...send(instrument, 'SELL', 'OPEN', wanted - sold, options));
        }
        return ids;
      },
      cancel: (orderId, name) => venue.cancel(name ?? accounts[0]!, orderId),
      cancelAll: (instrument, name) => {
        const account = name ?? accounts[0]!;
        const orders = [
          ...held(account).aliveOrders(),
          ...(venue.pending?.(account, instrument) ?? []),
        ];
        for (const order of orders)
          if (
            order.order_id !== undefined &&
            (instrument === undefined ||
              `${order.exchange_id}.${order.instrument_id}` === instrument)
          )
            venue.cancel(account, order.order_id);
      },
      contract: (instrument) => {
        const { exchange, code } = parseInstrumentId(instrument);
        const preset = (this.options.presetFor ?? defaultPresetFor)(exchange, code);
        if (!preset) return undefined;
        const buyLot = buyLotOf(exchange, code);
        return {
          instrument,
          priceTick: preset.price_tick,
          volumeMultiple: preset.unit_table,
          ...(buyLot ? { buyLot } : {}),
          marginRatio: preset.buy_frozen_coeff,
        };
      },
      bars: (instrument, count) => {
        const bars = this.history.get(instrument) ?? [];
        return count === undefined ? bars.slice(-this.barHistory) : bars.slice(-count);
      },
      log: (message) => log(message, venue.now()),
    };
    return context;
  }
}
