export * from './keys';
export * from './store';
export * from './verifier';
export * from './admin-key';
