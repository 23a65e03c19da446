import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctpTickToSnapshot, fakeLibrary, MdApi, nativeCtpDir, type CtpLayout } from '@qautlra/ctp';

/**
 * npm run bench:ctp — ticks from native-ctp's fake market-data front through the addon (callback copy,
 * channel, doorbell, batch decode) into QAMD snapshots, against the same-run floor: the same library and
 * script writing into a bare C++ counter. The front emits as fast as it can, so the addon's bounded
 * channel drops the oldest ticks it cannot hand over in time; they are counted.
 */
const TICKS = Number(process.env.BENCH_TICKS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'bench-ctp-'));
const script = join(dir, 'burst.txt');
writeFileSync(
  script,
  [
    'instruments rb2605',
    'connect',
    'wait_subscribed rb2605 60000',
    `burst rb2605 ${TICKS} ExchangeID=SHFE LastPrice=3500 PreSettlementPrice=3490 OpenPrice=3495 HighestPrice=3510 ` +
      'LowestPrice=3480 Turnover=1000000 OpenInterest=150000 UpperLimitPrice=3780 LowerLimitPrice=3220 ' +
      'ClosePrice=MAX SettlementPrice=MAX UpdateTime=09:00:00 TradingDay=20260105 ActionDay=20260105 ' +
      'BidPrice1=3499 BidVolume1=10 AskPrice1=3501 AskVolume1=12 AveragePrice=34950',
  ].join('\n') + '\n',
);

function floor(): { ticks: number; seconds: number } {
  const binary = join(nativeCtpDir(), 'build', 'Release', 'ctp_floor');
  const out = execFileSync(binary, [fakeLibrary('md'), script, String(TICKS)], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as { ticks: number; seconds: number };
}

interface AddonRun {
  capacity: number;
  layout: CtpLayout;
  delivered: number;
  dropped: number;
  seconds: number;
  cpuPercent: number;
  rssMiB: number;
}

function addon(capacity: number, layout: CtpLayout = '6.3.15'): Promise<AddonRun> {
  return new Promise((resolve, reject) => {
    const api = new MdApi({
      library: fakeLibrary('md', layout),
      frontAddr: `script://${script}`,
      flowPath: join(dir, `flow-${capacity}-${layout}`),
      capacity,
    });
    let delivered = 0;
    let first = 0n;
    let last = 0n;
    let cpu = process.cpuUsage();
    let sink = 0;
    api.on('tick', (tick) => {
      const snapshot = ctpTickToSnapshot(tick, 'SHFE');
      if (!snapshot) return;
      sink += snapshot.last_price;
      const now = process.hrtime.bigint();
      if (delivered === 0) {
        first = now;
        cpu = process.cpuUsage();
      }
      delivered += 1;
      last = now;
    });
    api.subscribe(['rb2605']);
    api.connect();
    const deadline = Date.now() + 180_000;
    const check = setInterval(() => {
      const dropped = api.dropped;
      if (delivered + dropped < TICKS && Date.now() < deadline) return;
      clearInterval(check);
      const seconds = Number(last - first) / 1e9;
      const used = process.cpuUsage(cpu);
      const run: AddonRun = {
        capacity,
        layout,
        delivered,
        dropped,
        seconds,
        cpuPercent: ((used.user + used.system) / 1e6 / Math.max(seconds, 1e-9)) * 100,
        rssMiB: process.memoryUsage().rss / 2 ** 20,
      };
      api.close();
      if (sink < 0) reject(new Error('unreachable'));
      if (delivered + dropped < TICKS)
        reject(new Error(`only ${delivered + dropped} of ${TICKS} ticks seen`));
      else resolve(run);
    }, 20);
  });
}

async function main(): Promise<void> {
  console.log(
    `bench:ctp — ${TICKS.toLocaleString('en')} ticks of rb2605 from the fake front (${MdApi.version(fakeLibrary('md'))})`,
  );
  const base = floor();
  const bounded = await addon(8192);
  const unbounded = await addon(TICKS + 1);
  // The 6.5.1 layout (6.5.1 … 6.7.11 libraries): 568-byte ticks instead of 408.
  const wide = await addon(TICKS + 1, '6.5.1');
  const floorRate = base.ticks / base.seconds;
  interface Row {
    name: string;
    delivered: number;
    dropped: number;
    seconds: number;
    cpu?: number;
    rss?: number;
  }
  const rows: Row[] = [
    {
      name: 'floor: fake front → bare C++ counter',
      delivered: base.ticks,
      dropped: 0,
      seconds: base.seconds,
    },
    ...[bounded, unbounded, wide].map((r) => ({
      name: `addon ${r.layout} → QAMD snapshots, channel ${r.capacity.toLocaleString('en')}`,
      delivered: r.delivered,
      dropped: r.dropped,
      seconds: r.seconds,
      cpu: r.cpuPercent,
      rss: r.rssMiB,
    })),
  ];
  console.log(
    '\nrun                                                 delivered   dropped   seconds      ticks/s   cpu%  rss MiB',
  );
  for (const r of rows)
    console.log(
      [
        r.name.padEnd(50),
        String(r.delivered).padStart(10),
        String(r.dropped).padStart(9),
        r.seconds.toFixed(3).padStart(9),
        Math.round(r.delivered / r.seconds)
          .toLocaleString('en')
          .padStart(12),
        (r.cpu === undefined ? '-' : r.cpu.toFixed(0)).padStart(6),
        (r.rss === undefined ? '-' : r.rss.toFixed(0)).padStart(8),
      ].join(' '),
    );
  const ratio = (r: AddonRun) => r.delivered / r.seconds / floorRate;
  console.log(
    `\naddon overhead: snapshots/s = ${ratio(bounded).toFixed(3)}× the floor with the default channel (${bounded.dropped.toLocaleString('en')} oldest ticks dropped, counted), ` +
      `${ratio(unbounded).toFixed(3)}× with a channel holding every tick (none dropped)`,
  );
  console.log(
    `per tick: floor ${((base.seconds / base.ticks) * 1e9).toFixed(0)} ns; addon → snapshot ${((unbounded.seconds / unbounded.delivered) * 1e9).toFixed(0)} ns (real CTP fronts send 2 snapshots/s per contract)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
