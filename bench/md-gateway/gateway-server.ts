/**
 * The gateway under test, in its own process: sim source over `BENCH_INSTRUMENTS` instruments at
 * `BENCH_TICKS_PER_INSTRUMENT` ticks/s each, default batching config (10 ms / 50 instruments). Prints `READY <port>`;
 * `stop` on stdin stops the ticks (for the final-state loss check).
 */
import { loadConfig } from '../../apps/md-gateway/src/config';
import { DistributorService } from '../../apps/md-gateway/src/distributor/distributor.service';
import { bootstrap } from '../../apps/md-gateway/src/main';

async function main(): Promise<void> {
  const config = loadConfig(
    {
      QAMDGATEWAY_CONFIG: JSON.stringify({
        rest_api: { host: '127.0.0.1', port: 0 },
        sources: [
          {
            type: 'sim',
            instruments: Number(process.env.BENCH_INSTRUMENTS ?? 1000),
            ticks_per_second: Number(process.env.BENCH_TICKS_PER_INSTRUMENT ?? 10),
            always_open: true,
          },
        ],
      }),
      LOG_LEVEL: 'warn',
    },
    [],
  );
  const app = await bootstrap(config);
  const port = new URL(await app.getUrl()).port;
  process.stdin.on('data', (data) => {
    if (data.toString().trim() === 'stop')
      for (const source of app.get(DistributorService).sources) void source.stop();
  });
  console.log(`READY ${port}`);
}

void main();
