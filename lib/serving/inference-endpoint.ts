import { Annotations, TerraformResource, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { EndpointColdStartEstimate, describeColdStart, estimateColdStart, LARGE_MODEL_GIB } from './cold-start';
import { endpointCost, EndpointCostSpec } from './cost';
import type { EndpointPromotion, IInferenceEndpoint } from './endpoint';
import { ModelSource, ModelSourceKinds } from './model-source';
import { PAUSE_IMAGE, ServingRuntime } from './runtimes';
import { DeploymentMode, ServingTarget } from './target';
import { WarmStart } from './warm-start';
import { partitionOf } from '../aws/arn';
import type { SageMakerEndpointSpec, SageMakerVariantModel } from '../aws/sagemaker-endpoint';
import { GpuNodePool } from '../compute/gpu-node-pool';
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { isAwsRegion, joinName, validateDnsLabel } from '../core/naming';
import { parseS3Uri, S3Location } from '../core/s3-uri';
import { Annotations as WellKnown, Labels } from '../core/well-known';
import type { CostAssumptions, CostLine, ICostSource, TrafficProfile } from '../cost';
import { realiseKServeEndpoint } from '../kubernetes/kserve-endpoint';
import { KServeKeys } from '../kubernetes/kserve-objects';
import { acceptModelRollouts } from '../kubernetes/kserve-rollouts';
import type { AiPlatform } from '../platform/ai-platform';
import type { ICluster, PermissionStatement } from '../platform/cluster';
import { PolicyAnnotations } from '../policy/contract';

/** CPU and memory of each replica. */
export interface ReplicaResources {
  /** CPU request and limit (a Kubernetes quantity). @default '1' */
  readonly cpu?: string;
  /**
   * Memory request and limit (a Kubernetes quantity).
   * @default - '2Gi' on CPU; on a GPU pool 4 GiB, or 1.25 × the model size when larger
   */
  readonly memory?: string;
}

/** Props of {@link ServerlessInferenceEndpoint}. */
export interface ServerlessInferenceEndpointProps {
  /** The model to serve. */
  readonly model: ModelSource;
  /** The model server. */
  readonly runtime: ServingRuntime;
  /**
   * The GPU pool replicas run on; each requests the pool's `resourceName`, tolerates its taints
   * and selects its nodes.
   * @default - CPU nodes
   */
  readonly pool?: IGpuNodePool;
  /**
   * Units of the pool's resource per replica: GPUs on an exclusive pool (vLLM gets the matching
   * tensor-parallel size); exactly one shared unit on a time-slicing, MPS or MIG pool.
   * @default 1 on a pool
   */
  readonly gpusPerReplica?: number;
  /**
   * The extended resource each replica requests. Only for checking: it must be the pool's
   * `resourceName` (a request for another resource never schedules on the pool).
   * @default - the pool's resourceName
   */
  readonly gpuResourceName?: string;
  /** Minimum replicas; 0 scales to zero when idle (Knative mode). @default 0 */
  readonly minReplicas?: number;
  /** Maximum replicas. @default - max(1, minReplicas) */
  readonly maxReplicas?: number;
  /**
   * In-flight requests per replica the autoscaler aims at.
   * @default - the runtime's default (vLLM and TGI 32, Triton 8, others 10), unless targetRequestsPerSecond is set
   */
  readonly targetConcurrency?: number;
  /** Requests per second per replica the autoscaler aims at, instead of concurrency. @default - concurrency scaling */
  readonly targetRequestsPerSecond?: number;
  /**
   * How long replicas stay after traffic drops, before scaling down, to zero included (Knative
   * `scale-down-delay`, 0s to 1h; the HPA scale-down stabilization window in Standard mode; the
   * scale-in cooldown on SageMaker).
   * @default Duration.minutes(5)
   */
  readonly scaleToZeroAfter?: Duration;
  /** Knative's stable window over which concurrency is averaged, 6s to 1h. @default - Knative's default (60s) */
  readonly scalingWindow?: Duration;
  /** Warm start: node-local model cache, keep-warm schedules, initial scale, image pre-pull. @default - none */
  readonly warmStart?: WarmStart;
  /**
   * How long a new replica may take to become ready: the Knative progress deadline of a revision,
   * the SageMaker start-up and model download timeouts (60 s to 1 h); a cold-start estimate above
   * it draws a warning.
   * @default Duration.minutes(10)
   */
  readonly coldStartDeadline?: Duration;
  /**
   * Share of traffic, in percent, that a new model version gets first (KServe
   * `canaryTrafficPercent`; a second SageMaker production variant). Needs `previousModel`, the
   * version being replaced. Pipelines promoting to this endpoint use it too.
   * @default - no canary: a new version takes all traffic once ready
   */
  readonly canaryPercent?: number;
  /**
   * The model version currently served, which keeps `100 - canaryPercent` percent of the traffic
   * while `model` is the canary. KServe keeps serving it from its previous revision.
   * @default - none
   */
  readonly previousModel?: ModelSource;
  /**
   * S3 prefix where pipelines write new model versions for this endpoint (its service account may
   * read it).
   * @default - the model's S3 prefix, when the model is in S3
   */
  readonly modelVersionsUri?: string;
  /** Name of the endpoint (InferenceService name, at most 45 characters). @default - the construct id */
  readonly endpointName?: string;
  /** Kubernetes namespace, with Pod Security and network isolation. @default - the endpoint name */
  readonly namespace?: string;
  /** Service account the replicas run as (bound to read the model). @default - `<name>-model-reader` */
  readonly serviceAccountName?: string;
  /**
   * KServe deployment mode.
   * @default - Standard with KEDA for minReplicas ≥ 1 on a GPU pool, Knative otherwise
   */
  readonly deploymentMode?: DeploymentMode;
  /** CPU and memory per replica. @default - see ReplicaResources */
  readonly resources?: ReplicaResources;
  /** Namespaces whose pods may call the replicas directly (besides the serving gateway). @default - none */
  readonly clientNamespaces?: string[];
  /**
   * Prometheus that Standard-mode KEDA scaling queries (it must scrape the replicas; KServe adds
   * the scrape annotations). This library does not install Prometheus.
   * @default 'http://prometheus-operated.monitoring.svc:9090' (kube-prometheus-stack in `monitoring`)
   */
  readonly prometheusUrl?: string;
  /** Where the endpoint runs. @default ServingTarget.kserve() */
  readonly target?: ServingTarget;
  /**
   * Requests per second over a representative day, week or trace, for the cost estimate: the
   * platform cost report simulates replicas and nodes over it (autoscaled, scale to zero, fixed at
   * peak compared). KServe endpoints on a GPU pool only (CPU nodes are not priced; SageMaker
   * endpoints are not simulated); it changes nothing deployed.
   * @default - `costAssumptions.defaultTraffic` of the platform; none: bounds only (min replicas
   * always on as the expected figure, max replicas always on as the high one)
   */
  readonly traffic?: TrafficProfile;
  /**
   * Typical time a request takes on a replica, for the cost estimate of an endpoint scaling on
   * concurrency: a replica serves `targetConcurrency / requestLatency` requests per second (times
   * Knative's target utilization). Not needed with `targetRequestsPerSecond`.
   * @default - unknown: a concurrency-scaled endpoint is costed at its bounds only, and says so
   */
  readonly requestLatency?: Duration;
}

/** How an endpoint was realised. */
export const EndpointRealisations = {
  KSERVE_KNATIVE: 'kserve-knative',
  KSERVE_STANDARD: 'kserve-standard',
  SAGEMAKER_SERVERLESS: 'sagemaker-serverless',
  SAGEMAKER_ASYNC: 'sagemaker-async',
} as const;

const MAX_NAME = 45;
const QUANTITY = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;
const ONE_HOUR = Duration.hours(1);

/**
 * An inference endpoint that scales with live traffic, down to zero, with its cold start estimated
 * and kept in check.
 *
 * On a cluster (the default target) it is a KServe InferenceService: in Knative mode when it may
 * scale to zero (request-driven autoscaling on concurrency or RPS, the activator holding requests
 * while a replica starts), in Standard mode with a KEDA ScaledObject when it keeps at least one
 * replica on GPUs (KServe's recommendation for generative models; keep-warm schedules become cron
 * triggers). Either way: its own namespace (Pod Security `baseline` enforced, `restricted` warned,
 * default-deny networking with ingress only from the serving gateway), a service account bound
 * through workload identity to read exactly the model's S3 prefix, containers without privilege
 * escalation, a PodDisruptionBudget (all but one replica) when it keeps at least two replicas.
 *
 * With `ServingTarget.sagemakerServerless(...)` or `.sagemakerAsync(...)` it is a SageMaker
 * endpoint instead, in the cluster's cloud stack (or the platform's AWS stack of a region).
 *
 * ```ts
 * new ServerlessInferenceEndpoint(prod, 'recs', { pool: l4, model: ModelSource.s3('s3://acme-models/recs/', { sizeGiB: 4 }),
 *   runtime: ServingRuntime.TRITON, minReplicas: 0, maxReplicas: 20, targetConcurrency: 8, scaleToZeroAfter: Duration.minutes(10) });
 * ```
 */
export class ServerlessInferenceEndpoint extends Construct implements IInferenceEndpoint, ICostSource {
  /** DNS-label name of the endpoint (the InferenceService name). */
  public readonly endpointName: string;
  /** `kserve-knative`, `kserve-standard`, `sagemaker-serverless` or `sagemaker-async` (see {@link EndpointRealisations}). */
  public readonly realisation: string;
  /** Why this realisation and mode were chosen. */
  public readonly realisationReason: string;
  /** KServe deployment mode; undefined on SageMaker. */
  public readonly deploymentMode?: DeploymentMode;
  /** The cluster, for KServe endpoints and SageMaker endpoints scoped to a cluster. */
  public readonly cluster?: ICluster;
  /** Kubernetes namespace (KServe). */
  public readonly namespace?: string;
  /** Service account of the replicas (KServe). */
  public readonly serviceAccountName?: string;
  /** The SageMaker endpoint name, on SageMaker. */
  public readonly sagemakerEndpointName?: string;
  /** The pool replicas run on; undefined on CPU and on SageMaker. */
  public readonly pool?: IGpuNodePool;
  /** Units of the pool's resource per replica (0 on CPU). */
  public readonly gpusPerReplica: number;
  /** The extended resource each replica requests, on a pool. */
  public readonly gpuResourceName?: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  /** Target in-flight requests per replica, when scaling on concurrency. */
  public readonly targetConcurrency?: number;
  /** Target requests per second per replica, when scaling on RPS. */
  public readonly targetRequestsPerSecond?: number;
  /** How long replicas stay after traffic drops. */
  public readonly scaleDownDelay: Duration;
  public readonly coldStartDeadline: Duration;
  /** The cold-start estimate of a replica. */
  public readonly coldStart: EndpointColdStartEstimate;
  public readonly model: ModelSource;
  /** The version being replaced during a canary. */
  public readonly previousModel?: ModelSource;
  public readonly runtime: ServingRuntime;
  /** Canary share of a new version (100 when there is no canary). */
  public readonly canaryPercent: number;
  /** S3 prefix pipelines write versions to, when known. */
  public readonly modelVersionsUri?: string;
  /** The cloud role the replicas (KServe) or SageMaker use to read the model, when there is one. */
  public readonly roleArn?: string;
  /** Where asynchronous results go (SageMaker async). */
  public readonly asyncOutputUri?: string;
  /** Where callers upload asynchronous requests (`InputLocation`; SageMaker async). */
  public readonly asyncInputUri?: string;
  /** The main resource: the InferenceService manifest or the SageMaker endpoint (escape hatch). */
  public readonly resource: TerraformResource;
  /**
   * How training pipelines promote a new model version here. Its `modelVersionsUri` is empty when
   * the endpoint has no S3 prefix for versions (a model outside S3 and no `modelVersionsUri`):
   * such an endpoint cannot be promoted to.
   */
  public readonly promotion: EndpointPromotion;
  private readonly costSpec: EndpointCostSpec;
  /** SageMaker: adds the promotion rollout (set with the realisation, called by promoting pipelines). */
  private sageMakerRollout?: () => string;

  constructor(scope: Construct, id: string, props: ServerlessInferenceEndpointProps) {
    super(scope, id);
    const path = this.node.path;
    const target = props.target ?? ServingTarget.kserve();
    const cluster = isCluster(scope) ? scope : undefined;
    const platform = !cluster && isPlatform(scope) ? scope : undefined;
    if (!cluster && !platform) {
      throw new ConfigError(path, 'scope', scope.node.path, 'a cluster (platform.addEksCluster / addExistingCluster), or an AiPlatform for a SageMaker target');
    }
    if (!target.isSageMaker && !cluster) {
      throw new ConfigError(path, 'scope', scope.node.path, 'a cluster for a KServe endpoint (or target: ServingTarget.sagemakerServerless(...) / sagemakerAsync(...) on the platform)');
    }
    this.cluster = cluster;
    this.model = props.model;
    this.previousModel = props.previousModel;
    this.runtime = props.runtime;

    // Names.
    this.endpointName = validateDnsLabel(props.endpointName ?? id, path, props.endpointName ? 'endpointName' : 'id');
    if (this.endpointName.length > MAX_NAME) {
      throw new ConfigError(path, props.endpointName ? 'endpointName' : 'id', this.endpointName, `at most ${MAX_NAME} characters: Knative names revisions "<name>-predictor-00001" within 63 (set endpointName)`);
    }

    // Numbers that decide the realisation must be known at synth.
    const numbers = {
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      gpusPerReplica: props.gpusPerReplica,
      targetConcurrency: props.targetConcurrency,
      targetRequestsPerSecond: props.targetRequestsPerSecond,
      canaryPercent: props.canaryPercent,
    };
    for (const [field, v] of Object.entries(numbers)) {
      if (v !== undefined && Token.isUnresolved(v)) {
        throw new ConfigError(path, field, v, 'a literal number: it decides the deployment mode, the scaling objects and the cold-start estimate at synth');
      }
    }

    // Model and runtime.
    const modelLocation = props.model._validate(path, 'model');
    props.runtime._validate(path);
    const previousLocation = props.previousModel?._validate(path, 'previousModel');

    // Replicas.
    this.minReplicas = props.minReplicas ?? 0;
    if (!isInt(this.minReplicas) || this.minReplicas < 0) {
      throw new ConfigError(path, 'minReplicas', props.minReplicas, 'an integer ≥ 0 (0 scales to zero)');
    }
    this.maxReplicas = props.maxReplicas ?? Math.max(1, this.minReplicas);
    if (!isInt(this.maxReplicas) || this.maxReplicas < 1) {
      throw new ConfigError(path, 'maxReplicas', props.maxReplicas, 'an integer ≥ 1');
    }
    if (this.minReplicas > this.maxReplicas) {
      throw new ConfigError(path, 'minReplicas', this.minReplicas, `at most maxReplicas (${this.maxReplicas})`);
    }

    // Scaling targets.
    if (props.targetConcurrency !== undefined && props.targetRequestsPerSecond !== undefined) {
      throw new ConfigError(path, 'targetRequestsPerSecond', props.targetRequestsPerSecond, 'either targetConcurrency or targetRequestsPerSecond, not both (one autoscaling metric per endpoint)');
    }
    for (const [field, v] of [['targetConcurrency', props.targetConcurrency], ['targetRequestsPerSecond', props.targetRequestsPerSecond]] as const) {
      if (v !== undefined && (!isInt(v) || v < 1)) throw new ConfigError(path, field, v, 'an integer ≥ 1 per replica');
    }
    this.targetRequestsPerSecond = props.targetRequestsPerSecond;
    this.targetConcurrency = props.targetRequestsPerSecond === undefined
      ? props.targetConcurrency ?? props.runtime.defaultTargetConcurrency
      : undefined;

    if (props.requestLatency !== undefined && !(props.requestLatency.toMilliseconds() > 0)) {
      throw new ConfigError(path, 'requestLatency', props.requestLatency.toString(), 'a request time above zero, e.g. Duration.millis(200)');
    }
    const unsized = props.targetRequestsPerSecond === undefined && props.requestLatency === undefined;
    if (props.traffic !== undefined && props.pool !== undefined && unsized && !target.isSageMaker) {
      throw new ConfigError(path, 'requestLatency', undefined, 'the time a request takes on a replica (e.g. Duration.millis(200)) to turn the traffic profile into replicas with the concurrency target, or targetRequestsPerSecond');
    }
    this.scaleDownDelay = props.scaleToZeroAfter ?? Duration.minutes(5);
    if (this.scaleDownDelay.isLongerThan(ONE_HOUR)) {
      throw new ConfigError(path, 'scaleToZeroAfter', this.scaleDownDelay.toString(), 'a duration from 0s to 1h (Knative\'s bounds for scale-down-delay)');
    }
    if (props.scalingWindow && (Duration.seconds(6).isLongerThan(props.scalingWindow) || props.scalingWindow.isLongerThan(ONE_HOUR))) {
      throw new ConfigError(path, 'scalingWindow', props.scalingWindow.toString(), 'a duration from 6s to 1h (Knative\'s bounds for the autoscaling window)');
    }
    this.coldStartDeadline = props.coldStartDeadline ?? Duration.minutes(10);
    if (this.coldStartDeadline.toMilliseconds() <= 0) {
      throw new ConfigError(path, 'coldStartDeadline', this.coldStartDeadline.toString(), 'a positive duration');
    }

    // Canary.
    if (props.canaryPercent !== undefined) {
      if (!isInt(props.canaryPercent) || props.canaryPercent < 1 || props.canaryPercent > 99) {
        throw new ConfigError(path, 'canaryPercent', props.canaryPercent, 'an integer from 1 to 99 (leave it unset for no canary)');
      }
      if (!props.previousModel) {
        throw new ConfigError(path, 'canaryPercent', props.canaryPercent, 'a previous version to split traffic with: set previousModel to the version being replaced (a first deployment has none, so it takes all traffic)');
      }
    } else if (props.previousModel) {
      throw new ConfigError(path, 'previousModel', props.previousModel.storageUri, 'a previous version only together with canaryPercent (it keeps the rest of the traffic)');
    }
    if (props.previousModel && props.previousModel.storageUri === props.model.storageUri) {
      throw new ConfigError(path, 'previousModel', props.previousModel.storageUri, `a different version than model (${props.model.storageUri})`);
    }
    this.canaryPercent = props.canaryPercent ?? 100;

    // Where new versions come from.
    const versionsUri = props.modelVersionsUri ?? (modelLocation ? props.model.storageUri : undefined);
    const versionsLocation = props.modelVersionsUri !== undefined ? parseS3Uri(props.modelVersionsUri, path, 'modelVersionsUri') : undefined;
    this.modelVersionsUri = versionsUri;

    // Least-privilege read access to the model (and the previous and future versions).
    const partition = partitionOf(cluster?.cloudRegion ?? target._sagemaker?.region ?? 'us-east-1');
    const readable = covering([modelLocation, previousLocation, versionsLocation].filter((l): l is S3Location => !!l));
    const statements = readStatements(readable, partition);

    if (target.isSageMaker) {
      if (props.pool || props.gpusPerReplica !== undefined || props.gpuResourceName !== undefined) {
        const field = props.pool ? 'pool' : props.gpusPerReplica !== undefined ? 'gpusPerReplica' : 'gpuResourceName';
        if (target.serverless) {
          throw new ConfigError(path, field, props.pool?.node.path ?? props.gpusPerReplica ?? props.gpuResourceName, 'no GPU: SageMaker serverless endpoints run on CPU only (use ServingTarget.sagemakerAsync with a GPU instanceType such as ml.g5.xlarge, or KServe on a GPU pool)');
        }
        throw new ConfigError(path, field, props.pool?.node.path ?? props.gpusPerReplica ?? props.gpuResourceName, 'no pool or GPU count for a SageMaker target: its instanceType sets the accelerator (e.g. ml.g5.xlarge)');
      }
      if (props.warmStart) {
        throw new ConfigError(path, 'warmStart', 'WarmStart', 'nothing on SageMaker: keep capacity warm with provisionedConcurrency (serverless) or minReplicas (async)');
      }
      if (props.deploymentMode) {
        throw new ConfigError(path, 'deploymentMode', props.deploymentMode.value, 'nothing on SageMaker (deployment modes are KServe\'s)');
      }
      this.gpusPerReplica = 0;
      const realised = this.realiseSageMaker(target, cluster, platform, modelLocation, previousLocation, readable, props.targetConcurrency);
      this.realisation = realised.realisation;
      this.realisationReason = realised.reason;
      this.sagemakerEndpointName = realised.name;
      this.resource = realised.resource;
      this.roleArn = realised.roleArn;
      this.asyncOutputUri = realised.outputUri;
      this.asyncInputUri = realised.inputUri;
      this.coldStart = realised.coldStart;
      const region = cluster?.cloudRegion ?? target._sagemaker!.region!;
      const common = { source: path, name: realised.name, region, traffic: props.traffic };
      this.costSpec = target.serverless
        ? {
          ...common,
          kind: 'sagemaker-serverless',
          memorySizeMiB: target.serverless.memorySizeMiB,
          maxConcurrency: target.serverless.maxConcurrency ?? 20,
          provisionedConcurrency: target.serverless.provisionedConcurrency,
        }
        : {
          ...common,
          kind: 'sagemaker-async',
          instanceType: target.async!.instanceType,
          minInstances: this.minReplicas,
          maxInstances: this.maxReplicas,
        };
    } else {
      const c = cluster!;
      // Pool and GPU requests.
      const pool = props.pool;
      if (pool && pool.cluster !== c) {
        throw new ConfigError(path, 'pool', pool.node.path, `a pool of cluster ${c.node.path} (the endpoint runs there)`);
      }
      if (!pool) {
        if (props.runtime.requiresGpu) {
          throw new ConfigError(path, 'pool', undefined, `a GPU pool: runtime ${props.runtime.name} needs a GPU and the endpoint would run on CPU nodes (set pool, e.g. a GpuNodePool with Accelerator.NVIDIA_L4)`);
        }
        if (props.gpusPerReplica !== undefined || props.gpuResourceName !== undefined) {
          throw new ConfigError(path, props.gpusPerReplica !== undefined ? 'gpusPerReplica' : 'gpuResourceName', props.gpusPerReplica ?? props.gpuResourceName, 'a pool to take GPUs from (set pool), or leave it unset for CPU');
        }
      }
      this.pool = pool;
      this.gpusPerReplica = pool ? props.gpusPerReplica ?? 1 : 0;
      if (pool) {
        this.gpuResourceName = pool.resourceName;
        if (props.gpuResourceName !== undefined && props.gpuResourceName !== pool.resourceName) {
          throw new ConfigError(path, 'gpuResourceName', props.gpuResourceName, `"${pool.resourceName}", the resource pool ${pool.poolName} advertises (sharing ${pool.sharing}); a request for another resource never schedules there`);
        }
        if (!isInt(this.gpusPerReplica) || this.gpusPerReplica < 1) {
          throw new ConfigError(path, 'gpusPerReplica', props.gpusPerReplica, 'an integer ≥ 1');
        }
        if (pool.sharing.kind !== 'exclusive' && this.gpusPerReplica !== 1) {
          throw new ConfigError(path, 'gpusPerReplica', this.gpusPerReplica, `1: pool ${pool.poolName} shares GPUs (${pool.sharing}), so a replica gets one unit of ${pool.resourceName}; several shared units are not more GPU (the device plugin rejects such requests). Use an exclusive pool for multi-GPU replicas`);
        }
        const perNode = largestNodeUnits(pool);
        if (this.gpusPerReplica > perNode) {
          throw new ConfigError(path, 'gpusPerReplica', this.gpusPerReplica, `at most ${perNode}, the units of ${pool.resourceName} on the largest node of pool ${pool.poolName} (a replica's GPUs are on one node)`);
        }
        if (this.gpusPerReplica * this.maxReplicas > pool.maxUnits) {
          Annotations.of(this).addWarning(`maxReplicas ${this.maxReplicas} × ${this.gpusPerReplica} ${pool.resourceName} exceeds the ${pool.maxUnits} units pool ${pool.poolName} can hold: replicas above ${Math.floor(pool.maxUnits / this.gpusPerReplica)} stay pending`);
        }
      }

      // Deployment mode: scale to zero needs Knative; a GPU endpoint that keeps replicas runs as a
      // plain Deployment with KEDA.
      let mode: DeploymentMode;
      let reason: string;
      if (props.deploymentMode === DeploymentMode.STANDARD && this.minReplicas === 0) {
        throw new ConfigError(path, 'deploymentMode', 'Standard', 'DeploymentMode.KNATIVE (or minReplicas ≥ 1): Standard mode cannot scale to zero, nothing would hold requests while a replica starts');
      }
      if (props.deploymentMode) {
        mode = props.deploymentMode;
        reason = `${mode.value} mode, as asked`;
      } else if (this.minReplicas === 0) {
        mode = DeploymentMode.KNATIVE;
        reason = 'Knative mode: minReplicas 0 scales to zero, which only Knative does (its activator holds requests while a replica starts)';
      } else if (pool) {
        mode = DeploymentMode.STANDARD;
        reason = 'Standard mode with KEDA: it keeps ≥ 1 replica on GPUs, as KServe recommends for generative models (no activator hop, no Knative revision per change of a multi-GiB image)';
      } else {
        mode = DeploymentMode.KNATIVE;
        reason = 'Knative mode: request-driven autoscaling (concurrency or RPS) for a CPU endpoint';
      }
      if (props.canaryPercent !== undefined && mode === DeploymentMode.STANDARD) {
        throw new ConfigError(path, 'canaryPercent', props.canaryPercent, 'Knative mode for a canary (deploymentMode: DeploymentMode.KNATIVE): KServe splits traffic between revisions, which Standard mode does not have');
      }
      this.deploymentMode = mode;
      this.realisation = mode === DeploymentMode.KNATIVE ? EndpointRealisations.KSERVE_KNATIVE : EndpointRealisations.KSERVE_STANDARD;
      this.realisationReason = reason;

      // Warm start.
      const ws = props.warmStart;
      ws?._validate(path, this.maxReplicas);
      if (ws?.keepWarm.length && mode === DeploymentMode.KNATIVE) {
        throw new ConfigError(path, 'warmStart.keepWarm', ws.keepWarm, 'Standard mode (minReplicas ≥ 1 on a GPU pool, or deploymentMode: DeploymentMode.STANDARD): keep-warm schedules are KEDA cron triggers and Knative has no scheduled minimum; in Knative mode use minReplicas or warmStart.initialScale');
      }
      if (ws?.initialScale !== undefined && mode === DeploymentMode.STANDARD) {
        throw new ConfigError(path, 'warmStart.initialScale', ws.initialScale, 'nothing in Standard mode (a Deployment starts at minReplicas); initial scale is a Knative setting');
      }
      const cacheable = ([ModelSourceKinds.S3, ModelSourceKinds.HUGGING_FACE, ModelSourceKinds.URI] as string[]).includes(props.model.kind);
      // KServe v0.20.0 LocalModel download Jobs carry only a `kubernetes.io/hostname` node selector:
      // no tolerations, no service account (pkg/controller/v1alpha1/localmodelnode/controller.go,
      // launchJob). They never schedule on nodes with NoSchedule / NoExecute taints.
      const blockingTaints = (pool?.tolerations ?? []).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
      const taintNames = blockingTaints.map((t) => `${t.key}:${t.effect}`).join(', ');
      if (ws?.cacheModel === true) {
        if (!pool) throw new ConfigError(path, 'warmStart.cacheModel', true, 'a pool: the model is cached on the local disks of the pool\'s nodes');
        if (!cacheable) throw new ConfigError(path, 'warmStart.cacheModel', true, `a model the cache can fetch (S3, Hugging Face or a URI), not ${props.model.kind}: PVC and OCI models are already on a volume or an image`);
        if (props.model.sizeGiB === undefined) throw new ConfigError(path, 'model.sizeGiB', undefined, 'the model size (ModelSource options sizeGiB): a LocalModelCache reserves it on every node');
        if (props.previousModel) throw new ConfigError(path, 'warmStart.cacheModel', true, 'no cache during a canary (the cache holds one version; set cacheModel: false until the canary ends)');
      }
      if (ws?.cacheModel === true && pool && blockingTaints.length) {
        throw new ConfigError(path, 'warmStart.cacheModel', true,
          `a pool without NoSchedule/NoExecute taints: pool ${pool.poolName} has ${taintNames}, and KServe v0.20.0 LocalModel download Jobs have no tolerations (localmodelnode/controller.go launchJob), so the cache would never fill; set cacheModel: false (image pre-pull and keep-warm still apply) or serve from a pool created with acceleratorTaint: false`);
      }
      const cacheModel = ws !== undefined && !!pool && cacheable && props.model.sizeGiB !== undefined && !props.previousModel
        && blockingTaints.length === 0 && (ws.cacheModel ?? true);
      if (ws && pool && ws.cacheModel === undefined && !cacheModel) {
        const why = props.model.sizeGiB === undefined ? 'the model size is unknown (set sizeGiB)'
          : props.previousModel ? 'a canary is running (the cache holds one version)'
            : !cacheable ? `a ${props.model.kind} model is not cached`
              : `pool ${pool.poolName} has taints (${taintNames}) that KServe v0.20.0 LocalModel download Jobs do not tolerate`;
        Annotations.of(this).addInfo(`warm start without a model cache: ${why}`);
      }
      if (ws?.prePullImage === true && (!pool || !props.runtime.image)) {
        throw new ConfigError(path, 'warmStart.prePullImage', true, !pool ? 'a pool whose nodes get the image (CPU endpoints run on shared nodes)' : `a runtime with a known image (${props.runtime.name} is a ClusterServingRuntime chosen by its chart)`);
      }
      const prePull = ws !== undefined && !!pool && !!props.runtime.image && (ws.prePullImage ?? true);

      // Names and placement.
      this.namespace = validateDnsLabel(props.namespace ?? this.endpointName, path, 'namespace');
      this.serviceAccountName = validateDnsLabel(props.serviceAccountName ?? joinName([this.endpointName, 'model-reader'], 63), path, 'serviceAccountName');
      const clientNamespaces = (props.clientNamespaces ?? []).map((n, i) => validateDnsLabel(n, path, `clientNamespaces[${i}]`));
      const resources = this.replicaResources(props, path);

      // Standard mode: the KEDA metric.
      let standard: Parameters<typeof realiseKServeEndpoint>[0]['standard'];
      if (mode === DeploymentMode.STANDARD) {
        const prometheusUrl = props.prometheusUrl ?? 'http://prometheus-operated.monitoring.svc:9090';
        if (!Token.isUnresolved(prometheusUrl) && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(prometheusUrl)) {
          throw new ConfigError(path, 'prometheusUrl', prometheusUrl, 'an http(s) URL of Prometheus, e.g. "http://prometheus-operated.monitoring.svc:9090"');
        }
        const spec = props.runtime._spec;
        const selector = `namespace="${this.namespace}",pod=~"${this.endpointName}-predictor-.*"`;
        let query: string;
        let metricName: string;
        let threshold: number;
        if (this.targetRequestsPerSecond !== undefined) {
          if (!spec.requestCountMetric) {
            throw new ConfigError(path, 'targetRequestsPerSecond', this.targetRequestsPerSecond, `a runtime that exports a request counter for KEDA (ServingRuntime.custom(..., { requestCountMetric })); ${props.runtime.name} has none`);
          }
          query = `sum(rate(${spec.requestCountMetric}{${selector}}[1m]))`;
          metricName = 'requests-per-second';
          threshold = this.targetRequestsPerSecond;
        } else {
          if (!spec.concurrencyMetrics.length) {
            throw new ConfigError(path, 'targetConcurrency', this.targetConcurrency, `targetRequestsPerSecond, or a runtime that exports an in-flight request gauge (ServingRuntime.custom(..., { concurrencyMetric })): Standard mode scales with KEDA on Prometheus metrics, and ${props.runtime.name} has no concurrency gauge`);
          }
          query = spec.concurrencyMetrics.length === 1
            ? `sum(${spec.concurrencyMetrics[0]}{${selector}})`
            : `sum({__name__=~"${spec.concurrencyMetrics.join('|')}",${selector}})`;
          metricName = 'concurrency';
          threshold = this.targetConcurrency!;
        }
        const prometheusNamespace = /^https?:\/\/[^./:]+\.([a-z0-9-]+)(\.svc)?/.exec(prometheusUrl)?.[1];
        standard = {
          prometheusUrl,
          prometheusNamespace,
          query,
          threshold,
          metricName,
          scaleDownSeconds: Math.round(this.scaleDownDelay.toSeconds()),
          keepWarm: (ws?.keepWarm ?? []).map((k) => ({ replicas: k.replicas, start: k.start.trim(), end: k.end.trim(), timezone: k.timezone ?? 'Etc/UTC' })),
        };
        Annotations.of(this).addInfo(`Standard mode scales on Prometheus at ${prometheusUrl}: it must scrape the replicas (this library does not install Prometheus)`);
      }

      // Knative annotations, and the marks the policy checks read (model size, warm start).
      const annotations: Record<string, string> = {};
      if (props.model.sizeGiB !== undefined && !Token.isUnresolved(props.model.sizeGiB)) {
        annotations[PolicyAnnotations.MODEL_SIZE_GIB] = String(props.model.sizeGiB);
      }
      const warmBy = [...(cacheModel ? ['local-model-cache'] : []), ...(ws?.keepWarm.length ? ['scheduled-warm-pool'] : [])];
      if (warmBy.length) annotations[PolicyAnnotations.WARM_START] = warmBy.join(',');
      if (mode === DeploymentMode.KNATIVE) {
        annotations[WellKnown.KNATIVE_SCALE_DOWN_DELAY] = this.scaleDownDelay.toKubernetes();
        if (props.scalingWindow) annotations[WellKnown.KNATIVE_WINDOW] = props.scalingWindow.toKubernetes();
        if (ws?.initialScale !== undefined) annotations[WellKnown.KNATIVE_INITIAL_SCALE] = String(ws.initialScale);
        annotations[KServeKeys.KNATIVE_PROGRESS_DEADLINE] = this.coldStartDeadline.toKubernetes();
      }

      const runtimeSpec = props.runtime._spec;
      const extraArgs = serverArgs(props.runtime, this.gpusPerReplica, pool);
      const realised = realiseKServeEndpoint({
        owner: this,
        cluster: c,
        name: this.endpointName,
        namespace: this.namespace,
        mode: mode.value,
        serviceAccountName: this.serviceAccountName,
        statements,
        runtime: {
          name: runtimeSpec.name,
          image: runtimeSpec.image,
          clusterServingRuntime: runtimeSpec.clusterServingRuntime,
          modelFormat: runtimeSpec.modelFormat,
          modelFormatVersion: runtimeSpec.modelFormatVersion,
          protocolVersions: runtimeSpec.protocolVersions,
          protocolVersion: runtimeSpec.protocolVersion,
          args: runtimeSpec.args,
          env: runtimeSpec.env,
          port: runtimeSpec.port,
          runAsUser: runtimeSpec.runAsUser,
          sharedMemory: runtimeSpec.sharedMemory,
        },
        extraArgs,
        storageUri: props.model.storageUri,
        downloadsModel: props.model.kind !== ModelSourceKinds.PVC,
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        scaleMetric: this.targetRequestsPerSecond !== undefined ? 'rps' : 'concurrency',
        scaleTarget: this.targetRequestsPerSecond ?? this.targetConcurrency,
        canaryTrafficPercent: props.canaryPercent,
        annotations,
        labels: { [Labels.APP_NAME]: this.endpointName, [Labels.APP_COMPONENT]: 'inference-endpoint' },
        nodeSelector: pool ? { ...pool.nodeSelector } : {},
        tolerations: pool ? pool.tolerations.map((t) => ({ ...t })) : [],
        resources,
        standard,
        cache: cacheModel ? { poolName: pool!.poolName, sizeGiB: props.model.sizeGiB! } : undefined,
        prePullImage: prePull ? props.runtime.image : undefined,
        pauseImage: PAUSE_IMAGE,
        clientNamespaces,
      });
      this.resource = realised.inferenceService;
      this.roleArn = realised.roleArn;

      const placement = !pool ? 'cpu' : pool instanceof GpuNodePool ? pool.realisation.provisioner : 'existing-nodes';
      this.coldStart = estimateColdStart({
        placement,
        // The estimate is for a replica after idle: an endpoint that keeps replicas keeps a node.
        nodesCanBeZero: pool instanceof GpuNodePool && pool.minNodes === 0 && this.minReplicas === 0,
        imageSizeGiB: props.runtime.imageSizeGiB,
        imagePrePulled: prePull,
        modelKind: props.model.kind,
        modelSizeGiB: props.model.sizeGiB,
        modelCached: cacheModel,
        startupSeconds: props.runtime.startupSeconds,
      });
      this.costSpec = {
        kind: 'kserve',
        source: path,
        pool,
        gpusPerReplica: this.gpusPerReplica,
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        mode: mode.value,
        targetConcurrency: this.targetConcurrency,
        targetRequestsPerSecond: this.targetRequestsPerSecond,
        requestLatency: props.requestLatency,
        scaleDownDelay: this.scaleDownDelay,
        scalingWindow: props.scalingWindow,
        coldStart: Duration.seconds(this.coldStart.totalSeconds),
        traffic: props.traffic,
        keepWarm: (ws?.keepWarm ?? []).map((k) => `${k.replicas} replicas ${k.start.trim()} → ${k.end.trim()} ${k.timezone ?? 'Etc/UTC'}`),
      };
    }

    const kserve = !this.sagemakerEndpointName;
    this.promotion = {
      kind: kserve ? 'kserve' : 'sagemaker',
      modelVersionsUri: this.modelVersionsUri ?? '',
      namespace: kserve ? this.namespace : undefined,
      inferenceServiceName: kserve ? this.endpointName : undefined,
      cluster: this.cluster,
      sagemakerEndpointName: this.sagemakerEndpointName,
      canaryPercent: this.canaryPercent,
      _enableSageMakerRollout: this.sageMakerRollout,
      _acceptModelRollouts: kserve ? () => acceptModelRollouts(this.resource) : undefined,
    };

    // Warnings and the summary line.
    if (this.minReplicas === 0 && (props.model.sizeGiB ?? 0) > LARGE_MODEL_GIB && !props.warmStart && !target.isSageMaker) {
      Annotations.of(this).addWarning(`scales to zero with a ${props.model.sizeGiB} GiB model and no warm start: every cold start takes ${describeColdStart(this.coldStart)}; add warmStart (model cache, keep-warm schedule) or keep minReplicas ≥ 1`);
    }
    if (this.coldStart.totalSeconds > this.coldStartDeadline.toSeconds()) {
      Annotations.of(this).addWarning(`cold-start estimate ${describeColdStart(this.coldStart)} exceeds coldStartDeadline (${this.coldStartDeadline}): a new replica may be marked failed before it is ready`);
    }
    Annotations.of(this).addInfo(this.summary());
  }

  /**
   * Cost lines for the platform cost report. KServe on a GPU pool: replicas over the traffic
   * profile (`traffic`, else the platform's `costAssumptions.defaultTraffic`, else bounds only),
   * packed on the pool's nodes and priced as the pool buys them, with scale to zero, autoscaled
   * and fixed at peak compared. KServe on CPU: none (the system node group is not priced).
   * SageMaker: a line of its own without a price (ML instances and serverless compute are not in
   * the catalog), named among the unpriced lines.
   */
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return endpointCost(this.costSpec, assumptions);
  }

  /** The cold-start estimate as a duration (node, image, download, load). */
  public get coldStartTime(): Duration {
    return Duration.seconds(this.coldStart.totalSeconds);
  }

  /** One line for reports: realisation, placement, replicas, target, scale-down delay, cold start. */
  public summary(): string {
    const where = this.sagemakerEndpointName ? `SageMaker endpoint ${this.sagemakerEndpointName}`
      : `${this.namespace}/${this.endpointName} on ${this.pool ? `${this.pool.poolName} (${this.gpusPerReplica} × ${this.gpuResourceName})` : 'CPU'}`;
    const scaling = this.targetRequestsPerSecond !== undefined ? `${this.targetRequestsPerSecond} rps/replica` : `${this.targetConcurrency} in flight/replica`;
    return `${this.endpointName}: ${this.realisation}, ${where}, ${this.minReplicas}-${this.maxReplicas} replicas, ${scaling}, scale-down after ${this.scaleDownDelay}, cold start ${describeColdStart(this.coldStart)}`;
  }

  private replicaResources(props: ServerlessInferenceEndpointProps, path: string): ReplicaRequirements {
    const cpu = props.resources?.cpu ?? '1';
    const memory = props.resources?.memory
      ?? (this.pool ? `${Math.max(4, Math.ceil((props.model.sizeGiB ?? 0) * 1.25))}Gi` : '2Gi');
    for (const [field, q] of [['resources.cpu', cpu], ['resources.memory', memory]] as const) {
      if (!Token.isUnresolved(q) && !QUANTITY.test(q)) throw new ConfigError(path, field, q, 'a Kubernetes quantity such as "2", "500m", "16Gi"');
    }
    const gpu: Record<string, string> = this.pool ? { [this.gpuResourceName!]: String(this.gpusPerReplica) } : {};
    return { requests: { cpu, memory, ...gpu }, limits: { cpu, memory, ...gpu } };
  }

  private realiseSageMaker(target: ServingTarget, cluster: ICluster | undefined, platform: AiPlatform | undefined,
    model: S3Location | undefined, previous: S3Location | undefined, readable: S3Location[], targetConcurrency: number | undefined) {
    const path = this.node.path;
    const o = target._sagemaker!;
    // Region and scope: the cluster's cloud stack, or the platform's AWS stack of the region.
    if (cluster && o.region !== undefined && o.region !== cluster.cloudRegion) {
      throw new ConfigError(path, 'target.region', o.region, `nothing, or the cluster's cloud region (${cluster.cloudRegion ?? 'none'}): the endpoint goes into that region's stack`);
    }
    const region = cluster?.cloudRegion ?? o.region;
    if (!region && platform) {
      throw new ConfigError(path, 'target.region', undefined, 'an AWS region such as "us-east-1" for a SageMaker endpoint scoped to the platform');
    }
    if (region && !Token.isUnresolved(region) && !isAwsRegion(region)) {
      throw new ConfigError(path, 'target.region', region, 'an AWS region code such as "us-east-1"');
    }
    const scope = (cluster ? cluster.cloudScopeFor(this) : mirrorIn(platform!._awsStack(region!), this.node.id)) as Construct;
    const platformName = cluster?.platformName ?? platform!.platformName;
    const name = joinName([platformName, this.endpointName], 63);

    // Image: ECR, pinned.
    const image = o.image;
    const ecr = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._\/-]*)(:[\w][\w.-]{0,127}|@sha256:[a-f0-9]{64})$/.exec(image ?? '');
    if (!ecr || /:latest$/.test(image)) {
      throw new ConfigError(path, 'target.image', image, 'an ECR image pinned by tag or digest, e.g. "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04" (SageMaker pulls from ECR)');
    }
    const imageRepositoryArn = `arn:${partitionOf(ecr[2])}:ecr:${ecr[2]}:${ecr[1]}:repository/${ecr[4]}`;
    for (const [k] of Object.entries(o.environment ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,1023}$/.test(k)) throw new ConfigError(path, `target.environment.${k}`, k, 'an environment variable name (letters, digits, underscores)');
    }

    // Model(s): S3 weights or a Hub repository.
    const variantModel = (source: ModelSource, location: S3Location | undefined, variant: string, weight: number, field: string)
    : SageMakerVariantModel => {
      if (location) return { variant, weight, s3: location };
      if (source.kind === ModelSourceKinds.HUGGING_FACE) {
        return { variant, weight, huggingFaceRepository: source.reference, huggingFaceRevision: source.revision };
      }
      throw new ConfigError(path, field, source.storageUri, 'ModelSource.s3(...) or ModelSource.huggingFace(...) for a SageMaker target (SageMaker reads model data from S3 or the serving container fetches it from the Hub)');
    };
    const variants: SageMakerVariantModel[] = this.canaryPercent < 100
      ? [variantModel(this.model, model, 'canary', this.canaryPercent, 'model'), variantModel(this.previousModel!, previous, 'stable', 100 - this.canaryPercent, 'previousModel')]
      : [variantModel(this.model, model, 'AllTraffic', 1, 'model')];
    // What both SageMaker targets share.
    const common = { region: region!, name, image, imageRepositoryArn, environment: { ...(o.environment ?? {}) }, variants, readLocations: readable };

    let spec: SageMakerEndpointSpec;
    let realisation: string;
    let reason: string;
    let coldStart: EndpointColdStartEstimate;
    if (target.serverless) {
      const s = target.serverless;
      if (this.runtime.requiresGpu) {
        throw new ConfigError(path, 'runtime', this.runtime.name, `a CPU runtime: SageMaker serverless endpoints have no GPU and ${this.runtime.name} needs one (use ServingTarget.sagemakerAsync with a GPU instanceType)`);
      }
      if (this.minReplicas > 0) {
        throw new ConfigError(path, 'minReplicas', this.minReplicas, '0 on a SageMaker serverless endpoint (it scales to zero by itself; keep capacity warm with provisionedConcurrency)');
      }
      if (!isInt(s.memorySizeMiB) || s.memorySizeMiB < 1024 || s.memorySizeMiB > 6144 || s.memorySizeMiB % 1024 !== 0) {
        throw new ConfigError(path, 'target.memorySizeMiB', s.memorySizeMiB, 'one of 1024, 2048, 3072, 4096, 5120, 6144 (MiB; SageMaker serverless memory sizes)');
      }
      const maxConcurrency = s.maxConcurrency ?? 20;
      if (!isInt(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 200) {
        throw new ConfigError(path, 'target.maxConcurrency', maxConcurrency, 'an integer from 1 to 200');
      }
      const provisioned = s.provisionedConcurrency;
      if (provisioned !== undefined && (!isInt(provisioned) || provisioned < 1 || provisioned > maxConcurrency)) {
        throw new ConfigError(path, 'target.provisionedConcurrency', s.provisionedConcurrency, `an integer from 1 to maxConcurrency (${maxConcurrency})`);
      }
      if (variants.length > 1) {
        throw new ConfigError(path, 'canaryPercent', this.canaryPercent, 'no canary on a SageMaker serverless endpoint (it has a single production variant); use ServingTarget.sagemakerAsync or KServe for canaries');
      }
      spec = {
        ...common,
        serverless: { memorySizeMiB: s.memorySizeMiB, maxConcurrency, provisionedConcurrency: s.provisionedConcurrency },
      };
      realisation = EndpointRealisations.SAGEMAKER_SERVERLESS;
      reason = `SageMaker serverless: ${s.memorySizeMiB} MiB, up to ${maxConcurrency} concurrent invocations${s.provisionedConcurrency ? `, ${s.provisionedConcurrency} provisioned` : ', scales to zero'}`;
      coldStart = estimateColdStart({ placement: 'sagemaker-serverless', nodesCanBeZero: false, imageSizeGiB: this.runtime.imageSizeGiB, imagePrePulled: false, modelKind: this.model.kind, modelSizeGiB: this.model.sizeGiB, modelCached: false, startupSeconds: this.runtime.startupSeconds });
    } else {
      const a = target.async!;
      if (!/^ml\.[a-z0-9]+\.[a-z0-9]+$/.test(a.instanceType ?? '')) {
        throw new ConfigError(path, 'target.instanceType', a.instanceType, 'a SageMaker instance type such as "ml.g5.xlarge" or "ml.m5.large"');
      }
      if (this.runtime.requiresGpu && !/^ml\.(g\d|p\d)/.test(a.instanceType)) {
        throw new ConfigError(path, 'target.instanceType', a.instanceType, `a GPU instance type (ml.g5, ml.g6, ml.p4d, ...): runtime ${this.runtime.name} needs a GPU`);
      }
      const output = a.outputUri !== undefined ? parseS3Uri(a.outputUri, path, 'target.outputUri') : undefined;
      const input = a.inputUri !== undefined ? parseS3Uri(a.inputUri, path, 'target.inputUri') : undefined;
      if (a.kmsKeyArn !== undefined && !Token.isUnresolved(a.kmsKeyArn) && !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/.test(a.kmsKeyArn)) {
        throw new ConfigError(path, 'target.kmsKeyArn', a.kmsKeyArn, 'a KMS key ARN such as "arn:aws:kms:us-east-1:111122223333:key/…"');
      }
      const perInstance = a.maxConcurrentInvocationsPerInstance;
      if (perInstance !== undefined && (!isInt(perInstance) || perInstance < 1 || perInstance > 1000)) {
        throw new ConfigError(path, 'target.maxConcurrentInvocationsPerInstance', a.maxConcurrentInvocationsPerInstance, 'an integer from 1 to 1000');
      }
      const backlog = a.targetBacklogPerInstance ?? targetConcurrency ?? 5;
      if (!(backlog > 0)) throw new ConfigError(path, 'target.targetBacklogPerInstance', backlog, 'a positive number of queued requests per instance');
      const deadline = this.coldStartDeadline.toSeconds();
      if (deadline < 60 || deadline > 3600) {
        throw new ConfigError(path, 'coldStartDeadline', this.coldStartDeadline.toString(), 'a duration from 60 s to 1 h (SageMaker\'s container start-up and model download timeouts)');
      }
      spec = {
        ...common,
        async: {
          instanceType: a.instanceType,
          minInstances: this.minReplicas,
          maxInstances: this.maxReplicas,
          targetBacklogPerInstance: backlog,
          scaleInCooldownSeconds: Math.round(this.scaleDownDelay.toSeconds()),
          output,
          input,
          kmsKeyArn: a.kmsKeyArn,
          notifications: a.notifications ?? false,
          maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance,
          startupTimeoutSeconds: Math.round(deadline),
        },
      };
      realisation = EndpointRealisations.SAGEMAKER_ASYNC;
      reason = `SageMaker asynchronous inference on ${a.instanceType}, ${this.minReplicas}-${this.maxReplicas} instances${this.minReplicas === 0 ? ' (to zero when the queue is empty)' : ''}`;
      coldStart = estimateColdStart({ placement: 'sagemaker-async', nodesCanBeZero: this.minReplicas === 0, imageSizeGiB: this.runtime.imageSizeGiB, imagePrePulled: false, modelKind: this.model.kind, modelSizeGiB: this.model.sizeGiB, modelCached: false, startupSeconds: this.runtime.startupSeconds });
    }
    // Loaded on first use: programs without SageMaker endpoints never load these bindings.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { realiseSageMakerEndpoint } = require('../aws/sagemaker-endpoint') as typeof import('../aws/sagemaker-endpoint');
    const r = realiseSageMakerEndpoint(scope, spec);
    // Created when a pipeline promotes here (its bindings load then), once per endpoint.
    this.sageMakerRollout = () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { enableSageMakerRollout } = require('../aws/sagemaker-rollout') as typeof import('../aws/sagemaker-rollout');
      return enableSageMakerRollout(scope, { spec, realisation: r, versionsUri: this.modelVersionsUri ?? '', canaryPercent: this.canaryPercent });
    };
    const resource = r.endpoint as TerraformResource;
    return { realisation, reason, name, resource, roleArn: r.role.arn, outputUri: r.outputUri, inputUri: r.inputUri, coldStart };
  }
}

