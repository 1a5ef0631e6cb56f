/**
 * The compatibility table: every pinned chart (lib/kubernetes/charts.ts) with the Kubernetes
 * minors its component supports, the source of that fact, and how synth treats a cluster outside
 * the range. Checked when a chart is added to a cluster (HelmAddon), against the cluster's
 * Kubernetes version (EKS: `version`; existing clusters: `kubernetesVersion`, when declared).
 *
 * Enforcement:
 * - `error`: the component refuses or fails outside the range (Knative's start-up version check,
 *   Helm's `kubeVersion` check of a chart, a Cluster Autoscaler built for another minor), or its
 *   project states the range as a requirement. Synth throws a ConfigError.
 * - `warning`: the project states supported or tested versions; outside them it may work, but
 *   nobody tested it. Synth adds a warning.
 *
 * Neighbours (which versions of other components a component needs) are listed where upstream pins
 * them; the pins we run instead are said in `neighbours`.
 */
import { Charts, HelmChartCoordinates } from './charts';

/** How synth treats a cluster outside a component's range. */
export type CompatibilityEnforcement = 'error' | 'warning';

/** One row of the compatibility table. */
export interface CompatibilityRow {
  /** The component and its version, as users know it. */
  readonly component: string;
  /** Oldest supported Kubernetes minor (1.<minMinor>), when upstream states one. */
  readonly minMinor?: number;
  /** Newest supported Kubernetes minor, when upstream states one. */
  readonly maxMinor?: number;
  readonly enforcement: CompatibilityEnforcement;
  /** Where the range comes from (repository, tag, file). */
  readonly source: string;
  /** Versions of neighbouring components it needs, and what we run. */
  readonly neighbours?: string;
}

