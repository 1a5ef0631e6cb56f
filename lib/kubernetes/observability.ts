/**
 * GPU observability on a cluster: NVIDIA DCGM exporter metrics scraped through the Prometheus
 * Operator (ServiceMonitor / PodMonitor, `monitoring.coreos.com/v1`), and KEDA Prometheus triggers
 * that turn GPU utilisation or queue depth into autoscaling signals for endpoints.
 *
 * Chart facts: vendor/data/addons.md (dcgm-exporter 4.8.2 renders a ServiceMonitor by default
 * without checking that the CRD exists, so the Prometheus Operator CRDs go first;
 * prometheus-operator-crds 31.0.0 ships Prometheus Operator v0.93.0, the CRDs our schemas hold).
 */
import { Construct, IConstruct } from 'constructs';
import { Charts } from './charts';
import { addonsScope, GpuOperator } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import { emitManifest, KubernetesObject } from './manifest';
import { Accelerator } from '../core/accelerator';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { validateDnsLabel, validateLabelKey, validateLabelValue } from '../core/naming';
import { NodeLabels, Taints } from '../core/well-known';
import { ClusterKind, ICluster, Layer } from '../platform/cluster';

/** Monitoring of a cluster (`AiPlatformProps.monitoring` for every cluster, or per cluster). */
export interface MonitoringOptions {
  /**
   * Export NVIDIA GPU metrics with DCGM: the dcgm-exporter chart on GPU nodes, or the GPU
   * Operator's own exporter when the cluster uses `GpuStack.gpuOperator()`.
   * @default true
   */
  readonly dcgmExporter?: boolean;
  /**
   * Install the Prometheus Operator CRDs (prometheus-operator-crds chart) so that ServiceMonitors
   * and PodMonitors can be created; without them the exporter's ServiceMonitor stays off and
   * `addPodMonitor` fails. Disable the add-on in the cluster's `addons` settings
   * (`'prometheus-operator-crds': { enabled: false }`) when the cluster already has them.
   * @default true
   */
  readonly prometheusOperatorCrds?: boolean;
  /** Scrape interval of the monitors. @default Duration.seconds(15) (the dcgm-exporter chart default) */
  readonly scrapeInterval?: Duration;
  /**
   * Labels put on every ServiceMonitor and PodMonitor so that your Prometheus selects them, e.g.
   * `{ release: 'kube-prometheus-stack' }`.
   * @default - none
   */
  readonly monitorLabels?: Record<string, string>;
  /**
   * Prometheus URL that KEDA queries for the autoscaling signals, e.g.
   * `http://prometheus-operated.monitoring.svc:9090`. This library does not install Prometheus.
   * @default - none: `ClusterMonitoring.prometheusTrigger` then needs a server address
   */
  readonly prometheusUrl?: string;
  /**
   * CloudWatch Container Insights (EKS only): the `amazon-cloudwatch-observability` EKS add-on
   * with its IAM role through EKS Pod Identity.
   * @default false
   */
  readonly containerInsights?: boolean;
  /**
   * Version of the `amazon-cloudwatch-observability` add-on (`aws eks describe-addon-versions
   * --addon-name amazon-cloudwatch-observability`).
   * @default - the version EKS picks for the cluster's Kubernetes version (not pinned here: no
   * verified version is recorded in this library)
   */
  readonly containerInsightsAddonVersion?: string;
}

/** Options of {@link ClusterMonitoring.addPodMonitor} and {@link podMonitorObject}. */
export interface PodMonitorOptions {
  /** Name of the PodMonitor (DNS label). */
  readonly name: string;
  /** Namespace of the PodMonitor and of the pods. */
  readonly namespace: string;
  /** Labels of the pods to scrape. */
  readonly selector: Record<string, string>;
  /** Name of the container port that serves metrics. */
  readonly port: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** @default Duration.seconds(15) */
  readonly interval?: Duration;
  /** Labels of the PodMonitor itself. @default - none */
  readonly labels?: Record<string, string>;
}

/** Options of {@link serviceMonitorObject}. */
export interface ServiceMonitorOptions {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the Services to scrape. */
  readonly selector: Record<string, string>;
  /** Name of the Service port that serves metrics. */
  readonly port: string;
  /** Namespaces of the Services. @default - the ServiceMonitor's namespace */
  readonly namespaces?: string[];
  /** @default '/metrics' */
  readonly path?: string;
  /** @default Duration.seconds(15) */
  readonly interval?: Duration;
  /** Keep the target's own labels (exporters that label metrics by pod, like dcgm-exporter). @default false */
  readonly honorLabels?: boolean;
  readonly labels?: Record<string, string>;
}

