import { createMergePatch, JsonObject, NotifyEntry } from '@qautlra/diff';
import { Qifi } from '@qautlra/qifi';

/** The DIFF `trade.<account>` section of one account, from its QIFI document. */
export function tradeSection(qifi: Qifi): JsonObject {
  return {
    user_id: qifi.account_cookie,
    investor_name: qifi.investor_name,
    session: { user_id: qifi.account_cookie, trading_day: qifi.trading_day },
    accounts: { CNY: { ...qifi.accounts } },
    positions: qifi.positions,
    orders: qifi.orders,
    trades: qifi.trades,
    transfers: qifi.transfers,
    banks: qifi.banks,
  };
}

/**
 * One client's DIFF business section and its `peek_message` pacing: the client holds a mirror of
 * what was sent; each `peek_message` is answered by one `rtn_data` carrying the merge patch from
 * that mirror to the current section (plus queued `notify` entries) — at once when something
 * changed, else as soon as something does. Nothing is sent between a reply and the next peek, so a
 * slow client gets coalesced updates. A new session starts from an empty mirror: its first reply
 * is the full section.
 */
export class DiffPeekSession {
  private sent: JsonObject = {};
  private waiting = false;
  private notifyCount = 0;
  private readonly notifies: [string, NotifyEntry][] = [];

  constructor(
    /** Sends one text frame. */
    private readonly send: (frame: string) => void,
    /** The section as it is now (a fresh tree each call). */
    private readonly section: () => JsonObject,
  ) {}

  peek(): void {
    this.waiting = true;
    this.flush();
  }

  /** Queues a notify (e.g. 登录成功, a risk rejection) for the next reply. */
  notify(entry: NotifyEntry): void {
    this.notifyCount += 1;
    this.notifies.push([String(this.notifyCount), entry]);
    this.flush();
  }

  /** The section may have changed: answer a waiting peek. */
  changed(): void {
    this.flush();
  }

  private flush(): void {
    if (!this.waiting) return;
    const next = this.section();
    const patch = createMergePatch(this.sent, next);
    if (patch === undefined && this.notifies.length === 0) return;
    const data: unknown[] = [];
    if (patch !== undefined) data.push(patch);
    if (this.notifies.length > 0)
      data.push({ notify: Object.fromEntries(this.notifies.splice(0)) });
    this.sent = next;
    this.waiting = false;
    this.send(JSON.stringify({ aid: 'rtn_data', data }));
  }
}
