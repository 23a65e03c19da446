export const TRADER_CONFIG = Symbol('TRADER_CONFIG');
/** The QIFI database handle (PostgreSQL or PGlite). */
export const TRADER_DATABASE = Symbol('TRADER_DATABASE');
/** Where trades and events go (RabbitMQ or in process). */
export const TRADER_EVENT_SINK = Symbol('TRADER_EVENT_SINK');
