// Public API of cdktf-ai-infra. Provider bindings are loaded per resource by the modules that
// need them; nothing here imports a provider barrel.
export * from './core';
export * from './core/accelerator';
export * from './core/capacity';
export * from './core/gpu-sharing';
export * from './platform/cluster';
export * from './platform/ai-platform';
export * from './platform/bucket';
export { EksCluster, EksClusterProps, EksUpgradePolicy, ExistingVpcProps, SystemNodeGroupProps } from './aws/eks-cluster';
export { NatGateways } from './aws/network';
export * from './compute/gpu-node-pool';
export * from './core/aws-instance-types';
export * from './platform/existing-cluster';
export * from './compute/pool';
export { AddonSettings, KNOWN_ADDONS } from './kubernetes/helm-addon';
export { HelmChartOptions } from './platform/cluster-base';
export { Charts, HelmChartCoordinates } from './kubernetes/charts';
export { GpuStack, GpuOperatorOptions } from './kubernetes/gpu-addons';
export * from './functions';
export * from './serving';
export * from './training';
export * from './cost';
export * from './policy';
export { BudgetAction, BudgetAlertOptions } from './platform/report';
export {
  ClusterMonitoring, MonitoringOptions, PodMonitorOptions, ServiceMonitorOptions, PrometheusTriggerOptions, PodMetricSelector,
  GpuMetrics, prometheusTrigger, podMonitorObject, serviceMonitorObject, enableMonitoring,
} from './kubernetes/observability';
export { KubernetesObject } from './kubernetes/manifest';
