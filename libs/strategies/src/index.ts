export * from './strategy-loader';
export * from './strategy-catalog';
