// Cost model: price lookups, assumptions, per-pool / per-endpoint / per-pipeline estimates and the
// cost-source interface the platform report walks the construct tree for. No provider imports.
export { CostAssumptions, CostAssumptionsProps, AssumptionEntry } from './assumptions';
export {
  CostLine, CostRange, CostScenario, ICostSource, isCostSource, CostLineKinds, CostCategories, PurchaseOptions,
} from './cost-line';
export { PRICE_SOURCE, NodePrice, nodePrice } from './prices';
export { estimatePoolCost } from './pool-cost';
export { TrafficProfile } from './traffic';
export { EndpointCostInputs, EndpointCostEstimate, estimateEndpointCost } from './endpoint-cost';
export { PipelineCostInputs, PipelineStageCostInputs, estimatePipelineCost } from './pipeline-cost';
export { PlatformCostEstimate, PoolCostSummary, CostTotals, estimateCost, summarizeCost } from './estimate';
