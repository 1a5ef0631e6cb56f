/**
 * The Kubernetes realisation of a serving endpoint: what ServerlessInferenceEndpoint computed (a
 * plain description) becomes KServe, Knative and KEDA objects in the cluster's workloads stack,
 * with the operators they need installed once per cluster.
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Annotations, dependable, TerraformResource } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Keda } from './keda';
import { KServe, withRestrictedWarnings } from './kserve';
import {
  imagePrePullDaemonSet, inferenceServiceObject, KServeKeys, localModelCacheObject, LOCALMODEL_JOB_NAMESPACE,
  scaledObjectObject, SERVING_GATEWAY_NAMESPACES, servingRuntimeObject,
} from './kserve-objects';
import { emitManifest, KubernetesObject } from './manifest';
import {
  allowEgress, allowIngressFromNamespaces, defaultDenyNetworkPolicy, namespaceObject, podDisruptionBudgetObject, restrictedContainerSecurityContext,
  serviceAccountObject,
} from './objects';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';
import { Annotations as WellKnown } from '../core/well-known';
import type { ICluster, PermissionStatement } from '../platform/cluster';
import { Layer } from '../platform/cluster';

/** The server of an endpoint, as the realisation needs it. @internal */
export interface KServeRuntimeSpec {
  readonly name: string;
  /** Pinned image (a namespaced ServingRuntime is emitted), or undefined for a ClusterServingRuntime. */
  readonly image?: string;
  readonly clusterServingRuntime?: string;
  readonly modelFormat: string;
  readonly modelFormatVersion?: string;
  readonly protocolVersions: string[];
  readonly protocolVersion?: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly port: number;
  readonly runAsUser?: number;
  readonly sharedMemory: boolean;
}

/** A keep-warm window (KEDA cron trigger). @internal */
export interface KeepWarmWindow {
  readonly replicas: number;
  readonly start: string;
  readonly end: string;
  readonly timezone: string;
}

/** Everything ServerlessInferenceEndpoint decided for KServe. @internal */
export interface KServeEndpointSpec {
  /** The construct asking (ids mirror its path). */
  readonly owner: IConstruct;
  readonly cluster: ICluster;
  readonly name: string;
  readonly namespace: string;
  /** `Knative` or `Standard`. */
  readonly mode: string;
  readonly serviceAccountName: string;
  /** Cloud permissions of the service account (model read access), when it needs any. */
  readonly statements: PermissionStatement[];
  readonly runtime: KServeRuntimeSpec;
  /** Per-endpoint server arguments (appended to the runtime's). */
  readonly extraArgs: string[];
  readonly storageUri: string;
  /** The pods download the model (egress on 443 is opened for them). */
  readonly downloadsModel: boolean;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Knative: `concurrency` or `rps`, and the target per replica. */
  readonly scaleMetric?: string;
  readonly scaleTarget?: number;
  readonly canaryTrafficPercent?: number;
  /** InferenceService annotations besides the deployment mode (autoscaling, progress deadline). */
  readonly annotations: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Array<{ key: string; operator: string; effect: string }>;
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  /** Standard mode: the KEDA ScaledObject's metric and schedules. */
  readonly standard?: {
    readonly prometheusUrl: string;
    /** Namespace of Prometheus (its scrapes are let in), when known. */
    readonly prometheusNamespace?: string;
    readonly query: string;
    readonly threshold: number;
    readonly metricName: string;
    readonly scaleDownSeconds: number;
    readonly keepWarm: KeepWarmWindow[];
  };
  /** Cache the model on the pool's nodes (LocalModelCache). */
  readonly cache?: { readonly poolName: string; readonly sizeGiB: number };
  /** Pull this image onto the pool's nodes ahead of time. */
  readonly prePullImage?: string;
  readonly pauseImage: string;
  /** Namespaces whose pods may call the endpoint directly. */
  readonly clientNamespaces: string[];
}

