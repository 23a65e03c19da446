export * from './strategy-loader';
export * from './strategy-catalog';
export * from './python-bridge';
export * from './python-strategy';
export * from './strategy-schema';
