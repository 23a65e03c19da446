export const TRADE_SERVER_CONFIG = Symbol('TRADE_SERVER_CONFIG');
/** The database handle (PostgreSQL or PGlite, chosen by `DATABASE_URL`). */
export const TRADE_DATABASE = Symbol('TRADE_DATABASE');
/** The broker queue, event bus and lease (Redis or in-process, chosen by `REDIS_URL`). */
export const TRADE_TRANSPORT = Symbol('TRADE_TRANSPORT');
