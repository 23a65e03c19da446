export * from './bar-builder';
export * from './sim-data';
export * from './backtest-engine';
export * from './market-rows';
export * from './sweep-ranking';
