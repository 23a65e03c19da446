import { isJsonObject, JsonObject, mergePatchInPlace, rtnDataNotices } from '@qautlra/diff';
import { Qifi, QifiAccount, QifiAccountFields, QifiOrder, QifiTrade } from '@qautlra/qifi';

/**
 * Who the mirrored account is. No secrets: the QIFI document's `password`, `bank_password` and
 * `capital_password` stay empty, because the document is stored and served over the API.
 */
export interface MirrorIdentity {
  account: string;
  portfolio: string;
  broker: string;
  wsuri: string;
  eventmqIp: string;
  databaseIp: string;
  taskid: string;
  pingGap: number;
}

/** What one server frame changed in the mirror. */
export interface MirrorChange {
  /** The trade section changed (accounts, positions, orders, trades, …). */
  changed: boolean;
  /** Order ids whose entries the frame touched. */
  orders: string[];
  /** Trades present in the frame (new or not: the caller knows which it has published). */
  trades: QifiTrade[];
  /** Notify texts, in order. */
  notices: string[];
  /** A bank with an empty id appeared: its balance must be asked for (`qry_bankcapital`). */
  queryBank: boolean;
  /** A settlement statement arrived (`qry_settlement_info` reply). */
  settlementDay?: string;
}

/** `YYYY-MM-DD HH:MM:SS` in local time (the original's `event` keys and `updatetime`). */
export function localStamp(date = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** Kept `event` entries (the original's map grew without bound). */
const MAX_EVENTS = 1_000;

/**
 * The trader's QIFI document of one account, kept from the trade server's DIFF frames (§5.5):
 * `trade.<account>` parts are merged into a mirror of the server's section (RFC 7396, every element
 * of `data` in order: fixes of §14 T2/T3), then the QIFI fields are read from it — `trading_day`,
 * `accounts` (= `accounts.CNY`, `WithdrawQuota` 0 → `available`), `investor_name`, positions,
 * orders, trades, transfers, banks (the first bank gives `bankid`, `bankname`, `money`). Notify
 * texts go into `event` by local time; "用户登录失败" sets `status` 600 (and "登录成功" 200 again).
 */
export class QifiMirror {
  readonly document: Qifi;
  private section: JsonObject = {};
  /** Ids of the orders still `ALIVE` (kept per patch: the order map only grows during a day). */
  private readonly alive = new Set<string>();

  constructor(identity: MirrorIdentity) {
    const base = new QifiAccount({
      accountCookie: identity.account,
      initCash: 0,
      tradingDay: '',
      portfolio: identity.portfolio,
      brokerName: identity.broker,
    }).toQifi('');
    this.document = {
      ...base,
      password: '',
      wsuri: identity.wsuri,
      eventmq_ip: identity.eventmqIp,
      databaseip: identity.databaseIp,
      taskid: identity.taskid,
      bank_password: '',
      capital_password: '',
      ping_gap: identity.pingGap,
      status: 200,
      pub_host: '127.0.0.1',
      trade_host: '127.0.0.1',
      event: {},
    };
  }

  get account(): string {
    return this.document.account_cookie;
  }

  /** A new login: the server sends its whole section again; nothing of the old one is kept. */
  beginSession(): void {
    this.section = {};
    this.alive.clear();
    this.derive();
  }

  /** The orders still `ALIVE`. */
  aliveOrders(): QifiOrder[] {
    const out: QifiOrder[] = [];
    for (const id of this.alive) {
      const order = this.order(id);
      if (order) out.push(order);
    }
    return out;
  }

  order(orderId: string): QifiOrder | undefined {
    return Object.hasOwn(this.document.orders, orderId) ? this.document.orders[orderId] : undefined;
  }

  /** Applies one server frame (any `aid`); unknown shapes change nothing. */
  apply(frame: Record<string, unknown>): MirrorChange {
    const change: MirrorChange = {
      changed: false,
      orders: [],
      trades: [],
      notices: [],
      queryBank: false,
    };
    if (!Array.isArray(frame.data)) return change;
    if (frame.aid === 'qry_settlement_info') {
      for (const part of frame.data as unknown[]) {
        const trade = isJsonObject(part) ? part.trade : undefined;
        if (!isJsonObject(trade)) continue;
        const day = trade.trading_day;
        const text = trade.settlement_info;
        if ((typeof day === 'string' || typeof day === 'number') && typeof text === 'string') {
          this.document.settlement[String(day)] = text;
          change.settlementDay = String(day);
          change.changed = true;
        }
      }
      return change;
    }
    if (frame.aid !== 'rtn_data') return change;
    change.notices = rtnDataNotices(frame);
    for (const part of frame.data as unknown[]) {
      if (!isJsonObject(part)) continue;
      const trade = part.trade;
      const mine = isJsonObject(trade) ? trade[this.account] : undefined;
      if (isJsonObject(mine)) {
        mergePatchInPlace(this.section, mine);
        change.changed = true;
        if (isJsonObject(mine.orders)) change.orders.push(...Object.keys(mine.orders));
        if (isJsonObject(mine.trades))
          for (const [id, value] of Object.entries(mine.trades)) {
            const stored = (this.section.trades as JsonObject | undefined)?.[id];
            if (value !== null && isJsonObject(stored))
              change.trades.push(stored as unknown as QifiTrade);
          }
        if (isJsonObject(mine.banks) && Object.hasOwn(mine.banks, '')) change.queryBank = true;
      }
    }
    for (const content of change.notices) this.recordEvent(content);
    if (change.changed) {
      this.derive();
      for (const id of change.orders)
        if (this.order(id)?.status === 'ALIVE') this.alive.add(id);
        else this.alive.delete(id);
    }
    return change;
  }

  /** Records a text in `event` under the local time (several in one second are joined). */
  recordEvent(content: string, at = new Date()): void {
    const key = localStamp(at);
    const events = this.document.event;
    events[key] = Object.hasOwn(events, key) ? `${events[key]}\n${content}` : content;
    if (content.includes('用户登录失败')) this.document.status = 600;
    else if (content.includes('登录成功')) this.document.status = 200;
    const keys = Object.keys(events);
    if (keys.length > MAX_EVENTS)
      for (const old of keys.sort().slice(0, keys.length - MAX_EVENTS)) delete events[old];
  }

  /** The QIFI fields from the section (shared objects, not copies: the document is read-only outside). */
  private derive(): void {
    const doc = this.document;
    const section = this.section;
    const map = <T>(key: string) => (isJsonObject(section[key]) ? section[key] : {}) as T;
    const session = isJsonObject(section.session) ? section.session : {};
    if (typeof session.trading_day === 'string' || typeof session.trading_day === 'number')
      doc.trading_day = String(session.trading_day);
    const accounts = isJsonObject(section.accounts) ? section.accounts.CNY : undefined;
    if (isJsonObject(accounts)) {
      const fields = { ...doc.accounts, ...(accounts as unknown as QifiAccountFields) };
      if (fields.WithdrawQuota === 0 || fields.WithdrawQuota === undefined)
        fields.WithdrawQuota = fields.available;
      doc.accounts = fields;
    }
    if (typeof section.investor_name === 'string') doc.investor_name = section.investor_name;
    doc.positions = map('positions');
    doc.orders = map('orders');
    doc.trades = map('trades');
    doc.transfers = map('transfers');
    doc.banks = map('banks');
    const first = Object.values(doc.banks)[0];
    if (first) {
      doc.bankid = first.id;
      doc.bankname = first.name;
      doc.money = first.fetch_amount;
    }
  }
}
