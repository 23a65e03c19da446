export * from './service-urls';
export * from './wait-for';
export * from './snapshot.arbitrary';
