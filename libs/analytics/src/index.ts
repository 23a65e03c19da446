export * from './convention';
export * from './series';
export * from './stats';
export * from './metric';
export * from './metrics';
export * from './compute';
export * from './dated';
export * from './analyse';
