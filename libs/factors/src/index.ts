export * from './panel';
export * from './ops';
export * from './expression';
export * from './builtins';
export * from './preprocess';
export * from './statistics';
export * from './analysis';
export * from './weights';
