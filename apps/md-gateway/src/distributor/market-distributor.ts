import {
  diffSnapshot,
  MDSnapshot,
  toWireSnapshot,
  tryNormaliseInstrumentId,
  WIRE_SNAPSHOT_FIELDS,
} from '@qautlra/qamd';
import type { SourceStatus } from '../sources/market-source';

const WIRE_FIELDS: ReadonlySet<string> = new Set(WIRE_SNAPSHOT_FIELDS.map(([name]) => name));

/** Quotes for one client, keyed by the id string the client subscribed with. */
export type QuoteBatch = Record<string, Record<string, unknown>>;

/** A subscriber: the distributor calls `deliver` with one batch per flush. */
export interface QuoteSubscriber {
  deliver(quotes: QuoteBatch): void;
  /** A source changed state (connected, disconnected, …). */
  status?(status: SourceStatus): void;
}

export interface SubscriptionChange {
  /** Ids the client now has (as the client wrote them). */
  subscribed: string[];
  /** Ids that could not be resolved to an instrument any source serves. */
  unknown: string[];
  /** Ids refused because the client would exceed its subscription cap. */
  overLimit: string[];
}

interface ClientState {
  subscriber: QuoteSubscriber;
  /** canonical id → the keys the client used for it. */
  keys: Map<string, Set<string>>;
}

export interface DistributorHooks {
  /** Called when an instrument gets its first subscriber / loses its last one. */
  upstreamSubscribe(canonicalIds: string[]): void;
  upstreamUnsubscribe(canonicalIds: string[]): void;
  /** Whether a source serves the canonical id. */
  serves(canonicalId: string): boolean;
}

/**
 * The gateway's distributor (the original's `md_distributor.rs`, fixed): latest snapshot per
 * instrument, NaN-safe change detection, pending change-sets merged within a batch window (the
 * original overwrote them), one frame per client per flush with every changed instrument, full
 * snapshot on first subscribe, upstream reference counting.
 */
export class MarketDistributor {
  private readonly cache = new Map<string, MDSnapshot>();
  private readonly pending = new Map<string, Record<string, unknown>>();
  private readonly clients = new Map<string, ClientState>();
  /** canonical id → the clients subscribed to it (upstream reference count = its size). */
  private readonly subscribers = new Map<string, Set<ClientState>>();
  ticksIn = 0;
  framesOut = 0;
  /** Instrument updates handed to clients (one frame can carry several). */
  updatesOut = 0;

  constructor(
    private readonly hooks: DistributorHooks,
    /** Most instruments one client may hold. */
    readonly maxPerClient = 2_000,
  ) {}

