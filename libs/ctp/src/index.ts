export * from './catalog';
export * from './codec';
export * from './native';
export * from './md-api';
export * from './snapshot';
export * from './trader-api';
export * from './version';
