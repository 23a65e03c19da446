import fc from 'fast-check';
import { loadCatalog } from './catalog';
import { decodeStruct, encodeStruct } from './codec';
import { decodeRecords } from './native';

const catalog = loadCatalog();
const eventStructs = [
  ...new Set(
    [...catalog.mdEvents, ...catalog.traderEvents].flatMap((e) => (e.struct ? [e.struct] : [])),
  ),
].map((name) => catalog.structs.get(name)!);

describe('CTP struct codec (fuzzed)', () => {
  it('decodes any bytes of any callback struct without throwing; strings stay within their field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...eventStructs),
        fc.uint8Array({ maxLength: 3000 }),
        (layout, bytes) => {
          const decoded = decodeStruct(layout, Buffer.from(bytes));
          for (const f of layout.fields) {
            const v = decoded[f.name];
            if (f.kind === 'string') expect((v as string).length).toBeLessThanOrEqual(f.size);
            if (f.kind === 'double' && v !== undefined) expect(Number.isFinite(v)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads any batch of records without throwing or reading past it', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            event: fc.integer({ min: 0, max: 140 }),
            length: fc.integer({ min: 0, max: 4000 }),
            body: fc.uint8Array({ maxLength: 1200 }),
          }),
          { maxLength: 5 },
        ),
        fc.uint8Array({ maxLength: 200 }),
        (records, tail) => {
          // Headers that name real events with lengths that may lie, then garbage.
          const parts = records.map((r) => {
            const header = Buffer.alloc(104);
            header.writeUInt16LE(r.event, 0);
            header.writeUInt32LE(r.length, 12);
            return Buffer.concat([header, Buffer.from(r.body)]);
          });
          const batch = Buffer.concat([...parts, Buffer.from(tail)]);
          const events = decodeRecords(catalog, catalog.traderEvents, batch);
          expect(events.length).toBeLessThanOrEqual(records.length + batch.length / 104);
          for (const e of events) expect(typeof e.name).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('round-trips what a request carries, zero-filled, and refuses what cannot be sent', () => {
    const layout = catalog.structs.get('CThostFtdcInputOrderField')!;
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9]{0,30}$/),
        fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        (instrument, price, volume) => {
          const image = encodeStruct(layout, {
            InstrumentID: instrument,
            LimitPrice: price,
            VolumeTotalOriginal: volume,
            Direction: '0',
          });
          expect(image.length).toBe(layout.size);
          expect(decodeStruct(layout, image)).toMatchObject({
            InstrumentID: instrument,
            LimitPrice: price,
            VolumeTotalOriginal: volume,
            Direction: '0',
            OrderRef: '',
          });
        },
      ),
    );
    expect(() => encodeStruct(layout, { InstrumentID: 'x'.repeat(31) })).toThrow(/longer than 30/);
    expect(() => encodeStruct(layout, { InstrumentID: '螺纹' })).toThrow(/ASCII/);
    expect(() => encodeStruct(layout, { LimitPrice: Infinity })).toThrow(/finite/);
    expect(() => encodeStruct(layout, { VolumeTotalOriginal: 2 ** 31 })).toThrow(/not a int/);
    expect(() => encodeStruct(layout, { Nope: 1 })).toThrow(/no field Nope/);
  });

  it('decodes GB18030 messages and treats DBL_MAX as absent', () => {
    const layout = catalog.structs.get('CThostFtdcRspInfoField')!;
    const image = Buffer.alloc(layout.size);
    image.writeInt32LE(8, 0);
    Buffer.from([0xc7, 0xb0, 0xd6, 0xc3, 0xb2, 0xbb, 0xbb, 0xee, 0xd4, 0xbe]).copy(image, 4);
    expect(decodeStruct(layout, image)).toEqual({ ErrorID: 8, ErrorMsg: '前置不活跃' });
    const tick = catalog.structs.get('CThostFtdcDepthMarketDataField')!;
    const bytes = Buffer.alloc(tick.size);
    bytes.writeDoubleLE(Number.MAX_VALUE, tick.byName.get('ClosePrice')!.offset);
    bytes.writeDoubleLE(3500.5, tick.byName.get('LastPrice')!.offset);
    const decoded = decodeStruct(tick, bytes);
    expect(decoded.ClosePrice).toBeUndefined();
    expect(decoded.LastPrice).toBe(3500.5);
  });
});
