/**
 * What the single-page app learns at start from `GET /api/web/config` (same origin: every API is
 * proxied). Imported as a type by the server and by the browser app; it imports nothing.
 */
export interface ClientConfig {
  /** The demo login shown on the login page, when this is a demo. */
  demo: { user: string; password: string } | null;
  /** Paths of the proxied APIs. */
  market: { rest: string; socket_path: string; namespace: string };
  trade: { rest: string; websocket: string; broker: string };
  tsdb: { rest: string; stream: string };
  fund: { rest: string };
  backtest: { rest: string };
  /** Live strategies (behind the trade server's login); `enabled` when the web server has the runtime's token. */
  strategy: { rest: string; enabled: boolean };
  /** The realtime monitor: REST and its Socket.IO namespace (auth: the trade server's JWT). */
  realtime: { rest: string; socket_path: string; namespace: string };
  docs: Record<string, string>;
}
