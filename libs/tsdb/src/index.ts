export * from './tsdb.error';
export * from './schema';
export * from './sql-guard';
export * from './tsdb-engine';
