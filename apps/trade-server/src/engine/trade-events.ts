import { InsertOrder, JsonObject, NotifyEntry } from '@qautlra/diff';
import { Qifi, QifiBankDetail } from '@qautlra/qifi';
import { AccountTradingState, RiskLimits } from '@qautlra/risk';

/** What the instances holding sockets (or REST) ask a broker's worker to do, through its queue. */
export type TradeCommand =
  | { type: 'insert'; user: string; account: string; order: InsertOrder }
  | { type: 'cancel'; user: string; account: string; order_id: string }
  /** `amount` > 0 bank → futures, < 0 futures → bank. */
  | {
      type: 'transfer';
      account: string;
      bank_id: string;
      bank_password: string;
      amount: number;
      request_id?: string;
      /** An administrator's deposit/withdrawal: no bank involved (REST admin only). */
      admin?: boolean;
    }
  | { type: 'query_bank'; account: string; bank_id: string; bank_password: string }
  | { type: 'snapshot'; account: string }
  | { type: 'load_account'; account: string }
  | { type: 'set_state'; account: string; state: AccountTradingState }
  | { type: 'set_limits'; account: string; limits: Partial<RiskLimits> }
  /** Settles every account of the broker into `trading_day` (`YYYYMMDD`). */
  | { type: 'settle'; trading_day: string };

/** The outcome of one command for the account it named (REST requests wait for it). */
export interface CommandReply {
  command: TradeCommand['type'];
  ok: boolean;
  message: string;
  order_id?: string;
  request_id?: string;
}

/**
 * One message on an account's channel. `seq` counts the account's events within the engine run
 * `epoch`; a mirror that misses one (or sees a new epoch) asks for a snapshot.
 */
export interface AccountEvent {
  account: string;
  epoch: string;
  seq: number;
  /** RFC 7396 patch of the `trade.<account>` section. */
  patch?: JsonObject;
  /** The whole `trade.<account>` section (replaces the mirror). */
  snapshot?: JsonObject;
  notify?: NotifyEntry[];
  /** Answers to the account's commands this event covers, in command order. */
  replies?: CommandReply[];
  /** One answer (events of earlier versions; read, no longer written). */
  reply?: CommandReply;
}

/** The answers an event carries (`replies`, or the single `reply` of an earlier version). */
export function repliesOf(event: AccountEvent): CommandReply[] {
  return event.replies ?? (event.reply ? [event.reply] : []);
}

/** The DIFF `trade.<account>` section of one account, from its QIFI document and banks. */
export function tradeSection(qifi: Qifi, banks: Record<string, QifiBankDetail> = {}): JsonObject {
  return {
    user_id: qifi.account_cookie,
    investor_name: qifi.investor_name,
    session: { user_id: qifi.account_cookie, trading_day: qifi.trading_day },
    accounts: { CNY: { ...qifi.accounts } },
    positions: qifi.positions,
    orders: qifi.orders,
    trades: qifi.trades,
    transfers: qifi.transfers,
    banks,
  };
}
