import type { JsonObject } from '@qautlra/diff';
import type { TradeAccount } from '../auth/user.repository';
import type { AccountHub, AccountListener } from '../accounts/account-hub';

/** Largest number of accounts one `watch` may name (`*` stands for all of them). */
export const MAX_WATCHED_ACCOUNTS = 10_000;
const MAX_COOKIE_LENGTH = 128;

export interface MonitorSessionDeps {
  hub: AccountHub;
  /** Every account with its owner (`*`). */
  allAccounts(): Promise<TradeAccount[]>;
  /** Sends one frame (JSON text). */
  send(text: string): void;
}

/**
 * One connection of the account monitor (`/ws/monitor`): a service (the realtime monitor) watches
 * many accounts on one socket. It sends `{"aid":"watch","accounts":["*"]}` (or cookies; each
 * `watch` replaces the set) and receives DIFF `rtn_data` frames whose merge patches carry
 * `monitor.accounts.<cookie> = {user_name, broker}` (who owns what) and the accounts' own
 * `trade.<cookie>` sections — a whole section (after `trade.<cookie> = null`) when the mirror starts
 * or starts over, then the broker worker's patches as they come. Patches of one turn of the event
 * loop go out as one frame.
 */
export class MonitorSession {
  private readonly listeners = new Map<string, AccountListener>();
  private all = false;
  private closed = false;
  /** Merge patches (JSON text) waiting for this turn's frame. */
  private pending: string[] = [];
  private flushQueued = false;

  constructor(private readonly deps: MonitorSessionDeps) {}

  /** A client frame. */
  async handle(text: string): Promise<void> {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return this.refuse('the frame is not JSON');
    }
    const packet = message as { aid?: unknown; accounts?: unknown };
    if (typeof message !== 'object' || message === null || packet.aid !== 'watch')
      return this.refuse('send {"aid":"watch","accounts":["*"]} (or a list of account cookies)');
    const accounts = packet.accounts;
    if (
      !Array.isArray(accounts) ||
      accounts.length > MAX_WATCHED_ACCOUNTS ||
      !accounts.every(
        (cookie) =>
          typeof cookie === 'string' && cookie.length > 0 && cookie.length <= MAX_COOKIE_LENGTH,
      )
    )
      return this.refuse(
        `accounts: a list of at most ${MAX_WATCHED_ACCOUNTS} account cookies (1–${MAX_COOKIE_LENGTH} characters) or ["*"]`,
      );
    await this.watch(accounts as string[]);
  }

  /** An account was opened somewhere: a session watching `*` takes it. */
  async accountOpened(): Promise<void> {
    if (this.all) await this.watch(['*']);
  }

  close(): void {
    this.closed = true;
    for (const [account, listener] of this.listeners) void this.deps.hub.unwatch(account, listener);
    this.listeners.clear();
  }

  private async watch(wanted: string[]): Promise<void> {
    this.all = wanted.includes('*');
    const known = await this.deps.allAccounts();
    if (this.closed) return;
    const owners = new Map(known.map((row) => [row.account_cookie, row]));
    const chosen = this.all ? [...owners.keys()] : wanted.filter((cookie) => owners.has(cookie));
    const keep = new Set(chosen);
    for (const [account, listener] of this.listeners) {
      if (keep.has(account)) continue;
      this.listeners.delete(account);
      void this.deps.hub.unwatch(account, listener);
    }
    this.push({
      monitor: {
        accounts: Object.fromEntries(
          chosen.map((cookie) => {
            const row = owners.get(cookie)!;
            return [cookie, { user_name: row.user_name, broker: row.broker }];
          }),
        ),
      },
    });
    for (const account of chosen) {
      if (this.listeners.has(account)) continue;
      const listener: AccountListener = {
        onPatch: (_account, part, reset) => {
          if (reset) this.push({ trade: { [account]: null } });
          this.pushText(part);
        },
        onNotify: () => undefined,
      };
      this.listeners.set(account, listener);
      // Resolves when the worker's snapshot arrives (never for an account no worker loads).
      void this.deps.hub.watch(account, listener).catch(() => undefined);
    }
  }

  private refuse(message: string): void {
    this.push({
      notify: {
        [`monitor-${Date.now()}`]: {
          type: 'MESSAGE',
          level: 'WARNING',
          code: 400,
          content: message,
        },
      },
    });
  }

  private push(patch: JsonObject): void {
    this.pushText(JSON.stringify(patch));
  }

  private pushText(patch: string): void {
    if (this.closed) return;
    this.pending.push(patch);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(() => {
      this.flushQueued = false;
      const data = this.pending;
      this.pending = [];
      if (!this.closed && data.length > 0)
        this.deps.send(`{"aid":"rtn_data","data":[${data.join(',')}]}`);
    });
  }
}
