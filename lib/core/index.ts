export * from './errors';
export * from './well-known';
