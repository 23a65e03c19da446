export const TSDB_CONFIG = Symbol('TSDB_CONFIG');
