import { randomUUID } from 'node:crypto';
import { JsonObject, NotifyEntry } from '@qautlra/diff';
import { FuturesPreset, QifiAccount, QifiBankDetail, QifiError, QifiTrade } from '@qautlra/qifi';
import { AccountTradingState, riskLimits, RiskLimits } from '@qautlra/risk';
import { AccountChange, BookTop, OrderDesk, SimMatcher } from '@qautlra/execution';
import { AccountSettings } from '../auth/user.repository';
import { bankDetail, TradeBankTable, TradeStore } from '../store/trade-store';
import { AccountEvent, CommandReply, TradeCommand, tradeSection } from './trade-events';

export interface TradeEngineOptions {
  /** Broker id (`sim`). */
  broker: string;
  store: TradeStore;
  /** The accounts at this broker and one account's settings (from the users' tables). */
  accountsAtBroker: () => Promise<AccountSettings[]>;
  accountSettings: (accountCookie: string) => Promise<AccountSettings | undefined>;
  /** Publishes an account event (to the account's channel). */
  publish: (event: AccountEvent) => void;
  now: () => number;
  isTrading: (instrument: string, epochMs: number) => boolean;
  presetFor: (exchange: string, instrument: string) => FuturesPreset | undefined;
  /** Whether the market lists `EXCHANGE.code` (undefined: no list, the preset decides). */
  listed?: (instrument: string) => boolean | undefined;
  /** The engine trades `EXCHANGE.code`: quotes for it are needed. */
  onInstrument?: (instrument: string) => void;
  /** Trading day (`YYYYMMDD`) a new account starts in. */
  tradingDay: () => string;
  /** How often mark-to-market changes are published, ms. */
  markIntervalMs?: number;
  /** An account could not be loaded from the store and is left out (quarantined). */
  onQuarantine?: (accountCookie: string, reason: string) => void;
}

interface Held {
  account: QifiAccount;
  state: AccountTradingState;
  limits: RiskLimits;
  banks: Map<string, { row: TradeBankTable; queries: number }>;
  seq: number;
}

/** Changes of one command (or one quote), per account. */
interface Pending {
  orders: Set<string>;
  trades: QifiTrade[];
  positions: Set<string>;
  whole: boolean;
  transfers: boolean;
  banks: boolean;
  notify: NotifyEntry[];
  replies: CommandReply[];
}

const info = (content: string): NotifyEntry => ({
  type: 'MESSAGE',
  level: 'INFO',
  code: 0,
  content,
});
const warning = (code: number, content: string): NotifyEntry => ({
  type: 'MESSAGE',
  level: 'WARNING',
  code,
  content,
});

/**
 * A broker's worker: owns its accounts' engines (restored from the store), runs the commands of
 * its queue one after another (pre-trade risk, sim matching, transfers, settlement), publishes
 * each account's changes as merge patches of its DIFF section, and stages them for the store. A
 * command's promise resolves when its changes are committed (the queue's job is then done).
 */
export class TradeEngine {
  readonly epoch = randomUUID();
  private readonly held = new Map<string, Held>();
  /** Accounts whose stored state could not be loaded → why; their commands are refused. */
  private readonly quarantined = new Map<string, string>();
  private readonly matcher: SimMatcher;
  private readonly desk: OrderDesk;
  private pending = new Map<string, Pending>();
  /** Accounts whose positions were re-marked since the last mark publication. */
  private readonly marked = new Map<string, Set<string>>();
  private markTimer?: NodeJS.Timeout;
  /** The command running now (commands run one after another). */
  private turn: Promise<void> = Promise.resolve();
  /** A batch is running: its changes go out once, after its last command. */
  private batching = false;

  constructor(private readonly options: TradeEngineOptions) {
    this.matcher = new SimMatcher({
      now: options.now,
      isTrading: options.isTrading,
      onChange: (cookie, change) => this.collect(cookie, change),
    });
    this.desk = new OrderDesk({
      matcher: this.matcher,
      now: options.now,
      isTrading: options.isTrading,
      presetFor: (exchange, instrument) =>
        options.listed?.(`${exchange}.${instrument}`) === false
          ? undefined
          : options.presetFor(exchange, instrument),
      limitsFor: (cookie) => this.held.get(cookie)?.limits ?? riskLimits(),
      stateOf: (cookie) => this.held.get(cookie)?.state ?? 'HALTED',
    });
  }

