export * from './market-data-client';
export * from './diff-trade-client';
export * from './qifi-mirror';
export * from './trade-monitor-client';
export * from './tsdb-history';
export * from './trade-identity';
