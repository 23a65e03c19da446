import { applyDiffData } from '@qautlra/diff';
import { Observable } from './observable';

export type TradeState = 'signed-out' | 'connecting' | 'ready' | 'reconnecting';

export interface Notice {
  id: number;
  level: 'INFO' | 'WARNING' | 'ERROR';
  text: string;
  at: number;
}

export type Direction = 'BUY' | 'SELL';
export type Offset = 'OPEN' | 'CLOSE' | 'CLOSETODAY';

export interface OrderTicket {
  exchange_id: string;
  instrument_id: string;
  direction: Direction;
  offset: Offset;
  volume: number;
  price_type: 'LIMIT' | 'ANY';
  limit_price?: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A DIFF client of the trade server (through the web server's `/trade` proxy): `req_login`, then a
 * `peek_message` after every `rtn_data`, each `data` array merged as one transaction exactly as a
 * DIFF client does (`applyDiffData` from libs/diff). A dropped connection is re-opened with
 * back-off and logged in again; the new session's first `rtn_data` is the whole state, so the
 * snapshot starts over. Notifies become notices (risk refusals among them).
 */
export class DiffSession extends Observable {
  snapshot: Json = {};
  state: TradeState = 'signed-out';
  user = '';
  notices: Notice[] = [];
  loginError = '';
  private socket?: WebSocket;
  private password = '';
  private attempt = 0;
  private nextNotice = 1;
  private retry?: ReturnType<typeof setTimeout>;
  private pendingLogin?: { resolve: () => void; reject: (error: Error) => void };
  private orderSeq = 0;

  constructor(
    private readonly path: string,
    private readonly broker: string,
  ) {
    super();
  }

  /** Resolves once the server says 登录成功; rejects with its reason otherwise. */
  login(user: string, password: string): Promise<void> {
    this.user = user;
    this.password = password;
    this.loginError = '';
    this.state = 'connecting';
    this.changed();
    return new Promise((resolve, reject) => {
      this.pendingLogin = { resolve, reject };
      this.open();
    });
  }

  /**
   * The trade server's REST token (JWT) of the signed-in user, for the apps that check it (live
   * strategies): asked for with the same credentials, kept 50 minutes (it lasts an hour).
   */
  async restToken(rest: string): Promise<string> {
    if (this.jwt && this.jwt.user === this.user && this.jwt.until > Date.now())
      return this.jwt.token;
    const response = await fetch(`${rest}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user_name: this.user, password: this.password }),
    });
    const body = (await response.json()) as { token?: string; message?: string };
    if (!response.ok || !body.token) throw new Error(body.message ?? `sign-in: ${response.status}`);
    this.jwt = { user: this.user, token: body.token, until: Date.now() + 50 * 60_000 };
    return body.token;
  }

  /** What a live strategy instance logs in with: the signed-in user's own credentials. */
  credentials(): { account: string; password: string } {
    return { account: this.user, password: this.password };
  }

  private jwt?: { user: string; token: string; until: number };

  logout(): void {
    this.jwt = undefined;
    this.user = '';
    this.password = '';
    this.state = 'signed-out';
    this.snapshot = {};
    clearTimeout(this.retry);
    this.socket?.close();
    this.socket = undefined;
    this.changed();
  }

  /** The user's section: `trade.<user>`. */
  get account(): Json {
    const trade = this.snapshot.trade;
    const mine = isObject(trade) ? trade[this.user] : undefined;
    return isObject(mine) ? mine : {};
  }

  insertOrder(ticket: OrderTicket): string {
    this.orderSeq += 1;
    const orderId = `web.${Date.now().toString(36)}.${this.orderSeq}`;
    this.send({
      aid: 'insert_order',
      user_id: this.user,
      order_id: orderId,
      ...ticket,
      volume_condition: 'ANY',
      time_condition: ticket.price_type === 'ANY' ? 'IOC' : 'GFD',
    });
    return orderId;
  }

  cancelOrder(orderId: string): void {
    this.send({ aid: 'cancel_order', user_id: this.user, order_id: orderId });
  }

  /** A problem on this side of the connection (sending while disconnected), shown like a notice. */
  report(text: string): void {
    this.notices = [
      ...this.notices.slice(-19),
      { id: this.nextNotice++, level: 'ERROR', text, at: Date.now() },
    ];
    this.changed();
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((notice) => notice.id !== id);
    this.changed();
  }

  private send(message: Json): void {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN)
      throw new Error('not connected to the trade server');
    this.socket.send(JSON.stringify(message));
  }

  private open(): void {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${this.path}`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(
        JSON.stringify({
          aid: 'req_login',
          bid: this.broker,
          user_name: this.user,
          password: this.password,
        }),
      );
      socket.send(JSON.stringify({ aid: 'peek_message' }));
    };
    socket.onmessage = (event) => this.onMessage(socket, String(event.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.pendingLogin) {
        this.failLogin('the trade server closed the connection');
        return;
      }
      if (!this.user) return;
      this.state = 'reconnecting';
      this.changed();
      const delay = Math.min(5000, 300 * 2 ** this.attempt);
      this.attempt += 1;
      this.retry = setTimeout(() => this.open(), delay);
    };
  }

  private failLogin(reason: string): void {
    const pending = this.pendingLogin;
    this.pendingLogin = undefined;
    this.loginError = reason;
    this.user = '';
    this.state = 'signed-out';
    this.socket?.close();
    this.socket = undefined;
    this.changed();
    pending?.reject(new Error(reason));
  }

  private onMessage(socket: WebSocket, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (!isObject(message) || message.aid !== 'rtn_data' || !Array.isArray(message.data)) return;
    let loggedIn = false;
    for (const part of message.data as unknown[]) {
      if (!isObject(part) || !isObject(part.notify)) continue;
      for (const entry of Object.values(part.notify)) {
        if (!isObject(entry) || typeof entry.content !== 'string') continue;
        const level = entry.level === 'ERROR' || entry.level === 'WARNING' ? entry.level : 'INFO';
        if (entry.content.startsWith('登录成功')) loggedIn = true;
        else if (this.pendingLogin && entry.content.startsWith('用户登录失败')) {
          this.failLogin(entry.content);
          return;
        } else
          this.notices = [
            ...this.notices.slice(-19),
            { id: this.nextNotice++, level, text: entry.content, at: Date.now() },
          ];
      }
    }
    if (loggedIn) {
      // A new session: its first data is the whole state.
      this.snapshot = {};
      this.attempt = 0;
      this.state = 'ready';
      const pending = this.pendingLogin;
      this.pendingLogin = undefined;
      pending?.resolve();
    }
    // Notifies are shown as notices, not kept in the snapshot.
    const data = (message.data as unknown[]).map((part) => {
      if (!isObject(part) || !('notify' in part)) return part;
      const { notify: _notify, ...rest } = part;
      return rest;
    });
    this.snapshot = applyDiffData(this.snapshot, data) as Json;
    this.changed();
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ aid: 'peek_message' }));
  }
}
