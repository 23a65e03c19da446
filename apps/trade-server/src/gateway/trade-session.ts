import { randomUUID } from 'node:crypto';
import {
  DiffClientMessage,
  DiffProtocolError,
  NotifyEntry,
  parseDiffClientMessage,
} from '@qautlra/diff';
import type { QueuedCommand } from '../bus/order-queue';
import type { TradeCommand } from '../engine/trade-events';
import type { AccountHub, AccountListener } from '../accounts/account-hub';

export type LoginAnswer =
  { ok: true; userName: string; accounts: string[] } | { ok: false; message: string };

/** What a socket session needs from the instance. */
export interface TradeSessionDeps {
  hub: AccountHub;
  enqueue: (entry: QueuedCommand<TradeCommand>) => Promise<void>;
  login: (bid: string, userName: string, password: string) => Promise<LoginAnswer>;
  verifyPassword: (userName: string, password: string) => Promise<boolean>;
  changePassword: (userName: string, newPassword: string) => Promise<void>;
  /** Settlement statements of `accounts` for `tradingDay` (`YYYYMMDD`), joined; undefined if none. */
  settlement: (accounts: string[], tradingDay: string) => Promise<string | undefined>;
  /** Per-IP failed logins: false when this peer failed too often lately. */
  allowLogin: () => boolean;
  /** Counts a failed login of this peer. */
  loginFailed: () => void;
}

export interface SessionTransport {
  send(text: string): void;
}

/** Pending parts above this many (a client that stopped peeking) are replaced by fresh snapshots. */
const MAX_PENDING_PARTS = 2_000;

const notifyOf = (level: NotifyEntry['level'], code: number, content: string): NotifyEntry => ({
  type: 'MESSAGE',
  level,
  code,
  content,
});

/** Notify codes of protocol errors (negative: not a business rule). */
const PROTOCOL_CODES: Record<DiffProtocolError['code'], number> = {
  DIFF_INVALID_JSON: -1,
  DIFF_INVALID_MESSAGE: -2,
  DIFF_UNKNOWN_AID: -3,
};

/**
 * One DIFF trade connection: `req_login`, then the business section of the user's accounts at
 * the login's broker, paced by `peek_message` — each peek is answered by one `rtn_data` holding
 * every patch since the last answer (at once if any, else at the next change). The answer to
 * `req_login` and protocol errors are sent at once as `rtn_data` notifies (a client that waits for
 * the login result before peeking still gets it). Orders, cancels and transfers go to the broker's
 * queue; their results arrive as patches and notifies of the accounts.
 */
export class TradeSession implements AccountListener {
  private userName?: string;
  private accounts: string[] = [];
  private loggingIn = false;
  private closed = false;
  private waiting = false;
  private parts: string[] = [];
  private notifies: [string, NotifyEntry][] = [];
  private notifyCount = 0;
  /** Accounts whose section this client has been sent (a later reset must clear it first). */
  private readonly sent = new Set<string>();
  private stale = false;

  constructor(
    private readonly transport: SessionTransport,
    private readonly deps: TradeSessionDeps,
  ) {}

  get user(): string | undefined {
    return this.userName;
  }

