import type { InstanceTypeInfo } from '../core/accelerator';

/**
 * What a node keeps for itself, an estimate (not a measured fact): 0.5 vCPU and 10 % of memory
 * plus 0.5 GiB for the kubelet or ECS agent, system reservations and daemon sets. A run whose
 * requests exceed what is left never schedules.
 * @internal
 */
export const NODE_RESERVE = { cpu: 0.5, memoryFraction: 0.1, memoryGiB: 0.5 } as const;

/** One instance type a run fits on. @internal */
export interface InstanceFit {
  readonly info: InstanceTypeInfo;
  /** Runs one instance hosts at once (GPU units, CPU and memory all counted). */
  readonly runsPerInstance: number;
  /** Runs one instance could host by its GPU units alone. */
  readonly runsByGpu: number;
}

/** What one run asks for. @internal */
export interface RunRequest {
  /** Units of the pool's resource per run (GPUs, or 1 share). */
  readonly units: number;
  /** Units each physical device offers (1, sharing replicas, or MIG slices per GPU). */
  readonly unitsPerDevice: number;
  readonly cpu: number;
  readonly memoryGiB: number;
}

/** Allocatable vCPUs and GiB of an instance after {@link NODE_RESERVE}; undefined when not recorded. */
export function allocatable(info: InstanceTypeInfo): { cpu?: number; memoryGiB?: number } {
  return {
    cpu: info.vcpus !== undefined ? info.vcpus - NODE_RESERVE.cpu : undefined,
    memoryGiB: info.memoryGiB !== undefined ? info.memoryGiB * (1 - NODE_RESERVE.memoryFraction) - NODE_RESERVE.memoryGiB : undefined,
  };
}

/** The instance types (in the given order) that host at least one run. @internal */
export function fittingInstanceTypes(types: InstanceTypeInfo[], run: RunRequest): InstanceFit[] {
  const out: InstanceFit[] = [];
  for (const info of types) {
    const alloc = allocatable(info);
    const runsByGpu = Math.floor((info.acceleratorCount * run.unitsPerDevice) / run.units);
    const limits = [runsByGpu];
    if (alloc.cpu !== undefined) limits.push(Math.floor(alloc.cpu / run.cpu + 1e-9));
    if (alloc.memoryGiB !== undefined) limits.push(Math.floor(alloc.memoryGiB / run.memoryGiB + 1e-9));
    const runsPerInstance = Math.min(...limits);
    if (runsPerInstance >= 1) out.push({ info, runsPerInstance, runsByGpu });
  }
  return out;
}