/** What the realisation created. @internal */
export interface KServeEndpointRealisation {
  readonly inferenceService: Manifest;
  readonly namespace: Manifest;
  readonly roleArn?: string;
  readonly credentialsSecret?: string;
}

/**
 * Emit the endpoint's objects in its cluster's workloads stack, and install KServe (with Knative
 * or KEDA, runtimes, LocalModel) on first use.
 * @internal
 */
export function realiseKServeEndpoint(s: KServeEndpointSpec): KServeEndpointRealisation {
  const { cluster, name, namespace } = s;
  const labels = cluster.commonLabels;
  const kserve = KServe.of(cluster);
  if (s.mode === 'Knative') kserve.useKnative();
  else Keda.of(cluster);
  if (s.runtime.clusterServingRuntime) kserve.useClusterRuntimes();
  const localModel = s.cache ? kserve.useLocalModel() : undefined;

  const ns = ensureServingNamespace(cluster, namespace);
  const scope = cluster.scopeFor(Layer.WORKLOADS, s.owner);
  const emit = (id: string, object: KubernetesObject, after: TerraformResource[] = []): Manifest => {
    const m = emitManifest(scope, id, object, labels);
    m.dependsOn = [ns, ...after].map((d) => dependable(d));
    return m;
  };
  // Custom resources need the KServe controller's webhooks; computed at synth (releases added later count).
  const kserveDeps = (m: Manifest, extra: TerraformResource[] = []) => {
    const own = m.dependsOn ?? [];
    m.dependsOn = [...own, ...[...kserve.dependables(), ...extra].map((d) => dependable(d))];
  };

  // Service account with the model's read permissions (workload identity).
  let roleArn: string | undefined;
  let credentialsSecret: string | undefined;
  if (s.statements.length) {
    const identity = cluster.grantWorkload(s.owner, namespace, s.serviceAccountName, s.statements);
    roleArn = identity.roleArn;
    credentialsSecret = identity.credentialsSecret;
  }
  // EKS Pod Identity needs no annotation; an IRSA role of an existing cluster does.
  const irsa = roleArn && !cluster.capabilities.workloadIdentity ? roleArn : undefined;
  const sa: KubernetesObject = serviceAccountObject(s.serviceAccountName, namespace, { roleArn: irsa });
  // KServe's storage initializer reads S3 credentials from secrets attached to the service account.
  emit('ServiceAccount', credentialsSecret ? { ...sa, secrets: [{ name: credentialsSecret }] } : sa);

  const securityContext = restrictedContainerSecurityContext(s.runtime.image
    ? { runAsNonRoot: s.runtime.runAsUser !== undefined, runAsUser: s.runtime.runAsUser }
    // A ClusterServingRuntime's image and user are the chart's: keep its own user.
    : { runAsNonRoot: false });

  let runtimeName = s.runtime.clusterServingRuntime ?? '';
  const afterRuntime: TerraformResource[] = [];
  if (s.runtime.image) {
    runtimeName = joinName([name, s.runtime.name], 63);
    const runtime = emit('ServingRuntime', servingRuntimeObject({
      name: runtimeName,
      namespace,
      image: s.runtime.image,
      args: s.runtime.args,
      env: s.runtime.env,
      port: s.runtime.port,
      modelFormat: s.runtime.modelFormat,
      modelFormatVersion: s.runtime.modelFormatVersion,
      protocolVersions: s.runtime.protocolVersions,
      securityContext,
      sharedMemory: s.runtime.sharedMemory,
    }));
    kserveDeps(runtime);
    afterRuntime.push(runtime);
  }

  let cache: Manifest | undefined;
  if (s.cache && localModel) {
    const group = localModel.nodeGroup(s.cache.poolName, s.nodeSelector, s.tolerations, s.storageUri, s.cache.sizeGiB);
    // KServe v0.20.0 download Jobs run in its job namespace with no service account name, i.e. as
    // that namespace's `default` account (localmodelnode/controller.go launchJob); credentials
    // reach them only as the Secrets of the account the LocalModelCache names, which KServe
    // injects (pkg/credentials CreateSecretVolumeAndEnv).
    const jobNs = ensureServingNamespace(cluster, LOCALMODEL_JOB_NAMESPACE, false);
    const after: TerraformResource[] = [group.resource, jobNs];
    let cacheSa: string | undefined;
    if (s.statements.length && cluster.capabilities.workloadIdentity) {
      localModel.grantDownloads(s.owner, LOCALMODEL_JOB_NAMESPACE, s.statements);
    } else if (s.statements.length) {
      cacheSa = joinName([namespace === name ? name : `${namespace}-${name}`, 'cache'], 63);
      const id = cluster.grantWorkload(s.owner, LOCALMODEL_JOB_NAMESPACE, cacheSa, s.statements);
      if (!id.credentialsSecret) {
        throw new ConfigError(s.owner.node.path, 'warmStart.cacheModel', true,
          `credentials the model download can use: on ${cluster.node.path} the model's read access is role ${id.roleArn} of ${LOCALMODEL_JOB_NAMESPACE}/${cacheSa}, but KServe v0.20.0 runs download Jobs as ${LOCALMODEL_JOB_NAMESPACE}/default and passes only Secrets; use ExistingWorkloadIdentity.credentialsSecret(...) on the cluster or set cacheModel: false`);
      }
      const jobSa = emitManifest(scope, 'CacheServiceAccount', { ...serviceAccountObject(cacheSa, LOCALMODEL_JOB_NAMESPACE), secrets: [{ name: id.credentialsSecret }] }, labels);
      jobSa.dependsOn = [dependable(jobNs)];
      after.push(jobSa);
    }
    cache = emitManifest(scope, 'LocalModelCache', localModelCacheObject(
      namespace === name ? name : joinName([namespace, name], 63), s.storageUri, s.cache.sizeGiB, [group.name], cacheSa), labels);
    cache.dependsOn = after.map((d) => dependable(d));
    kserveDeps(cache);
  }

  const modeAnnotations: Record<string, string> = s.mode === 'Knative'
    ? { [WellKnown.KSERVE_DEPLOYMENT_MODE]: 'Knative' }
    : {
      [WellKnown.KSERVE_DEPLOYMENT_MODE]: 'Standard',
      // The ScaledObject below owns the replica count; KServe creates no HPA and ignores drift.
      [KServeKeys.AUTOSCALER_CLASS]: 'external',
      [KServeKeys.ENABLE_PROMETHEUS_SCRAPING]: 'true',
    };
  const isvc = emit('InferenceService', inferenceServiceObject({
    name,
    namespace,
    annotations: { ...modeAnnotations, ...s.annotations },
    labels: s.labels,
    minReplicas: s.minReplicas,
    maxReplicas: s.maxReplicas,
    scaleMetric: s.mode === 'Knative' ? s.scaleMetric : undefined,
    scaleTarget: s.mode === 'Knative' ? s.scaleTarget : undefined,
    canaryTrafficPercent: s.canaryTrafficPercent,
    serviceAccountName: s.serviceAccountName,
    nodeSelector: s.nodeSelector,
    tolerations: s.tolerations,
    modelFormat: { name: s.runtime.modelFormat, ...(s.runtime.modelFormatVersion ? { version: s.runtime.modelFormatVersion } : {}) },
    runtime: runtimeName,
    storageUri: s.storageUri,
    protocolVersion: s.runtime.protocolVersion,
    args: s.extraArgs,
    resources: s.resources,
    securityContext,
  }), afterRuntime);
  kserveDeps(isvc, cache ? [cache] : []);

  const pods = { [KServeKeys.INFERENCE_SERVICE_LABEL]: name, [KServeKeys.COMPONENT_LABEL]: 'predictor' };
  if (s.minReplicas >= 2) {
    // Keep all but one replica through voluntary disruptions (drains, consolidation).
    emit('PodDisruptionBudget', podDisruptionBudgetObject(name, namespace, pods, s.minReplicas - 1));
  } else if (s.minReplicas === 1) {
    // minAvailable 1 with one replica would forbid every eviction: node drains, Karpenter
    // consolidation and cluster upgrades would wait forever (nothing starts a second replica
    // because of an eviction). No budget: a drain restarts the replica elsewhere.
    Annotations.of(s.owner).addInfo(`${namespace}/${name}: one replica, so no PodDisruptionBudget (minAvailable 1 would block every node drain); a drain restarts it elsewhere with a short outage: keep minReplicas ≥ 2 to serve through drains`);
  }
  if (s.downloadsModel) emit('ModelDownloadEgress', allowEgress(joinName([name, 'model-download'], 63), namespace, { [KServeKeys.INFERENCE_SERVICE_LABEL]: name }, [443]));
  if (s.clientNamespaces.length) {
    emit('ClientIngress', allowIngressFromNamespaces(joinName([name, 'clients'], 63), namespace, pods, s.clientNamespaces));
  }

  if (s.standard) {
    const std = s.standard;
    if (std.prometheusNamespace) {
      emit('MetricsIngress', allowIngressFromNamespaces(joinName([name, 'metrics'], 63), namespace, pods, [std.prometheusNamespace]));
    }
    const scaled = emit('ScaledObject', scaledObjectObject({
      name: joinName([name, 'predictor'], 63),
      namespace,
      deployment: `${name}-predictor`,
      minReplicas: s.minReplicas,
      maxReplicas: s.maxReplicas,
      scaleDownStabilizationSeconds: std.scaleDownSeconds,
      triggers: [
        { type: 'prometheus', name: std.metricName, metadata: { serverAddress: std.prometheusUrl, query: std.query, threshold: String(std.threshold) } },
        ...std.keepWarm.map((k, i) => ({
          type: 'cron',
          name: `keep-warm-${i}`,
          metadata: { timezone: k.timezone, start: k.start, end: k.end, desiredReplicas: String(k.replicas) },
        })),
      ],
    }), [isvc]);
    void scaled;
  }

  if (s.prePullImage) {
    emit('ImagePrePull', imagePrePullDaemonSet(joinName([name, 'image-pre-pull'], 63), namespace, s.prePullImage, s.pauseImage, s.nodeSelector, s.tolerations));
  }

  return { inferenceService: isvc, namespace: ns, roleArn, credentialsSecret };
}