/** The locations without those another one of the same bucket covers (a prefix of it). */
function covering(locations: S3Location[]): S3Location[] {
  const covers = (o: S3Location, l: S3Location, earlier: boolean) =>
    o.bucket === l.bucket && l.prefix.startsWith(o.prefix) && (o.prefix !== l.prefix || earlier);
  return locations.filter((l, i) => !locations.some((o, j) => j !== i && covers(o, l, j < i)));
}

/** Requests and limits of a replica's container. */
interface ReplicaRequirements { requests: Record<string, string>; limits: Record<string, string> }

/** Read-only S3 statements for the given prefixes: objects under each prefix, listing limited to them. */
function readStatements(kept: S3Location[], partition: string): PermissionStatement[] {
  if (!kept.length) return [];
  const buckets = [...new Set(kept.map((l) => l.bucket))].sort();
  return [
    { actions: ['s3:GetObject'], resources: kept.map((l) => `arn:${partition}:s3:::${l.bucket}/${l.prefix}*`) },
    ...buckets.map((b) => ({
      actions: ['s3:ListBucket'],
      resources: [`arn:${partition}:s3:::${b}`],
      conditions: { StringLike: { 's3:prefix': kept.filter((l) => l.bucket === b).map((l) => `${l.prefix}*`) } },
    })),
  ];
}

