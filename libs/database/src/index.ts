export * from './connection';
export * from './migrator';
