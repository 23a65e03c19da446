import { withoutCredentials } from '@qautlra/platform';
import { randomUUID } from 'node:crypto';
import { DiffClientMessage, InsertOrder } from '@qautlra/diff';
import { Qifi, QifiOrder } from '@qautlra/qifi';
import { accountFacts, documentView } from '@qautlra/execution';
import { checkOrder, OrderRateLimiter, RiskOrder } from '@qautlra/risk';
import type { TraderAccountConfig } from '../config';
import type { TraderEvent, TraderEventSink } from '../events/trader-events';
import { MqMessageError, parseMqMessage, TraderCommand } from '../intake/mq-message';
import { DiffTradeClient, SessionStatus } from '@qautlra/clients';
import { TradePublisher } from './trade-publisher';
import type { TraderStore } from '../store/trader-store';
import { instrumentFacts } from './instrument-facts';
import { localStamp, QifiMirror } from '@qautlra/clients';

/** How a submitted command ended (REST answers with it; an MQ delivery is acked on it). */
export type SubmitResult =
  | { ok: true; topic: string; order_id?: string; order?: QifiOrder }
  | { ok: false; code: string; message: string; order_id?: string };

export type Done = (result: SubmitResult) => void;

/**
 * How an order the server shows ended when the server refused it (risk or the account engine:
 * finished at once, nothing traded, the reason in `last_msg`), else undefined. A cancel or an
 * unfilled IOC order (`已撤单…`) is not a refusal.
 */
export function serverRefusal(order: QifiOrder): string | undefined {
  const refused =
    order.status === 'FINISHED' &&
    order.volume_left === order.volume_orign &&
    !order.last_msg.startsWith('已撤单');
  return refused ? order.last_msg || 'refused by the trade server' : undefined;
}

/** The result of an order the server shows: confirmed, or its refusal. */
function shownResult(orderId: string, order: QifiOrder): SubmitResult {
  const refusal = serverRefusal(order);
  return refusal === undefined
    ? { ok: true, topic: 'sendorder', order_id: orderId, order }
    : { ok: false, code: 'ORDER_REFUSED', message: refusal, order_id: orderId };
}

interface Unconfirmed {
  order: InsertOrder;
  done: Done[];
  /** Session number it was last sent on (0 = not sent yet). */
  sentOn: number;
  receivedAt: number;
}

interface Waiting {
  command: TraderCommand;
  done: Done;
}

export interface AccountOptions {
  config: TraderAccountConfig;
  store: TraderStore;
  events: TraderEventSink;
  amqpUrl?: string;
  databaseUrl?: string;
  orderTimeoutMs: number;
  log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Metrics hooks. */
  onOrderConfirmed?: (account: string, ms: number) => void;
  onRefused?: (account: string, code: string) => void;
  onTradePublished?: (account: string) => void;
}

/** Time the trader waits after a login for the server's snapshot before it acts on what it has. */
const SNAPSHOT_GRACE_MS = 2_000;
/** Quiet time before the QIFI document is written after a change. */
const SAVE_DEBOUNCE_MS = 200;
/** Under continuous changes the document is written at most this often… */
const SAVE_MIN_INTERVAL_MS = 1_000;

/**
 * One account's bridge: intake commands → pre-trade risk → DIFF session to the trade server; the
 * server's frames → the QIFI mirror → PostgreSQL and QATRANSACTION.
 *
 * An order is "handed over" when the trade server shows it in the account's orders; only then is
 * the intake message acknowledged. Orders not shown when a session ends are kept; after the next
 * login and snapshot, those the server has are confirmed and only those it does not have are sent
 * again, with the same `order_id` (which the server deduplicates). An order the server has not
 * shown within `orderTimeoutMs` is given up with an error event.
 */
export class TraderAccount {
  readonly mirror: QifiMirror;
  readonly session: DiffTradeClient;
  private readonly unconfirmed = new Map<string, Unconfirmed>();
  private readonly waiting: Waiting[] = [];
  private readonly limiter = new OrderRateLimiter();
  private knownTrades = new Set<string>();
  private currentSession = 0;
  /** The current session's snapshot has arrived (or the grace time passed). */
  private synced = false;
  private graceTimer?: NodeJS.Timeout;
  private saveTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private saving: Promise<void> = Promise.resolve();
  private readonly publisher: TradePublisher;
  private stopped = false;
  /** The last document write's duration and end, to keep writing a big document from hogging the loop. */
  private lastSaveMs = 0;
  private lastSaveEnd = 0;
  /** The trading day whose snapshot row was last written. */
  private lastDailyDay = '';
  /** Orders and trades changed since the last save; the next save writes only them. */
  private readonly dirtyOrders = new Set<string>();
  private readonly dirtyTrades = new Set<string>();
  /** The next save writes every order and trade (first save, new login, new day, failed save). */
  private fullSave = true;
  readonly counters = { received: 0, sent: 0, confirmed: 0, refused: 0, trades_published: 0 };

