export * from './account-facts';
export * from './sim-matcher';
export * from './order-desk';
export * from './offset-converter';
export * from './strategy';
export * from './strategy-runner';
