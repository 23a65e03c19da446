import pino, { Logger } from 'pino';
import { LogLevel } from './config';

export type { Logger } from 'pino';

/** Structured JSON logs (pino), one child per component; ids go in fields, not in messages. */
export function createLogger(name: string, level: LogLevel = 'info'): Logger {
  return pino({ name, level, base: { app: name } });
}
