/**
 * `npm run bench:qamd` — the original's criterion benchmark (qamd-rs benches/serialization.rs):
 * serialise a 3-level snapshot to JSON, parse it back, take a tick from it, serialise the tick; plus
 * the gateway's diff/merge. Each is compared with a baseline measured in the same run: plain
 * `JSON.stringify` / `JSON.parse` of the same object (what a client would do without our exact
 * byte form and validation).
 */
import {
  diffSnapshot,
  MDSnapshot,
  mergeSnapshot,
  parseSnapshot,
  serializeSnapshot,
  serializeTick,
  serializeWireSnapshot,
  tickFromSnapshot,
} from '@qautlra/qamd';

const snapshot: MDSnapshot = parseSnapshot({
  instrument_id: 'SHFE.au2512',
  amount: 43212000000,
  ask_price1: 612.34,
  ask_volume1: 7,
  ask_price2: 612.36,
  ask_volume2: 4,
  ask_price3: 612.38,
  ask_volume3: 9,
  bid_price1: 612.32,
  bid_volume1: 3,
  bid_price2: 612.3,
  bid_volume2: 12,
  bid_price3: 612.28,
  bid_volume3: 5,
  close: '-',
  datetime: '2025-03-28T13:30:00.500Z',
  highest: 615,
  last_price: 612.34,
  lower_limit: 563.38,
  lowest: 610.02,
  open: 611,
  open_interest: 182345,
  pre_close: 611.5,
  pre_open_interest: 180011,
  pre_settlement: 612,
  settlement: '-',
  upper_limit: 660.96,
  volume: 70563,
  average: 612.4,
  iopv: null,
});
const text = serializeSnapshot(snapshot);
const next: MDSnapshot = {
  ...snapshot,
  last_price: 612.36,
  volume: 70565,
  amount: 43213224720,
  bid_volume1: 4,
};

function measure(run: () => unknown, milliseconds = 700): number {
  let sink = 0;
  const warmupEnd = Date.now() + 150;
  while (Date.now() < warmupEnd) sink += run() === undefined ? 0 : 1;
  let iterations = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(milliseconds) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1000; i += 1) sink += run() === undefined ? 0 : 1;
    iterations += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  if (sink < 0) console.log(sink);
  return iterations / (Number(elapsed) / 1e9);
}

const rows: [string, number, string, number][] = [
  [
    'serialise snapshot (serde byte form)',
    measure(() => serializeSnapshot(snapshot)),
    'JSON.stringify',
    measure(() => JSON.stringify(snapshot)),
  ],
  [
    'serialise gateway wire snapshot',
    measure(() => serializeWireSnapshot(snapshot)),
    'JSON.stringify',
    measure(() => JSON.stringify(snapshot)),
  ],
  [
    'parse + validate snapshot',
    measure(() => parseSnapshot(text)),
    'JSON.parse',
    measure(() => JSON.parse(text) as unknown),
  ],
  [
    'tick from snapshot',
    measure(() => tickFromSnapshot(snapshot)),
    'object literal of the same fields',
    measure(() => ({
      instrument_id: snapshot.instrument_id,
      last_price: snapshot.last_price,
      volume: snapshot.volume,
      amount: snapshot.amount,
      datetime: snapshot.datetime,
    })),
  ],
  [
    'serialise tick',
    measure(() => serializeTick(tickFromSnapshot(snapshot))),
    'JSON.stringify',
    measure(() => JSON.stringify(tickFromSnapshot(snapshot))),
  ],
  [
    'diff + merge (incremental update)',
    measure(() => mergeSnapshot(snapshot, diffSnapshot(snapshot, next))),
    'JSON.stringify full snapshot',
    measure(() => JSON.stringify(next)),
  ],
];

const format = (value: number) => `${Math.round(value).toLocaleString('en-US')} ops/s`;
console.log(`qamd serialization benchmark (node ${process.version})`);
for (const [name, ours, baselineName, baseline] of rows) {
  console.log(
    `${name.padEnd(38)} ${format(ours).padStart(18)}   baseline ${baselineName.padEnd(30)} ${format(baseline).padStart(18)}   ratio ${(ours / baseline).toFixed(2)}×`,
  );
}
const wireFull = Buffer.byteLength(serializeWireSnapshot(next));
const wireDiff = Buffer.byteLength(
  JSON.stringify({ instrument_id: next.instrument_id, ...diffSnapshot(snapshot, next) }),
);
console.log(
  `incremental frame ${wireDiff} B vs full snapshot ${wireFull} B: ratio ${(wireDiff / wireFull).toFixed(2)}× (${(100 - (100 * wireDiff) / wireFull).toFixed(0)} % less traffic)`,
);