/** Options of {@link prometheusTrigger}. */
export interface PrometheusTriggerOptions {
  /** Prometheus URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly serverAddress: string;
  /** PromQL returning one value, e.g. `GpuMetrics.utilization(...)`. */
  readonly query: string;
  /** Target value per replica (KEDA scales to `value / threshold` replicas with AverageValue). */
  readonly threshold: number;
  /**
   * Value at or below which the workload scales to zero (KEDA activation).
   * @default - KEDA's default (0)
   */
  readonly activationThreshold?: number;
  /** Treat an empty query result as zero instead of an error. @default true */
  readonly ignoreNullValues?: boolean;
  /** `AverageValue` (per replica, default), `Value` or `Utilization`. @default 'AverageValue' */
  readonly metricType?: string;
  /** Name of a TriggerAuthentication for Prometheus. @default - none */
  readonly authenticationRef?: string;
  /** Trigger name (to tell several apart). @default - none */
  readonly name?: string;
}

/** Where a metric comes from: the namespace and the name prefix of the pods. */
export interface PodMetricSelector {
  readonly namespace: string;
  /** Pods whose name starts with this (a Deployment's or InferenceService's name). */
  readonly podPrefix: string;
}

/**
 * PromQL for the usual autoscaling signals. DCGM metrics carry the `namespace` and `pod` of the
 * pod using the GPU (the exporter's ServiceMonitor keeps them: `honorLabels: true`).
 */
export const GpuMetrics = {
  /** Mean GPU utilisation (0–100) of the GPUs of the selected pods (`DCGM_FI_DEV_GPU_UTIL`). */
  utilization(s: PodMetricSelector): string {
    return `avg(DCGM_FI_DEV_GPU_UTIL{${selector(s)}})`;
  },
  /** Mean GPU memory in use, MiB (`DCGM_FI_DEV_FB_USED`). */
  memoryUsedMiB(s: PodMetricSelector): string {
    return `avg(DCGM_FI_DEV_FB_USED{${selector(s)}})`;
  },
  /**
   * Requests waiting across the selected pods, from the serving runtime's own gauge, e.g.
   * `vllm:num_requests_waiting` (vLLM) or `nv_inference_pending_request_count` (Triton).
   */
  queueDepth(metric: string, s: PodMetricSelector): string {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) {
      throw new ConfigError('GpuMetrics.queueDepth', 'metric', metric, 'a Prometheus metric name such as "vllm:num_requests_waiting"');
    }
    return `sum(${metric}{${selector(s)}})`;
  },
} as const;

/**
 * A KEDA `prometheus` trigger (an entry of a ScaledObject's `spec.triggers`): scale an endpoint on
 * GPU utilisation or queue depth.
 *
 * ```ts
 * prometheusTrigger({ serverAddress, query: GpuMetrics.utilization({ namespace: 'recs', podPrefix: 'recs-predictor' }), threshold: 70 });
 * ```
 */
export function prometheusTrigger(options: PrometheusTriggerOptions): Record<string, unknown> {
  const path = 'prometheusTrigger';
  if (typeof options.serverAddress !== 'string' || !/^https?:\/\/[^\s/]+/.test(options.serverAddress)) {
    throw new ConfigError(path, 'serverAddress', options.serverAddress, 'the Prometheus URL, e.g. "http://prometheus-operated.monitoring.svc:9090"');
  }
  if (typeof options.query !== 'string' || options.query.trim() === '') {
    throw new ConfigError(path, 'query', options.query, 'a PromQL query returning one value');
  }
  if (typeof options.threshold !== 'number' || !(options.threshold > 0) || !Number.isFinite(options.threshold)) {
    throw new ConfigError(path, 'threshold', options.threshold, 'a positive target value per replica');
  }
  if (options.activationThreshold !== undefined && !(options.activationThreshold >= 0)) {
    throw new ConfigError(path, 'activationThreshold', options.activationThreshold, 'a value ≥ 0');
  }
  const metricType = options.metricType ?? 'AverageValue';
  if (!['AverageValue', 'Value', 'Utilization'].includes(metricType)) {
    throw new ConfigError(path, 'metricType', metricType, 'AverageValue, Value or Utilization');
  }
  return {
    type: 'prometheus',
    ...(options.name ? { name: options.name } : {}),
    metricType,
    metadata: {
      serverAddress: options.serverAddress,
      query: options.query,
      threshold: String(options.threshold),
      ...(options.activationThreshold !== undefined ? { activationThreshold: String(options.activationThreshold) } : {}),
      ignoreNullValues: String(options.ignoreNullValues ?? true),
    },
    ...(options.authenticationRef ? { authenticationRef: { name: options.authenticationRef } } : {}),
  };
}

