import { Token } from 'cdktf';
import type { IGpuNodePool } from '../compute/pool';
import { Capacity } from '../core/capacity';
import { parseCron, runsPerMonth as cronRunsPerMonth } from '../core/cron';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/** Options of {@link Checkpointing.s3} and {@link Checkpointing.pvc}. */
export interface CheckpointingOptions {
  /**
   * How often the training code is asked to write a checkpoint (`CHECKPOINT_INTERVAL_SECONDS`).
   * Spot nodes give two minutes' notice: checkpoint often enough that a restart loses little.
   * @default - not set: the training code decides
   */
  readonly interval?: Duration;
}

/** Options of {@link Checkpointing.pvc}. */
export interface PvcCheckpointingOptions extends CheckpointingOptions {
  /** Where the claim is mounted in every worker. @default '/checkpoints' */
  readonly mountPath?: string;
}

/**
 * Where training writes checkpoints so that an interrupted run (spot reclaim, node failure,
 * preemption) resumes instead of starting over. Each run checkpoints under its own folder
 * (`<location>/<run>/`), passed to the containers as `CHECKPOINT_DIR`, with
 * `RESUME_FROM_CHECKPOINT=latest`.
 */
export class Checkpointing {
  /**
   * An S3 prefix, e.g. `s3://acme-ckpt/recs/`, read and written through the workload identity of
   * the training pods (only this prefix is granted).
   */
  public static s3(uri: string, options: CheckpointingOptions = {}): Checkpointing {
    return new Checkpointing('s3', uri, undefined, '/opt/ml/checkpoints', options.interval);
  }

  /**
   * A PersistentVolumeClaim in the pipeline's namespace (for example an FSx for Lustre, EFS or
   * on-prem NFS claim). Multi-worker gangs need a `ReadWriteMany` claim.
   */
  public static pvc(claimName: string, options: PvcCheckpointingOptions = {}): Checkpointing {
    return new Checkpointing('pvc', undefined, claimName, options.mountPath ?? '/checkpoints', options.interval);
  }

  private constructor(
    /** `s3` or `pvc`. */
    public readonly kind: string,
    /** The S3 prefix (`s3` only). */
    public readonly uri: string | undefined,
    /** The claim name (`pvc` only). */
    public readonly claimName: string | undefined,
    /** Mount path of the claim, or SageMaker's local checkpoint folder for `s3`. */
    public readonly mountPath: string,
    /** Requested checkpoint interval. */
    public readonly interval: Duration | undefined,
  ) {}
}

/** Options of {@link RetrainTrigger.onNewObjects}. */
export interface NewObjectsTriggerOptions {
  /** Where new training data lands, e.g. `s3://acme-data/recs/raw/`. */
  readonly uri: string;
  /** Only objects whose key ends with this, e.g. `.parquet`. @default - every object */
  readonly suffix?: string;
  /**
   * How many runs a month to expect (for cost estimates; new data arrives when it arrives).
   * @default - unknown
   */
  readonly expectedRunsPerMonth?: number;
  /**
   * SageMaker pipelines: how long new objects are collected before one run starts. New objects
   * fill a queue; once per window a check starts the pipeline if the queue holds any, then empties
   * it, so a burst of files (1,000 uploads) starts one run, not one per file. Whole minutes, at
   * least one. (On Kubernetes, one drain job at a time turns a burst into one run.)
   * @default Duration.hours(1)
   */
  readonly batchWindow?: Duration;
  /**
   * This program may own the notification configuration of the watched bucket although it does
   * not define it (S3 keeps one configuration per bucket; Terraform replaces it whole, overwriting
   * the owner's, and clears it on destroy). Without it, a bucket this program does not define is
   * followed through EventBridge, whose delivery its owner turns on (a warning at synth says how).
   * Read by SageMaker pipelines; pipelines on clusters do not read it yet (they follow a bucket
   * this program does not define through EventBridge).
   * @default - only when this program defines the bucket (e.g. `AiPlatform.addBucket`)
   */
  readonly configureNotifications?: boolean;
}

/** Options of {@link RetrainTrigger.schedule}. */
export interface ScheduleTriggerOptions {
  /** IANA time zone of the cron expression, e.g. `Europe/Berlin`. @default 'UTC' */
  readonly timezone?: string;
}