  constructor(private readonly options: AccountOptions) {
    const { config } = options;
    this.publisher = new TradePublisher({
      account: config.account,
      store: options.store,
      events: options.events,
      log: options.log,
      onPublished: () => {
        this.counters.trades_published += 1;
        options.onTradePublished?.(config.account);
      },
      onNotRecorded: (trades) => {
        for (const trade of trades) this.knownTrades.delete(trade.trade_id);
      },
    });
    this.mirror = new QifiMirror({
      account: config.account,
      portfolio: config.portfolio,
      broker: config.broker,
      wsuri: withoutCredentials(config.wsuri),
      eventmqIp: withoutCredentials(options.amqpUrl ?? ''),
      databaseIp: withoutCredentials(options.databaseUrl ?? ''),
      taskid: config.taskid,
      pingGap: config.pingGap,
    });
    this.session = new DiffTradeClient(
      {
        url: config.wsuri,
        account: config.account,
        password: config.password,
        broker: config.broker,
        pingGapMs: config.pingGap * 1000,
      },
      {
        onFrame: (frame, session) => this.onFrame(frame, session),
        onReady: (session) => this.onReady(session),
        onState: (state, detail) =>
          state === 'login_failed' || (state === 'disconnected' && detail)
            ? options.log(
                'warn',
                `${config.account}: session ${state}${detail ? `: ${detail}` : ''}`,
              )
            : undefined,
        onPong: () => this.scheduleSave(0),
      },
    );
  }

  get account(): string {
    return this.options.config.account;
  }

  get document(): Qifi {
    return this.mirror.document;
  }

