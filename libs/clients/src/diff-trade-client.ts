import WebSocket from 'ws';
import { Reconnector, wsText } from '@qautlra/platform';
import { DiffClientMessage, rtnDataNotices } from '@qautlra/diff';

export type SessionState =
  'connecting' | 'logging_in' | 'ready' | 'login_failed' | 'disconnected' | 'stopped';

export interface SessionHandlers {
  /** Every JSON frame from the server, in order (the login notify included). */
  onFrame(frame: Record<string, unknown>, session: number): void;
  /** The server accepted the login of session number `session` (a new connection each time). */
  onReady(session: number): void;
  onState?(state: SessionState, detail?: string): void;
  /** A WebSocket pong (the original synced the QIFI document on each). */
  onPong?(): void;
}

export interface DiffSessionOptions {
  url: string;
  account: string;
  password: string;
  broker: string;
  /** WebSocket ping period, ms; 0 = no ping (then no dead-connection detection either). */
  pingGapMs: number;
  /** Reconnect back-off: first delay and cap, ms. */
  retryBaseMs?: number;
  retryCapMs?: number;
}

export interface SessionStatus {
  state: SessionState;
  /** Connections that reached `ready`. */
  session: number;
  connected_since?: string;
  reconnects: number;
  last_error?: string;
  last_pong_at?: string;
}

const LOGIN_OK = '登录成功';
const LOGIN_FAILED = '用户登录失败';

/**
 * A DIFF trade client of the trade server (the original trader's WebSocket lifecycle, §5.4):
 * `rust-websocket` sub-protocol, `req_login` with `bid = broker`, a `peek_message` after every
 * frame, a WebSocket ping `ping-<account>` every ping gap. Beyond the original: a dropped, refused
 * or silent connection (no pong for two ping gaps) is replaced with capped back-off, forever; each
 * new connection logs in again and peeks again, and nothing of the old connection is re-sent here.
 */
export class DiffTradeClient {
  private socket?: WebSocket;
  private readonly loop: Reconnector;
  private pingTimer?: NodeJS.Timeout;
  private lastPong = 0;
  private readonly status: SessionStatus = { state: 'disconnected', session: 0, reconnects: 0 };

  constructor(
    private readonly options: DiffSessionOptions,
    private readonly handlers: SessionHandlers,
  ) {
    this.loop = new Reconnector(() => this.connect(), {
      baseMs: options.retryBaseMs ?? 500,
      capMs: options.retryCapMs ?? 10_000,
    });
  }

  start(): void {
    this.loop.start();
  }

  get state(): SessionState {
    return this.status.state;
  }

  get ready(): boolean {
    return this.status.state === 'ready';
  }

  snapshot(): SessionStatus {
    return { ...this.status };
  }

  /** Sends one frame on the current connection; false when there is none ready. */
  send(message: DiffClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  async stop(): Promise<void> {
    this.loop.stop();
    clearInterval(this.pingTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.setState('stopped');
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.terminate();
      await closed;
    }
  }

  private setState(state: SessionState, detail?: string): void {
    this.status.state = state;
    if (detail !== undefined) this.status.last_error = detail;
    this.handlers.onState?.(state, detail);
  }

  private connect(): void {
    this.setState('connecting');
    const socket = new WebSocket(this.options.url, 'rust-websocket', { handshakeTimeout: 10_000 });
    this.socket = socket;
    let session = 0;
    socket.on('open', () => {
      this.setState('logging_in');
      this.lastPong = Date.now();
      socket.send(
        JSON.stringify({
          aid: 'req_login',
          bid: this.options.broker,
          user_name: this.options.account,
          password: this.options.password,
        }),
      );
      this.startPing(socket);
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary || this.socket !== socket) return;
      let frame: unknown;
      try {
        frame = JSON.parse(wsText(data));
      } catch {
        this.status.last_error = 'the server sent a frame that is not JSON';
        return;
      }
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return;
      const record = frame as Record<string, unknown>;
      if (this.status.state === 'logging_in') {
        const texts = rtnDataNotices(record);
        if (texts.some((text) => text.includes(LOGIN_OK))) {
          this.loop.succeeded();
          this.status.session += 1;
          session = this.status.session;
          this.status.connected_since = new Date().toISOString();
          this.setState('ready');
          this.handlers.onFrame(record, session);
          this.handlers.onReady(session);
        } else if (texts.some((text) => text.includes(LOGIN_FAILED))) {
          this.handlers.onFrame(record, session);
          this.setState(
            'login_failed',
            texts.find((text) => text.includes(LOGIN_FAILED)),
          );
          socket.close(1000, 'login failed');
          return;
        } else this.handlers.onFrame(record, session);
      } else this.handlers.onFrame(record, session);
      // The classic peek loop: ask for the next update after every frame.
      if (socket.readyState === WebSocket.OPEN) socket.send('{"aid":"peek_message"}');
    });
    socket.on('pong', () => {
      this.lastPong = Date.now();
      this.status.last_pong_at = new Date(this.lastPong).toISOString();
      this.handlers.onPong?.();
    });
    socket.on('error', (error) => {
      this.status.last_error = error.message;
    });
    socket.on('close', () => {
      clearInterval(this.pingTimer);
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.loop.stopped) return;
      if (this.status.state !== 'login_failed') this.setState('disconnected');
      this.status.reconnects += 1;
      this.loop.failed();
    });
  }

  private startPing(socket: WebSocket): void {
    clearInterval(this.pingTimer);
    const gap = this.options.pingGapMs;
    if (gap <= 0) return;
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastPong > 2 * gap + 1_000) {
        this.status.last_error = `no pong for ${Math.round((Date.now() - this.lastPong) / 1000)} s`;
        socket.terminate();
        return;
      }
      if (socket.readyState === WebSocket.OPEN) socket.ping(`ping-${this.options.account}`);
    }, gap);
  }
}
