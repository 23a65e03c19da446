export const STRATEGY_CONFIG = Symbol('STRATEGY_CONFIG');