/**
 * Arguments an endpoint adds to its runtime's: vLLM's tensor-parallel size for multi-GPU replicas;
 * on time-sliced or MPS GPUs, vLLM's and TGI's share of GPU memory (they reserve 90 % of a GPU by
 * default, so a second replica on the same GPU would run out of memory).
 */
function serverArgs(runtime: ServingRuntime, gpus: number, pool: IGpuNodePool | undefined): string[] {
  const args: string[] = [];
  const sharedBy = pool && (pool.sharing.kind === 'time-slicing' || pool.sharing.kind === 'mps') ? pool.sharing.replicas ?? 1 : 1;
  const fraction = String(Math.floor(90 / sharedBy) / 100);
  if (runtime === ServingRuntime.VLLM) {
    if (gpus > 1) args.push(`--tensor-parallel-size=${gpus}`);
    if (sharedBy > 1) args.push(`--gpu-memory-utilization=${fraction}`);
  }
  if (runtime === ServingRuntime.TGI) {
    if (gpus > 1) args.push(`--num-shard=${gpus}`);
    if (sharedBy > 1) args.push(`--cuda-memory-fraction=${fraction}`);
  }
  return args;
}

/** Units of the pool's resource on its largest node (a pool of existing nodes: all its units). */
function largestNodeUnits(pool: IGpuNodePool): number {
  if (!(pool instanceof GpuNodePool)) return pool.maxUnits;
  const catalog = pool.accelerator.instanceTypes(pool.cluster.cloud ?? 'aws');
  const devices = Math.max(...pool.instanceTypes.map((t) => catalog.find((c) => c.name === t)?.acceleratorCount ?? 1));
  return devices * pool.sharing.unitsPerGpu(pool.accelerator);
}

function isCluster(x: IConstruct): x is ICluster {
  const c = x as Partial<ICluster>;
  return typeof c.scopeFor === 'function' && typeof c.grantWorkload === 'function' && c.stacks !== undefined;
}

function isPlatform(x: IConstruct): x is AiPlatform {
  const p = x as Partial<AiPlatform>;
  return typeof p._awsStack === 'function' && typeof p.platformName === 'string';
}

function mirrorIn(stack: IConstruct, id: string): IConstruct {
  return stack.node.tryFindChild(id) ?? new Construct(stack as Construct, id);
}

function isInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n);
}
