/**
 * Every Helm chart this library installs, with its pinned version, in one place.
 *
 * Source: vendor/data/addons.md (compiled 2026-11-29 from the upstream release tags and Helm
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
  /**
   * Cluster Autoscaler 1.35.0 for Kubernetes 1.35 (chart 9.59.0, tag `cluster-autoscaler-chart-9.59.0`:
   * every chart from 9.54.0 to 9.59.0 ships 1.35.0; values in vendor/charts/cluster-autoscaler/9.59.0).
   */
  CLUSTER_AUTOSCALER_1_35: {
    repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.59.0', namespace: 'kube-system',
  },
  /**
   * AWS EFA Kubernetes device plugin v0.5.20 (chart v0.5.30, aws/eks-charts `gh-pages` index
   * c7f9ea560178, 2026-08-03; values in vendor/charts/aws-efa-k8s-device-plugin/v0.5.30).
   */
  AWS_EFA_DEVICE_PLUGIN: {
    repository: 'https://aws.github.io/eks-charts', chart: 'aws-efa-k8s-device-plugin', version: 'v0.5.30', namespace: 'kube-system',
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
  /**
   * cert-manager v1.19.6 (needed by KServe). KServe v0.20.0 pins v1.17.0 (`kserve-deps.env`), which
   * reached end of life on 2025-10-07 and supports Kubernetes 1.29–1.33 only, below Knative 1.23's
   * 1.34; v1.19 supports 1.31–1.35 (cert-manager/website content/docs/releases/README.md). KServe
   * uses only the stable `cert-manager.io/v1` Issuer and Certificate.
   */
  CERT_MANAGER: {
    repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.6', namespace: 'cert-manager',
  },
  /** KServe v0.20.0 CRDs (CRD-only chart; Helm upgrades them). */
  KSERVE_CRD: { repository: 'oci://ghcr.io/kserve/charts', chart: 'kserve-crd', version: 'v0.20.0', namespace: 'kserve' },
  /** KServe v0.20.0 controller. */
  KSERVE: { repository: 'oci://ghcr.io/kserve/charts', chart: 'kserve-resources', version: 'v0.20.0', namespace: 'kserve' },
  /** KServe v0.20.0 ClusterServingRuntimes (with `kserve.servingruntime.enabled=true`). */
  KSERVE_RUNTIMES: { repository: 'oci://ghcr.io/kserve/charts', chart: 'kserve-runtime-configs', version: 'v0.20.0', namespace: 'kserve' },
  /** KServe v0.20.0 LocalModelCache / LocalModelNodeGroup CRDs. */
  KSERVE_LOCALMODEL_CRD: { repository: 'oci://ghcr.io/kserve/charts', chart: 'kserve-localmodel-crd', version: 'v0.20.0', namespace: 'kserve' },
  /** KServe v0.20.0 LocalModel controller. */
  KSERVE_LOCALMODEL: { repository: 'oci://ghcr.io/kserve/charts', chart: 'kserve-localmodel-resources', version: 'v0.20.0', namespace: 'kserve' },
  /** Knative Operator v1.23.0 (bundles Serving 1.23.0 and Kourier; Serving itself comes from a KnativeServing object). */
  KNATIVE_OPERATOR: { repository: 'https://knative.github.io/operator', chart: 'knative-operator', version: 'v1.23.0', namespace: 'knative-operator' },
  /** KEDA 2.20.2 (installs its CRDs). */
  KEDA: { repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2', namespace: 'keda' },
  /** JobSet v0.12.0. */
  JOBSET: { repository: 'oci://registry.k8s.io/jobset/charts', chart: 'jobset', version: '0.12.0', namespace: 'jobset-system' },
  /** KubeRay operator v1.7.0. */
  KUBERAY: { repository: 'https://ray-project.github.io/kuberay-helm/', chart: 'kuberay-operator', version: '1.7.0', namespace: 'kuberay-system' },
  /**
   * Argo Workflows. UNVERIFIED for v4.1.2 (the schemas in vendor/schemas/kubernetes): the newest chart in
   * the stored index, 1.0.18, ships v4.0.6.
   */
  ARGO_WORKFLOWS: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-workflows', version: '1.0.18', namespace: 'argo' },
  /** Argo Events. UNVERIFIED for v1.9.11: chart 2.4.22 ships v1.9.10. */
  ARGO_EVENTS: { repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-events', version: '2.4.22', namespace: 'argo-events' },
  /** NVIDIA dcgm-exporter 4.8.2 (newest in the 2026-05-05 index). */
  DCGM_EXPORTER: { repository: 'https://nvidia.github.io/dcgm-exporter/helm-charts', chart: 'dcgm-exporter', version: '4.8.2', namespace: 'gpu-monitoring' },
  /** Prometheus Operator v0.93.0 CRDs only (ServiceMonitor, PodMonitor...). */
  PROMETHEUS_OPERATOR_CRDS: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus-operator-crds', version: '31.0.0', namespace: 'monitoring' },
  /** kube-prometheus-stack 88.3.0 (ships Prometheus Operator v0.93.0). */
  KUBE_PROMETHEUS_STACK: { repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.3.0', namespace: 'monitoring' },
  /** NVIDIA GPU Operator v26.7.0. */
  GPU_OPERATOR: { repository: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', version: 'v26.7.0', namespace: 'gpu-operator' },
  /** metrics-server 0.8.1 (chart 3.13.1). */
  METRICS_SERVER: { repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1', namespace: 'kube-system' },
} as const satisfies Record<string, HelmChartCoordinates>;