/** A `monitoring.coreos.com/v1` PodMonitor. */
export function podMonitorObject(o: PodMonitorOptions): KubernetesObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: o.name, namespace: o.namespace, ...(o.labels && Object.keys(o.labels).length ? { labels: { ...o.labels } } : {}) },
    spec: {
      selector: { matchLabels: { ...o.selector } },
      namespaceSelector: { matchNames: [o.namespace] },
      podMetricsEndpoints: [{ port: o.port, path: o.path ?? '/metrics', interval: (o.interval ?? Duration.seconds(15)).toKubernetes() }],
    },
  };
}

/** A `monitoring.coreos.com/v1` ServiceMonitor. */
export function serviceMonitorObject(o: ServiceMonitorOptions): KubernetesObject {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: o.name, namespace: o.namespace, ...(o.labels && Object.keys(o.labels).length ? { labels: { ...o.labels } } : {}) },
    spec: {
      selector: { matchLabels: { ...o.selector } },
      namespaceSelector: { matchNames: [...(o.namespaces ?? [o.namespace])] },
      endpoints: [{
        port: o.port,
        path: o.path ?? '/metrics',
        interval: (o.interval ?? Duration.seconds(15)).toKubernetes(),
        ...(o.honorLabels ? { honorLabels: true } : {}),
      }],
    },
  };
}

/**
 * Monitoring of one cluster, created by {@link ClusterMonitoring.enable}: the Prometheus Operator
 * CRDs and the DCGM exporter in the addons stack, monitors in the workloads stack.
 */
export class ClusterMonitoring extends Construct {
  /**
   * Turn monitoring on for `cluster` (once; a second call returns the same monitoring and must
   * not change the options).
   */
  public static enable(cluster: ICluster, options: MonitoringOptions = {}): ClusterMonitoring {
    const existing = ClusterMonitoring.of(cluster);
    if (existing) return existing;
    return new ClusterMonitoring(addonsScope(cluster) as Construct, 'Monitoring', cluster, options);
  }

  /** The monitoring of `cluster`, if it is on. */
  public static of(cluster: ICluster): ClusterMonitoring | undefined {
    return addonsScope(cluster).node.tryFindChild('Monitoring') as ClusterMonitoring | undefined;
  }

  public readonly options: MonitoringOptions;
  /** Whether ServiceMonitors and PodMonitors can be created (the CRDs are installed or declared present). */
  public readonly monitorsAvailable: boolean;
  /** The Prometheus Operator CRDs release. @internal */
  public readonly crds?: HelmAddon;
  /** The standalone dcgm-exporter release (absent with the GPU Operator, which brings its own). @internal */
  public readonly dcgmExporter?: HelmAddon;
  private readonly cluster: ICluster;
  private readonly interval: Duration;
  private readonly labels: Record<string, string>;

