export * from './tear-sheet';
export * from './sheet-language';
