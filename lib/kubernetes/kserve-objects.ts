/**
 * Typed builders of the KServe, Knative and KEDA objects a serving endpoint emits. Pure functions:
 * JSON in, JSON out, validated in tests against the upstream CRDs in `vendor/schemas/kubernetes`
 * (KServe v0.20.0, Knative operator v1.23.0, KEDA v2.20.2).
 */
import { Charts } from './charts';
import type { KubernetesObject } from './manifest';
import { restrictedContainerSecurityContext } from './objects';
import { byKey } from '../core/naming';

/** Knative Serving version the operator installs (the operator chart's app version, pinned in the CR). */
export const KNATIVE_SERVING_VERSION = Charts.KNATIVE_OPERATOR.version.replace(/^v/, '');
/** Namespace of the KnativeServing object, its activator and (with the operator) the Kourier gateway. */
export const KNATIVE_SERVING_NAMESPACE = 'knative-serving';
/**
 * Namespaces that send requests to serving pods: the Knative activator and autoscaler, and the
 * Kourier gateway (`knative-serving` when the operator installs it, `kourier-system` in the
 * upstream release YAML).
 */
export const SERVING_GATEWAY_NAMESPACES = [KNATIVE_SERVING_NAMESPACE, 'kourier-system'];
/** Namespace of KServe's LocalModel download jobs (`localModel.jobNamespace`, KServe's default). */
export const LOCALMODEL_JOB_NAMESPACE = 'kserve-localmodel-jobs';
/** Host path where the KServe LocalModel node agent keeps cached models (fixed in its DaemonSet). */
export const LOCALMODEL_HOST_PATH = '/models';

/**
 * KServe and Knative spellings this module uses beyond `core/well-known` (KServe
 * `pkg/constants/constants.go`, Knative `serving/pkg/apis/serving/register.go`).
 */
export const KServeKeys = {
  /** Pod label KServe puts on every pod of an InferenceService. */
  INFERENCE_SERVICE_LABEL: 'serving.kserve.io/inferenceservice',
  /** Pod label naming the component (`predictor`, `transformer`, `explainer`). */
  COMPONENT_LABEL: 'component',
  /** `hpa` | `keda` | `external` | `none`: with `external`, KServe creates no autoscaler and ignores replica drift. */
  AUTOSCALER_CLASS: 'serving.kserve.io/autoscalerClass',
  /** Adds `prometheus.io/*` scrape annotations to the pods. */
  ENABLE_PROMETHEUS_SCRAPING: 'serving.kserve.io/enable-prometheus-scraping',
  /** Knative: how long a new revision may take to become ready before it is marked failed. */
  KNATIVE_PROGRESS_DEADLINE: 'serving.knative.dev/progress-deadline',
} as const;

/** A toleration or node selector term as Kubernetes spells it. */
interface TolerationLike { readonly key: string; readonly operator: string; readonly effect: string }

/**
 * The `KnativeServing` object (`operator.knative.dev/v1beta1`) the Knative operator turns into
 * Knative Serving: pinned version, Kourier ingress, and the features KServe needs to place pods on
 * GPU nodes and mount volumes (KServe `isvc-node-scheduling.md`; vendor/data/addons.md).
 */
export function knativeServingObject(): KubernetesObject {
  return {
    apiVersion: 'operator.knative.dev/v1beta1',
    kind: 'KnativeServing',
    metadata: { name: 'knative-serving', namespace: KNATIVE_SERVING_NAMESPACE },
    spec: {
      version: KNATIVE_SERVING_VERSION,
      ingress: { kourier: { enabled: true } },
      config: {
        network: { 'ingress-class': 'kourier.ingress.networking.knative.dev' },
        features: {
          'kubernetes.podspec-nodeselector': 'enabled',
          'kubernetes.podspec-affinity': 'enabled',
          'kubernetes.podspec-tolerations': 'enabled',
          'kubernetes.podspec-persistent-volume-claim': 'enabled',
          'kubernetes.podspec-emptydir': 'enabled',
        },
        // Images are pinned by tag here; resolving tags to digests would need registry access
        // (and credentials) from the Knative controller. KServe's templates skip the same registries.
        deployment: { 'registries-skipping-tag-resolving': 'nvcr.io,index.docker.io,ghcr.io' },
        // Lets an endpoint deploy a new revision without starting a replica (initial-scale 0).
        autoscaler: { 'allow-zero-initial-scale': 'true' },
      },
    },
  };
}

