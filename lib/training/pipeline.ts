import { Annotations } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { pipelineCost, PipelineCostSpec } from './cost';
import { cpuMillis, memoryBytes } from './quantity';
import type { TrainingQueue } from './queue';
import {
  Checkpointing, Gate, RetrainTrigger, StageCostProfile, StageKinds, TrainingCostProfile, TrainingStage,
} from './vocabulary';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { validateDnsLabel } from '../core/naming';
import { parseS3Uri } from '../core/s3-uri';
import type { CostAssumptions, CostLine, ICostSource } from '../cost';
import type { ICluster } from '../platform/cluster';
import type { IInferenceEndpoint } from '../serving/endpoint';

/** Images of the helper containers a pipeline runs (trigger, gate, publication, rollout). */
export interface ToolImages {
  /** AWS CLI v2 (needs `/bin/sh` and `sed`). @default 'public.ecr.aws/aws-cli/aws-cli:2.35.5' */
  readonly awsCli?: string;
  /** kubectl. @default 'registry.k8s.io/kubectl:v1.34.2' */
  readonly kubectl?: string;
  /** Python 3 for the evaluation gate (standard library only). @default 'docker.io/library/python:3.13-slim' */
  readonly python?: string;
}

/** Default helper images: pinned tags, pulled from the vendors' own registries. */
export const DEFAULT_TOOL_IMAGES: Required<ToolImages> = {
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.35.5',
  kubectl: 'registry.k8s.io/kubectl:v1.34.2',
  python: 'docker.io/library/python:3.13-slim',
};

/** Props of {@link TrainingPipeline}. */
export interface TrainingPipelineProps {
  /** The stages, in order; each depends on the one before unless it names its `dependsOn`. Exactly one `train` stage. */
  readonly stages: TrainingStage[];
  /** Name of the pipeline (namespace, workflow template, SageMaker pipeline). @default - the construct id */
  readonly pipelineName?: string;
  /** Where training checkpoints go. Required when training on spot capacity. @default - no checkpoints */
  readonly checkpointing?: Checkpointing;
  /** What starts a run. @default - nothing: runs are started by hand */
  readonly trigger?: RetrainTrigger;
  /** More triggers (a schedule and new data, for example). @default - none */
  readonly triggers?: RetrainTrigger[];
  /**
   * Training data location passed as `DATA_URI`.
   * @default - the prefix of the `onNewObjects` trigger; required without one
   */
  readonly dataUri?: string;
  /**
   * Where runs write intermediate data, models and metrics (`ARTIFACTS_URI/<run>/`).
   * @default - a new encrypted, versioned bucket protected from destroy, in the cluster's cloud scope
   */
  readonly artifactsUri?: string;
  /** Conditions on the evaluation metrics; all must hold to promote. @default - none */
  readonly gates?: Gate[];
  /** The serving endpoint approved models are promoted to. @default - no promotion */
  readonly promoteTo?: IInferenceEndpoint;
  /**
   * Further endpoints every approved version rolls out to, as to `promoteTo` (for example the same
   * model served at several edge sites). Each must take its versions from the same
   * `modelVersionsUri` as `promoteTo`: the version is published once, and each endpoint's rollout
   * picks it up (on other clusters, each through its own EventBridge rule and queue).
   * @default - only `promoteTo`
   */
  readonly promoteAlsoTo?: IInferenceEndpoint[];
  /** Kubernetes namespace of the pipeline. @default - the pipeline name */
  readonly namespace?: string;
  /**
   * Team queue (Kueue ClusterQueue) the training gang is submitted to.
   * @default - a ClusterQueue of the pipeline's own, with a quota of exactly one gang
   */
  readonly queue?: TrainingQueue;
  /** Cohort of the pipeline's own ClusterQueue (ignored with `queue`). @default - none */
  readonly cohort?: string;
  /** Priority of the training workloads (Kueue WorkloadPriorityClass value). @default 100 */
  readonly priority?: number;
  /**
   * How long an admitted gang may take until all its pods run before Kueue evicts and requeues it
   * (all-or-nothing admission; GPU nodes scaled from zero need several minutes).
   * @default Duration.minutes(15)
   */
  readonly allOrNothingTimeout?: Duration;
  /** Images of the helper containers. @default DEFAULT_TOOL_IMAGES */
  readonly toolImages?: ToolImages;
}

