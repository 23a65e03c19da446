export * from './tear-sheet';
export * from './sheet-language';
export * from './factor-sheet';
