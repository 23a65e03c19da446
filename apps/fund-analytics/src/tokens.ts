export const FUND_CONFIG = Symbol('FUND_CONFIG');
