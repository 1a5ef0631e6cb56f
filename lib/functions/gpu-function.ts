import { Annotations, dependable, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { functionCost, FunctionCostSpec } from './cost';
import { FunctionEnvironment, RESERVED_ENV_PREFIX } from './environment';
import {
  ColdStartAssumptions, FunctionColdStartEstimate, coldStartEstimate, costPer1000, FunctionCostBasis, FunctionCostOptions,
} from './estimates';
import { GpuRequest } from './gpu-request';
import { cronJobObject, EnvVar, FunctionPodSpec, scaledJobObject } from './kubernetes-objects';
import { fittingInstanceTypes, InstanceFit } from './sizing';
import { FunctionTarget, FunctionTargetKinds } from './target';
import { FunctionTrigger, FunctionTriggerKinds, QueueRef } from './trigger';
import { partitionOf } from '../aws/arn';
import type * as AwsBatch from '../aws/batch';
import { GpuNodePool } from '../compute/gpu-node-pool';
import type { IGpuNodePool } from '../compute/pool';
import { AWS_INSTANCE_TYPE_FACTS } from '../core/aws-instance-types';
import { CapacityKinds } from '../core/capacity';
import { runsPerMonth as cronRunsPerMonth, toEventBridgeCron } from '../core/cron';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { GpuSharingKinds } from '../core/gpu-sharing';
import { joinName, validateDnsLabel } from '../core/naming';
import { parseS3Uri, S3Location, s3ObjectsArn, s3BucketArn } from '../core/s3-uri';
import { Labels } from '../core/well-known';
import type { CostAssumptions, CostLine, ICostSource } from '../cost';
import { Keda } from '../kubernetes/keda';
import { emitManifest } from '../kubernetes/manifest';
import { allowEgress, defaultDenyNetworkPolicy, namespaceObject, serviceAccountObject } from '../kubernetes/objects';
import { ICluster, Layer, PermissionStatement, WorkloadIdentity } from '../platform/cluster';
import { PolicyAnnotations, QUEUE_REDELIVERY_CHECKPOINT } from '../policy/contract';

/** What one run of a {@link GpuFunction} asks for. */
export interface FunctionResources {
  /** Accelerators: `GpuRequest.whole(n)` on an exclusive pool, `GpuRequest.shared()` on a shared one. */
  readonly gpu: GpuRequest;
  /** vCPUs (a positive number; rounded up to whole vCPUs on AWS Batch). */
  readonly cpu: number;
  /** Memory, GiB (request and limit). */
  readonly memoryGiB: number;
  /**
   * Scratch disk, GiB (Kubernetes `ephemeral-storage` request and limit; on AWS Batch it sizes the
   * instances' root volume).
   * @default - no ephemeral-storage request or limit; a 200 GiB root volume on AWS Batch
   */
  readonly ephemeralStorageGiB?: number;
}

/** Props of {@link GpuFunction}. */
export interface GpuFunctionProps {
  /** Container image, pinned by tag or digest (e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2`). */
  readonly image: string;
  /**
   * The command of a run. On Kubernetes it replaces the image's entrypoint; AWS Batch cannot
   * replace an entrypoint, so there `command` and `args` are passed to it (images whose
   * entrypoint ends in `exec "$@"`, like NVIDIA's CUDA and PyTorch images, behave the same).
   */
  readonly command: string[];
  /** Arguments after the command. @default - none */
  readonly args?: string[];
  /**
   * Extra environment variables (names `[A-Za-z_][A-Za-z0-9_]*`; the `GPU_FUNCTION_` prefix is
   * reserved for {@link FunctionEnvironment}). Never put secrets here: they end up in the
   * synthesized JSON and the Terraform state.
   * @default - only the {@link FunctionEnvironment} variables
   */
  readonly env?: Record<string, string>;
  /** What one run asks for. */
  readonly resources: FunctionResources;
  /** The GPU pool the runs land on (on AWS Batch: its accelerator, instance types and capacity). */
  readonly pool: IGpuNodePool;
  /** What starts runs. */
  readonly trigger: FunctionTrigger;
  /**
   * Queue messages (work items) one run takes: KEDA starts one run per this many messages.
   * Queue triggers on Kubernetes only; 1 on AWS Batch (one job per object).
   * @default 1
   */
  readonly messagesPerRun?: number;
  /**
   * Runs at once, at most (KEDA `maxReplicaCount`). Must fit in the pool: runs × GPU units per
   * run ≤ the pool's `maxUnits`. A schedule starts one run at a time. On AWS Batch it sets each
   * compute environment's maximum vCPUs: enough whole instances of the type that needs the fewest
   * vCPUs per run (instance types larger than that are left out).
   * @default - as many as the pool can host (pool `maxUnits` / units per run); 1 for a schedule
   */
  readonly maxParallelRuns?: number;
  /**
   * Deadline of one run, from the job's start (node provisioning included), whole seconds, at
   * least 1 minute. At most {@link GpuFunction.MAX_QUEUE_RUN_TIMEOUT} (12 h) for queue-driven runs
   * on Kubernetes (the SQS visibility timeout cannot hide a message longer), else
   * {@link GpuFunction.MAX_TIMEOUT} (24 h).
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * Retries of a failed run, at most 100 (Kubernetes `backoffLimit`; AWS Batch attempts − 1, at most 9). For
   * queue triggers a message is received at most `retries + 1` times before the dead-letter queue.
   * A run lost to a spot reclaim or a node drain does not count on Kubernetes; on AWS Batch spot
   * jobs get 2 more attempts for reclaims. A queue-driven function on Kubernetes with `retries ≥ 1`
   * counts as checkpointed for the spot policy check (AIP-AI-002): its messages are received
   * again after a reclaim instead of going to the dead-letter queue; a scheduled one needs a
   * `CHECKPOINT_DIR` env var of its own.
   * @default 2
   */
  readonly retries?: number;
  /** Where results go: an `s3://bucket/prefix/` URI (runs may only put objects under it). */
  readonly results: string;
  /**
   * What runs read: an `s3://bucket/prefix` URI (runs may get objects under it; scheduled runs may
   * also list it).
   * @default - the bucket and prefix of an S3 trigger; nothing for other triggers
   */
  readonly input?: string;
  /** Where the function runs. @default FunctionTarget.kubernetes() */
  readonly target?: FunctionTarget;
  /**
   * How often KEDA reads the queue depth (Kubernetes, queue triggers), whole seconds.
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
  /**
   * UID (and GID) the container runs as. Pods run as non-root under the `restricted` Pod Security
   * Standard: set this when the image's own user is root (NVIDIA's CUDA and PyTorch images are).
   * @default - the image's user, which must be a numeric non-root user
   */
  readonly runAsUser?: number;
  /** Assumptions behind {@link GpuFunction.coldStart}. @default - see ColdStartAssumptions */
  readonly coldStartAssumptions?: ColdStartAssumptions;
  /**
   * Runs a month to expect, for the cost estimate (queue and S3 triggers; a schedule's runs come
   * from its cron expression). Runs, not work items: a queue-driven run takes up to
   * `messagesPerRun` messages, so about `items / messagesPerRun` runs when work arrives in bulk,
   * more when it trickles in. On AWS Batch, one run per object.
   * @default - unknown: the cost report says so and gives the figures per run instead of guessing
   */
  readonly expectedRunsPerMonth?: number;
  /**
   * Typical wall time of one run, for the cost estimate (runs a month × this on a node), from the
   * job's start: image pull and start-up included, node provisioning after an idle period not.
   * Above zero and at most `timeout`.
   * @default - unknown: the cost report says so and gives the bound at `timeout` instead of guessing
   */
  readonly expectedRunDuration?: Duration;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** SQS cannot hide a received message for longer than 12 hours (visibility timeout maximum). */
const SQS_MAX_VISIBILITY_SECONDS = 43200;

/**
 * A queue-driven, scale-to-zero GPU batch function: each run takes work items (queue messages, a
 * new S3 object, or a schedule tick), processes them on the pool's GPUs, writes results under an
 * S3 prefix and exits. Nothing runs, and with a pool that scales to zero nothing is billed, while
 * there is no work.
 *
 * - **Kubernetes** (default): a namespace with default-deny network policies, a service account
 *   bound through the cluster's workload identity to exactly the function's permissions, and a
 *   KEDA `ScaledJob` (`aws-sqs-queue` trigger) or a `CronJob`, whose Jobs carry the pool's node
 *   selector, tolerations and GPU resource; the pool's nodes follow through scale-from-zero.
 * - **AWS Batch** (`target: FunctionTarget.awsBatch()`): GPU compute environments from the pool's
 *   instance types and capacity, a job queue, a job definition and an EventBridge rule.
 *
 * ```ts
 * new GpuFunction(prod, 'frames', {
 *   image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2',
 *   command: ['python', '-m', 'frames.worker'],
 *   resources: { gpu: GpuRequest.shared(), cpu: 1, memoryGiB: 3 },
 *   pool: l4, // GpuSharing.timeSlicing(4)
 *   trigger: FunctionTrigger.s3({ bucket: 'acme-media', prefix: 'frames/', suffix: '.jpg' }),
 *   messagesPerRun: 10, maxParallelRuns: 20, timeout: Duration.hours(2),
 *   results: 's3://acme-media/embeddings/',
 * });
 * ```
 */
export class GpuFunction extends Construct implements ICostSource {
  /** Longest run this library accepts (a cost guard: a stuck GPU run costs at most this). */
  public static readonly MAX_TIMEOUT = Duration.hours(24);
  /** Longest queue-driven run on Kubernetes: the SQS visibility timeout maximum. */
  public static readonly MAX_QUEUE_RUN_TIMEOUT = Duration.hours(12);

  /** DNS-label name of the function (its namespace, service account and ScaledJob/CronJob name). */
  public readonly functionName: string;
  public readonly cluster: ICluster;
  public readonly pool: IGpuNodePool;
  public readonly trigger: FunctionTrigger;
  public readonly target: FunctionTarget;
  public readonly messagesPerRun: number;
  public readonly maxParallelRuns: number;
  public readonly timeout: Duration;
  public readonly retries: number;
  /** Kubernetes: the function's namespace. */
  public readonly namespace?: string;
  /** Kubernetes: the workload identity of its service account. */
  public readonly identity?: WorkloadIdentity;
  /** Queue-driven on Kubernetes: the URL of the queue the runs read (a token for a queue made here). */
  public readonly queueUrl?: string;
  /** Queue-driven on Kubernetes: the ARN of that queue. */
  public readonly queueArn?: string;
  /**
   * The main resource (escape hatch): the ScaledJob or CronJob `kubernetes_manifest`, or the
   * `aws_batch_job_definition`.
   */
  public readonly resource: TerraformResource;
  /** The first run's wait after an idle period, with its assumptions. */
  public readonly coldStart: FunctionColdStartEstimate;
  /** What cost estimates stand on; undefined when no price is known (existing nodes, unpriced types). */
  public readonly costBasis?: FunctionCostBasis;
  private readonly costSpec: FunctionCostSpec;

  constructor(cluster: ICluster, id: string, props: GpuFunctionProps) {
    super(cluster, id);
    const path = this.node.path;
    this.cluster = cluster;
    this.functionName = validateDnsLabel(id, path, 'id');
    const pool = props.pool;
    this.pool = pool;
    this.trigger = props.trigger;
    this.target = props.target ?? FunctionTarget.kubernetes();
    const onBatch = this.target.kind === FunctionTargetKinds.AWS_BATCH;
    const trigger = props.trigger;
    const scheduled = trigger.kind === FunctionTriggerKinds.SCHEDULE;

    if (pool.cluster !== cluster) {
      throw new ConfigError(path, 'pool', pool.node.path, `a pool of ${cluster.node.path} (the function's cluster); create the function on ${pool.cluster.node.path}, or a pool on this cluster`);
    }

    // Container.
    if (typeof props.image !== 'string' || (!Token.isUnresolved(props.image) && !/^\S+$/.test(props.image))) {
      throw new ConfigError(path, 'image', props.image, 'a container image reference without spaces, e.g. "123456789012.dkr.ecr.us-east-1.amazonaws.com/frames:1.4.2"');
    }
    if (!Token.isUnresolved(props.image) && !props.image.includes('@') && (!/:[^/]+$/.test(props.image) || props.image.endsWith(':latest'))) {
      Annotations.of(this).addWarning(`image ${props.image} is not pinned: a tag other than "latest" or a digest makes runs repeatable`);
    }
    if (!Array.isArray(props.command) || props.command.length === 0 || props.command.some((c) => typeof c !== 'string')) {
      throw new ConfigError(path, 'command', props.command, 'a non-empty list of strings, e.g. ["python", "-m", "frames.worker"]');
    }
    const userEnv = Object.entries(props.env ?? {});
    for (const [name] of userEnv) {
      if (!ENV_NAME.test(name) || name.startsWith(RESERVED_ENV_PREFIX)) {
        throw new ConfigError(path, `env.${name}`, name, `an environment variable name of letters, digits and "_", not starting with a digit or with the reserved "${RESERVED_ENV_PREFIX}"`);
      }
    }
    if (props.runAsUser !== undefined && (!Number.isInteger(props.runAsUser) || props.runAsUser < 1)) {
      throw new ConfigError(path, 'runAsUser', props.runAsUser, 'a non-root UID, an integer ≥ 1 (the restricted Pod Security Standard forbids root)');
    }

    // Resources against the pool's sharing.
    const res = props.resources;
    const shared = pool.sharing.kind !== GpuSharingKinds.EXCLUSIVE;
    if (!(res.gpu instanceof GpuRequest)) {
      throw new ConfigError(path, 'resources.gpu', res.gpu, 'GpuRequest.whole(n) or GpuRequest.shared()');
    }
    if (res.gpu.isShared !== shared) {
      throw new ConfigError(path, 'resources.gpu', res.gpu.toString(), shared
        ? `GpuRequest.shared(): pool ${pool.poolName} shares each GPU (${pool.sharing}), so a run gets one ${pool.resourceName} unit, never whole GPUs`
        : `GpuRequest.whole(n): pool ${pool.poolName} gives whole devices (${pool.resourceName}); to share GPUs, use a pool with GpuSharing.timeSlicing(n), mps(n) or mig(profile)`);
    }
    for (const [field, value] of [['cpu', res.cpu], ['memoryGiB', res.memoryGiB], ['ephemeralStorageGiB', res.ephemeralStorageGiB]] as const) {
      if (value === undefined && field === 'ephemeralStorageGiB') continue;
      if (typeof value !== 'number' || Token.isUnresolved(value) || !(value > 0) || !Number.isFinite(value)) {
        throw new ConfigError(path, `resources.${field}`, value, `a positive literal number (${field === 'cpu' ? 'vCPUs, e.g. 4 or 0.5' : 'GiB, e.g. 16'})`);
      }
    }
    if (onBatch) {
      if (!pool.accelerator.isNvidiaGpu) {
        throw new ConfigError(path, 'target', this.target.kind, `FunctionTarget.kubernetes() for ${pool.accelerator.model}: the AWS Batch realisation runs NVIDIA GPUs (the ECS_AL2023_NVIDIA AMI and the GPU resource requirement)`);
      }
      if (shared) {
        throw new ConfigError(path, 'pool', `${pool.poolName} (${pool.sharing})`, 'a pool with GpuSharing.exclusive() on AWS Batch (Batch gives containers whole GPUs), or FunctionTarget.kubernetes() for shared GPUs');
      }
      if (trigger.kind === FunctionTriggerKinds.SQS) {
        throw new ConfigError(path, 'trigger', trigger.toString(), 'FunctionTrigger.s3(...) or FunctionTrigger.schedule(...) on AWS Batch (Batch has no queue-depth scaling), or FunctionTarget.kubernetes() for an SQS trigger');
      }
    }

    // Sizing on the pool's instance types (when they are known).
    const cloud = onBatch ? 'aws' : (cluster.cloud ?? 'aws');
    const catalog = pool.accelerator.instanceTypes(cloud);
    const names = pool instanceof GpuNodePool ? pool.instanceTypes : onBatch ? catalog.map((t) => t.name) : [];
    const types = names.map((n) => catalog.find((t) => t.name === n)).filter((t) => t !== undefined);
    const unitsPerDevice = pool.sharing.unitsPerGpu(pool.accelerator);
    const fits = fittingInstanceTypes(types, { units: res.gpu.units, unitsPerDevice, cpu: res.cpu, memoryGiB: res.memoryGiB });
    if (types.length > 0 && fits.length === 0) {
      throw new ConfigError(path, 'resources', { gpu: res.gpu.toString(), cpu: res.cpu, memoryGiB: res.memoryGiB },
        `requests that fit on one of the instance types of pool ${pool.poolName} (${types.map((t) => `${t.name}: ${t.acceleratorCount * unitsPerDevice} ${pool.resourceName}, ${t.vcpus ?? '?'} vCPUs, ${t.memoryGiB ?? '?'} GiB`).join('; ')}), keeping 0.5 vCPU and 10 % + 0.5 GiB of memory for the node`);
    }
    const priced = fits[0];
    if (priced && shared && priced.runsPerInstance < priced.runsByGpu) {
      Annotations.of(this).addWarning(`a ${priced.info.name} node of pool ${pool.poolName} offers ${priced.runsByGpu} ${pool.resourceName} units but fits only ${priced.runsPerInstance} ${priced.runsPerInstance === 1 ? 'run' : 'runs'} of ${res.cpu} vCPUs and ${res.memoryGiB} GiB: the other GPU shares stay idle (lower cpu or memoryGiB)`);
    }
    if (priced && priced.info.onDemandUsdPerHour !== undefined) {
      this.costBasis = {
        instanceType: priced.info.name,
        onDemandUsdPerHour: priced.info.onDemandUsdPerHour,
        runsPerInstance: priced.runsPerInstance,
        spot: pool.capacity.kind === CapacityKinds.SPOT,
        priceSource: `AWS ${AWS_INSTANCE_TYPE_FACTS.priceRegion} ${AWS_INSTANCE_TYPE_FACTS.pricePurchaseOption} ${AWS_INSTANCE_TYPE_FACTS.priceOperatingSystem} list price, retrieved ${AWS_INSTANCE_TYPE_FACTS.priceDataRetrievedAt}`,
      };
    }

    // Runs.
    const messagesPerRun = props.messagesPerRun ?? 1;
    if (props.messagesPerRun !== undefined && scheduled) {
      throw new ConfigError(path, 'messagesPerRun', props.messagesPerRun, 'nothing for a schedule trigger (a scheduled run has no messages)');
    }
    if (!Number.isInteger(messagesPerRun) || messagesPerRun < 1) {
      throw new ConfigError(path, 'messagesPerRun', props.messagesPerRun, 'a literal integer ≥ 1 (work items per run)');
    }
    if (onBatch && messagesPerRun !== 1) {
      throw new ConfigError(path, 'messagesPerRun', messagesPerRun, '1 on AWS Batch (EventBridge submits one job per object)');
    }
    this.messagesPerRun = messagesPerRun;
    const unitsPerRun = res.gpu.units;
    const poolRuns = Math.floor(pool.maxUnits / unitsPerRun);
    const maxParallelRuns = props.maxParallelRuns ?? (scheduled ? 1 : Math.max(1, poolRuns));
    if (!Number.isInteger(maxParallelRuns) || maxParallelRuns < 1) {
      throw new ConfigError(path, 'maxParallelRuns', props.maxParallelRuns, 'a literal integer ≥ 1 (it is checked against the pool and sizes the scaler)');
    }
    if (scheduled && maxParallelRuns !== 1) {
      throw new ConfigError(path, 'maxParallelRuns', maxParallelRuns, '1 for a schedule trigger (one run per tick, never two at once)');
    }
    if (maxParallelRuns * unitsPerRun > pool.maxUnits) {
      throw new ConfigError(path, 'maxParallelRuns', maxParallelRuns,
        `at most ${poolRuns}: ${maxParallelRuns} runs × ${unitsPerRun} ${pool.resourceName} = ${maxParallelRuns * unitsPerRun} units, but pool ${pool.poolName} hosts at most ${pool.maxUnits} (raise its maxNodes, or lower maxParallelRuns)`);
    }
    this.maxParallelRuns = maxParallelRuns;

    this.timeout = props.timeout ?? Duration.hours(1);
    const queueOnKubernetes = !onBatch && trigger.queueDriven;
    const maxTimeout = queueOnKubernetes ? GpuFunction.MAX_QUEUE_RUN_TIMEOUT : GpuFunction.MAX_TIMEOUT;
    const timeoutSeconds = this.timeout.toSeconds();
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 60 || this.timeout.isLongerThan(maxTimeout)) {
      throw new ConfigError(path, 'timeout', this.timeout.toString(), `whole seconds from 1 minute to ${maxTimeout}${queueOnKubernetes
        ? ' for a queue-driven function on Kubernetes (SQS cannot hide a message for longer than 12 hours, so a longer run would be started twice); use a schedule or AWS Batch for runs up to 24 hours'
        : ' (the longest run this library accepts)'}`);
    }
    this.retries = props.retries ?? 2;
    const maxRetries = onBatch ? 9 : 100;
    if (!Number.isInteger(this.retries) || this.retries < 0 || this.retries > maxRetries) {
      throw new ConfigError(path, 'retries', props.retries, `a literal integer from 0 to ${maxRetries}${onBatch ? ' on AWS Batch (at most 10 attempts)' : ''}`);
    }
    // Cost inputs: runs a month and the duration of a run.
    if (props.expectedRunsPerMonth !== undefined) {
      const r = props.expectedRunsPerMonth;
      if (scheduled) {
        throw new ConfigError(path, 'expectedRunsPerMonth', r, 'nothing for a schedule trigger: its runs a month come from the cron expression');
      }
      if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) {
        throw new ConfigError(path, 'expectedRunsPerMonth', r, 'a number of runs a month ≥ 0 (runs, not work items)');
      }
    }
    const runDuration = props.expectedRunDuration;
    if (runDuration !== undefined && (!(runDuration.toSeconds() > 0) || runDuration.isLongerThan(this.timeout))) {
      throw new ConfigError(path, 'expectedRunDuration', runDuration.toString(), `a run time above zero and at most the timeout (${this.timeout}), which stops a run`);
    }
    const costCommon = {
      source: path,
      functionName: this.functionName,
      runsPerMonth: scheduled ? cronRunsPerMonth(trigger._parsedCron!) : props.expectedRunsPerMonth,
      runsHint: `a ${trigger.kind} trigger without expectedRunsPerMonth`,
      runDuration,
      timeout: this.timeout,
    };

    const pollingInterval = props.pollingInterval ?? Duration.seconds(30);
    const pollingSeconds = pollingInterval.toSeconds();
    if (!Number.isInteger(pollingSeconds) || pollingSeconds < 1 || pollingSeconds > 3600) {
      throw new ConfigError(path, 'pollingInterval', pollingInterval.toString(), 'whole seconds from 1 second to 1 hour');
    }

    // Data: results, input and the S3 trigger.
    const results = parseS3Uri(props.results, path, 'results');
    if (results.prefix === '') {
      throw new ConfigError(path, 'results', props.results, 'an S3 prefix such as "s3://acme-media/embeddings/" (runs may write only under it, so not a whole bucket)');
    }
    const input: S3Location | undefined = props.input !== undefined ? parseS3Uri(props.input, path, 'input')
      : trigger.kind === FunctionTriggerKinds.S3 ? { bucket: trigger.bucket!, prefix: trigger.prefix!, uri: `s3://${trigger.bucket}/${trigger.prefix}` }
        : undefined;
    let configureNotifications = false;
    if (trigger.kind === FunctionTriggerKinds.S3) {
      if (onBatch && trigger._queue) {
        throw new ConfigError(path, 'trigger.queue', trigger._queue.arn, 'no queue on AWS Batch: an EventBridge rule submits the jobs (set configureNotifications: true so that the bucket sends its events to EventBridge)');
      }
      configureNotifications = trigger._configureNotifications ?? (!trigger._queue && aws().bucketDefinedInApp(this, trigger.bucket!));
      if (!configureNotifications && !trigger._queue) {
        throw new ConfigError(path, 'trigger.bucket', trigger.bucket, onBatch
          ? `a bucket whose notifications this program may configure: s3://${trigger.bucket} is not defined in this app; set configureNotifications: true if this program may own its notification configuration (EventBridge must be enabled on it)`
          : `a bucket this program defines, or an explicit queue: s3://${trigger.bucket} is not defined in this app, and S3 keeps one notification configuration per bucket; pass queue: the ARN of an SQS queue that already receives its events, or configureNotifications: true if this program may own that configuration`);
      }
    }

    const nodePool = pool instanceof GpuNodePool ? pool : undefined;
    this.coldStart = coldStartEstimate(path, props.coldStartAssumptions ?? {}, {
      provisioner: onBatch ? 'aws-batch' : nodePool?.realisation.provisioner ?? 'existing-nodes',
      nodesKept: !onBatch && (!nodePool || nodePool.minNodes > 0),
      trigger: queueOnKubernetes ? pollingInterval : Duration.seconds(0),
    });

    const region = cluster.cloudRegion;
    const partition = partitionOf(region ?? 'us-east-1');
    const statements = (queue?: { arn: string; byName: boolean }): PermissionStatement[] => [
      ...(queue ? [{ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', ...(queue.byName ? ['sqs:GetQueueUrl'] : [])], resources: [queue.arn] }] : []),
      ...(input ? [{ actions: ['s3:GetObject'], resources: [s3ObjectsArn(input, partition)] }] : []),
      ...(input && scheduled ? [{
        actions: ['s3:ListBucket'],
        resources: [s3BucketArn(input.bucket, partition)],
        ...(input.prefix ? { conditions: { StringLike: { 's3:prefix': [`${input.prefix}*`] } } } : {}),
      }] : []),
      { actions: ['s3:PutObject'], resources: [s3ObjectsArn(results, partition)] },
    ];
    const baseEnv: Array<[string, string]> = [
      [FunctionEnvironment.NAME, this.functionName],
      [FunctionEnvironment.RESULTS_URI, `s3://${results.bucket}/${results.prefix}`],
      ...(input ? [[FunctionEnvironment.INPUT_URI, `s3://${input.bucket}/${input.prefix}`] as [string, string]] : []),
      [FunctionEnvironment.TIMEOUT_SECONDS, String(timeoutSeconds)],
    ];
    const baseName = joinName([cluster.platformName, cluster.node.id, this.functionName], 75);

    if (onBatch) {
      // The AWS Batch realisation, in the cluster's cloud scope.
      const capacity = pool.capacity;
      if (capacity.capacityBlock) {
        throw new ConfigError(path, 'pool', `${pool.poolName} (${capacity})`, 'a pool with on-demand or spot capacity on AWS Batch (Batch compute environments do not launch into Capacity Blocks), or FunctionTarget.kubernetes()');
      }
      if (capacity.kind === CapacityKinds.RESERVED) {
        Annotations.of(this).addInfo('AWS Batch launches on-demand instances; open On-Demand Capacity Reservations that match them are used automatically');
      }
      const vcpus = Math.ceil(res.cpu);
      if (vcpus !== res.cpu) Annotations.of(this).addInfo(`AWS Batch reserves whole vCPUs: ${res.cpu} vCPUs become ${vcpus}`);
      // maxParallelRuns bounds the environments' vCPUs: enough whole instances of the type that
      // needs the fewest vCPUs per run; types larger than that bound could never launch.
      const vcpusOf = (f: InstanceFit) => f.info.vcpus ?? vcpus * f.runsPerInstance;
      const best = fits.reduce((a, b) => (vcpusOf(b) / b.runsPerInstance < vcpusOf(a) / a.runsPerInstance ? b : a));
      const maxVcpus = Math.ceil(maxParallelRuns / best.runsPerInstance) * vcpusOf(best);
      const batchFits = fits.filter((f) => vcpusOf(f) <= maxVcpus);
      const maxRunsPerInstance = Math.max(...batchFits.map((f) => f.runsPerInstance));
      this.costSpec = {
        ...costCommon,
        runsPerInstance: best.runsPerInstance,
        coldStart: this.coldStart.nodeProvisioning.plus(this.coldStart.imagePull),
        batch: {
          instanceType: best.info.name,
          onDemandUsdPerHour: best.info.onDemandUsdPerHour,
          spot: capacity.kind === CapacityKinds.SPOT,
          fallbackToOnDemand: capacity.kind === CapacityKinds.SPOT && capacity.fallbackToOnDemand,
          region,
        },
      };
      const realisation = aws().realiseBatchFunction(cluster.cloudScopeFor(this) as Construct, {
        owner: this,
        cluster,
        baseName,
        region: region!,
        image: props.image,
        command: [...props.command, ...(props.args ?? [])],
        environment: [
          ...baseEnv,
          ...(region ? [['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]] as Array<[string, string]> : []),
          ...userEnv,
        ].map(([name, value]) => ({ name, value })),
        gpus: unitsPerRun,
        vcpus,
        memoryMiB: Math.ceil(res.memoryGiB * 1024),
        timeoutSeconds,
        retries: this.retries,
        runAsUser: props.runAsUser,
        instanceTypes: batchFits.map((f) => f.info.name),
        spot: capacity.kind === CapacityKinds.SPOT,
        fallbackToOnDemand: capacity.fallbackToOnDemand,
        maxVcpus,
        diskGiB: Math.max(200, 100 + Math.ceil((res.ephemeralStorageGiB ?? 0) * maxRunsPerInstance)),
        jobStatements: statements(),
        trigger: trigger.kind === FunctionTriggerKinds.S3
          ? { kind: 's3', bucket: trigger.bucket!, prefix: trigger.prefix!, suffix: trigger.suffix, configureNotifications }
          : { kind: 'schedule', expression: toEventBridgeCron(trigger._parsedCron!, path, 'trigger.schedule') },
        subnetIds: this.target.batchOptions.subnetIds,
        securityGroupIds: this.target.batchOptions.securityGroupIds,
        vpcId: this.target.batchOptions.vpcId,
        tags: { 'cdktf-ai-infra/function': this.functionName },
      });
      this.resource = realisation.jobDefinition;
      return;
    }

    const firstType = pool instanceof GpuNodePool ? pool.instanceTypes[0] : undefined;
    this.costSpec = {
      ...costCommon,
      runsPerInstance: fits.find((f) => f.info.name === firstType)?.runsPerInstance,
      coldStart: this.coldStart.nodeProvisioning.plus(this.coldStart.imagePull),
      kubernetes: { pool, unitsPerRun },
    };

    // Kubernetes: the queue first (cloud resources), then identity, then the objects.
    let queue: { url?: string; arn: string; name: string; region: string; byName: boolean } | undefined;
    if (trigger.queueDriven) {
      if (trigger._queue) {
        queue = this.existingQueue(trigger._queue, trigger.kind === FunctionTriggerKinds.S3 ? 'trigger.queue' : 'trigger');
      } else {
        const name = joinName([cluster.platformName, cluster.node.id, this.functionName], 76);
        const created = aws().functionQueue(cluster.cloudScopeFor(this) as Construct, this, {
          name,
          visibilityTimeoutSeconds: Math.min(SQS_MAX_VISIBILITY_SECONDS, timeoutSeconds),
          maxReceiveCount: this.retries + 1,
          bucket: trigger.bucket!,
          prefix: trigger.prefix!,
          suffix: trigger.suffix,
          region: region!,
        });
        queue = { url: created.url, arn: created.arn, name, region: region!, byName: false };
      }
      this.queueUrl = queue.url;
      this.queueArn = queue.arn;
    }

    const namespace = this.functionName;
    const serviceAccount = this.functionName;
    this.namespace = namespace;
    const identity = cluster.grantWorkload(this, namespace, serviceAccount, statements(queue));
    this.identity = identity;
    const labels = { [Labels.APP_NAME]: this.functionName, [Labels.APP_COMPONENT]: 'gpu-function' };
    const scope = cluster.scopeFor(Layer.WORKLOADS, this) as Construct;
    const common = cluster.commonLabels;
    const ns = emitManifest(scope, 'Namespace', namespaceObject(namespace, 'restricted', labels), common);
    const inNamespace = (m: TerraformResource) => {
      m.dependsOn = [...(m.dependsOn ?? []), dependable(ns)];
      return m;
    };
    inNamespace(emitManifest(scope, 'ServiceAccount', serviceAccountObject(serviceAccount, namespace, {
      // EKS Pod Identity binds by association; only IRSA-style roles need the annotation.
      roleArn: cluster.capabilities.workloadIdentity ? undefined : identity.roleArn,
    }), common));
    inNamespace(emitManifest(scope, 'DefaultDeny', defaultDenyNetworkPolicy(namespace), common));
    inNamespace(emitManifest(scope, 'AllowEgress', allowEgress('allow-egress', namespace, labels), common));

    const env: EnvVar[] = [
      ...baseEnv.map(([name, value]) => ({ name, value })),
      ...(queue ? [
        ...(queue.url ? [{ name: FunctionEnvironment.QUEUE_URL, value: queue.url }] : []),
        { name: FunctionEnvironment.QUEUE_NAME, value: queue.name },
        { name: FunctionEnvironment.MESSAGES_PER_RUN, value: String(messagesPerRun) },
      ] : []),
      ...(region ? [{ name: 'AWS_REGION', value: queue?.region ?? region }, { name: 'AWS_DEFAULT_REGION', value: queue?.region ?? region }] : []),
      ...(identity.credentialsSecret ? [
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: identity.credentialsSecret, key: 'AWS_ACCESS_KEY_ID' } } },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: identity.credentialsSecret, key: 'AWS_SECRET_ACCESS_KEY' } } },
        { name: 'AWS_SESSION_TOKEN', valueFrom: { secretKeyRef: { name: identity.credentialsSecret, key: 'AWS_SESSION_TOKEN', optional: true } } },
      ] : []),
      ...userEnv.map(([name, value]) => ({ name, value })),
    ];
    if (identity.credentialsSecret) {
      Annotations.of(this).addInfo(`create secret ${identity.credentialsSecret} in namespace ${namespace} (keys AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optionally AWS_SESSION_TOKEN) before the first run`);
    }
    const requests: Record<string, string> = { cpu: cpuQuantity(res.cpu), memory: gibQuantity(res.memoryGiB) };
    const limits: Record<string, string> = { memory: gibQuantity(res.memoryGiB) };
    if (res.ephemeralStorageGiB !== undefined) {
      requests['ephemeral-storage'] = gibQuantity(res.ephemeralStorageGiB);
      limits['ephemeral-storage'] = gibQuantity(res.ephemeralStorageGiB);
    }
    requests[pool.resourceName] = String(unitsPerRun);
    limits[pool.resourceName] = String(unitsPerRun);
    const podSpec: FunctionPodSpec = {
      name: this.functionName,
      namespace,
      serviceAccount,
      labels,
      image: props.image,
      command: props.command,
      args: props.args,
      env,
      requests,
      limits,
      nodeSelector: pool.nodeSelector,
      tolerations: pool.tolerations,
      timeoutSeconds,
      retries: this.retries,
      runAsUser: props.runAsUser,
    };

    if (!queue) {
      this.resource = inNamespace(emitManifest(scope, 'CronJob', cronJobObject(podSpec, trigger.cron!), common));
      return;
    }
    const keda = Keda.of(cluster);
    const authenticationName = keda.awsTriggerAuthentication(namespace, this);
    // The TriggerAuthentication lives in this namespace: create it after the namespace.
    const auth = cluster.scopeFor(Layer.WORKLOADS, cluster).node.tryFindChild(`KedaAwsAuth-${namespace}`);
    if (auth instanceof TerraformResource) inNamespace(auth);
    this.resource = inNamespace(emitManifest(scope, 'ScaledJob', scaledJobObject(podSpec, {
      queueUrl: queue.url ?? queue.name,
      awsRegion: queue.region,
      messagesPerRun,
      maxParallelRuns,
      pollingIntervalSeconds: pollingSeconds,
      authenticationName,
      // Checkpointed for the policy checks (AIP-AI-002): a run deletes each message once its
      // result is written, so a reclaimed run's unfinished messages are received again, which
      // needs more than one receive before the dead-letter queue (retries ≥ 1). With retries 0 they
      // would be dead-lettered: no mark, and the check warns on spot.
      annotations: this.retries >= 1 ? { [PolicyAnnotations.CHECKPOINT]: QUEUE_REDELIVERY_CHECKPOINT } : undefined,
    }), common));
  }

  /**
   * Estimated USD to process 1,000 work items that take `perItemDuration` each on one run: the
   * run's share of its instance (1 / runs per instance) at the On-Demand list price of
   * {@link costBasis}, times 1,000 × `perItemDuration`. Idle time is free (scale to zero); cold
   * starts are added with `includeColdStarts`. Undefined when no price is known.
   */
  public costPer1000Items(perItemDuration: Duration, options: FunctionCostOptions = {}): number | undefined {
    return costPer1000(this.node.path, this.costBasis, perItemDuration, this.messagesPerRun, this.coldStart, options);
  }

  /**
   * Cost lines for the platform cost report: runs a month (the schedule's, or
   * `expectedRunsPerMonth`) × `expectedRunDuration`, each run on a node of its own. On Kubernetes
   * a usage line on the pool (`estimatePipelineCost`, category `function`), priced as the pool
   * buys; on AWS Batch a line of its own at the catalog's On-Demand price of the instance type
   * that sizes the compute environments (Spot: less the assumed `costAssumptions.spotDiscount`).
   * Unknown runs or durations are stated, with the figures per run, never guessed.
   */
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return functionCost(this.costSpec, assumptions);
  }

  /** A queue this program does not own: URL and ARN from its ARN (or its name in the cluster's region). */
  private existingQueue(ref: QueueRef, field: string): { url?: string; arn: string; name: string; region: string; byName: boolean } {
    const path = this.node.path;
    const cluster = this.cluster;
    const region = ref.region ?? cluster.cloudRegion;
    if (!region) {
      throw new ConfigError(path, field, ref.name, `the queue ARN (arn:aws:sqs:<region>:<account>:${ref.name}): ${cluster.node.path} has no AWS region to find it in`);
    }
    if (cluster.capabilities.workloadIdentity) {
      // The KEDA operator's identity reads only the platform's own queues in the cluster's region.
      if (!ref.name.startsWith(`${cluster.platformName}-`) || (cluster.region !== undefined && region !== cluster.region)) {
        throw new ConfigError(path, field, ref.arn ?? ref.name,
          `a queue in ${cluster.region} whose name starts with "${cluster.platformName}-": KEDA reads queue depths with one operator role limited to the platform's queues (arn:aws:sqs:${cluster.region}:*:${cluster.platformName}-*)`);
      }
    }
    Annotations.of(this).addInfo(`queue ${ref.name} is not managed here: give it a visibility timeout ≥ ${this.timeout} and a redrive policy to a dead-letter queue after ${this.retries + 1} receives`);
    const partition = ref.partition ?? partitionOf(region);
    const arn = ref.arn ?? `arn:${partition}:sqs:${region}:*:${ref.name}`;
    const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
    const url = ref.account ? `https://sqs.${region}.${domain}/${ref.account}/${ref.name}` : undefined;
    return { url, arn, name: ref.name, region, byName: !ref.arn };
  }
}

/** The AWS side, loaded on first use: a function that needs no AWS resource never loads it. */
function aws(): typeof AwsBatch {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../aws/batch') as typeof AwsBatch;
}

/** `4` → `4`, `0.5` → `500m`. */
function cpuQuantity(cpu: number): string {
  return Number.isInteger(cpu) ? String(cpu) : `${Math.round(cpu * 1000)}m`;
}

/** `16` → `16Gi`, `1.5` → `1536Mi`. */
function gibQuantity(gib: number): string {
  return Number.isInteger(gib) ? `${gib}Gi` : `${Math.ceil(gib * 1024)}Mi`;
}