  async start(): Promise<void> {
    const stored = await this.options.store.findDocument(this.account);
    if (stored) {
      Object.assign(this.mirror.document.event, stored.event);
      Object.assign(this.mirror.document.settlement, stored.settlement);
    }
    this.knownTrades = await this.options.store.knownTrades(this.account);
    // Trades recorded but not published before a crash go out first.
    this.publisher.publishRecorded(await this.options.store.unpublished(this.account));
    this.sweepTimer = setInterval(() => this.sweep(), 1_000);
    this.session.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.graceTimer);
    clearTimeout(this.saveTimer);
    clearInterval(this.sweepTimer);
    await this.session.stop();
    await this.publisher.idle();
    await this.flushSave();
  }

  status(): {
    account: string;
    broker: string;
    wsuri: string;
    session: SessionStatus;
    synced: boolean;
    unconfirmed_orders: number;
    waiting_commands: number;
    trading_day: string;
    qifi_status: number;
    counters: TraderAccount['counters'];
  } {
    return {
      account: this.account,
      broker: this.options.config.broker,
      wsuri: this.options.config.wsuri,
      session: this.session.snapshot(),
      synced: this.synced,
      unconfirmed_orders: this.unconfirmed.size,
      waiting_commands: this.waiting.length,
      trading_day: this.document.trading_day,
      qifi_status: this.document.status,
      counters: { ...this.counters },
    };
  }

  /**
   * Takes one intake message (MQ body, REST body, BullMQ job data). `done` is called once: when the
   * command was handed to the trade server, or refused (then an error event went out too).
   */
  submit(input: unknown, done: Done, hints: { messageId?: string } = {}): void {
    let command: TraderCommand;
    try {
      command = parseMqMessage(input, this.account);
    } catch (error) {
      this.counters.received += 1;
      const failure = error as MqMessageError;
      this.refuse(done, failure.code ?? 'INVALID_MESSAGE', failure.message, {
        input: printable(input),
      });
      return;
    }
    this.submitCommand(command, done, hints);
  }

  /** A message already parsed (the REST intake parses in its pipe and answers a bad one itself). */
  submitCommand(command: TraderCommand, done: Done, hints: { messageId?: string } = {}): void {
    this.counters.received += 1;
    if (command.message.aid === 'insert_order' && command.message.order_id === undefined)
      // No order id: the AMQP message id makes a redelivery the same order; else a fresh one.
      command.message.order_id = hints.messageId
        ? `mq-${hints.messageId}`.slice(0, 128)
        : randomUUID();
    if (!this.synced) {
      this.waiting.push({ command, done });
      return;
    }
    this.dispatch(command, done);
  }

  private dispatch(command: TraderCommand, done: Done): void {
    const message = command.message;
    if (message.aid === 'insert_order') {
      this.insert(message, done);
      return;
    }
    if (message.aid === 'cancel_order') {
      const verdict = this.limiter.check(
        'cancel',
        Date.now(),
        this.tradingDay(),
        this.options.config.risk,
      );
      if (!verdict.ok) {
        this.refuse(done, verdict.rule, verdict.message, { order_id: message.order_id });
        return;
      }
      this.limiter.record('cancel', Date.now(), this.tradingDay());
    }
    if (!this.session.ready || !this.synced) {
      this.waiting.push({ command, done });
      return;
    }
    this.send(message);
    done({
      ok: true,
      topic: command.topic,
      order_id: 'order_id' in message ? message.order_id : undefined,
    });
  }

  private insert(order: InsertOrder, done: Done): void {
    const orderId = order.order_id as string;
    const shown = this.mirror.order(orderId);
    if (shown) {
      // Already handed over (a redelivery after a crash, or a retry): confirm, do not send again.
      done(shownResult(orderId, shown));
      return;
    }
    const pending = this.unconfirmed.get(orderId);
    if (pending) {
      pending.done.push(done);
      return;
    }
    const verdict = this.check(order);
    if (!verdict.ok) {
      this.refuse(done, verdict.rule, `下单失败: ${verdict.message}`, { order_id: orderId });
      return;
    }
    this.limiter.record('order', Date.now(), this.tradingDay());
    const entry: Unconfirmed = { order, done: [done], sentOn: 0, receivedAt: Date.now() };
    this.unconfirmed.set(orderId, entry);
    if (this.session.ready && this.synced) this.sendOrder(entry);
  }

  private check(order: InsertOrder) {
    const { risk } = this.options.config;
    const rate = this.limiter.check('order', Date.now(), this.tradingDay(), risk);
    if (!rate.ok) return rate;
    const riskOrder: RiskOrder = {
      order_id: order.order_id ?? '',
      exchange_id: order.exchange_id,
      instrument_id: order.instrument_id,
      direction: order.direction,
      offset: order.offset,
      volume: order.volume,
      price_type: order.price_type,
      limit_price: order.limit_price,
    };
    return checkOrder(
      riskOrder,
      instrumentFacts(this.document, order.exchange_id, order.instrument_id),
      accountFacts(
        documentView(this.document, this.mirror.aliveOrders()),
        'ACTIVE',
        [...this.unconfirmed.values()].map((entry) => entry.order),
      ),
      risk,
    );
  }

  private tradingDay(): string {
    return this.document.trading_day || new Date().toISOString().slice(0, 10).replace(/-/g, '');
  }

  private sendOrder(entry: Unconfirmed): void {
    if (this.send(entry.order)) entry.sentOn = this.currentSession;
  }

  private send(message: DiffClientMessage): boolean {
    const sent = this.session.send(message);
    if (sent) this.counters.sent += 1;
    return sent;
  }

  private refuse(
    done: Done,
    code: string,
    message: string,
    extra: { input?: unknown; order_id?: string } = {},
  ): void {
    this.counters.refused += 1;
    this.options.onRefused?.(this.account, code);
    this.options.log('warn', `${this.account}: ${code}: ${message}`);
    this.mirror.recordEvent(`${code}: ${message}`);
    this.scheduleSave();
    const event: TraderEvent = {
      topic: 'error',
      account_cookie: this.account,
      code,
      message,
      time: new Date().toISOString(),
      ...extra,
    };
    this.options.events.publishEvent(event);
    done({ ok: false, code, message, order_id: extra.order_id });
  }

  private onReady(session: number): void {
    this.currentSession = session;
    this.synced = false;
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => this.onSynced(), SNAPSHOT_GRACE_MS);
  }

  private onFrame(frame: Record<string, unknown>, session: number): void {
    if (session !== 0 && session !== this.currentSession) {
      // A new login: the server sends the whole section again.
      this.currentSession = session;
      this.mirror.beginSession();
      this.fullSave = true;
    }
    this.closeDayIfNew(frame);
    const change = this.mirror.apply(frame);
    for (const id of change.orders) this.dirtyOrders.add(id);
    for (const trade of change.trades) this.dirtyTrades.add(trade.trade_id);
    if (change.queryBank)
      this.send({
        aid: 'qry_bankcapital',
        bank_id: '',
        future_account: this.account,
        future_password: this.options.config.password,
        bank_password: this.options.config.bankPassword,
        currency: 'CNY',
      });
    for (const id of change.orders) this.confirm(id);
    if (change.trades.length > 0) {
      const fresh = change.trades.filter((trade) => !this.knownTrades.has(trade.trade_id));
      for (const trade of fresh) this.knownTrades.add(trade.trade_id);
      if (fresh.length > 0) this.publisher.recordAndPublish(fresh);
    }
    if (change.changed || change.notices.length > 0) this.scheduleSave();
    if (change.changed && !this.synced && this.session.ready) this.onSynced();
  }

  /** A frame that moves the trading day: the ending day's last state goes to its daily row first. */
  private closeDayIfNew(frame: Record<string, unknown>): void {
    const day = this.document.trading_day;
    if (!day || !Array.isArray(frame.data)) return;
    const next = (frame.data as unknown[])
      .map(
        (part) =>
          (part as { trade?: Record<string, { session?: { trading_day?: unknown } }> })?.trade?.[
            this.account
          ]?.session?.trading_day,
      )
      .find((value) => typeof value === 'string' || typeof value === 'number');
    if (next === undefined || String(next) === day) return;
    this.fullSave = true;
    const text = JSON.stringify(this.document);
    this.saving = this.saving.then(() =>
      this.options.store
        .saveDaily(this.account, day, text)
        .catch((error: Error) =>
          this.options.log(
            'error',
            `${this.account}: saving the ${day} snapshot failed: ${error.message}`,
          ),
        ),
    );
  }

  /** The snapshot is in: confirm or re-send what the old session left, then the waiting commands. */
  private onSynced(): void {
    clearTimeout(this.graceTimer);
    if (this.synced || !this.session.ready) return;
    this.synced = true;
    for (const [id, entry] of [...this.unconfirmed]) {
      if (this.mirror.order(id)) this.confirm(id);
      else if (entry.sentOn !== this.currentSession) this.sendOrder(entry);
    }
    const waiting = this.waiting.splice(0);
    for (const { command, done } of waiting) this.dispatch(command, done);
  }

  private confirm(orderId: string): void {
    const entry = this.unconfirmed.get(orderId);
    if (!entry) return;
    const order = this.mirror.order(orderId);
    if (!order) return;
    this.unconfirmed.delete(orderId);
    this.counters.confirmed += 1;
    this.options.onOrderConfirmed?.(this.account, Date.now() - entry.receivedAt);
    for (const done of entry.done) done(shownResult(orderId, order));
  }

  /** Gives up orders the server has not shown in time. */
  private sweep(): void {
    const limit = Date.now() - this.options.orderTimeoutMs;
    for (const [id, entry] of [...this.unconfirmed]) {
      if (entry.receivedAt > limit) continue;
      this.unconfirmed.delete(id);
      const message = `下单失败: the trade server did not show order ${id} within ${this.options.orderTimeoutMs / 1000} s (session ${this.session.state}); it was not re-sent`;
      for (const done of entry.done) this.refuse(done, 'NOT_CONFIRMED', message, { order_id: id });
    }
  }

  private scheduleSave(quiet = SAVE_DEBOUNCE_MS): void {
    if (this.stopped && quiet > 0) return;
    if (this.saveTimer && quiet > 0) return;
    // At most ~1/10 of the time spent writing a large document: wait 10× the last write after it.
    const delay = Math.max(
      quiet,
      this.lastSaveEnd + Math.max(SAVE_MIN_INTERVAL_MS, 10 * this.lastSaveMs) - Date.now(),
    );
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.flushSave();
    }, delay);
  }

  /** Writes the document now (after any write in progress). */
  flushSave(): Promise<void> {
    this.saving = this.saving.then(async () => {
      this.document.updatetime = localStamp();
      const started = Date.now();
      try {
        const day = this.document.trading_day;
        // The day's snapshot row once a day and at stop: the incremental rows hold the rest.
        const daily = this.stopped || day !== this.lastDailyDay;
        const changes = this.fullSave
          ? undefined
          : { orders: [...this.dirtyOrders], trades: [...this.dirtyTrades] };
        this.fullSave = false;
        this.dirtyOrders.clear();
        this.dirtyTrades.clear();
        try {
          await this.options.store.saveDocument(this.document, daily, changes);
        } catch (error) {
          this.fullSave = true;
          throw error;
        }
        if (daily) this.lastDailyDay = day;
        this.lastSaveEnd = Date.now();
        this.lastSaveMs = this.lastSaveEnd - started;
        this.publisher.retryUnpublished();
      } catch (error) {
        this.options.log(
          'error',
          `${this.account}: saving QIFI failed: ${(error as Error).message}`,
        );
      }
    });
    return this.saving;
  }
}

function printable(input: unknown): unknown {
  if (Buffer.isBuffer(input)) return input.toString('utf8').slice(0, 2_000);
  if (typeof input === 'string') return input.slice(0, 2_000);
  return input;
}