  handle(text: string): void {
    let message: DiffClientMessage;
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch (cause) {
        throw new DiffProtocolError(
          'DIFF_INVALID_JSON',
          `invalid JSON: ${(cause as Error).message}`,
        );
      }
      message = parseDiffClientMessage(raw);
    } catch (error) {
      if (!(error instanceof DiffProtocolError)) throw error;
      this.sendNow(notifyOf('ERROR', PROTOCOL_CODES[error.code], error.message));
      return;
    }
    void this.dispatch(message).catch((error: unknown) =>
      this.sendNow(notifyOf('ERROR', -4, `server error: ${(error as Error).message}`)),
    );
  }

  close(): void {
    this.closed = true;
    for (const account of this.accounts) void this.deps.hub.unwatch(account, this);
  }

  // ---- AccountListener ----

  onPatch(account: string, part: string, reset: boolean): void {
    if (reset && this.sent.has(account))
      this.parts.push(JSON.stringify({ trade: { [account]: null } }));
    this.sent.add(account);
    this.parts.push(part);
    if (this.parts.length > MAX_PENDING_PARTS) {
      this.parts = [];
      this.stale = true;
    }
    this.flush();
  }

  onNotify(notify: NotifyEntry[]): void {
    for (const entry of notify) this.queueNotify(entry);
    this.flush();
  }

  // ---- protocol ----

  private async dispatch(message: DiffClientMessage): Promise<void> {
    // eslint-disable-next-line @typescript-eslint/switch-exhaustiveness-check -- the rest need a login, below
    switch (message.aid) {
      case 'req_login':
        return this.login(message.bid, message.user_name, message.password);
      case 'peek_message':
        // Before a login there is no data: say so (−5, as for every command before login), and
        // keep the peek, so a client that peeks first is answered once it has logged in.
        if (!this.userName && !this.loggingIn)
          this.sendNow(notifyOf('ERROR', -5, 'peek_message: not logged in (send req_login first)'));
        this.waiting = true;
        this.flush();
        return;
      case 'ping':
        this.transport.send('{"aid":"pong"}');
        return;
      case 'subscribe_quote':
      case 'set_chart':
        this.sendNow(
          notifyOf(
            'ERROR',
            -3,
            `${message.aid} is served by the market-data gateway (/ws/market), not the trade server`,
          ),
        );
        return;
    }
    const user = this.userName;
    if (!user) {
      this.sendNow(notifyOf('ERROR', -5, `${message.aid}: not logged in (send req_login first)`));
      return;
    }
    switch (message.aid) {
      case 'insert_order': {
        const account = message.account_id ?? message.user_id;
        if (!this.accounts.includes(account)) {
          this.queueNotify(notifyOf('WARNING', 1006, `下单失败: account ${account} is not yours`));
          this.flush();
          return;
        }
        const order = { ...message, user_id: account, order_id: message.order_id ?? randomUUID() };
        await this.deps.enqueue({
          command: { type: 'insert', user, account, order },
          dedupeKey: `${user}\n${order.order_id}`,
        });
        return;
      }
      case 'cancel_order': {
        if (!this.accounts.includes(message.user_id)) {
          this.queueNotify(
            notifyOf('WARNING', 1006, `撤单失败: account ${message.user_id} is not yours`),
          );
          this.flush();
          return;
        }
        await this.deps.enqueue({
          command: { type: 'cancel', user, account: message.user_id, order_id: message.order_id },
        });
        return;
      }
      case 'req_transfer':
      case 'qry_bankcapital': {
        const verb = message.aid === 'req_transfer' ? '转账失败' : '查询银行余额失败';
        if (
          !this.accounts.includes(message.future_account) ||
          !(await this.deps.verifyPassword(user, message.future_password))
        ) {
          this.queueNotify(notifyOf('WARNING', 2001, `${verb}: future account or password wrong`));
          this.flush();
          return;
        }
        await this.deps.enqueue({
          command:
            message.aid === 'req_transfer'
              ? {
                  type: 'transfer',
                  account: message.future_account,
                  bank_id: message.bank_id,
                  bank_password: message.bank_password,
                  amount: message.amount,
                }
              : {
                  type: 'query_bank',
                  account: message.future_account,
                  bank_id: message.bank_id,
                  bank_password: message.bank_password,
                },
        });
        return;
      }
      case 'qry_settlement_info': {
        const day = String(message.trading_day);
        const text = await this.deps.settlement(this.accounts, day);
        this.transport.send(
          JSON.stringify({
            aid: 'qry_settlement_info',
            data: [{ trade: { trading_day: day, settlement_info: text ?? '' } }],
          }),
        );
        if (text === undefined) {
          this.queueNotify(notifyOf('WARNING', 3001, `结算单不存在: trading day ${day}`));
          this.flush();
        }
        return;
      }
      case 'change_password': {
        const ok = await this.deps.verifyPassword(user, message.old_password);
        if (ok && message.new_password.length > 0) {
          await this.deps.changePassword(user, message.new_password);
          this.queueNotify(notifyOf('INFO', 0, '修改密码成功'));
        } else {
          this.queueNotify(
            notifyOf(
              'WARNING',
              3002,
              ok ? '修改密码失败: the new password is empty' : '修改密码失败: old password wrong',
            ),
          );
        }
        this.flush();
        return;
      }
    }
  }

  private async login(bid: string, userName: string, password: string): Promise<void> {
    if (this.userName || this.loggingIn) {
      this.sendNow(notifyOf('WARNING', -6, `already logged in as ${this.userName ?? userName}`));
      return;
    }
    if (!this.deps.allowLogin()) {
      this.sendNow(
        notifyOf(
          'ERROR',
          1,
          '用户登录失败: too many failed logins from this address, try again later',
        ),
      );
      return;
    }
    this.loggingIn = true;
    try {
      const answer = await this.deps.login(bid, userName, password);
      if (!answer.ok) {
        this.deps.loginFailed();
        this.sendNow(notifyOf('ERROR', 1, answer.message));
        return;
      }
      if (this.closed) return;
      this.userName = answer.userName;
      this.accounts = answer.accounts;
      this.sendNow(notifyOf('INFO', 0, '登录成功'));
      for (const account of this.accounts) void this.deps.hub.watch(account, this);
    } finally {
      this.loggingIn = false;
    }
  }

  // ---- pacing ----

  private queueNotify(entry: NotifyEntry): void {
    this.notifyCount += 1;
    this.notifies.push([`N${this.notifyCount}`, entry]);
  }

  /** An `rtn_data` with one notify, outside the peek pacing. */
  private sendNow(entry: NotifyEntry): void {
    this.notifyCount += 1;
    this.transport.send(
      JSON.stringify({ aid: 'rtn_data', data: [{ notify: { [`N${this.notifyCount}`]: entry } }] }),
    );
  }

  private flush(): void {
    if (!this.waiting || this.closed) return;
    if (this.stale) {
      // The client stopped peeking for long: its mirror is rebuilt from this instance's sections.
      this.stale = false;
      for (const account of this.accounts) {
        const section = this.deps.hub.section(account);
        if (!section) continue;
        if (this.sent.has(account)) this.parts.push(JSON.stringify({ trade: { [account]: null } }));
        this.parts.push(JSON.stringify({ trade: { [account]: section } }));
        this.sent.add(account);
      }
    }
    if (this.parts.length === 0 && this.notifies.length === 0) return;
    const data = this.parts;
    this.parts = [];
    if (this.notifies.length > 0) {
      data.push(JSON.stringify({ notify: Object.fromEntries(this.notifies) }));
      this.notifies = [];
    }
    this.waiting = false;
    this.transport.send(`{"aid":"rtn_data","data":[${data.join(',')}]}`);
  }
}