  /** Loads every account of the broker from the store (creating the first document of new ones). */
  async start(): Promise<void> {
    for (const settings of await this.options.accountsAtBroker()) await this.load(settings);
    this.markTimer = setInterval(() => this.publishMarks(), this.options.markIntervalMs ?? 250);
    this.markTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.markTimer);
    this.publishMarks();
    await this.options.store.commit();
  }

  accountCookies(): string[] {
    return [...this.held.keys()];
  }

  /** Accounts left out at load because their stored state is corrupt, with the reason. */
  quarantinedAccounts(): { account: string; reason: string }[] {
    return [...this.quarantined].map(([account, reason]) => ({ account, reason }));
  }

  account(accountCookie: string): QifiAccount | undefined {
    return this.held.get(accountCookie)?.account;
  }

  /** A new top of book: fills what it crosses; fills publish at once, re-marks every `markIntervalMs`. */
  onQuote(top: BookTop): void {
    this.matcher.onQuote(top);
    this.flush();
  }

  /**
   * Runs one command; resolves when its effects are durable. Commands take effect one at a time in
   * arrival order (a command that reads the database, such as loading an account, holds the ones
   * behind it); only the wait for the commit overlaps.
   */
  async handle(command: TradeCommand): Promise<void> {
    return this.handleAll([command]);
  }

  /**
   * Runs commands one after another as one step: each account's changes go out as one event (its
   * patch, notifies and the replies of its commands in order) after the last command, so a burst
   * costs one publication per account instead of one per command. A command that fails does not
   * stop the others; the failures are thrown (one, or an `AggregateError`) once all are durable.
   */
  async handleAll(commands: readonly TradeCommand[]): Promise<void> {
    const errors: unknown[] = [];
    const turn = this.turn.then(async () => {
      this.batching = true;
      try {
        for (const command of commands) {
          try {
            await this.execute(command);
          } catch (error) {
            errors.push(error);
          }
        }
      } finally {
        this.batching = false;
        this.flush();
      }
    });
    this.turn = turn.catch(() => undefined);
    await turn;
    await this.options.store.commit();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} commands failed`);
  }

  private async execute(command: TradeCommand): Promise<void> {
    try {
      if (command.type === 'settle') {
        await this.settleAll(command.trading_day);
        return;
      }
      if (command.type === 'load_account') {
        const settings = await this.options.accountSettings(command.account);
        if (settings) await this.load(settings);
        return;
      }
      const held = this.held.get(command.account);
      if (!held) {
        const quarantine = this.quarantined.get(command.account);
        this.options.publish({
          account: command.account,
          epoch: this.epoch,
          seq: 0,
          replies: [
            {
              command: command.type,
              ok: false,
              message:
                quarantine === undefined
                  ? `account ${command.account} not found`
                  : `account ${command.account} is quarantined (its stored state is corrupt: ${quarantine})`,
              ...(command.type === 'insert' ? { order_id: command.order.order_id } : {}),
              ...(command.type === 'cancel' ? { order_id: command.order_id } : {}),
              ...(command.type === 'transfer' ? { request_id: command.request_id } : {}),
            },
          ],
        });
        return;
      }
      this.run(command, held);
    } finally {
      if (!this.batching) this.flush();
    }
  }

  private run(
    command: Exclude<TradeCommand, { type: 'settle' | 'load_account' }>,
    held: Held,
  ): void {
    const cookie = command.account;
    switch (command.type) {
      case 'insert': {
        this.options.onInstrument?.(`${command.order.exchange_id}.${command.order.instrument_id}`);
        const result = this.desk.insert(cookie, command.order);
        const pending = this.pendingOf(cookie);
        if (result.order) pending.orders.add(result.order.order_id);
        if (result.notify) pending.notify.push(result.notify);
        pending.replies.push({
          command: 'insert',
          ok: result.notify === undefined,
          message: result.notify?.content ?? result.order?.last_msg ?? '',
          order_id: command.order.order_id,
        });
        return;
      }
      case 'cancel': {
        const result = this.desk.cancel(cookie, {
          aid: 'cancel_order',
          user_id: cookie,
          order_id: command.order_id,
        });
        const pending = this.pendingOf(cookie);
        if (result.notify) pending.notify.push(result.notify);
        pending.replies.push({
          command: 'cancel',
          ok: result.notify === undefined,
          message: result.notify?.content ?? '已撤单',
          order_id: command.order_id,
        });
        return;
      }
      case 'transfer':
        this.transfer(command, held);
        return;
      case 'query_bank': {
        const pending = this.pendingOf(cookie);
        const bank = held.banks.get(command.bank_id);
        if (!bank || bank.row.password !== command.bank_password) {
          pending.notify.push(
            warning(2002, `查询银行余额失败: bank ${command.bank_id} or bank password wrong`),
          );
          pending.replies.push({
            command: 'query_bank',
            ok: false,
            message: 'bank or bank password wrong',
          });
          return;
        }
        bank.queries += 1;
        pending.banks = true;
        pending.replies.push({
          command: 'query_bank',
          ok: true,
          message: String(bank.row.balance),
        });
        return;
      }
      case 'snapshot':
        this.pendingOf(cookie).whole = true;
        return;
      case 'set_state':
        held.state = command.state;
        this.pendingOf(cookie).notify.push(info(`账户状态: ${command.state}`));
        this.pendingOf(cookie).replies.push({
          command: 'set_state',
          ok: true,
          message: command.state,
        });
        return;
      case 'set_limits':
        held.limits = riskLimits(command.limits);
        this.pendingOf(cookie).replies.push({
          command: 'set_limits',
          ok: true,
          message: 'limits set',
        });
        return;
    }
  }

  private transfer(command: Extract<TradeCommand, { type: 'transfer' }>, held: Held): void {
    const pending = this.pendingOf(command.account);
    const refuse = (message: string) => {
      pending.notify.push(warning(2001, `转账失败: ${message}`));
      pending.replies.push({
        command: 'transfer',
        ok: false,
        message,
        request_id: command.request_id,
      });
    };
    const bank = command.admin ? undefined : held.banks.get(command.bank_id);
    if (!command.admin) {
      if (!bank) return refuse(`bank ${command.bank_id} not found`);
      if (bank.row.password !== command.bank_password) return refuse('bank password wrong');
      if (command.amount > 0 && command.amount > bank.row.balance)
        return refuse(`bank balance ${bank.row.balance} is less than ${command.amount}`);
    }
    const outcome = held.account.transfer(command.amount, this.options.now());
    if (!outcome.ok) return refuse(outcome.rejection.message);
    if (bank) {
      bank.row.balance = Math.round((bank.row.balance - outcome.value.amount) * 100) / 100;
      this.options.store.stageBank(bank.row);
      pending.banks = true;
    }
    pending.transfers = true;
    pending.notify.push(info(`转账成功: ${outcome.value.amount}`));
    pending.replies.push({
      command: 'transfer',
      ok: true,
      message: '转账成功',
      request_id: command.request_id,
    });
  }

  /**
   * Takes an account in from the store; an account already held only takes its settings (state,
   * limits) — its engine and banks are ahead of what the write-behind store has.
   */
  private async load(settings: AccountSettings): Promise<void> {
    const existing = this.held.get(settings.account_cookie);
    if (existing) {
      existing.state = settings.state;
      existing.limits = riskLimits(settings.limits);
      return;
    }
    const cookie = settings.account_cookie;
    let stored: Awaited<ReturnType<TradeStore['loadAccount']>>;
    let account: QifiAccount;
    try {
      stored = await this.options.store.loadAccount(cookie);
      if (!stored) return;
      account = QifiAccount.fromQifi(stored.document, { presetFor: this.options.presetFor });
    } catch (error) {
      // One corrupt stored account must not stop the broker: leave it out and say so. Other
      // failures (the database is down) are not the account's fault and propagate.
      if (!(error instanceof QifiError || error instanceof SyntaxError)) throw error;
      const reason = error.message;
      this.quarantined.set(cookie, reason);
      this.options.onQuarantine?.(cookie, reason);
      return;
    }
    this.quarantined.delete(cookie);
    const held: Held = {
      account,
      state: settings.state,
      limits: riskLimits(settings.limits),
      banks: new Map(stored.banks.map((row) => [row.bank_id, { row, queries: 0 }])),
      seq: 0,
    };
    this.held.set(settings.account_cookie, held);
    this.matcher.addAccount(held.account);
    // Quotes for what the account holds or has orders on.
    for (const key of held.account.positionVolumes().keys()) this.options.onInstrument?.(key);
    for (const order of held.account.aliveOrders())
      this.options.onInstrument?.(`${order.exchange_id}.${order.instrument_id}`);
    this.pendingOf(settings.account_cookie).whole = true;
    this.flush();
  }

  private async settleAll(tradingDay: string): Promise<void> {
    await this.options.store.commit();
    for (const [cookie, { account }] of this.held) {
      const day = account.getTradingDay();
      if (day >= tradingDay) continue;
      account.settle(tradingDay);
      this.matcher.prune();
      const text = account.toQifi('', { dayRecords: false }).settlement[day];
      if (text) this.options.store.stageSettlement(cookie, day, text);
      const pending = this.pendingOf(cookie);
      pending.whole = true;
      pending.notify.push(info(`结算完成: ${day} → ${tradingDay}`));
    }
  }

  private pendingOf(cookie: string): Pending {
    let pending = this.pending.get(cookie);
    if (!pending)
      this.pending.set(
        cookie,
        (pending = {
          orders: new Set(),
          trades: [],
          positions: new Set(),
          whole: false,
          transfers: false,
          banks: false,
          notify: [],
          replies: [],
        }),
      );
    return pending;
  }

  /** The matcher's report: order changes go out with the command; mark-only changes are batched. */
  private collect(cookie: string, change: AccountChange): void {
    if (change.orders.length === 0 && change.trades.length === 0) {
      let marks = this.marked.get(cookie);
      if (!marks) this.marked.set(cookie, (marks = new Set()));
      for (const key of change.positions) marks.add(key);
      return;
    }
    const pending = this.pendingOf(cookie);
    for (const id of change.orders) pending.orders.add(id);
    pending.trades.push(...change.trades);
    for (const key of change.positions) pending.positions.add(key);
  }

  private publishMarks(): void {
    for (const [cookie, keys] of this.marked) {
      const pending = this.pendingOf(cookie);
      for (const key of keys) pending.positions.add(key);
    }
    this.marked.clear();
    this.flush();
  }

  private banksOf(held: Held): Record<string, QifiBankDetail> {
    return Object.fromEntries(
      [...held.banks].map(([id, bank]) => [id, bankDetail(bank.row, bank.queries)]),
    );
  }

  /** Publishes and stages what the last step changed. */
  private flush(): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    for (const [cookie, pending] of batch) {
      const held = this.held.get(cookie);
      if (!held) continue;
      const { account } = held;
      held.seq += 1;
      const event: AccountEvent = { account: cookie, epoch: this.epoch, seq: held.seq };
      if (pending.whole) {
        event.snapshot = tradeSection(account.toQifi(), this.banksOf(held));
        this.options.store.stage(account);
      } else {
        const patch: JsonObject = { accounts: { CNY: account.account() } };
        if (pending.orders.size > 0)
          patch.orders = Object.fromEntries(
            [...pending.orders].map((id) => [id, account.order(id) ?? null]),
          );
        if (pending.trades.length > 0)
          patch.trades = Object.fromEntries(pending.trades.map((trade) => [trade.trade_id, trade]));
        if (pending.positions.size > 0)
          patch.positions = Object.fromEntries(
            [...pending.positions].map((key) => [key, account.position(key) ?? null]),
          );
        if (pending.transfers) patch.transfers = account.transferRecords();
        if (pending.banks) patch.banks = this.banksOf(held);
        event.patch = patch;
        this.options.store.stage(account, pending.orders, pending.trades);
      }
      if (pending.notify.length > 0) event.notify = pending.notify;
      if (pending.replies.length > 0) event.replies = pending.replies;
      this.options.publish(event);
    }
  }
}