/** Inputs of {@link servingRuntimeObject}. */
export interface ServingRuntimeInput {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly port: number;
  readonly modelFormat: string;
  readonly modelFormatVersion?: string;
  readonly protocolVersions: string[];
  readonly securityContext: Record<string, unknown>;
  /** Mount a memory-backed emptyDir at /dev/shm. */
  readonly sharedMemory: boolean;
}

/** A namespaced `serving.kserve.io/v1alpha1` ServingRuntime holding one pinned server image. */
export function servingRuntimeObject(i: ServingRuntimeInput): KubernetesObject {
  const env = Object.entries(i.env).sort(byKey).map(([name, value]) => ({ name, value }));
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ServingRuntime',
    metadata: { name: i.name, namespace: i.namespace },
    spec: {
      supportedModelFormats: [{ name: i.modelFormat, ...(i.modelFormatVersion ? { version: i.modelFormatVersion } : {}), autoSelect: false }],
      ...(i.protocolVersions.length ? { protocolVersions: i.protocolVersions } : {}),
      containers: [{
        name: 'kserve-container',
        image: i.image,
        ...(i.args.length ? { args: i.args } : {}),
        ...(env.length ? { env } : {}),
        ports: [{ containerPort: i.port, protocol: 'TCP' }],
        securityContext: i.securityContext,
        ...(i.sharedMemory ? { volumeMounts: [{ name: 'dshm', mountPath: '/dev/shm' }] } : {}),
      }],
      ...(i.sharedMemory ? { volumes: [{ name: 'dshm', emptyDir: { medium: 'Memory' } }] } : {}),
    },
  };
}

/** Inputs of {@link inferenceServiceObject}. */
export interface InferenceServiceInput {
  readonly name: string;
  readonly namespace: string;
  readonly annotations: Record<string, string>;
  readonly labels?: Record<string, string>;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Knative only: `concurrency` or `rps`. */
  readonly scaleMetric?: string;
  readonly scaleTarget?: number;
  readonly canaryTrafficPercent?: number;
  readonly serviceAccountName: string;
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: TolerationLike[];
  readonly modelFormat: { readonly name: string; readonly version?: string };
  /** ServingRuntime or ClusterServingRuntime name. */
  readonly runtime: string;
  readonly storageUri: string;
  readonly protocolVersion?: string;
  readonly args?: string[];
  readonly resources: { readonly requests: Record<string, string>; readonly limits: Record<string, string> };
  readonly securityContext: Record<string, unknown>;
}

/** A `serving.kserve.io/v1beta1` InferenceService with one predictor. */
export function inferenceServiceObject(i: InferenceServiceInput): KubernetesObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: i.name,
      namespace: i.namespace,
      annotations: i.annotations,
      ...(i.labels ? { labels: i.labels } : {}),
    },
    spec: {
      predictor: {
        minReplicas: i.minReplicas,
        maxReplicas: i.maxReplicas,
        ...(i.scaleMetric ? { scaleMetric: i.scaleMetric } : {}),
        ...(i.scaleTarget !== undefined ? { scaleTarget: i.scaleTarget } : {}),
        ...(i.canaryTrafficPercent !== undefined ? { canaryTrafficPercent: i.canaryTrafficPercent } : {}),
        serviceAccountName: i.serviceAccountName,
        ...(i.nodeSelector && Object.keys(i.nodeSelector).length ? { nodeSelector: i.nodeSelector } : {}),
        ...(i.tolerations?.length ? { tolerations: i.tolerations.map((t) => ({ ...t })) } : {}),
        model: {
          modelFormat: { ...i.modelFormat },
          runtime: i.runtime,
          storageUri: i.storageUri,
          ...(i.protocolVersion ? { protocolVersion: i.protocolVersion } : {}),
          ...(i.args?.length ? { args: i.args } : {}),
          resources: i.resources,
          securityContext: i.securityContext,
        },
      },
    },
  };
}

