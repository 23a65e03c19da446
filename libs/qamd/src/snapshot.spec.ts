import fc from 'fast-check';
import examples from './fixtures/snapshots.json';
import {
  bidAskSpread,
  hasLevel2Depth,
  isEtf,
  isFuturesOrOptions,
  MDSnapshot,
  parseSnapshot,
  serializeSnapshot,
  serializeWireSnapshot,
  toWireSnapshot,
} from './snapshot';
import { diffSnapshot, mergeSnapshot, snapshotsEqual } from './snapshot-diff';
import { snapshotArbitrary } from '@qautlra/testing';
import { QamdError } from './qamd.error';

const fixtures = examples as Record<string, string>;
const libraryExamples = Object.entries(fixtures).filter(([name]) => name.startsWith('library-'));
const wireExamples = Object.entries(fixtures).filter(([name]) => name.startsWith('wire-'));

describe('MDSnapshot JSON', () => {
  it.each(libraryExamples)('%s round-trips byte for byte (library form)', (_name, text) => {
    expect(serializeSnapshot(parseSnapshot(text))).toBe(text);
  });

  it.each(wireExamples)('%s round-trips byte for byte (gateway wire form)', (_name, text) => {
    expect(serializeWireSnapshot(parseSnapshot(text))).toBe(text);
  });

  it('reads explicit null levels of the wire form as absent levels', () => {
    const snapshot = parseSnapshot(fixtures['wire-future-full']);
    expect('ask_price2' in snapshot).toBe(false);
    expect(snapshot.close).toBeNull();
    expect(snapshot.settlement).toBe('-');
    expect(snapshot.iopv).toBeNull();
  });

  it('writes the wire form with levels 1–5 only, alphabetical keys and null for absent levels', () => {
    const snapshot = parseSnapshot(fixtures['library-etf-l10']);
    const wire = JSON.parse(serializeWireSnapshot(snapshot)) as Record<string, unknown>;
    const keys = Object.keys(wire);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toHaveLength(37);
    expect(wire).not.toHaveProperty('ask_price6');
    expect(wire).not.toHaveProperty('iopv');
    expect(toWireSnapshot(parseSnapshot(fixtures['library-future'])).bid_volume5).toBeNull();
  });

  it.each([
    ['last_price', '"abc"', 'expected a number'],
    ['volume', '1.5', 'expected an integer'],
    ['close', '"n/a"', 'expected a number, "-" or null'],
    ['instrument_id', '42', 'expected a string'],
    ['datetime', '"2025-99-01T00:00:00Z"', 'expected an RFC 3339 timestamp'],
    ['ask_price2', '"x"', 'expected a number'],
  ])('rejects a bad %s with the field named', (field, raw, message) => {
    const text = fixtures['library-stock-l2']!.replace(
      new RegExp(`"${field}":[^,]+`),
      `"${field}":${raw}`,
    );
    expect(() => parseSnapshot(text)).toThrow(QamdError);
    expect(() => parseSnapshot(text)).toThrow(`snapshot field "${field}": ${message}`);
  });

  it('rejects a missing required field and non-objects', () => {
    const parsed = JSON.parse(fixtures['library-stock-l2']!) as Record<string, unknown>;
    delete parsed.bid_price1;
    expect(() => parseSnapshot(parsed)).toThrow('"bid_price1"');
    expect(() => parseSnapshot('[1,2]')).toThrow('snapshot must be a JSON object');
    expect(() => parseSnapshot('{')).toThrow('snapshot is not JSON');
  });

  it('never throws anything but QamdError on arbitrary JSON (fuzz)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseSnapshot(value);
        } catch (error) {
          expect(error).toBeInstanceOf(QamdError);
        }
      }),
    );
  });

  it('serialise → parse is the identity on generated snapshots (NaN has no JSON form: serde writes null)', () => {
    fc.assert(
      fc.property(snapshotArbitrary(), (snapshot) => {
        expect(snapshotsEqual(parseSnapshot(serializeSnapshot(snapshot)), snapshot)).toBe(true);
      }),
    );
  });
});

describe('snapshot helpers (qamd-rs tests)', () => {
  const l2 = parseSnapshot(fixtures['library-stock-l2']);
  it('spread, depth, futures and ETF flags', () => {
    expect(bidAskSpread(l2)).toBeCloseTo(0.1, 12);
    expect(hasLevel2Depth(l2)).toBe(true);
    expect(isFuturesOrOptions(l2)).toBe(false);
    expect(isEtf(l2)).toBe(false);
    expect(hasLevel2Depth(parseSnapshot(fixtures['library-future']))).toBe(false);
    expect(isFuturesOrOptions(parseSnapshot(fixtures['library-future']))).toBe(true);
    expect(isEtf(parseSnapshot(fixtures['library-etf-l10']))).toBe(true);
  });
});

describe('snapshot diff and merge', () => {
  const base = parseSnapshot(fixtures['library-future']);

  it('diffs only the changed fields', () => {
    const next: MDSnapshot = { ...base, last_price: 613, volume: base.volume + 2, close: 613 };
    expect(diffSnapshot(base, next)).toEqual({ last_price: 613, volume: 70565, close: 613 });
  });

  it('treats NaN as equal to NaN (the original resent it on every tick)', () => {
    const a: MDSnapshot = { ...base, average: Number.NaN };
    expect(diffSnapshot(a, { ...a })).toEqual({});
  });

  it('removes a depth level with null and restores OptionalF64 null', () => {
    const withLevel: MDSnapshot = { ...base, ask_price2: 612.36, ask_volume2: 4 };
    const patch = diffSnapshot(withLevel, { ...base, close: null });
    expect(patch).toEqual({ ask_price2: null, ask_volume2: null, close: null });
    const merged = mergeSnapshot(withLevel, patch);
    expect('ask_price2' in merged).toBe(false);
    expect(merged.close).toBeNull();
  });

  it('merge(a, diff(a, b)) equals b for generated snapshots', () => {
    fc.assert(
      fc.property(
        snapshotArbitrary({ withNaN: true }),
        snapshotArbitrary({ withNaN: true }),
        (a, b0) => {
          const b = { ...b0, instrument_id: a.instrument_id };
          expect(snapshotsEqual(mergeSnapshot(a, diffSnapshot(a, b)), b)).toBe(true);
          expect(mergeSnapshot(a, diffSnapshot(a, b))).toEqual(b);
        },
      ),
    );
  });

  it('ignores prototype-polluting keys', () => {
    const merged = mergeSnapshot(
      base,
      JSON.parse('{"__proto__":{"polluted":1}}') as Record<string, unknown>,
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(merged).toEqual(base);
  });
});
