import { ConfigError } from '../core/errors';

/**
 * Keep a number of replicas warm during a recurring window (KEDA `cron` trigger semantics: the
 * window opens at `start` and closes at `end`, both five-field cron expressions in `timezone`).
 */
export interface KeepWarmSchedule {
  /** Replicas kept running during the window (at most the endpoint's maxReplicas). */
  readonly replicas: number;
  /** Cron expression opening the window, e.g. `0 8 * * 1-5` (08:00 on weekdays). */
  readonly start: string;
  /** Cron expression closing the window, e.g. `0 19 * * 1-5`. */
  readonly end: string;
  /** IANA time zone of the expressions. @default 'Etc/UTC' */
  readonly timezone?: string;
}

/** Options of {@link WarmStart.of}. */
export interface WarmStartOptions {
  /**
   * Cache the model on the local disks of the pool's nodes with a KServe LocalModelCache and a
   * LocalModelNodeGroup (installs the KServe LocalModel charts): replicas then mount the weights
   * instead of downloading them. Needs the model's `sizeGiB`, a GPU pool and a model the cache
   * can fetch (S3, Hugging Face, URI). The cache only survives while nodes do: on a pool that
   * scales to zero, a new node downloads again.
   *
   * Only on pools without NoSchedule/NoExecute taints (GpuNodePool `acceleratorTaint: false`):
   * KServe v0.20.0 starts its download Jobs with no tolerations and as the `default` service
   * account of its job namespace (localmodelnode/controller.go), so they never run on tainted GPU
   * nodes. Their nodes carry the label `kserve/localmodel=worker`, which the node agent DaemonSet
   * of the chart always selects (label existing nodes yourself). On an EKS cluster the model's
   * read permissions go to that `default` service account (one cached endpoint with private model
   * reads per cluster).
   * @default true when the endpoint runs on a pool without NoSchedule/NoExecute taints
   */
  readonly cacheModel?: boolean;
  /**
   * Replicas a new revision starts with (Knative `initial-scale`; 0 lets a scale-to-zero endpoint
   * deploy without starting a replica).
   * @default - Knative's default (1)
   */
  readonly initialScale?: number;
  /**
   * Keep replicas warm on a schedule (Standard mode, as KEDA cron triggers; Knative has no
   * scheduled minimum).
   * @default - none
   */
  readonly keepWarm?: KeepWarmSchedule[];
  /**
   * Pull the runtime image onto every node of the pool ahead of time (a DaemonSet that pulls it
   * and keeps it in use), so a replica on an existing node does not wait for a multi-GiB pull.
   * @default true when the endpoint runs on a pool and the runtime's image is known
   */
  readonly prePullImage?: boolean;
}

const CRON = /^(\S+\s+){4}\S+$/;
const TIMEZONE = /^(UTC|[A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/;

/**
 * How an endpoint avoids cold starts: a node-local model cache, replicas kept warm on a schedule,
 * an initial scale and image pre-pulling.
 *
 * ```ts
 * warmStart: WarmStart.of({ initialScale: 0, keepWarm: [{ replicas: 2, start: '0 8 * * 1-5', end: '0 19 * * 1-5' }] })
 * ```
 */
export class WarmStart {
  /** A warm start with these options. */
  public static of(options: WarmStartOptions = {}): WarmStart {
    return new WarmStart(options);
  }

  /** Node-local model cache requested (undefined: the default for the endpoint's placement). */
  public readonly cacheModel?: boolean;
  public readonly initialScale?: number;
  public readonly keepWarm: KeepWarmSchedule[];
  /** Image pre-pull requested (undefined: the default for the endpoint's placement). */
  public readonly prePullImage?: boolean;

  private constructor(options: WarmStartOptions) {
    this.cacheModel = options.cacheModel;
    this.initialScale = options.initialScale;
    this.keepWarm = (options.keepWarm ?? []).map((k) => ({ ...k }));
    this.prePullImage = options.prePullImage;
  }

  /** Check against the endpoint's replica bounds. @internal */
  public _validate(path: string, maxReplicas: number): void {
    if (this.initialScale !== undefined && (!Number.isInteger(this.initialScale) || this.initialScale < 0 || this.initialScale > maxReplicas)) {
      throw new ConfigError(path, 'warmStart.initialScale', this.initialScale, `an integer from 0 to maxReplicas (${maxReplicas})`);
    }
    this.keepWarm.forEach((k, i) => {
      const field = `warmStart.keepWarm[${i}]`;
      if (!Number.isInteger(k.replicas) || k.replicas < 1 || k.replicas > maxReplicas) {
        throw new ConfigError(path, `${field}.replicas`, k.replicas, `an integer from 1 to maxReplicas (${maxReplicas})`);
      }
      for (const [name, expr] of [['start', k.start], ['end', k.end]] as const) {
        if (typeof expr !== 'string' || !CRON.test(expr.trim())) {
          throw new ConfigError(path, `${field}.${name}`, expr, 'a five-field cron expression such as "0 8 * * 1-5"');
        }
      }
      if (k.timezone !== undefined && !TIMEZONE.test(k.timezone)) {
        throw new ConfigError(path, `${field}.timezone`, k.timezone, 'an IANA time zone such as "Europe/Berlin" or "Etc/UTC"');
      }
    });
  }
}