/** The table, one row per entry of {@link Charts}. */
export const COMPATIBILITY: { readonly [K in keyof typeof Charts]: CompatibilityRow } = {
  NVIDIA_DEVICE_PLUGIN: {
    component: 'NVIDIA k8s-device-plugin 0.20.0',
    minMinor: 10,
    enforcement: 'error',
    source: 'NVIDIA/k8s-device-plugin v0.20.0 deployments/helm/nvidia-device-plugin/Chart.yaml kubeVersion ">= 1.10.0-0" (vendor/charts)',
  },
  CLUSTER_AUTOSCALER_1_33: {
    component: 'Cluster Autoscaler 1.33.0 (chart 9.51.0)',
    minMinor: 33,
    maxMinor: 33,
    enforcement: 'error',
    source: 'kubernetes/autoscaler cluster-autoscaler/README.md "Releases": run the Cluster Autoscaler built for the control plane\'s minor (appVersion 1.33.0, vendor/charts/cluster-autoscaler/9.51.0/Chart.yaml)',
  },
  CLUSTER_AUTOSCALER_1_34: {
    component: 'Cluster Autoscaler 1.34.2 (chart 9.53.0)',
    minMinor: 34,
    maxMinor: 34,
    enforcement: 'error',
    source: 'kubernetes/autoscaler cluster-autoscaler/README.md "Releases": run the Cluster Autoscaler built for the control plane\'s minor (appVersion 1.34.2, vendor/charts/cluster-autoscaler/9.53.0/Chart.yaml)',
  },
  CLUSTER_AUTOSCALER_1_35: {
    component: 'Cluster Autoscaler 1.35.0 (chart 9.59.0)',
    minMinor: 35,
    maxMinor: 35,
    enforcement: 'error',
    source: 'kubernetes/autoscaler cluster-autoscaler/README.md "Releases": run the Cluster Autoscaler built for the control plane\'s minor (appVersion 1.35.0, vendor/charts/cluster-autoscaler/9.59.0/Chart.yaml)',
  },
  AWS_EFA_DEVICE_PLUGIN: {
    component: 'AWS EFA Kubernetes device plugin v0.5.20 (chart v0.5.30)',
    enforcement: 'warning',
    source: 'no range upstream: aws/eks-charts aws-efa-k8s-device-plugin v0.5.30 Chart.yaml has no kubeVersion (vendor/charts); EKS publishes it for every supported version',
  },
  KUEUE: {
    component: 'Kueue v0.19.2',
    minMinor: 29,
    enforcement: 'error',
    source: 'kubernetes-sigs/kueue v0.19.2 README.md: "Requires Kubernetes 1.29 or newer"',
  },
  KARPENTER_CRD: {
    component: 'Karpenter 1.14.1 CRDs',
    minMinor: 30,
    maxMinor: 36,
    enforcement: 'warning',
    source: 'aws/karpenter-provider-aws v1.14.1 website/content/en/docs/upgrading/compatibility.md (matrix 1.30–1.36)',
  },
  KARPENTER: {
    component: 'Karpenter 1.14.1',
    minMinor: 30,
    maxMinor: 36,
    enforcement: 'warning',
    source: 'aws/karpenter-provider-aws v1.14.1 website/content/en/docs/upgrading/compatibility.md (matrix 1.30–1.36)',
  },
  CERT_MANAGER: {
    component: 'cert-manager v1.19.6',
    minMinor: 31,
    maxMinor: 35,
    enforcement: 'warning',
    source: 'cert-manager/website content/docs/releases/README.md: 1.19 supports Kubernetes 1.31 → 1.35',
    neighbours: 'KServe v0.20.0 pins cert-manager v1.17.0 (kserve-deps.env), end of life and 1.29–1.33 only; KServe uses the stable cert-manager.io/v1 API',
  },
  KSERVE_CRD: {
    component: 'KServe v0.20.0 CRDs',
    minMinor: 32,
    enforcement: 'warning',
    source: 'KServe 0.20 docs (vendor/data/addons.md, "KServe"): Kubernetes 1.32–1.34 with Knative 1.19/1.20; kserve/kserve v0.20.0 declares no range of its own',
  },
  KSERVE: {
    component: 'KServe v0.20.0',
    minMinor: 32,
    enforcement: 'warning',
    source: 'KServe 0.20 docs (vendor/data/addons.md, "KServe"): Kubernetes 1.32–1.34 with Knative 1.19/1.20; kserve/kserve v0.20.0 declares no range of its own',
    neighbours: 'pins Knative 1.21.1 and cert-manager v1.17.0 (kserve-deps.env); we run Knative 1.23.0 and cert-manager v1.19.6 (not verified upstream)',
  },
  KSERVE_RUNTIMES: {
    component: 'KServe v0.20.0 ClusterServingRuntimes',
    minMinor: 32,
    enforcement: 'warning',
    source: 'as KServe v0.20.0 (vendor/data/addons.md, "KServe")',
  },
  KSERVE_LOCALMODEL_CRD: {
    component: 'KServe v0.20.0 LocalModel CRDs',
    minMinor: 32,
    enforcement: 'warning',
    source: 'as KServe v0.20.0 (vendor/data/addons.md, "KServe")',
  },
  KSERVE_LOCALMODEL: {
    component: 'KServe v0.20.0 LocalModel',
    minMinor: 32,
    enforcement: 'warning',
    source: 'as KServe v0.20.0 (vendor/data/addons.md, "KServe")',
  },
  KNATIVE_OPERATOR: {
    component: 'Knative Operator and Serving 1.23.0',
    minMinor: 34,
    enforcement: 'error',
    source: 'knative/pkg release-1.23 version/version.go: DefaultKubernetesMinVersion = "v1.34.0"; the activator, autoscaler, controller and webhook exit below it (the operator\'s KUBERNETES_MIN_VERSION override covers only the operator)',
  },
  KEDA: {
    component: 'KEDA 2.20.2',
    minMinor: 23,
    enforcement: 'error',
    source: 'kedacore/charts v2.20.2 keda/Chart.yaml kubeVersion ">=v1.23.0-0" (vendor/charts)',
  },
  JOBSET: {
    component: 'JobSet v0.12.0',
    minMinor: 34,
    enforcement: 'warning',
    source: 'kubernetes-sigs/jobset v0.12.0 site/content/en/docs/installation/_index.md: "one of the last 3 Kubernetes minor versions" (at its release, 2026-05-08: 1.34–1.36)',
  },
  KUBERAY: {
    component: 'KubeRay operator v1.7.0',
    minMinor: 23,
    enforcement: 'warning',
    source: 'ray-project/kuberay v1.7.0 docs/deploy/installation.md: "at least 1.23"',
  },
  ARGO_WORKFLOWS: {
    component: 'Argo Workflows v4.0.6 (chart 1.0.18)',
    minMinor: 31,
    enforcement: 'warning',
    source: 'argoproj/argo-workflows v4.0.6 docs/tested-kubernetes-versions.md: tested under 1.31.9 and 1.33.1; docs/releases.md: newer Kubernetes versions are generally supported',
  },
  ARGO_EVENTS: {
    component: 'Argo Events v1.9.10 (chart 2.4.22)',
    enforcement: 'warning',
    source: 'no range upstream: argoproj/argo-helm argo-events-2.4.22 charts/argo-events/Chart.yaml has no kubeVersion (vendor/charts)',
  },
  DCGM_EXPORTER: {
    component: 'NVIDIA dcgm-exporter 4.8.2',
    minMinor: 19,
    enforcement: 'error',
    source: 'NVIDIA/dcgm-exporter tag 4.5.3-4.8.2 deployment/Chart.yaml kubeVersion ">= 1.19.0-0" (vendor/charts)',
  },
  PROMETHEUS_OPERATOR_CRDS: {
    component: 'Prometheus Operator CRDs v0.93.0 (chart 31.0.0)',
    minMinor: 16,
    enforcement: 'error',
    source: 'prometheus-community/helm-charts prometheus-operator-crds-31.0.0 charts/prometheus-operator-crds/Chart.yaml kubeVersion ">=1.16.0-0" (vendor/charts)',
  },
  KUBE_PROMETHEUS_STACK: {
    component: 'kube-prometheus-stack 88.3.0',
    minMinor: 25,
    enforcement: 'error',
    source: 'prometheus-community/helm-charts kube-prometheus-stack-88.3.0 charts/kube-prometheus-stack/Chart.yaml kubeVersion ">=1.25.0-0" (vendor/charts)',
  },
  GPU_OPERATOR: {
    component: 'NVIDIA GPU Operator v26.7.0',
    minMinor: 16,
    enforcement: 'error',
    source: 'NVIDIA/gpu-operator v26.7.0 deployments/gpu-operator/Chart.yaml kubeVersion ">= 1.16.0-0" (vendor/charts)',
  },
  METRICS_SERVER: {
    component: 'metrics-server 0.8.1 (chart 3.13.1)',
    minMinor: 31,
    enforcement: 'warning',
    source: 'kubernetes-sigs/metrics-server README.md compatibility matrix: 0.8.x for Kubernetes 1.31+ (vendor/data/addons.md, "metrics-server")',
  },
};

