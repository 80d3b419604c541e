export * from './keys';
export * from './store';
export * from './verifier';
export * from './admin-key';
export * from './rate-limit';
export * from './api-key.guard';