/** The validated, target-independent description of a pipeline. @internal */
export interface PipelinePlan {
  readonly name: string;
  readonly stages: TrainingStage[];
  /** Dependencies per stage name, resolved. */
  readonly dependencies: Record<string, string[]>;
  readonly train: TrainingStage;
  readonly evaluate?: TrainingStage;
  readonly checkpointing?: Checkpointing;
  readonly triggers: RetrainTrigger[];
  readonly dataUri: string;
  readonly artifactsUri?: string;
  readonly gates: Gate[];
  readonly promoteTo?: IInferenceEndpoint;
  /** `promoteTo` and `promoteAlsoTo`, in that order (empty without promotion). */
  readonly promotionTargets: IInferenceEndpoint[];
  readonly images: Required<ToolImages>;
}

/** Whether a construct is a cluster (the Kubernetes realisation's scope). */
export function isCluster(x: IConstruct): x is ICluster {
  return typeof (x as any).scopeFor === 'function' && typeof (x as any).grantWorkload === 'function' && (x as any).stacks !== undefined;
}

/**
 * A training pipeline: stages with their own resource profiles (CPU preprocessing, gang GPU
 * training with spot checkpointing, evaluation), retrained on a schedule or when new data lands,
 * and promoted to a serving endpoint when the evaluation gates pass.
 *
 * The scope chooses the realisation:
 * - an `ICluster`: Kueue (ClusterQueue, LocalQueue, WorkloadPriorityClass, all-or-nothing
 *   admission), a JobSet gang, Argo Workflows (WorkflowTemplate, CronWorkflow), a KEDA ScaledJob
 *   for new-data triggers, least-privilege identities, RBAC and NetworkPolicies;
 * - a `SageMakerTarget`: an `aws_sagemaker_pipeline` with managed spot training, a gate condition,
 *   a model package group, and an EventBridge rule for new data.
 *
 * Its cost ({@link costEstimate}, read by the platform cost report) is runs a month (from the
 * triggers: schedules, and `expectedRunsPerMonth` of an `onNewObjects` trigger) × nodes × the
 * `expectedDuration` of each stage on its pool; what is unknown is said, not guessed.
 */
export class TrainingPipeline extends Construct implements ICostSource {
  /** Name of the pipeline. */
  public readonly pipelineName: string;
  /** The stages. */
  public readonly stages: TrainingStage[];
  /** The training stage. */
  public readonly trainStage: TrainingStage;
  /** Runs a month from schedules and expected event-triggered runs; undefined when unknown. */
  public readonly runsPerMonth?: number;
  /** What the cost estimator needs: stages with workers, accelerators, capacity and durations. */
  public readonly costProfile: TrainingCostProfile;
  /** Kubernetes namespace (Kubernetes realisation). */
  public readonly namespace?: string;
  /** The main resource (WorkflowTemplate manifest, or the `aws_sagemaker_pipeline`): escape hatch. */
  public readonly resource: IConstruct;
  /** Where run artifacts go (`s3://…/`). */
  public readonly artifactsUri: string;
  /** The endpoint approved models are promoted to, if any (the platform diagram draws it). */
  public readonly promoteTo?: IInferenceEndpoint;
  /** Every endpoint approved models roll out to: `promoteTo`, then `promoteAlsoTo`. */
  public readonly promotionTargets: IInferenceEndpoint[];
  private readonly costSpec: PipelineCostSpec;

