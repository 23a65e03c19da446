import { backoffDelay, httpUrlOf } from '@qautlra/platform';
import { rtnDataQuotesOfText } from '@qautlra/diff';
import { instrumentOfWire, MDSnapshot, parseInstrumentId, parseSnapshot } from '@qautlra/qamd';
import WebSocket from 'ws';
import type { InstrumentInfo, MarketSource, SourceEvents, SourceState } from './market-source';

export interface UpstreamSourceOptions {
  /** `ws://host:port/ws/market` of the upstream gateway. */
  url: string;
  name?: string;
  /** First reconnect delay (doubles, capped at 30 s). */
  backoffBaseMs?: number;
  /** Close and reconnect when the upstream sends nothing (not even a ping) for this long. */
  idleTimeoutMs?: number;
}

/**
 * Relays another gateway's `/ws/market`: keeps one connection, subscribes (replace semantics) to
 * every instrument wanted here, merges the `rtn_data` patches into full snapshots. On a drop it
 * reconnects with exponential back-off (cap 30 s) and resubscribes everything; the upstream then
 * sends full snapshots again.
 */
export class UpstreamSource implements MarketSource {
  readonly name: string;
  private readonly subscribed = new Set<string>();
  private readonly state = new Map<string, Record<string, unknown>>();
  private universe?: Map<string, InstrumentInfo>;
  private socket?: WebSocket;
  private events?: SourceEvents;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private idle?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: UpstreamSourceOptions) {
    this.name = options.name ?? 'upstream';
  }

  serves(instrumentId: string): boolean {
    // Until the upstream's universe is known, accept any id; the upstream reports unknown ones.
    return this.universe ? this.universe.has(instrumentId) : true;
  }

  instruments(): InstrumentInfo[] {
    return [...(this.universe?.values() ?? [])];
  }

  start(events: SourceEvents): void {
    this.events = events;
    this.connect();
  }

  subscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) this.subscribed.add(id);
    this.sendSubscriptions();
  }

  unsubscribe(instrumentIds: readonly string[]): void {
    for (const id of instrumentIds) {
      this.subscribed.delete(id);
      this.state.delete(id);
    }
    if (this.subscribed.size > 0) this.sendSubscriptions();
    else if (this.socket?.readyState === WebSocket.OPEN)
      // An empty subscribe_quote is an error in the protocol: drop the last ones explicitly.
      this.socket.send(
        JSON.stringify({ aid: 'unsubscribe_quote', ins_list: instrumentIds.join(',') }),
      );
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.idle) clearTimeout(this.idle);
    const socket = this.socket;
    this.socket = undefined;
    socket?.terminate();
    this.report('disconnected', 'stopped');
    return Promise.resolve();
  }

  private connect(): void {
    if (this.stopped) return;
    this.report('connecting', this.options.url);
    const socket = new WebSocket(this.options.url, { maxPayload: 64 * 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      this.touch(socket);
      void this.loadUniverse();
      this.report('connected', this.options.url);
      this.sendSubscriptions();
    });
    socket.on('message', (data) => {
      this.touch(socket);
      this.receive((data as Buffer).toString('utf8'));
    });
    socket.on('ping', () => this.touch(socket));
    socket.on('error', () => undefined); // followed by 'close'
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.idle) clearTimeout(this.idle);
      if (this.stopped) return;
      this.failures += 1;
      const delay = backoffDelay(this.failures, this.options.backoffBaseMs);
      const why = reason.toString() || (code === 1006 ? 'connection lost' : `closed ${code}`);
      this.report('disconnected', `${why}; reconnecting in ${Math.round(delay / 100) / 10} s`);
      this.retry = setTimeout(() => this.connect(), delay);
      this.retry.unref();
    });
  }

  private touch(socket: WebSocket): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => socket.terminate(), this.options.idleTimeoutMs ?? 35_000);
    this.idle.unref();
  }

  private async loadUniverse(): Promise<void> {
    try {
      const response = await fetch(httpUrlOf(this.options.url, '/api/instruments'), {
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) return;
      const list: unknown = await response.json();
      if (Array.isArray(list))
        this.universe = new Map(
          list.flatMap((item) => {
            const info = instrumentOfWire(item);
            return info ? [[info.id, info] as const] : [];
          }),
        );
    } catch {
      // A relay without the instruments endpoint still works; ids are then checked upstream.
    }
  }

  private sendSubscriptions(): void {
    if (this.socket?.readyState !== WebSocket.OPEN || this.subscribed.size === 0) return;
    // A fresh connection gets full snapshots for everything in the list.
    this.socket.send(
      JSON.stringify({ aid: 'subscribe_quote', ins_list: [...this.subscribed].join(',') }),
    );
  }

  /** One frame from the upstream gateway; anything but a well-formed `rtn_data` is ignored. */
  receive(text: string): void {
    for (const [key, patch] of rtnDataQuotesOfText(text)) {
      const id = this.canonical(key);
      if (!id || !this.subscribed.has(id)) continue;
      const merged = { ...this.state.get(id), ...patch, instrument_id: id };
      this.state.set(id, merged);
      const snapshot = this.parse(merged) ?? this.parse({ ...patch, instrument_id: id });
      // Not complete yet, or a bad field: wait for the next full snapshot.
      if (!snapshot) continue;
      // A full snapshot replaces whatever bad state came before it.
      this.state.set(id, { ...snapshot });
      this.events?.snapshot(snapshot);
    }
  }

  private parse(value: Record<string, unknown>): MDSnapshot | undefined {
    try {
      return parseSnapshot(value);
    } catch {
      return undefined;
    }
  }

  private canonical(key: string): string | undefined {
    try {
      return parseInstrumentId(key).id;
    } catch {
      return undefined;
    }
  }

  private report(state: SourceState, detail: string): void {
    this.events?.state(this.name, state, detail);
  }
}