/** The row of a pinned chart (by chart name and version), or undefined for charts not in the table. */
export function compatibilityOf(chart: HelmChartCoordinates): CompatibilityRow | undefined {
  const key = (Object.keys(Charts) as Array<keyof typeof Charts>)
    .find((k) => Charts[k].chart === chart.chart && Charts[k].version === chart.version && Charts[k].repository === chart.repository);
  return key ? COMPATIBILITY[key] : undefined;
}

/** The supported minors of a row in words: `1.34 or newer`, `1.31–1.35`, `1.33 only`. */
export function describeRange(row: CompatibilityRow): string {
  if (row.minMinor === undefined && row.maxMinor === undefined) return 'no stated range';
  if (row.minMinor !== undefined && row.minMinor === row.maxMinor) return `1.${row.minMinor} only`;
  if (row.maxMinor === undefined) return `1.${row.minMinor} or newer`;
  if (row.minMinor === undefined) return `up to 1.${row.maxMinor}`;
  return `1.${row.minMinor}–1.${row.maxMinor}`;
}

/** Whether Kubernetes minor `minor` is in the row's range. */
export function supportsMinor(row: CompatibilityRow, minor: number): boolean {
  return (row.minMinor === undefined || minor >= row.minMinor) && (row.maxMinor === undefined || minor <= row.maxMinor);
}