  constructor(scope: Construct, id: string, props: TrainingPipelineProps) {
    super(scope, id);
    const path = this.node.path;
    const name = validateDnsLabel(props.pipelineName ?? id, path, 'pipelineName');
    if (!/^[a-z]/.test(name) || name.length > 40) {
      throw new ConfigError(path, 'pipelineName', name, 'a DNS label starting with a letter, at most 40 characters (JobSet pod host names are <run>-workers-<i>-<j>, at most 63)');
    }
    this.pipelineName = name;
    const plan = planPipeline(this, name, props);
    this.stages = plan.stages;
    this.trainStage = plan.train;

    const runs = plan.triggers.map((t) => t.runsPerMonth);
    this.runsPerMonth = plan.triggers.length && runs.every((r) => r !== undefined) ? runs.reduce((a, b) => a! + b!, 0) : undefined;
    this.promoteTo = plan.promoteTo;
    this.promotionTargets = [...plan.promotionTargets];

    let realised: { resource: IConstruct; namespace?: string; artifactsUri: string; instanceTypes?: Record<string, string> };
    if (isCluster(scope)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { realiseOnKubernetes } = require('./kubernetes') as typeof import('./kubernetes');
      realised = realiseOnKubernetes(this, scope, plan, props);
    } else if ((scope as any).isSageMakerTarget === true) {
      // Loaded on first use: a program without SageMaker never loads those AWS bindings.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { realiseOnSageMaker } = require('../aws/sagemaker-pipeline') as typeof import('../aws/sagemaker-pipeline');
      realised = realiseOnSageMaker(this, scope as any, plan);
    } else {
      throw new ConfigError(path, 'scope', scope.node.path, 'a cluster (platform.addEksCluster / addExistingCluster) or a SageMakerTarget');
    }
    this.resource = realised.resource;
    this.namespace = realised.namespace;
    this.artifactsUri = realised.artifactsUri;
    this.costProfile = {
      runsPerMonth: this.runsPerMonth,
      stages: plan.stages.map((s): StageCostProfile => ({
        name: s.name,
        kind: s.kind,
        workers: s.workers,
        gpusPerWorker: s.gpusPerWorker,
        totalGpus: s.workers * s.gpusPerWorker,
        accelerator: s.options.pool?.accelerator.name,
        capacity: s.capacity.kind,
        instanceType: realised.instanceTypes?.[s.name],
        expectedDuration: s.options.expectedDuration,
        maxRuntime: s.maxRuntime,
      })),
    };
    this.costSpec = {
      source: path,
      stages: plan.stages,
      runsPerMonth: this.runsPerMonth,
      runsHint: plan.triggers.length === 0
        ? 'no trigger: runs are started by hand'
        : 'a RetrainTrigger.onNewObjects without expectedRunsPerMonth',
      sagemakerInstanceTypes: realised.instanceTypes,
    };
  }

  /**
   * Cost lines for the platform cost report. On a cluster: one usage line per stage on a pool
   * (runs a month × nodes × `expectedDuration`, priced as the pool buys); stages on CPU nodes are
   * named, not priced. On SageMaker: one line per stage for its ML instances, without a price (the
   * catalog holds EC2 prices only). Unknown runs a month or durations are stated in the notes,
   * with the figures per run and the bound at `maxRuntime` / `timeout`, never guessed.
   */
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return pipelineCost(this.costSpec, assumptions);
  }
}

