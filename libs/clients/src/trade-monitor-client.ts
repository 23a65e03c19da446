import { JsonObject, mergePatchInPlace } from '@qautlra/diff';
import { Reconnector } from '@qautlra/platform';
import WebSocket from 'ws';

export type TradeMonitorState = 'connecting' | 'connected' | 'disconnected';

/** Who owns an account, as the trade server's monitor says. */
export interface MonitoredAccount {
  user_name: string;
  broker: string;
}

export interface TradeMonitorHandlers {
  /** The watched accounts and their owners (the whole list, each time it changes). */
  onAccounts?(accounts: ReadonlyMap<string, MonitoredAccount>): void;
  /**
   * An account's `trade.<cookie>` section changed: the merged section, and either `reset` (this
   * frame replaced it whole: a new mirror, a restart of the worker, a reconnect) or the merge
   * patches of it that this frame carried, in order.
   */
  onSection?(account: string, section: JsonObject, reset: boolean, patches: JsonObject[]): void;
  onState?(state: TradeMonitorState, detail: string): void;
  /** A warning the server sent about what this client asked. */
  onNotice?(text: string): void;
}

export interface TradeMonitorClientOptions {
  /** The trade server's `/ws/monitor` (`ws://host:7988/ws/monitor`). */
  url: string;
  /** The monitor token (`TRADE_MONITOR_TOKEN`) or an admin's JWT, sent as `Authorization: Bearer`. */
  token?: string;
  /** An admin's API key, sent as `X-API-Key` (instead of a token). */
  apiKey?: string;
  /** Accounts to watch; `['*']` (default) for all of them, new ones included. */
  accounts?: string[];
  backoffBaseMs?: number;
  backoffCapMs?: number;
}

/**
 * A client of the trade server's account monitor socket (`/ws/monitor`): one connection for the
 * sections of many accounts, kept merged here (DIFF `rtn_data` merge patches), reconnecting with
 * back-off and watching again — the server then sends every section whole.
 */
export class TradeMonitorClient {
  private socket?: WebSocket;
  private readonly loop: Reconnector;
  private tree: JsonObject = {};
  private current: TradeMonitorState = 'disconnected';
  private owners = new Map<string, MonitoredAccount>();

  constructor(
    private readonly options: TradeMonitorClientOptions,
    private readonly handlers: TradeMonitorHandlers = {},
  ) {
    this.loop = new Reconnector(() => this.connect(), {
      baseMs: options.backoffBaseMs,
      capMs: options.backoffCapMs,
    });
  }

  get state(): TradeMonitorState {
    return this.current;
  }

  /** The watched accounts and their owners. */
  accounts(): ReadonlyMap<string, MonitoredAccount> {
    return this.owners;
  }

  /** An account's merged section (undefined before its first snapshot). */
  section(account: string): JsonObject | undefined {
    return (this.tree.trade as JsonObject | undefined)?.[account] as JsonObject | undefined;
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
    const socket = this.socket;
    this.socket = undefined;
    socket?.terminate();
    this.setState('disconnected', 'stopped');
  }

  private connect(): void {
    this.setState('connecting', this.options.url);
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    else if (this.options.apiKey) headers['x-api-key'] = this.options.apiKey;
    const socket = new WebSocket(this.options.url, {
      headers,
      handshakeTimeout: 10_000,
      maxPayload: 256 * 1024 * 1024,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.loop.succeeded();
      this.tree = {};
      this.setState('connected', this.options.url);
      socket.send(JSON.stringify({ aid: 'watch', accounts: this.options.accounts ?? ['*'] }));
    });
    socket.on('unexpected-response', (_request, response) => {
      this.closed(socket, `the server refused the monitor socket: HTTP ${response.statusCode}`);
      response.resume();
    });
    socket.on('message', (data: Buffer) => this.receive(data.toString('utf8')));
    socket.on('error', () => undefined); // a 'close' follows
    socket.on('close', (code, reason) =>
      this.closed(
        socket,
        reason.toString() || (code === 1006 ? 'connection lost' : `closed ${code}`),
      ),
    );
  }

  private closed(socket: WebSocket, why: string): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    socket.terminate();
    if (this.loop.stopped) return;
    const delay = this.loop.failed();
    this.setState('disconnected', `${why}; reconnecting in ${Math.round(delay / 100) / 10} s`);
  }

  /** One frame as the server sends it (tests hand frames here too). */
  receive(text: string): void {
    let frame: { aid?: unknown; data?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return;
    }
    if (frame?.aid !== 'rtn_data' || !Array.isArray(frame.data)) return;
    const touched = new Map<string, { reset: boolean; patches: JsonObject[] }>();
    let ownersChanged = false;
    for (const patch of frame.data as JsonObject[]) {
      if (!patch || typeof patch !== 'object') continue;
      const trade = patch.trade as Record<string, unknown> | undefined;
      if (trade && typeof trade === 'object')
        for (const [account, part] of Object.entries(trade)) {
          let entry = touched.get(account);
          if (!entry) touched.set(account, (entry = { reset: false, patches: [] }));
          if (part === null) entry.reset = true;
          else if (typeof part === 'object') entry.patches.push(part as JsonObject);
        }
      if (patch.monitor) ownersChanged = true;
      const notify = patch.notify as Record<string, { content?: unknown }> | undefined;
      if (notify && typeof notify === 'object')
        for (const entry of Object.values(notify))
          if (typeof entry?.content === 'string') this.handlers.onNotice?.(entry.content);
      mergePatchInPlace(this.tree, patch);
    }
    if (ownersChanged) {
      const listed = ((this.tree.monitor as JsonObject | undefined)?.accounts ?? {}) as Record<
        string,
        MonitoredAccount
      >;
      this.owners = new Map(Object.entries(listed));
      this.handlers.onAccounts?.(this.owners);
    }
    for (const [account, { reset, patches }] of touched) {
      const section = this.section(account);
      if (section) this.handlers.onSection?.(account, section, reset, reset ? [] : patches);
    }
  }

  private setState(state: TradeMonitorState, detail: string): void {
    this.current = state;
    this.handlers.onState?.(state, detail);
  }
}
