export * from './service-urls';
export * from './wait-for';
export * from './snapshot.arbitrary';
export * from './fake-market-gateway';
export * from './test-database';
export * from './free-port';
export * from './browser';
export * from './app-process';
