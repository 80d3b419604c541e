export * from './prometheus';
export * from './test-database';
export * from './test-stack';
export * from './cli-process';