/** Validate what every realisation needs; throws ConfigError before anything is created. @internal */
export function planPipeline(owner: IConstruct, name: string, props: TrainingPipelineProps): PipelinePlan {
  const path = owner.node.path;
  const stages = props.stages ?? [];
  if (!stages.length) throw new ConfigError(path, 'stages', stages, 'at least one stage, including exactly one TrainingStage.train(...)');
  const names = new Set<string>();
  stages.forEach((s, i) => {
    const f = `stages[${i}]`;
    validateDnsLabel(s.name, path, `${f}.name`);
    if (s.name.length > 30) throw new ConfigError(path, `${f}.name`, s.name, 'at most 30 characters');
    if (names.has(s.name)) throw new ConfigError(path, `${f}.name`, s.name, 'a stage name unique in the pipeline');
    names.add(s.name);
    const o = s.options;
    if (typeof o.image !== 'string' || !/^\S+$/.test(o.image)) {
      throw new ConfigError(path, `${f}.image`, o.image, 'a container image reference such as "ghcr.io/acme/train:1.4.2"');
    }
    if (o.cpu !== undefined) cpuMillis(o.cpu, path, `${f}.cpu`);
    if (o.memory !== undefined) memoryBytes(o.memory, path, `${f}.memory`);
    if (o.runAsUser !== undefined && (!Number.isInteger(o.runAsUser) || o.runAsUser < 1)) {
      throw new ConfigError(path, `${f}.runAsUser`, o.runAsUser, 'a non-root UID (an integer ≥ 1)');
    }
    for (const k of Object.keys(o.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ConfigError(path, `${f}.env`, k, 'environment variable names of letters, digits and _');
    }
    if (o.expectedDuration !== undefined && (!(o.expectedDuration.toSeconds() > 0) || o.expectedDuration.isLongerThan(s.maxRuntime))) {
      throw new ConfigError(path, `${f}.expectedDuration`, o.expectedDuration.toString(),
        `a typical run time above zero and at most the stage's ${s.kind === StageKinds.TRAIN ? 'maxRuntime' : 'timeout'} (${s.maxRuntime}), which stops it`);
    }
    if (s.kind === StageKinds.TRAIN) {
      for (const [k, v, min] of [['workers', s.workers, 1], ['gpusPerWorker', s.gpusPerWorker, 0], ['maxRestarts', o.maxRestarts ?? 3, 0]] as const) {
        if (!Number.isInteger(v) || v < min) throw new ConfigError(path, `${f}.${k}`, v, `an integer ≥ ${min}`);
      }
      if (s.gpusPerWorker === 0 && o.pool) {
        throw new ConfigError(path, `${f}.pool`, o.pool.node.path, 'no pool for CPU-only training (gpusPerWorker: 0): a pool is accelerator capacity; name a CPU instance type with sagemakerInstanceType instead');
      }
      const grace = o.terminationGracePeriod ?? Duration.seconds(120);
      if (grace.toSeconds() < 120) {
        throw new ConfigError(path, `${f}.terminationGracePeriod`, grace.toString(), 'at least 120 seconds: spot nodes give two minutes of notice, and the last checkpoint must be written within the grace period');
      }
      if (o.maxWait && o.maxWait.toSeconds() < s.maxRuntime.toSeconds()) {
        throw new ConfigError(path, `${f}.maxWait`, o.maxWait.toString(), `at least maxRuntime (${s.maxRuntime.toString()}): MaxWaitTimeInSeconds includes the training time`);
      }
      if (o.pool) {
        const gang = s.workers * s.gpusPerWorker;
        if (gang > o.pool.maxUnits) {
          throw new ConfigError(path, `${f}.workers × gpusPerWorker`, gang, `at most the pool's capacity: ${o.pool.node.path} has ${o.pool.maxUnits} ${o.pool.resourceName}; a larger gang can never start`);
        }
        if (o.capacity && o.capacity.kind !== o.pool.capacity.kind) {
          throw new ConfigError(path, `${f}.capacity`, o.capacity.toString(), `the capacity of its pool (${o.pool.capacity.toString()}), or no capacity`);
        }
      }
    } else {
      if (o.gpus !== undefined && (!Number.isInteger(o.gpus) || o.gpus < 0)) throw new ConfigError(path, `${f}.gpus`, o.gpus, 'an integer ≥ 0');
      if (o.gpus && !o.pool) throw new ConfigError(path, `${f}.pool`, undefined, 'a pool for a stage that requests gpus');
      if (o.pool && s.gpusPerWorker > o.pool.maxUnits) throw new ConfigError(path, `${f}.gpus`, s.gpusPerWorker, `at most the pool's ${o.pool.maxUnits} units`);
    }
  });
  const trains = stages.filter((s) => s.kind === StageKinds.TRAIN);
  if (trains.length !== 1) {
    throw new ConfigError(path, 'stages', stages.map((s) => `${s.kind}:${s.name}`), 'exactly one TrainingStage.train(...) (a pipeline produces one model)');
  }
  const train = trains[0];
  const evaluates = stages.filter((s) => s.kind === StageKinds.EVALUATE);
  if (evaluates.length > 1) throw new ConfigError(path, 'stages', evaluates.map((s) => s.name), 'at most one evaluate stage (gates read its metrics)');

  // Dependencies: explicit, or the previous stage; no unknown names, no cycles.
  const dependencies: Record<string, string[]> = {};
  stages.forEach((s, i) => {
    const deps = s.options.dependsOn ?? (i === 0 ? [] : [stages[i - 1].name]);
    for (const d of deps) {
      if (!names.has(d)) throw new ConfigError(path, `stages[${i}].dependsOn`, d, `names of stages of this pipeline: ${[...names].join(', ')}`);
    }
    dependencies[s.name] = [...new Set(deps)];
  });
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string, trail: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(n)), n];
      throw new ConfigError(path, `stages[${stages.findIndex((s) => s.name === n)}].dependsOn`, cycle.join(' → '), 'dependencies without cycles: a stage cannot (indirectly) depend on itself');
    }
    state.set(n, 'visiting');
    for (const d of dependencies[n]) visit(d, [...trail, n]);
    state.set(n, 'done');
  };
  for (const s of stages) visit(s.name, []);
  const evaluate = evaluates[0];
  if (evaluate && !dependsTransitively(dependencies, evaluate.name, train.name)) {
    throw new ConfigError(path, `stages[${stages.indexOf(evaluate)}].dependsOn`, dependencies[evaluate.name], `a dependency (direct or not) on the train stage "${train.name}": evaluation reads the trained model`);
  }

  // Spot without checkpoints loses the work at every reclaim.
  if (train.capacity.interruptible && !props.checkpointing) {
    throw new ConfigError(path, 'checkpointing', undefined, `checkpointing for spot training (stage "${train.name}" runs on ${train.capacity.toString()} capacity, reclaimed with two minutes' notice): Checkpointing.s3('s3://bucket/prefix/') or Checkpointing.pvc('claim')`);
  }
  if (props.checkpointing?.kind === 's3') parseS3Uri(props.checkpointing.uri!, path, 'checkpointing.uri');
  if (props.checkpointing?.kind === 'pvc') validateDnsLabel(props.checkpointing.claimName!, path, 'checkpointing.claimName');
  if (props.checkpointing?.kind === 'pvc' && !props.checkpointing.mountPath.startsWith('/')) {
    throw new ConfigError(path, 'checkpointing.mountPath', props.checkpointing.mountPath, 'an absolute path such as "/checkpoints"');
  }

  const triggers = [...(props.trigger ? [props.trigger] : []), ...(props.triggers ?? [])];
  const events = triggers.filter((t) => t.kind === 'new-objects');
  if (events.length > 1) throw new ConfigError(path, 'triggers', events.map((t) => t.uri), 'at most one onNewObjects trigger');
  for (const t of events) {
    parseS3Uri(t.uri!, path, 'trigger.uri');
    const r = t.runsPerMonth;
    if (r !== undefined && (typeof r !== 'number' || !Number.isFinite(r) || r < 0)) {
      throw new ConfigError(path, 'trigger.expectedRunsPerMonth', r, 'a number of runs a month ≥ 0 (a fraction is fine: 0.5 = every other month)');
    }
  }
  const dataUri = props.dataUri ?? events[0]?.uri;
  if (!dataUri) throw new ConfigError(path, 'dataUri', undefined, 'the training data location (s3://bucket/prefix/), or a RetrainTrigger.onNewObjects trigger whose prefix is the data');
  parseS3Uri(dataUri, path, 'dataUri');
  if (props.artifactsUri) parseS3Uri(props.artifactsUri, path, 'artifactsUri');

  const gates = props.gates ?? [];
  if (gates.length && !evaluate) {
    throw new ConfigError(path, 'gates', gates.map((g) => g.toString()), 'an evaluate stage (TrainingStage.evaluate) that writes the metrics the gates read');
  }
  const promotionTargets = promotionTargetsOf(path, props);
  if (props.promoteTo && !gates.length) {
    Annotations.of(owner).addWarning(`${name}: promotes every successful run to ${promotionTargets.map((t) => t.endpointName).join(', ')} without an evaluation gate; add gates: [Gate.metric(...)]`);
  }
  if (props.priority !== undefined && (!Number.isInteger(props.priority) || Math.abs(props.priority) > 1e9)) {
    throw new ConfigError(path, 'priority', props.priority, 'an integer between -1e9 and 1e9');
  }
  return {
    name,
    stages: [...stages],
    dependencies,
    train,
    evaluate,
    checkpointing: props.checkpointing,
    triggers,
    dataUri: withSlash(dataUri),
    artifactsUri: props.artifactsUri ? withSlash(props.artifactsUri) : undefined,
    gates,
    promoteTo: props.promoteTo,
    promotionTargets,
    images: { ...DEFAULT_TOOL_IMAGES, ...(props.toolImages ?? {}) },
  };
}

