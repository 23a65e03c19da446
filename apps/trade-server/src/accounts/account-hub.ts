import { JsonObject, mergePatchInPlace, NotifyEntry } from '@qautlra/diff';
import { accountChannel, EventBus } from '../bus/event-bus';
import { AccountEvent, CommandReply, repliesOf, TradeCommand } from '../engine/trade-events';

/** What a socket session or a REST request receives from an account it watches. */
export interface AccountListener {
  /** A DIFF data part (`{"trade":{"<account>":…}}`), JSON text; `reset` replaces the section. */
  onPatch(account: string, part: string, reset: boolean): void;
  onNotify(notify: NotifyEntry[]): void;
  onReply?(reply: CommandReply): void;
}

/** This instance's copy of one account's section, kept by the account's events. */
class AccountMirror {
  section?: JsonObject;
  epoch?: string;
  seq = 0;
  readonly listeners = new Set<AccountListener>();
  readonly ready: Promise<void>;
  private resolveReady!: () => void;
  private requested = false;

  constructor(
    readonly account: string,
    private readonly requestSnapshot: () => void,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  /** Asks for a snapshot again even if one was asked (the answer may have been lost). */
  resync(): void {
    this.requested = false;
    this.askSnapshot();
  }

  askSnapshot(): void {
    if (this.requested) return;
    this.requested = true;
    this.requestSnapshot();
  }

  receive(text: string): void {
    let event: AccountEvent;
    try {
      event = JSON.parse(text) as AccountEvent;
    } catch {
      return;
    }
    if (event.snapshot) {
      this.section = event.snapshot;
      this.epoch = event.epoch;
      this.seq = event.seq;
      this.requested = false;
      this.resolveReady();
      const part = JSON.stringify({ trade: { [this.account]: event.snapshot } });
      for (const listener of this.listeners) listener.onPatch(this.account, part, true);
    } else if (event.patch && this.section) {
      if (event.epoch !== this.epoch || event.seq !== this.seq + 1) {
        // A missed event or a new engine run: the mirror cannot be patched; start over from a snapshot.
        if (event.epoch !== this.epoch || event.seq > this.seq + 1) this.askSnapshot();
        this.deliverSide(event);
        return;
      }
      this.seq = event.seq;
      const part = JSON.stringify({ trade: { [this.account]: event.patch } });
      mergePatchInPlace(this.section, event.patch);
      for (const listener of this.listeners) listener.onPatch(this.account, part, false);
    } else if (event.patch) {
      this.askSnapshot();
    }
    this.deliverSide(event);
  }

  private deliverSide(event: AccountEvent): void {
    const replies = repliesOf(event);
    for (const listener of this.listeners) {
      if (event.notify) listener.onNotify(event.notify);
      for (const reply of replies) listener.onReply?.(reply);
    }
  }
}

/**
 * The accounts watched by this instance's sockets and REST requests: one bus subscription and one
 * mirror per account, shared by all its listeners. A new mirror asks the broker's worker for a
 * snapshot through the queue (so it is ordered with the commands), then follows the patches.
 */
export class AccountHub {
  private readonly mirrors = new Map<string, AccountMirror>();
  private readonly handlers = new Map<string, (message: string) => void>();

  constructor(
    private readonly bus: EventBus,
    private readonly send: (command: TradeCommand) => Promise<void>,
  ) {
    // Back after a dropped connection: events were missed, and the worker may have stopped
    // publishing these accounts to Redis; a snapshot request (a command) brings both back.
    bus.onReconnected?.(() => {
      for (const mirror of this.mirrors.values()) mirror.resync();
    });
  }

  /** Starts watching `account` for `listener`; resolves when the mirror holds the section. */
  async watch(account: string, listener: AccountListener): Promise<void> {
    const mirror = await this.mirrorOf(account);
    mirror.listeners.add(listener);
    if (mirror.section)
      listener.onPatch(account, JSON.stringify({ trade: { [account]: mirror.section } }), true);
    await mirror.ready;
  }

  async unwatch(account: string, listener: AccountListener): Promise<void> {
    const mirror = this.mirrors.get(account);
    if (!mirror) return;
    mirror.listeners.delete(listener);
    if (mirror.listeners.size > 0) return;
    this.mirrors.delete(account);
    const handler = this.handlers.get(account);
    this.handlers.delete(account);
    if (handler) await this.bus.unsubscribe(accountChannel(account), handler);
  }

  /** The account's section as this instance knows it (after `watch`). */
  section(account: string): JsonObject | undefined {
    return this.mirrors.get(account)?.section;
  }

  private async mirrorOf(account: string): Promise<AccountMirror> {
    let mirror = this.mirrors.get(account);
    if (mirror) return mirror;
    mirror = new AccountMirror(account, () => {
      void this.send({ type: 'snapshot', account }).catch(() => undefined);
    });
    this.mirrors.set(account, mirror);
    const created = mirror;
    const handler = (message: string) => created.receive(message);
    this.handlers.set(account, handler);
    await this.bus.subscribe(accountChannel(account), handler);
    created.askSnapshot();
    return created;
  }
}
