// Public API of GpuFunction (lib/index.ts re-exports it).
export { GpuFunction, GpuFunctionProps, FunctionResources } from './gpu-function';
export { GpuRequest } from './gpu-request';
export { FunctionTrigger, FunctionTriggerKinds, S3TriggerOptions } from './trigger';
export { FunctionTarget, FunctionTargetKinds, AwsBatchTargetOptions } from './target';
export { ColdStartAssumptions, FunctionColdStartEstimate, FunctionCostBasis, FunctionCostOptions } from './estimates';
export { FunctionEnvironment } from './environment';
