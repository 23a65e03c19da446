export * from './window';
export * from './moving-average';
export * from './oscillators';
export * from './volatility';
export * from './stochastic';
export * from './trend';
export * from './volume';
export * from './batch';
