export * from './calendar.error';
export * from './trade-calendar';
export * from './futures-session';
export * from './trading-sessions';
