import { DEFAULT_NODE_PROVISIONING_SECONDS, IMAGE_PULL_MIBPS, NODE_PROVISIONING_SECONDS } from '../core/cold-start';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';

/**
 * Assumptions behind {@link GpuFunction.coldStart}. The defaults are round planning figures, not
 * measurements: measure your own image and region and pass them.
 */
export interface ColdStartAssumptions {
  /**
   * Compressed size of the container image, GiB. CUDA + PyTorch inference images are typically
   * 5 to 15 GiB.
   * @default 10
   */
  readonly imageSizeGiB?: number;
  /**
   * Pull and unpack throughput on a fresh node, MiB/s (unpacking, not the network, is usually the
   * bottleneck).
   * @default 100
   */
  readonly imagePullMiBps?: number;
  /**
   * Time from "work is waiting" to a GPU node that can run it, when no node is up: instance launch,
   * boot, joining the cluster (or the ECS cluster of AWS Batch) and the device plugin advertising
   * the GPUs.
   * @default - 2 minutes with Karpenter; 4 minutes with managed node groups and the Cluster
   * Autoscaler (its scan interval and the Auto Scaling group launch add up); 4 minutes on AWS Batch
   * (job scheduling, compute environment scale-up, ECS agent registration); 0 when the nodes
   * already exist (`GpuNodePool.fromExistingNodes`) or the pool keeps `minNodes > 0`
   */
  readonly nodeProvisioning?: Duration;
}

/** How long the first run waits when the function has scaled to zero. */
export interface FunctionColdStartEstimate {
  /** Until the trigger notices the work: the KEDA polling interval; 0 for EventBridge and CronJob. */
  readonly trigger: Duration;
  /** Until a GPU node is ready (0 when nodes are kept or exist). */
  readonly nodeProvisioning: Duration;
  /** Pulling the image on that node. */
  readonly imagePull: Duration;
  /** The sum: the worst-case wait of the first work item after an idle period. */
  readonly total: Duration;
  /** The assumptions, in words (for reports). */
  readonly assumptions: string;
}

/** Options of {@link GpuFunction.costPer1000Items}. */
export interface FunctionCostOptions {
  /**
   * Discount of spot capacity off the on-demand price, from 0 to below 1 (0.6 = 60 % off). Spot
   * prices move by instance type, zone and hour, so no discount is ever assumed: without this
   * option spot runs are priced on demand (an upper bound). Ignored for on-demand capacity.
   * @default 0
   */
  readonly spotDiscount?: number;
  /**
   * Add one cold start (node provisioning + image pull) per run, billed like the run: the worst
   * case of a function that scales to zero between runs.
   * @default false - steady processing only
   */
  readonly includeColdStarts?: boolean;
}

/** The price a cost estimate of a {@link GpuFunction} stands on. */
export interface FunctionCostBasis {
  /** The instance type priced: the smallest of the pool's types that hosts a run. */
  readonly instanceType: string;
  /** Its On-Demand list price, USD per instance-hour. */
  readonly onDemandUsdPerHour: number;
  /** Runs one instance hosts at once: each run is charged this fraction of the instance. */
  readonly runsPerInstance: number;
  /** Whether the capacity is spot (the discount option then applies). */
  readonly spot: boolean;
  /** Where the price comes from. */
  readonly priceSource: string;
}

/** Default node provisioning times by provisioner (planning figures, see {@link ColdStartAssumptions}). @internal */
export function defaultNodeProvisioning(provisioner: string): Duration {
  return Duration.seconds(NODE_PROVISIONING_SECONDS[provisioner] ?? DEFAULT_NODE_PROVISIONING_SECONDS);
}

/** Build the cold start estimate. @internal */
export function coldStartEstimate(
  path: string, a: ColdStartAssumptions, defaults: { provisioner: string; nodesKept: boolean; trigger: Duration },
): FunctionColdStartEstimate {
  const imageSizeGiB = a.imageSizeGiB ?? 10;
  const throughput = a.imagePullMiBps ?? IMAGE_PULL_MIBPS;
  if (typeof imageSizeGiB !== 'number' || !(imageSizeGiB > 0) || !Number.isFinite(imageSizeGiB)) {
    throw new ConfigError(path, 'coldStartAssumptions.imageSizeGiB', a.imageSizeGiB, 'a positive number of GiB (the compressed image size)');
  }
  if (typeof throughput !== 'number' || !(throughput > 0) || !Number.isFinite(throughput)) {
    throw new ConfigError(path, 'coldStartAssumptions.imagePullMiBps', a.imagePullMiBps, 'a positive number of MiB/s');
  }
  const nodes = a.nodeProvisioning
    ?? (defaults.nodesKept ? Duration.seconds(0) : defaultNodeProvisioning(defaults.provisioner));
  const pull = Duration.seconds(Math.ceil((imageSizeGiB * 1024) / throughput));
  const nodeText = a.nodeProvisioning
    ? `node provisioning ${nodes} (given)`
    : defaults.nodesKept
      ? 'no node provisioning (the nodes exist or the pool keeps some)'
      : `node provisioning ${nodes} (planning figure for ${defaults.provisioner})`;
  return {
    trigger: defaults.trigger,
    nodeProvisioning: nodes,
    imagePull: pull,
    total: defaults.trigger.plus(nodes).plus(pull),
    assumptions: `${nodeText}; a ${imageSizeGiB} GiB image pulled at ${throughput} MiB/s; trigger latency ${defaults.trigger}`,
  };
}

/** USD for 1,000 items (see {@link GpuFunction.costPer1000Items}). @internal */
export function costPer1000(
  path: string, basis: FunctionCostBasis | undefined, perItem: Duration, messagesPerRun: number,
  coldStart: FunctionColdStartEstimate, options: FunctionCostOptions,
): number | undefined {
  const discount = options.spotDiscount ?? 0;
  if (typeof discount !== 'number' || !(discount >= 0 && discount < 1)) {
    throw new ConfigError(path, 'spotDiscount', options.spotDiscount, 'a fraction from 0 to below 1 (0.6 = 60 % off the on-demand price)');
  }
  if (!basis) return undefined;
  const hourly = basis.onDemandUsdPerHour * (basis.spot ? 1 - discount : 1) / basis.runsPerInstance;
  const items = 1000;
  let seconds = items * perItem.toSeconds();
  if (options.includeColdStarts) {
    const runs = Math.ceil(items / messagesPerRun);
    seconds += runs * coldStart.nodeProvisioning.plus(coldStart.imagePull).toSeconds();
  }
  return (seconds / 3600) * hourly;
}
