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