/**
 * A serving namespace, once per cluster and name, in the workloads stack: Pod Security `baseline`
 * enforced with `restricted` audit and warnings, and (unless `isolate` is false) default-deny
 * network policies with ingress from the serving gateway (Knative activator, Kourier).
 *
 * Why `baseline`: KServe v0.20.0 injects its storage-initializer (and modelcar) containers without
 * the fields `restricted` requires (kserve/kserve#5373; the fix, #5855, is not in v0.20.0), so a
 * `restricted` namespace rejects the pods. The containers this library writes meet `restricted`,
 * and the warnings show anything else that does not.
 * @internal
 */
export function ensureServingNamespace(cluster: ICluster, namespace: string, isolate = true): Manifest {
  const root = cluster.stacks.workloads;
  const all = (root.node.tryFindChild('ServingNamespaces') as Construct | undefined) ?? new Construct(root, 'ServingNamespaces');
  const existing = all.node.tryFindChild(namespace) as Construct | undefined;
  if (existing) return existing.node.findChild('Namespace') as Manifest;
  const scope = new Construct(all, namespace);
  const ns = emitManifest(scope, 'Namespace', withRestrictedWarnings(namespaceObject(namespace, 'baseline')), cluster.commonLabels);
  if (isolate) {
    for (const [id, object] of [
      ['DefaultDeny', defaultDenyNetworkPolicy(namespace)],
      ['AllowServingGateway', allowIngressFromNamespaces('allow-serving-gateway', namespace, {}, SERVING_GATEWAY_NAMESPACES)],
    ] as const) {
      const policy = emitManifest(scope, id, object, cluster.commonLabels);
      policy.dependsOn = [dependable(ns)];
    }
  }
  return ns;
}
