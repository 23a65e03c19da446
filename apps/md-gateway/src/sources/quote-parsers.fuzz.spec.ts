import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSinaBody } from './sina-parser';
import { parseTencentBody } from './tencent-parser';

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };
const recorded = (name: string, prefix: string) =>
  readFileSync(join(__dirname, '../../test/fixtures', name), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith(prefix) && !line.endsWith('="";'));

/** Lines that look like quote lines but carry garbage: wrong field counts, junk numbers, quotes. */
const junkLine = (prefix: string, separator: string) =>
  fc.oneof(
    fc.string(),
    fc
      .tuple(
        fc.constantFrom('sh600000', 'sz000001', 'nf_RB2505', 'nf_IF2506', 'bj430047', 'x', ''),
        fc.array(fc.oneof(fc.string(), fc.double().map(String), fc.constant('')), {
          maxLength: 60,
        }),
      )
      .map(([symbol, fields]) => `${prefix}${symbol}="${fields.join(separator)}";`),
  );

describe.each([
  ['Sina', parseSinaBody, 'sina-lines.txt', 'var hq_str_', ','],
  ['Tencent', parseTencentBody, 'tencent-lines.txt', 'v_', '~'],
] as const)('%s parser fuzz', (_name, parse, fixture, prefix, separator) => {
  // Recorded A-share lines (HK lines are out of scope and skipped by design).
  const good = recorded(fixture, prefix).filter((line) => parse(line).snapshots.length === 1);

  it('has recorded lines to work with', () => expect(good.length).toBeGreaterThan(20));

  it('never throws on arbitrary bodies; every line is either a snapshot or a skip reason', () => {
    fc.assert(
      fc.property(fc.array(junkLine(prefix, separator), { maxLength: 20 }), (lines) => {
        const body = lines.join('\n');
        const parsed = parse(body);
        const nonEmpty = body.split('\n').filter((line) => line.trim()).length;
        expect(parsed.snapshots.length + parsed.skipped.length).toBe(nonEmpty);
        for (const snapshot of parsed.snapshots) expect(typeof snapshot.datetime).toBe('string');
      }),
      runs,
    );
  });

  it('no garbled line puts a negative price, volume or amount on the wire (issue 16 §14)', () => {
    let refusedOrDropped = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...good),
        fc.array(
          fc.tuple(
            fc.nat({ max: 60 }),
            fc.oneof(
              fc.double({ max: -Number.MIN_VALUE }).map(String),
              fc.integer({ min: -1_000_000, max: -1 }).map(String),
              fc.constantFrom('-1', '-0.01', 'NaN', '-Infinity', '1e400', '--3'),
            ),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (line, garbles) => {
          const quote = line.indexOf('"');
          const fields = line.slice(quote + 1, line.lastIndexOf('"')).split(separator);
          for (const [index, value] of garbles) if (index < fields.length) fields[index] = value;
          const garbled = `${line.slice(0, quote + 1)}${fields.join(separator)}";`;
          const parsed = parse(garbled);
          refusedOrDropped += parsed.skipped.length + parsed.dropped;
          const negative = parsed.snapshots.flatMap((snapshot) =>
            Object.entries(snapshot).filter(
              ([key, value]) =>
                /price|volume|amount|open|highest|lowest|close|average|limit/.test(key) &&
                typeof value === 'number' &&
                (value < 0 || !Number.isFinite(value)),
            ),
          );
          expect(negative).toEqual([]);
        },
      ),
      runs,
    );
    expect(refusedOrDropped).toBeGreaterThan(0);
  });

  it('a recorded line parses the same whatever junk surrounds it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...good),
        fc.array(junkLine(prefix, separator), { maxLength: 5 }),
        fc.array(junkLine(prefix, separator), { maxLength: 5 }),
        (line, before, after) => {
          const alone = parse(line).snapshots;
          expect(alone).toHaveLength(1);
          const mixed = parse([...before, line, ...after].join('\n')).snapshots;
          expect(mixed).toContainEqual(alone[0]);
        },
      ),
      runs,
    );
  });
});

describe('quote lines that are not prices', () => {
  it('Tencent -1 "no limit" values become 0 (no value), counted as dropped', () => {
    const line = recorded('tencent-lines.txt', 'v_').find((candidate) =>
      candidate.startsWith('v_sh6'),
    )!;
    const fields = line.slice(line.indexOf('"') + 1, line.lastIndexOf('"')).split('~');
    fields[47] = '-1';
    fields[48] = '-1';
    const parsed = parseTencentBody(`${line.slice(0, line.indexOf('"') + 1)}${fields.join('~')}";`);
    expect(parsed.snapshots[0]).toMatchObject({ upper_limit: 0, lower_limit: 0 });
    expect(parsed.dropped).toBe(2);
  });

  it.each([
    ['Tencent', parseTencentBody, 'tencent-lines.txt', 'v_sh600000', 'v_'],
    ['Sina', parseSinaBody, 'sina-lines.txt', 'var hq_str_sh600000', 'var hq_str_'],
  ] as const)('%s index lines carry no average', (_name, parse, fixture, stockSymbol, prefix) => {
    const stock = recorded(fixture, prefix).find((line) => line.startsWith(`${stockSymbol}=`))!;
    expect(parse(stock).snapshots[0]?.average).toBeGreaterThan(0);
    // The same fields under index codes (SSE 000001, SZSE 399001).
    for (const index of ['sh000001', 'sz399001']) {
      const line = stock.replace(stockSymbol, `${prefix}${index}`);
      const snapshot = parse(line).snapshots[0];
      expect([index, snapshot?.average]).toEqual([index, 0]);
    }
  });
});
