export * from './client';
export * from './topics';
export * from './topic-plan';
