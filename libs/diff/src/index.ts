export * from './merge-patch';
export * from './messages';
export * from './diff-protocol.error';
export * from './parse-client-message';