  private constructor(scope: Construct, id: string, cluster: ICluster, options: MonitoringOptions) {
    super(scope, id);
    const path = cluster.node.path;
    this.cluster = cluster;
    this.options = { ...options };
    if (options.containerInsights && cluster.kind !== ClusterKind.EKS) {
      throw new ConfigError(path, 'monitoring.containerInsights', true, `an EKS cluster: CloudWatch Container Insights is an EKS add-on, and ${path} is a ${cluster.kind.name} cluster`);
    }
    if (options.containerInsightsAddonVersion !== undefined && !/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(options.containerInsightsAddonVersion)) {
      throw new ConfigError(path, 'monitoring.containerInsightsAddonVersion', options.containerInsightsAddonVersion, 'an EKS add-on version such as "v4.1.0-eksbuild.1"');
    }
    this.interval = options.scrapeInterval ?? Duration.seconds(15);
    if (this.interval.toSeconds() < 1) {
      throw new ConfigError(path, 'monitoring.scrapeInterval', this.interval.toString(), 'at least 1 second');
    }
    this.labels = { ...(options.monitorLabels ?? {}) };
    for (const [k, v] of Object.entries(this.labels)) {
      validateLabelKey(k, path, `monitoring.monitorLabels.${k}`);
      validateLabelValue(v, path, `monitoring.monitorLabels.${k}`);
    }
    if (options.prometheusUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(options.prometheusUrl)) {
      throw new ConfigError(path, 'monitoring.prometheusUrl', options.prometheusUrl, 'the Prometheus URL, e.g. "http://prometheus-operated.monitoring.svc:9090"');
    }
    const addons = scope;
    this.monitorsAvailable = options.prometheusOperatorCrds ?? true;
    if (this.monitorsAvailable) {
      this.crds = new HelmAddon(addons, 'PrometheusOperatorCrds', { releaseName: 'prometheus-operator-crds', chart: Charts.PROMETHEUS_OPERATOR_CRDS });
    }
    if (options.dcgmExporter ?? true) {
      const serviceMonitor = {
        enabled: this.monitorsAvailable,
        interval: this.interval.toKubernetes(),
        // Keep the exporter's pod/namespace labels (the pod using the GPU), not the exporter's own.
        honorLabels: true,
        ...(Object.keys(this.labels).length ? { additionalLabels: this.labels } : {}),
      };
      if ((cluster as { gpuStack?: { kind?: string } }).gpuStack?.kind === 'gpu-operator') {
        // The GPU Operator runs its own exporter (one GPU stack per cluster); it skips the
        // ServiceMonitor while the CRD is missing.
        GpuOperator.of(cluster).addValues(() => ({ dcgmExporter: { enabled: true, serviceMonitor } }));
      } else {
        this.dcgmExporter = new HelmAddon(addons, 'DcgmExporter', {
          releaseName: 'dcgm-exporter',
          chart: Charts.DCGM_EXPORTER,
          dependsOn: this.crds ? [this.crds] : undefined,
        });
        const nvidia = Accelerator.all().filter((a) => a.isNvidiaGpu).map((a) => a.name);
        this.dcgmExporter.addValues(() => ({
          serviceMonitor,
          tolerations: [{ key: Taints.NVIDIA_GPU.key, operator: 'Exists', effect: Taints.NVIDIA_GPU.effect }],
          // GPU nodes only: labelled by our pools, by GPU feature discovery, or by NFD (PCI vendor 10de).
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [
                  { matchExpressions: [{ key: NodeLabels.NVIDIA_GPU_PRESENT, operator: 'In', values: ['true'] }] },
                  { matchExpressions: [{ key: 'cdktf-ai-infra/accelerator', operator: 'In', values: nvidia }] },
                  { matchExpressions: [{ key: 'feature.node.kubernetes.io/pci-10de.present', operator: 'In', values: ['true'] }] },
                ],
              },
            },
          },
        }));
      }
    }
  }

  /**
   * A PodMonitor in the workloads stack (scraping model servers' `/metrics`), owned by `owner`
   * (the id scopes it under the owner's mirror). Returns the `kubernetes_manifest`.
   * @throws ConfigError when the Prometheus Operator CRDs are off
   */
  public addPodMonitor(owner: IConstruct, id: string, options: PodMonitorOptions): IConstruct {
    const path = owner.node.path;
    if (!this.monitorsAvailable) {
      throw new ConfigError(path, 'monitoring.prometheusOperatorCrds', false, `the Prometheus Operator CRDs on ${this.cluster.node.path} (prometheusOperatorCrds: true, or disable only the add-on when the cluster already has them)`);
    }
    validateDnsLabel(options.name, path, 'name');
    validateDnsLabel(options.namespace, path, 'namespace');
    if (Object.keys(options.selector ?? {}).length === 0) {
      throw new ConfigError(path, 'selector', options.selector, 'at least one pod label, e.g. { "app.kubernetes.io/name": "recs" }');
    }
    if (!/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(options.port)) {
      throw new ConfigError(path, 'port', options.port, 'a container port name (IANA_SVC_NAME: up to 15 lower-case letters, digits and dashes)');
    }
    const labels = { ...this.labels, ...(options.labels ?? {}) };
    const object = podMonitorObject({ ...options, interval: options.interval ?? this.interval, labels });
    return emitManifest(this.cluster.scopeFor(Layer.WORKLOADS, owner), id, object, this.cluster.commonLabels);
  }

  /**
   * A KEDA prometheus trigger against this cluster's `prometheusUrl`.
   * @throws ConfigError when the monitoring options have no prometheusUrl
   */
  public prometheusTrigger(query: string, threshold: number, activationThreshold?: number): Record<string, unknown> {
    if (!this.options.prometheusUrl) {
      throw new ConfigError(this.cluster.node.path, 'monitoring.prometheusUrl', undefined, 'the URL of the Prometheus KEDA should query (this library does not install Prometheus)');
    }
    return prometheusTrigger({ serverAddress: this.options.prometheusUrl, query, threshold, activationThreshold });
  }
}

/** Turn monitoring on for a cluster: {@link ClusterMonitoring.enable}. */
export function enableMonitoring(cluster: ICluster, options: MonitoringOptions = {}): ClusterMonitoring {
  return ClusterMonitoring.enable(cluster, options);
}

function selector(s: PodMetricSelector): string {
  for (const [field, value] of [['namespace', s.namespace], ['podPrefix', s.podPrefix]] as const) {
    if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) {
      throw new ConfigError('GpuMetrics', field, value, 'a Kubernetes name (lower-case letters, digits, dashes and dots)');
    }
  }
  return `namespace="${s.namespace}",pod=~"${s.podPrefix.replace(/\./g, '\\\\.')}.*"`;
}
