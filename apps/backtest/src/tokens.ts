export const BACKTEST_CONFIG = Symbol('BACKTEST_CONFIG');
