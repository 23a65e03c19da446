export * from './sim-market';
export * from './sim-history';