/** What starts a run of a pipeline (besides starting it by hand). */
export class RetrainTrigger {
  /**
   * New objects under an S3 prefix: S3 notification → encrypted SQS queue (with a dead-letter
   * queue) → a KEDA ScaledJob that drains the queue and submits one run (Kubernetes), or an
   * EventBridge rule starting the SageMaker pipeline (AWS).
   */
  public static onNewObjects(options: NewObjectsTriggerOptions): RetrainTrigger {
    const window = options.batchWindow;
    if (window !== undefined && (!(window instanceof Duration) || window.toSeconds() < 60 || window.toSeconds() % 60 !== 0)) {
      throw new ConfigError('-', 'trigger.batchWindow', window instanceof Duration ? window.toString() : window, 'whole minutes, at least Duration.minutes(1) (the window is an EventBridge rate in minutes)');
    }
    return new RetrainTrigger('new-objects', options.uri, options.suffix, undefined, undefined, options.expectedRunsPerMonth,
      window ?? Duration.hours(1), options.configureNotifications);
  }

  /**
   * A cron schedule (five fields: minute hour day-of-month month day-of-week, or `@daily`,
   * `@weekly`, `@monthly`, `@hourly`, `@yearly`), e.g. `0 3 * * 1` (Mondays 03:00).
   * @throws ConfigError when the expression is not such a cron expression
   */
  public static schedule(cron: string, options: ScheduleTriggerOptions = {}): RetrainTrigger {
    const parsed = parseCron(cron, '-', 'trigger.schedule');
    if (options.timezone !== undefined && !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(options.timezone)) {
      throw new ConfigError('-', 'trigger.timezone', options.timezone, 'an IANA time zone such as "UTC" or "Europe/Berlin"');
    }
    return new RetrainTrigger('schedule', undefined, undefined, cron, options.timezone ?? 'UTC', cronRunsPerMonth(parsed));
  }

  private constructor(
    /** `new-objects` or `schedule`. */
    public readonly kind: string,
    /** The watched S3 prefix (`new-objects`). */
    public readonly uri: string | undefined,
    /** The key suffix filter (`new-objects`). */
    public readonly suffix: string | undefined,
    /** The cron expression (`schedule`). */
    public readonly cron: string | undefined,
    /** The time zone of the cron expression (`schedule`). */
    public readonly timezone: string | undefined,
    /** Runs a month: computed from the schedule, or the expectation given for new objects. */
    public readonly runsPerMonth: number | undefined,
    /** How long new objects are collected before one run starts (`new-objects`, SageMaker). */
    public readonly batchWindow?: Duration,
    /** The user's opt-in to owning the watched bucket's notification configuration (`new-objects`). */
    public readonly configureNotifications?: boolean,
  ) {}
}

const GATE_OPERATORS: Record<string, { sagemaker: string; python: string }> = {
  '>=': { sagemaker: 'GreaterThanOrEqualTo', python: '>=' },
  '>': { sagemaker: 'GreaterThan', python: '>' },
  '<=': { sagemaker: 'LessThanOrEqualTo', python: '<=' },
  '<': { sagemaker: 'LessThan', python: '<' },
  '==': { sagemaker: 'Equals', python: '==' },
};

/**
 * A condition on an evaluation metric that must hold before a model is promoted, e.g.
 * `Gate.metric('ndcg@10', '>=', 0.31)`. The evaluate stage writes its metrics as one JSON object
 * (`{"ndcg@10": 0.33, ...}`) to `METRICS_PATH`.
 */
export class Gate {
  /**
   * @param metric key of the metric in the evaluation JSON (letters, digits, `_ . @ / : -`)
   * @param operator one of `>=`, `>`, `<=`, `<`, `==`
   * @param threshold the value to compare with
   * @throws ConfigError on an invalid metric name, operator or threshold
   */
  public static metric(metric: string, operator: string, threshold: number): Gate {
    if (typeof metric !== 'string' || !/^[A-Za-z0-9_.@/:-]{1,64}$/.test(metric)) {
      throw new ConfigError('-', 'gate.metric', metric, 'a metric name of 1 to 64 letters, digits and _ . @ / : - (the key in the evaluation JSON), e.g. "ndcg@10"');
    }
    if (!GATE_OPERATORS[operator]) {
      throw new ConfigError('-', 'gate.operator', operator, `one of ${Object.keys(GATE_OPERATORS).join(', ')}`);
    }
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new ConfigError('-', 'gate.threshold', threshold, 'a finite number');
    }
    return new Gate(metric, operator, threshold);
  }

  private constructor(
    /** Key of the metric in the evaluation JSON. */
    public readonly metricName: string,
    /** Comparison operator. */
    public readonly operator: string,
    /** Threshold. */
    public readonly threshold: number,
  ) {}

  /** SageMaker Pipelines condition type (`GreaterThanOrEqualTo`, ...). */
  public get sagemakerConditionType(): string {
    return GATE_OPERATORS[this.operator].sagemaker;
  }

  public toString(): string {
    return `${this.metricName} ${this.operator} ${this.threshold}`;
  }
}

