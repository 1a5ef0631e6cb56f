export * from './errors';
export * from './well-known';
export * from './naming';
export * from './duration';
export * from './kubernetes-version';
