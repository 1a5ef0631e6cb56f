/**
 * Every Helm chart this library installs, with its pinned version, in one place.
 *
 * Source: ../shared/data/addons.md (compiled 2026-11-29 from the upstream release tags and Helm
 * indexes; the chart versions ship the app versions whose CRDs we validate against).
 */
export interface HelmChartCoordinates {
  /** Chart repository URL (or `oci://` registry). */
  readonly repository: string;
  /** Chart name. */
  readonly chart: string;
  /** Exact chart version string as published. */
  readonly version: string;
  /** Namespace the chart is installed into. */
  readonly namespace: string;
}

export const Charts = {
  /** NVIDIA k8s-device-plugin 0.20.0 (checked against the published index). */
  NVIDIA_DEVICE_PLUGIN: {
    repository: 'https://nvidia.github.io/k8s-device-plugin', chart: 'nvidia-device-plugin', version: '0.20.0', namespace: 'nvidia-device-plugin',
  },
  /** Cluster Autoscaler 1.33.0 for Kubernetes 1.33 (chart 9.51.0, published index). */
  CLUSTER_AUTOSCALER_1_33: {
    repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.51.0', namespace: 'kube-system',
  },
  /** Cluster Autoscaler 1.34.2 for Kubernetes 1.34 (chart 9.53.0, published index). */
  CLUSTER_AUTOSCALER_1_34: {
    repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.53.0', namespace: 'kube-system',
  },
  /** Kueue v0.19.2 (chart 0.19.2 from the release tag; always installs its CRDs). */
  KUEUE: {
    repository: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: '0.19.2', namespace: 'kueue-system',
  },
  /**
   * Karpenter 1.14.1 CRDs (NodePool, NodeClaim, EC2NodeClass, ...). Installed as their own chart so
   * that Helm upgrades them (CRDs in `templates/`); the `karpenter` release then skips its `crds/`.
   */
  KARPENTER_CRD: {
    repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter-crd', version: '1.14.1', namespace: 'kube-system',
  },
  /** Karpenter 1.14.1 controller (AWS provider; image public.ecr.aws/karpenter/controller:1.14.1). */
  KARPENTER: {
    repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: '1.14.1', namespace: 'kube-system',
  },
} as const satisfies Record<string, HelmChartCoordinates>;