/** Kinds of {@link TrainingStage}. */
export const StageKinds = {
  PREPROCESS: 'preprocess',
  TRAIN: 'train',
  EVALUATE: 'evaluate',
  CUSTOM: 'custom',
} as const;

/** Options common to every stage. */
export interface StageOptions {
  /** Container image, pinned (tag or digest). */
  readonly image: string;
  /** Entrypoint. @default - the image's entrypoint */
  readonly command?: string[];
  /** Arguments. @default - the image's arguments */
  readonly args?: string[];
  /** Environment variables (plain values; secrets belong in the cluster, not in the program). @default - none */
  readonly env?: Record<string, string>;
  /**
   * Stages that must succeed first, by name.
   * @default - the stage listed before this one (stages run in the order given)
   */
  readonly dependsOn?: string[];
  /** CPU request per pod (Kubernetes quantity). @default '2' (train: '8' per worker) */
  readonly cpu?: string;
  /** Memory request and limit per pod (Kubernetes quantity). @default '8Gi' (train: '64Gi' per worker) */
  readonly memory?: string;
  /**
   * Accelerator pool the stage runs on (its node selector and tolerations). Required for `train`
   * on Kubernetes.
   * @default - CPU nodes
   */
  readonly pool?: IGpuNodePool;
  /** Accelerator units per pod on `pool` (non-train stages). @default 1 with a pool, else 0 */
  readonly gpus?: number;
  /**
   * Typical wall time of one run of the stage, including waiting for its nodes (for cost
   * estimates: runs a month × nodes × this). Above zero and at most the stage's `timeout`
   * (train: `maxRuntime`).
   * @default - unknown: the cost report says so, counts no expected usage for the stage and gives
   * the bound at `timeout` (train: `maxRuntime`) instead of guessing
   */
  readonly expectedDuration?: Duration;
  /** The stage fails after this long. @default Duration.hours(6) (train: maxRuntime) */
  readonly timeout?: Duration;
  /**
   * SageMaker ML instance type, e.g. `ml.m5.xlarge` or `ml.p5.48xlarge`.
   * @default - train: `ml.` + the smallest instance type of the pool's accelerator with
   * `gpusPerWorker` devices (`ml.m5.xlarge` when it is 0); other stages: `ml.m5.xlarge`
   */
  readonly sagemakerInstanceType?: string;
  /** UID the containers run as (they never run as root). @default - the image's user, which must not be root */
  readonly runAsUser?: number;
}

/** Options of {@link TrainingStage.train}. */
export interface TrainStageOptions extends StageOptions {
  /** Pods of the gang (one per node is typical). They start together or not at all. @default 1 */
  readonly workers?: number;
  /**
   * Accelerator units per worker. `0` trains on CPU (SageMaker pipelines only, on
   * `sagemakerInstanceType`, default `ml.m5.xlarge`: XGBoost, scikit-learn and the like); on a
   * cluster the training gang runs on an accelerator pool.
   * @default 1
   */
  readonly gpusPerWorker?: number;
  /**
   * Capacity to train on. On Kubernetes it must match the pool's; on SageMaker, spot turns on
   * managed spot training.
   * @default - the pool's capacity; on-demand without a pool
   */
  readonly capacity?: Capacity;
  /** Longest training time (SageMaker `MaxRuntimeInSeconds`; Kubernetes deadline of the train step). @default Duration.days(1) */
  readonly maxRuntime?: Duration;
  /**
   * Longest time including waits for spot capacity (SageMaker `MaxWaitTimeInSeconds`), at least
   * `maxRuntime`.
   * @default - twice maxRuntime with spot, none otherwise
   */
  readonly maxWait?: Duration;
  /** Gang restarts after failures that are not disruptions (disruptions restart without limit). @default 3 */
  readonly maxRestarts?: number;
  /** Time between SIGTERM and SIGKILL: the last checkpoint must fit in it. At least 120 s. @default Duration.seconds(120) */
  readonly terminationGracePeriod?: Duration;
}