  /** Tells every client about a source's new state. */
  broadcastStatus(status: SourceStatus): void {
    for (const client of this.clients.values()) client.subscriber.status?.(status);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  addClient(clientId: string, subscriber: QuoteSubscriber): void {
    this.clients.set(clientId, { subscriber, keys: new Map() });
  }

  removeClient(clientId: string): void {
    const client = this.clients.get(clientId);
    if (!client) return;
    this.release(client, [...client.keys.keys()]);
    this.clients.delete(clientId);
  }

  /** Every instrument with at least one subscriber (canonical ids). */
  activeInstruments(): string[] {
    return [...this.subscribers.keys()].sort();
  }

  /** The client's ids, as it wrote them. */
  subscriptionsOf(clientId: string): string[] {
    const client = this.clients.get(clientId);
    if (!client) return [];
    return [...client.keys.values()].flatMap((keys) => [...keys]);
  }

  /** Replaces a client's subscription set (DIFF `subscribe_quote` semantics). */
  setSubscriptions(clientId: string, ids: readonly string[]): SubscriptionChange {
    const client = this.clients.get(clientId);
    if (!client) return { subscribed: [], unknown: [...ids], overLimit: [] };
    const { wanted, unknown } = this.resolve(ids);
    const removed = [...client.keys.keys()].filter((canonical) => !wanted.has(canonical));
    for (const canonical of removed) client.keys.delete(canonical);
    this.release(client, removed);
    const overLimit = this.addKeys(client, wanted);
    return { subscribed: this.subscriptionsOf(clientId), unknown, overLimit };
  }

  /** Adds ids to a client's set (legacy `subscribe`). */
  addSubscriptions(clientId: string, ids: readonly string[]): SubscriptionChange {
    const client = this.clients.get(clientId);
    if (!client) return { subscribed: [], unknown: [...ids], overLimit: [] };
    const { wanted, unknown } = this.resolve(ids);
    const overLimit = this.addKeys(client, wanted);
    return { subscribed: this.subscriptionsOf(clientId), unknown, overLimit };
  }

  /** Removes ids from a client's set (`unsubscribe_quote`, legacy `unsubscribe`); returns how many went. */
  removeSubscriptions(clientId: string, ids: readonly string[]): number {
    const client = this.clients.get(clientId);
    if (!client) return 0;
    const released: string[] = [];
    let count = 0;
    for (const id of ids) {
      const canonical = tryNormaliseInstrumentId(id);
      const keys = canonical ? client.keys.get(canonical) : undefined;
      if (!canonical || !keys?.delete(id.trim())) continue;
      count += 1;
      if (keys.size === 0) {
        client.keys.delete(canonical);
        released.push(canonical);
      }
    }
    this.release(client, released);
    return count;
  }

  /** Latest snapshot of an instrument (any accepted id style). */
  latest(id: string): MDSnapshot | undefined {
    const canonical = tryNormaliseInstrumentId(id);
    return canonical ? this.cache.get(canonical) : undefined;
  }

  /** Takes a snapshot from a source; returns true when it changed anything. */
  onSnapshot(snapshot: MDSnapshot): boolean {
    this.ticksIn += 1;
    const id = snapshot.instrument_id;
    const previous = this.cache.get(id);
    this.cache.set(id, snapshot);
    if (!previous) {
      this.pending.set(id, toWireSnapshot(snapshot));
      return true;
    }
    const changes = diffSnapshot(previous, snapshot);
    let changed = false;
    const pending = this.pending.get(id) ?? {};
    for (const [field, value] of Object.entries(changes)) {
      if (!WIRE_FIELDS.has(field)) continue;
      pending[field] = value;
      changed = true;
    }
    if (changed) this.pending.set(id, pending);
    return changed;
  }

  /** Sends every pending change to the clients that subscribe to it: one batch per client. */
  flush(): void {
    if (this.pending.size === 0) return;
    const batches = new Map<ClientState, QuoteBatch>();
    for (const [canonical, changes] of this.pending) {
      const subscribers = this.subscribers.get(canonical);
      if (!subscribers) continue;
      // One patch object per id style, shared by every client that wrote the id that way.
      const byKey = new Map<string, Record<string, unknown>>();
      for (const client of subscribers) {
        let batch = batches.get(client);
        if (!batch) {
          batch = {};
          batches.set(client, batch);
        }
        for (const key of client.keys.get(canonical) ?? []) {
          let patch = byKey.get(key);
          if (!patch) {
            patch = { ...changes, instrument_id: key };
            byKey.set(key, patch);
          }
          batch[key] = patch;
          this.updatesOut += 1;
        }
      }
    }
    this.pending.clear();
    for (const [client, batch] of batches) {
      this.framesOut += 1;
      client.subscriber.deliver(batch);
    }
  }

  private resolve(ids: readonly string[]): { wanted: Map<string, Set<string>>; unknown: string[] } {
    const wanted = new Map<string, Set<string>>();
    const unknown: string[] = [];
    for (const raw of ids) {
      const id = raw.trim();
      if (!id) continue;
      const canonical = tryNormaliseInstrumentId(id);
      if (!canonical || !this.hooks.serves(canonical)) {
        unknown.push(id);
        continue;
      }
      const keys = wanted.get(canonical) ?? new Set<string>();
      keys.add(id);
      wanted.set(canonical, keys);
    }
    return { wanted, unknown };
  }

  /** Adds the wanted keys up to the client's cap; returns the ids refused over it. */
  private addKeys(client: ClientState, wanted: Map<string, Set<string>>): string[] {
    const fresh: string[] = [];
    const full: QuoteBatch = {};
    const overLimit: string[] = [];
    for (const [canonical, keys] of wanted) {
      const existing = client.keys.get(canonical);
      if (!existing && client.keys.size >= this.maxPerClient) {
        overLimit.push(...keys);
        continue;
      }
      if (!existing) fresh.push(canonical);
      const target = existing ?? new Set<string>();
      const cached = this.cache.get(canonical);
      for (const key of keys) {
        if (!target.has(key) && cached)
          full[key] = { ...toWireSnapshot(cached), instrument_id: key };
        target.add(key);
      }
      client.keys.set(canonical, target);
    }
    this.retain(client, fresh);
    // Full snapshot on first subscribe, for instruments already cached.
    const fullCount = Object.keys(full).length;
    if (fullCount > 0) {
      this.framesOut += 1;
      this.updatesOut += fullCount;
      client.subscriber.deliver(full);
    }
    return overLimit;
  }

  private retain(client: ClientState, canonicalIds: string[]): void {
    const first: string[] = [];
    for (const id of canonicalIds) {
      let set = this.subscribers.get(id);
      if (!set) {
        set = new Set();
        this.subscribers.set(id, set);
        first.push(id);
      }
      set.add(client);
    }
    if (first.length > 0) this.hooks.upstreamSubscribe(first);
  }

  private release(client: ClientState, canonicalIds: string[]): void {
    const last: string[] = [];
    for (const id of canonicalIds) {
      const set = this.subscribers.get(id);
      if (!set) continue;
      set.delete(client);
      if (set.size === 0) {
        this.subscribers.delete(id);
        last.push(id);
      }
    }
    if (last.length > 0) this.hooks.upstreamUnsubscribe(last);
  }
}
