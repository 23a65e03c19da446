import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { nativeCtpDir, type CtpCatalog, type CtpLayout, type SpiEvent } from './catalog';
import { cString, decodeStruct, type CtpStruct } from './codec';

/** The addon's session object (native-ctp/addon/addon.cc). */
export interface NativeSession {
  registerFront(address: string): void;
  init(): void;
  subscribe(ids: string[]): number;
  unsubscribe(ids: string[]): number;
  subscribeTopic(privateFlow: boolean, resumeType: number): void;
  request(index: number, image: Buffer, requestId: number): number;
  tradingDay(): string;
  dropped(): number;
  /** Up to `limit` waiting records: [records, count, still waiting]; undefined when none. */
  drain(limit: number): [Buffer, number, number] | undefined;
  close(): void;
}

export interface NativeAddon {
  NativeSession: new (
    kind: 'md' | 'trader',
    library: string,
    flowPath: string,
    capacity: number,
    onReady: () => void,
  ) => NativeSession;
  apiVersion(kind: 'md' | 'trader', library: string): string;
  layout(): {
    sizes: Record<string, number>;
    offsets: [string, string, number][];
    recordHeader: number;
    maxStruct: number;
    layout: CtpLayout;
  };
}

const addons = new Map<CtpLayout, NativeAddon>();

/** A layout's suffix in the build's file names: '' for 6.3.15, '_6_5_1' for 6.5.1. */
function suffix(layout: CtpLayout): string {
  return layout === '6.3.15' ? '' : `_${layout.replace(/\./g, '_')}`;
}

/**
 * The compiled addon of a layout (built by `npm ci` through node-gyp into native-ctp/build/Release:
 * qautlra_ctp.node for 6.3.15, qautlra_ctp_6_5_1.node for 6.5.1). Any of them reads a library's version.
 */
export function nativeAddon(layout: CtpLayout = '6.3.15'): NativeAddon {
  const loaded = addons.get(layout);
  if (loaded) return loaded;
  const path = join(nativeCtpDir(), 'build', 'Release', `qautlra_ctp${suffix(layout)}.node`);
  if (!existsSync(path))
    throw new Error(`${path} is missing: build it with npm ci (or npm run build:native)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const addon = require(path) as NativeAddon;
  addons.set(layout, addon);
  return addon;
}

/**
 * The fake fronts' libraries built beside the addon (native-ctp/fake): the market-data front in each layout
 * (thostmduserapi_se.so, thostmduserapi_se_6_5_1.so), the trader front in 6.3.15.
 */
export function fakeLibrary(kind: 'md' | 'trader', layout: CtpLayout = '6.3.15'): string {
  if (kind === 'trader' && layout !== '6.3.15')
    throw new Error('the fake trader front is built in the 6.3.15 layout only');
  const name = kind === 'md' ? `thostmduserapi_se${suffix(layout)}.so` : 'thosttraderapi_se.so';
  return join(nativeCtpDir(), 'build', 'Release', name);
}

/** A front address CTP (or a fake front) takes: `tcp://`, `ssl://`, `tcp6://`, or `script:///path` for a fake. */
export function isFrontAddress(address: string): boolean {
  return /^(tcp|ssl|tcp6|script):\/\/\S+$/.test(address);
}

/** The library configured, else the fake front's when the address names a fake front's script. */
export function libraryFor(
  kind: 'md' | 'trader',
  frontAddr: string,
  configured: string | undefined,
): string | undefined {
  if (configured) return configured;
  return frontAddr.startsWith('script://') ? fakeLibrary(kind) : undefined;
}

/** Flow files go to a folder that must exist before the API is created. */
export function ensureFlowDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path.endsWith('/') ? path : `${path}/`;
}

/** One callback as it came from the library. */
export interface CtpEvent {
  readonly name: string;
  readonly data?: CtpStruct;
  /** CThostFtdcRspInfoField, when the library passed one. */
  readonly info?: { ErrorID: number; ErrorMsg: string };
  readonly requestId: number;
  readonly isLast: boolean;
  /** nReason / nTimeLapse. */
  readonly value: number;
}

const HEADER = 16;
const INFO_SIZE = 88;

/**
 * Reads a batch of records from the addon (see native-ctp/addon/channel.h). A record naming an unknown event
 * or running past the batch ends the batch: nothing is read outside the buffer.
 */
export function decodeRecords(
  catalog: CtpCatalog,
  events: readonly SpiEvent[],
  batch: Buffer,
): CtpEvent[] {
  const out: CtpEvent[] = [];
  let at = 0;
  while (at + HEADER + INFO_SIZE <= batch.length) {
    const event = events[batch.readUInt16LE(at)];
    const length = batch.readUInt32LE(at + 12);
    const payload = at + HEADER + INFO_SIZE;
    if (!event || payload + length > batch.length) break;
    const layout = event.struct ? catalog.structs.get(event.struct) : undefined;
    const record: {
      name: string;
      data?: CtpStruct;
      info?: { ErrorID: number; ErrorMsg: string };
      requestId: number;
      isLast: boolean;
      value: number;
    } = {
      name: event.name,
      requestId: batch.readInt32LE(at + 4),
      isLast: batch[at + 2] === 1,
      value: batch.readInt32LE(at + 8),
    };
    if (batch[at + 3] === 1) {
      record.info = {
        ErrorID: batch.readInt32LE(at + HEADER),
        ErrorMsg: cString(batch, at + HEADER + 4, 81),
      };
    }
    if (layout && length > 0)
      record.data = decodeStruct(layout, batch.subarray(payload, payload + length));
    out.push(record);
    // The header (104 bytes) is a multiple of 8; the payload is padded to 8.
    at = payload + ((length + 7) & ~7);
  }
  return out;
}

/** Records per pull: one pull per event-loop turn, so timers and sockets run between batches. */
const BATCH = 4096;

/**
 * Pulls a session's records when its doorbell rings: one batch now, the rest on later turns of the loop
 * (setImmediate), each decoded and handed to `handle` in order.
 */
export class EventPump {
  private scheduled = false;
  private session?: NativeSession;

  constructor(
    private readonly catalog: CtpCatalog,
    private readonly events: readonly SpiEvent[],
    private readonly handle: (event: CtpEvent) => void,
  ) {}

  attach(session: NativeSession): void {
    this.session = session;
  }

  detach(): void {
    this.session = undefined;
  }

  /** The doorbell. */
  readonly ready = (): void => {
    if (!this.scheduled) this.pull();
  };

  private pull(): void {
    this.scheduled = false;
    const taken = this.session?.drain(BATCH);
    if (!taken) return;
    const [batch, , remaining] = taken;
    for (const event of decodeRecords(this.catalog, this.events, batch)) {
      if (!this.session) return;
      this.handle(event);
    }
    if (remaining > 0 && this.session) {
      this.scheduled = true;
      setImmediate(() => this.pull());
    }
  }
}