/** Inputs of {@link scaledObjectObject}. */
export interface ScaledObjectInput {
  readonly name: string;
  readonly namespace: string;
  /** The Deployment to scale (`<isvc>-predictor` in KServe Standard mode). */
  readonly deployment: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Scale-down stabilization window, seconds. */
  readonly scaleDownStabilizationSeconds: number;
  readonly triggers: Array<{ readonly type: string; readonly name: string; readonly metadata: Record<string, string> }>;
}

/** A `keda.sh/v1alpha1` ScaledObject driving a Deployment. */
export function scaledObjectObject(i: ScaledObjectInput): KubernetesObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: i.name, namespace: i.namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: i.deployment },
      minReplicaCount: i.minReplicas,
      maxReplicaCount: i.maxReplicas,
      pollingInterval: 15,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: i.scaleDownStabilizationSeconds } },
        },
      },
      triggers: i.triggers.map((t) => ({ type: t.type, name: t.name, metadata: { ...t.metadata } })),
    },
  };
}

/** Node selector terms matching every label of `selector` (one term: all labels must match). */
function nodeSelectorTerm(selector: Record<string, string>): Record<string, unknown> {
  return {
    matchExpressions: Object.entries(selector).sort(byKey)
      .map(([key, value]) => ({ key, operator: 'In', values: [value] })),
  };
}

/**
 * A cluster-scoped `serving.kserve.io/v1alpha1` LocalModelNodeGroup: the local disk of the nodes
 * matching `nodeSelector` (at the LocalModel agent's host path) as a local PersistentVolume.
 * @param storage a quantity such as `120Gi` (may be a lazily resolved token)
 */
export function localModelNodeGroupObject(name: string, storage: string, nodeSelector: Record<string, string>): KubernetesObject {
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'LocalModelNodeGroup',
    metadata: { name },
    spec: {
      storageLimit: storage,
      persistentVolumeSpec: {
        accessModes: ['ReadWriteOnce'],
        volumeMode: 'Filesystem',
        capacity: { storage },
        local: { path: LOCALMODEL_HOST_PATH },
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: 'local-storage',
        nodeAffinity: { required: { nodeSelectorTerms: [nodeSelectorTerm(nodeSelector)] } },
      },
      persistentVolumeClaimSpec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage } },
        storageClassName: 'local-storage',
        volumeMode: 'Filesystem',
      },
    },
  };
}

/**
 * A cluster-scoped `serving.kserve.io/v1alpha1` LocalModelCache. InferenceServices whose
 * `storageUri` equals `sourceModelUri` mount the cached copy instead of downloading it.
 */
export function localModelCacheObject(
  name: string, sourceModelUri: string, sizeGiB: number, nodeGroups: string[], serviceAccountName?: string,
): KubernetesObject {
  return {
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'LocalModelCache',
    metadata: { name },
    spec: {
      sourceModelUri,
      modelSize: `${Math.ceil(sizeGiB)}Gi`,
      nodeGroups: [...nodeGroups],
      ...(serviceAccountName ? { serviceAccountName } : {}),
    },
  };
}

/**
 * A DaemonSet that pulls `image` onto every node of a pool and keeps it in use (an init container
 * that exits at once, then a pause container), so that a replica on those nodes starts without
 * pulling. No service account token, no privileges, tiny requests.
 */
export function imagePrePullDaemonSet(
  name: string, namespace: string, image: string, pauseImage: string, nodeSelector: Record<string, string>, tolerations: TolerationLike[],
): KubernetesObject {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'image-pre-pull' };
  const securityContext = restrictedContainerSecurityContext({ runAsUser: 65532, readOnlyRootFilesystem: true });
  const tiny = { requests: { cpu: '1m', memory: '8Mi' }, limits: { memory: '32Mi' } };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '100%' } },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 1,
          ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
          ...(tolerations.length ? { tolerations: tolerations.map((t) => ({ ...t })) } : {}),
          initContainers: [{
            name: 'pull', image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 0'], resources: tiny, securityContext,
          }],
          containers: [{ name: 'pause', image: pauseImage, resources: tiny, securityContext }],
        },
      },
    },
  };
}