/** One stage of a training pipeline: preprocessing, (gang) training, evaluation or a custom step. */
export class TrainingStage {
  /** CPU (or GPU) preprocessing: reads `DATA_URI`, writes under `ARTIFACTS_URI`. */
  public static preprocess(name: string, options: StageOptions): TrainingStage {
    return new TrainingStage(StageKinds.PREPROCESS, name, options);
  }

  /**
   * Training: `workers` pods × `gpusPerWorker` accelerators, gang-scheduled through Kueue as a
   * JobSet on Kubernetes, a training job with `workers` instances on SageMaker. Writes the model
   * under `MODEL_URI`, checkpoints under `CHECKPOINT_DIR`. On Kubernetes each worker also gets
   * torchrun's settings as `PET_NNODES`, `PET_NPROC_PER_NODE`, `PET_NODE_RANK`, `PET_MASTER_ADDR`,
   * `PET_MASTER_PORT` (so a bare `torchrun train.py` joins the gang) and the same values as
   * `NNODES`, `NPROC_PER_NODE`, `NODE_RANK`, `MASTER_ADDR`, `MASTER_PORT`, `WORLD_SIZE`.
   */
  public static train(name: string, options: TrainStageOptions): TrainingStage {
    return new TrainingStage(StageKinds.TRAIN, name, options);
  }

  /**
   * Evaluation: reads the model at `MODEL_URI`, writes one JSON object of metrics to
   * `METRICS_PATH`; gates read it.
   */
  public static evaluate(name: string, options: StageOptions): TrainingStage {
    return new TrainingStage(StageKinds.EVALUATE, name, options);
  }

  /** Any other containerised step (for example registering the model in your own registry). */
  public static custom(name: string, options: StageOptions): TrainingStage {
    return new TrainingStage(StageKinds.CUSTOM, name, options);
  }

  /** The train options (train stages only; the common options otherwise). */
  public readonly options: TrainStageOptions;

  private constructor(
    /** One of {@link StageKinds}. */
    public readonly kind: string,
    /** DNS-label name of the stage, unique in its pipeline. */
    public readonly name: string,
    options: StageOptions,
  ) {
    this.options = options;
  }

  /** Pods of the stage (train: workers; others: 1). */
  public get workers(): number {
    return this.kind === StageKinds.TRAIN ? this.options.workers ?? 1 : 1;
  }

  /** Accelerator units per pod. */
  public get gpusPerWorker(): number {
    if (this.kind === StageKinds.TRAIN) return this.options.gpusPerWorker ?? 1;
    return this.options.gpus ?? (this.options.pool ? 1 : 0);
  }

  /** Capacity the stage runs on. */
  public get capacity(): Capacity {
    return this.options.capacity ?? this.options.pool?.capacity ?? Capacity.onDemand();
  }

  /** Longest run time. */
  public get maxRuntime(): Duration {
    return this.kind === StageKinds.TRAIN ? this.options.maxRuntime ?? Duration.days(1) : this.options.timeout ?? Duration.hours(6);
  }
}

/** What the cost estimator needs of one stage. */
export interface StageCostProfile {
  readonly name: string;
  /** One of {@link StageKinds}. */
  readonly kind: string;
  /** Pods (train: the gang's workers). */
  readonly workers: number;
  /** Accelerator units per pod. */
  readonly gpusPerWorker: number;
  /** `workers × gpusPerWorker`. */
  readonly totalGpus: number;
  /** {@link Accelerator.name} of the pool, when the stage has one. */
  readonly accelerator?: string;
  /** `on-demand`, `spot` or `reserved`. */
  readonly capacity: string;
  /** SageMaker instance type (SageMaker realisation only). */
  readonly instanceType?: string;
  /** Typical duration, when given. */
  readonly expectedDuration?: Duration;
  /** Longest run time. */
  readonly maxRuntime: Duration;
}

/** What the cost estimator needs of a pipeline. */
export interface TrainingCostProfile {
  /** Runs a month: the sum over schedules and expected event-triggered runs; undefined when unknown. */
  readonly runsPerMonth?: number;
  readonly stages: StageCostProfile[];
}

/** Whether a value is a literal (not an unresolved token). */
export function isLiteral(value: unknown): boolean {
  return !Token.isUnresolved(value);
}
