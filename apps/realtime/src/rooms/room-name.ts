import type { BarFrequency } from '@qautlra/execution';
import { IndicatorSpec, parseIndicator } from '@qautlra/indicators';
import { tryNormaliseInstrumentId } from '@qautlra/qamd';

/** What a room carries. */
export type Room =
  | { kind: 'ACCOUNT'; name: string; account: string }
  | { kind: 'PORTFOLIO'; name: string; user: string }
  | {
      kind: 'FACTOR';
      name: string;
      instrument: string;
      frequency: BarFrequency;
      /** Undefined for `*`: the bars alone. */
      indicator?: IndicatorSpec;
    }
  | {
      kind: 'RANK';
      name: string;
      frequency: BarFrequency;
      indicator: IndicatorSpec;
      instruments: string[];
    };

export class RoomNameError extends Error {}

export const MAX_ROOM_NAME_LENGTH = 4_096;
/** Instruments of one cross-sectional (`RANK`) room. */
export const MAX_RANK_INSTRUMENTS = 500;

const FREQUENCIES: Record<string, BarFrequency> = {
  '1M': '1m',
  '1MIN': '1m',
  '5M': '5m',
  '5MIN': '5m',
  '15M': '15m',
  '15MIN': '15m',
  '30M': '30m',
  '30MIN': '30m',
  '1H': '1h',
  '60M': '1h',
  '60MIN': '1h',
  '1D': '1d',
  '1DAY': '1d',
  DAY: '1d',
};

function frequencyOf(text: string): BarFrequency {
  const frequency = FREQUENCIES[text.trim().toUpperCase()];
  if (!frequency)
    throw new RoomNameError(
      `unknown bar frequency ${JSON.stringify(text)}: 1min, 5min, 15min, 30min, 60min or 1day`,
    );
  return frequency;
}

function instrumentOf(text: string): string {
  const id = tryNormaliseInstrumentId(text.trim());
  if (!id) throw new RoomNameError(`unknown instrument ${JSON.stringify(text)}`);
  return id;
}

function indicatorOf(text: string): IndicatorSpec | undefined {
  if (text.trim() === '*') return undefined;
  try {
    return parseIndicator(text);
  } catch (error) {
    throw new RoomNameError((error as Error).message);
  }
}

const factorName = (instrument: string, frequency: BarFrequency, indicator?: IndicatorSpec) =>
  `FACTOR:${instrument}:${frequency}:${indicator?.label ?? '*'}`;

/**
 * A room from the name a client sent, with its canonical name. As in the original, quotes are
 * stripped and the name is upper-cased — except the parts that name something case-sensitive: an
 * account cookie or a user name is matched as given (`ACCOUNT:demo` is the account `demo`), and
 * instruments take their canonical `EXCHANGE.code` form. Rooms:
 * - `ACCOUNT:<account_cookie>` — one account re-marked on live quotes;
 * - `PORTFOLIO:<user_name>` — a user's accounts together;
 * - `FACTOR:<instrument>:<freq>:<indicator(params)>` (or `*` for the bars alone), and the
 *   original's `<market>_<EX>_<code>$<indicator>$<freq>` form (`stock_SZ_000001$*$1min`);
 * - `RANK:<freq>:<indicator(params)>:<instrument>,<instrument>,…` — an indicator across
 *   instruments, ranked.
 */
export function parseRoom(raw: string): Room {
  if (typeof raw !== 'string') throw new RoomNameError('a room is a string');
  const text = raw.replace(/["']/g, '').trim();
  if (!text) throw new RoomNameError('empty room name');
  if (text.length > MAX_ROOM_NAME_LENGTH)
    throw new RoomNameError(`room names are at most ${MAX_ROOM_NAME_LENGTH} characters`);
  const colon = text.indexOf(':');
  if (colon < 0) {
    const original = /^[A-Za-z]+_([A-Za-z]+_[A-Za-z0-9]+)\$([^$]+)\$([^$]+)$/.exec(text);
    if (!original)
      throw new RoomNameError(
        `unknown room ${JSON.stringify(raw)}: ACCOUNT:<account>, PORTFOLIO:<user>, FACTOR:<instrument>:<freq>:<indicator>, RANK:<freq>:<indicator>:<instruments> or market_EX_code$indicator$freq`,
      );
    const instrument = instrumentOf(original[1]!);
    const frequency = frequencyOf(original[3]!);
    const indicator = indicatorOf(original[2]!);
    return {
      kind: 'FACTOR',
      name: factorName(instrument, frequency, indicator),
      instrument,
      frequency,
      ...(indicator ? { indicator } : {}),
    };
  }
  const kind = text.slice(0, colon).trim().toUpperCase();
  const rest = text.slice(colon + 1).trim();
  switch (kind) {
    case 'ACCOUNT':
      if (!rest) throw new RoomNameError('ACCOUNT:<account_cookie>');
      return { kind, name: `ACCOUNT:${rest}`, account: rest };
    case 'PORTFOLIO':
      if (!rest) throw new RoomNameError('PORTFOLIO:<user_name>');
      return { kind, name: `PORTFOLIO:${rest}`, user: rest };
    case 'FACTOR': {
      // The indicator's parameters hold commas, never colons: split on the first two colons.
      const first = rest.indexOf(':');
      const second = first < 0 ? -1 : rest.indexOf(':', first + 1);
      if (second < 0) throw new RoomNameError('FACTOR:<instrument>:<freq>:<indicator(params)>');
      const instrument = instrumentOf(rest.slice(0, first));
      const frequency = frequencyOf(rest.slice(first + 1, second));
      const indicator = indicatorOf(rest.slice(second + 1));
      return {
        kind,
        name: factorName(instrument, frequency, indicator),
        instrument,
        frequency,
        ...(indicator ? { indicator } : {}),
      };
    }
    case 'RANK': {
      const parts = /^([^:]+):([^:]+):(.+)$/.exec(rest);
      if (!parts)
        throw new RoomNameError('RANK:<freq>:<indicator(params)>:<instrument>,<instrument>,…');
      const frequency = frequencyOf(parts[1]!);
      const indicator = indicatorOf(parts[2]!);
      if (!indicator) throw new RoomNameError('a RANK room names an indicator');
      const listed = parts[3]!
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      if (listed.length === 0 || listed.length > MAX_RANK_INSTRUMENTS)
        throw new RoomNameError(`a RANK room lists 1–${MAX_RANK_INSTRUMENTS} instruments`);
      const instruments = [...new Set(listed.map(instrumentOf))].sort();
      return {
        kind,
        name: `RANK:${frequency}:${indicator.label}:${instruments.join(',')}`,
        frequency,
        indicator,
        instruments,
      };
    }
    default:
      throw new RoomNameError(
        `unknown room kind ${JSON.stringify(kind)}: ACCOUNT, PORTFOLIO, FACTOR or RANK`,
      );
  }
}