function dependsTransitively(deps: Record<string, string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const walk = (n: string): boolean => deps[n].some((d) => d === to || (!seen.has(d) && (seen.add(d), walk(d))));
  return walk(from);
}

/** `s3://b/p` → `s3://b/p/`. */
export function withSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/**
 * `promoteTo` and `promoteAlsoTo`, checked: valid promotions (versions URI, canary share), no
 * endpoint twice, one versions URI for all (the version is published once).
 */
function promotionTargetsOf(path: string, props: TrainingPipelineProps): IInferenceEndpoint[] {
  const also = props.promoteAlsoTo ?? [];
  if (!props.promoteTo) {
    if (also.length) throw new ConfigError(path, 'promoteAlsoTo', also.map((e) => e.endpointName), 'promoteTo as well: promoteAlsoTo adds endpoints to the one promoteTo names');
    return [];
  }
  const targets = [props.promoteTo, ...also];
  const primary = withSlash(props.promoteTo.promotion.modelVersionsUri);
  targets.forEach((t, i) => {
    const field = i === 0 ? 'promoteTo' : `promoteAlsoTo[${i - 1}]`;
    parseS3Uri(t.promotion.modelVersionsUri, path, `${field}.promotion.modelVersionsUri`);
    const c = t.promotion.canaryPercent;
    if (!Number.isInteger(c) || c < 0 || c > 100) throw new ConfigError(path, `${field}.promotion.canaryPercent`, c, 'an integer from 0 to 100');
    if (i > 0 && withSlash(t.promotion.modelVersionsUri) !== primary) {
      throw new ConfigError(path, `${field}.promotion.modelVersionsUri`, t.promotion.modelVersionsUri,
        `${primary}, the modelVersionsUri of promoteTo (${props.promoteTo!.endpointName}): a version is published once and every target rolls out from there; set modelVersionsUri of endpoint ${t.endpointName} to it`);
    }
    const twice = targets.findIndex((o) => o === t || (o.promotion.kind === 'kserve' && o.promotion.cluster !== undefined && o.promotion.cluster === t.promotion.cluster
      && o.promotion.namespace === t.promotion.namespace && o.promotion.inferenceServiceName === t.promotion.inferenceServiceName));
    if (twice !== i) throw new ConfigError(path, field, t.node.path, `an endpoint not already among the promotion targets (${targets[twice].node.path} is)`);
  });
  return targets;
}
