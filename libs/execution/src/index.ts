export * from './account-facts';
export * from './sim-matcher';
export * from './order-desk';
