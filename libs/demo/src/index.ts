export * from './history';
export * from './publish';
export * from './random';
