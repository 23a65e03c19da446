import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Closes, on the local RabbitMQ broker, every client connection whose `connection_name` contains
 * `name` (as the broker does to a client it drops) and says how many it closed. Uses the broker's
 * own `rabbitmqctl`.
 */
export async function dropAmqpConnections(name: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties'], {
    timeout: 60_000,
  });
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(name))
    .map((line) => line.split('\t')[0]!)
    .filter((pid) => pid.startsWith('<'));
  for (const pid of pids)
    await run('rabbitmqctl', ['close_connection', pid, 'dropped by a test'], { timeout: 60_000 });
  return pids.length;
}
