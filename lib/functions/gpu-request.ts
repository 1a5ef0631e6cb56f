import { Token } from 'cdktf';
import { ConfigError } from '../core/errors';

/**
 * The accelerator a {@link GpuFunction} run asks for, matched against its pool's sharing: whole
 * devices on an exclusive pool, or one share (a time-slicing or MPS replica, or a MIG slice) on a
 * shared pool.
 */
export class GpuRequest {
  /**
   * Whole GPUs (or AWS Neuron devices) on a pool with `GpuSharing.exclusive()`.
   * @param count devices per run, an integer ≥ 1
   */
  public static whole(count: number): GpuRequest {
    if (typeof count !== 'number' || Token.isUnresolved(count) || !Number.isInteger(count) || count < 1) {
      throw new ConfigError('-', 'resources.gpu', count, 'GpuRequest.whole(n) with a literal integer n ≥ 1 (it sizes the pool check and the AWS Batch compute environment; for a fraction of a GPU, use GpuRequest.shared() on a pool that shares its GPUs)');
    }
    return new GpuRequest(false, count);
  }

  /**
   * One unit of the pool's sharing: a time-slicing or MPS replica (`GpuSharing.timeSlicing(n)`,
   * `GpuSharing.mps(n)`) or a MIG slice (`GpuSharing.mig(profile)`). The NVIDIA device plugin
   * rejects a container that asks for more than one shared replica.
   */
  public static shared(): GpuRequest {
    return new GpuRequest(true, 1);
  }

  /** Whether this is one share of a shared GPU rather than whole devices. */
  public readonly isShared: boolean;
  /** Units of the pool's resource a run requests: the device count, or 1 share. */
  public readonly units: number;

  private constructor(isShared: boolean, units: number) {
    this.isShared = isShared;
    this.units = units;
  }

  public toString(): string {
    return this.isShared ? 'shared()' : `whole(${this.units})`;
  }
}
