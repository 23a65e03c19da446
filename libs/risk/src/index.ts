export * from './risk-limits';
export * from './pre-trade-check';
export * from './order-rate-limiter';
