// Public API of the serving layer (re-exported by lib/index.ts).
export * from './endpoint';
export * from './model-source';
export { ServingRuntime, CustomRuntimeOptions, KServeClusterRuntimeOptions } from './runtimes';
export * from './warm-start';
export * from './target';
export { EndpointColdStartEstimate } from './cold-start';
export * from './inference-endpoint';
