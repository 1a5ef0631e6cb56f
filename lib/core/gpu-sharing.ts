import { Accelerator } from './accelerator';
import { ConfigError } from './errors';
import { ResourceNames } from './well-known';

/**
 * How pods share the NVIDIA GPUs of a node pool: whole GPUs, CUDA time-slicing, CUDA MPS, or MIG
 * partitions. Rendered as an NVIDIA device plugin config entry, selected per node by the label
 * `nvidia.com/device-plugin.config=<configKey>`.
 *
 * Spellings follow NVIDIA/k8s-device-plugin (README and `api/config/v1`, v0.20.0): `version: v1`,
 * `flags.migStrategy`, `sharing.timeSlicing.resources[].name/replicas`, `sharing.mps.resources`;
 * under the mixed strategy MIG devices are advertised as `nvidia.com/mig-<profile>` with `+`
 * replaced by `.` (`internal/rm/rm.go`). MIG layouts are applied by the GPU Operator MIG manager
 * from the node label `nvidia.com/mig.config` (`all-<profile>`, same replacement).
 *
 * Karpenter and the cluster autoscaler count physical GPUs, not time-slicing or MPS replicas:
 * size pools in GPUs and use {@link GpuSharing.unitsPerGpu} only to derive pod capacity.
 */

/** Values of {@link GpuSharing.kind}. */
export const GpuSharingKinds = {
  EXCLUSIVE: 'exclusive',
  TIME_SLICING: 'time-slicing',
  MPS: 'mps',
  MIG: 'mig',
} as const;

/** How MIG devices are advertised by the NVIDIA device plugin (`flags.migStrategy`). */
export class MigStrategy {
  /** Every MIG device is advertised as `nvidia.com/gpu`; all GPUs of a node use the same profile. */
  public static readonly SINGLE = new MigStrategy('single');
  /** Each profile is its own resource, `nvidia.com/mig-<profile>` (e.g. `nvidia.com/mig-1g.10gb`). */
  public static readonly MIXED = new MigStrategy('mixed');

  /** @param value the `flags.migStrategy` value */
  private constructor(public readonly value: string) {}

  public toString(): string {
    return this.value;
  }
}

/** Options for {@link GpuSharing.mig}. */
export interface MigOptions {
  /**
   * How the device plugin advertises the MIG devices.
   * @default MigStrategy.SINGLE - pods keep requesting `nvidia.com/gpu`
   */
  readonly strategy?: MigStrategy;
}

/** NVIDIA device plugin config file (`version: v1`), one entry of its config map. */
export interface DevicePluginConfig {
  /** Always `v1`. */
  readonly version: string;
  readonly flags: DevicePluginFlags;
  /** @default - no sharing */
  readonly sharing?: DevicePluginSharing;
}

/** `flags` of the NVIDIA device plugin config. */
export interface DevicePluginFlags {
  /** `none`, `single` or `mixed`. */
  readonly migStrategy: string;
}

/** `sharing` of the NVIDIA device plugin config: time-slicing and MPS are mutually exclusive. */
export interface DevicePluginSharing {
  /** @default - no time-slicing */
  readonly timeSlicing?: DevicePluginReplicatedResources;
  /** @default - no MPS */
  readonly mps?: DevicePluginReplicatedResources;
}

/** `sharing.timeSlicing` / `sharing.mps` of the NVIDIA device plugin config. */
export interface DevicePluginReplicatedResources {
  /**
   * Reject a container that requests more than one shared replica (NVIDIA recommends `true`: two
   * replicas do not give twice the GPU). Only set for time-slicing; MPS always enforces it.
   * @default - plugin default (false)
   */
  readonly failRequestsGreaterThanOne?: boolean;
  readonly resources: DevicePluginReplicatedResource[];
}

/** One replicated resource of the NVIDIA device plugin config. */
export interface DevicePluginReplicatedResource {
  /** Resource to replicate, `nvidia.com/gpu`. */
  readonly name: string;
  /** Replicas advertised per physical GPU. */
  readonly replicas: number;
}

const MIN_REPLICAS = 2;
/**
 * Upper bound on replicas. CUDA MPS serves at most 48 clients per GPU (Volta and later); the
 * device plugin sets no bound on time-slicing, and we use the same one so that each replica keeps
 * a usable share of the GPU.
 */
const MAX_REPLICAS = 48;
const MIG_PROFILE = /^[1-7]g\.\d+gb(\+me)?$/;

/** `1g.10gb+me` → `1g.10gb.me`: how the device plugin and the MIG manager spell `+` in names. */
function migName(profile: string): string {
  return profile.replace(/\+/g, '.');
}

/**
 * How the pods of a pool share each NVIDIA GPU.
 *
 * `GpuSharing.exclusive()` (the default for a pool) gives each pod whole devices and is the only
 * mode for AWS Neuron devices. The others apply to NVIDIA GPUs only; check with
 * {@link GpuSharing.validateFor}.
 */
export class GpuSharing {
  /** Whole devices: one pod per GPU (or Neuron device). */
  public static exclusive(): GpuSharing {
    return new GpuSharing(GpuSharingKinds.EXCLUSIVE);
  }

  /**
   * CUDA time-slicing: each GPU is advertised `replicas` times and the pods interleave, with no
   * memory or fault isolation between them.
   *
   * @param replicas pods per GPU, an integer from 2 to 48
   * @throws ConfigError when `replicas` is out of range
   */
  public static timeSlicing(replicas: number): GpuSharing {
    return new GpuSharing(GpuSharingKinds.TIME_SLICING, checkReplicas(replicas, 'timeSlicing'));
  }

  /**
   * CUDA Multi-Process Service: each GPU is advertised `replicas` times, and the MPS daemon gives
   * each client an equal share of memory and compute (experimental in the device plugin since v0.15).
   *
   * @param replicas pods per GPU, an integer from 2 to 48
   * @throws ConfigError when `replicas` is out of range
   */
  public static mps(replicas: number): GpuSharing {
    return new GpuSharing(GpuSharingKinds.MPS, checkReplicas(replicas, 'mps'));
  }

  /**
   * Multi-Instance GPU: every GPU of the node is partitioned into as many `profile` instances as fit
   * (`all-<profile>` layout), each isolated in memory and compute.
   *
   * @param profile MIG profile such as `1g.10gb`; which ones exist depends on the GPU
   *   (`Accelerator.migProfiles`), checked by {@link GpuSharing.validateFor}
   * @throws ConfigError when `profile` is not a MIG profile name
   */
  public static mig(profile: string, options: MigOptions = {}): GpuSharing {
    if (typeof profile !== 'string' || !MIG_PROFILE.test(profile)) {
      throw new ConfigError('-', 'sharing.migProfile', profile,
        'a MIG profile name "<slices>g.<memory>gb", optionally with "+me", e.g. "1g.10gb" (see Accelerator.migProfiles for those of each GPU)');
    }
    return new GpuSharing(GpuSharingKinds.MIG, undefined, profile, options.strategy ?? MigStrategy.SINGLE);
  }

  /** `exclusive`, `time-slicing`, `mps` or `mig` (see {@link GpuSharingKinds}). */
  public readonly kind: string;
  /** Replicas per GPU for time-slicing and MPS; `undefined` otherwise. */
  public readonly replicas?: number;
  /** MIG profile, e.g. `1g.10gb`; `undefined` unless MIG. */
  public readonly migProfile?: string;
  /** MIG strategy; `undefined` unless MIG. */
  public readonly migStrategy?: MigStrategy;

  private constructor(kind: string, replicas?: number, migProfile?: string, migStrategy?: MigStrategy) {
    this.kind = kind;
    this.replicas = replicas;
    this.migProfile = migProfile;
    this.migStrategy = migStrategy;
  }

  /**
   * Name of this sharing mode's entry in the device plugin config map, and value of the node label
   * `nvidia.com/device-plugin.config`: `exclusive`, `time-slicing-4`, `mps-4`, `mig-1g.10gb`
   * (single strategy) or `mig-mixed-1g.10gb`. A valid label value and config map key.
   */
  public get configKey(): string {
    switch (this.kind) {
      case GpuSharingKinds.TIME_SLICING:
        return `time-slicing-${this.replicas}`;
      case GpuSharingKinds.MPS:
        return `mps-${this.replicas}`;
      case GpuSharingKinds.MIG:
        return this.migStrategy === MigStrategy.MIXED ? `mig-mixed-${migName(this.migProfile!)}` : `mig-${migName(this.migProfile!)}`;
      default:
        return 'exclusive';
    }
  }

  /**
   * Value of the node label `nvidia.com/mig.config` that makes the GPU Operator MIG manager apply
   * this layout (`all-1g.10gb`, from its default config); `undefined` unless MIG.
   */
  public get migConfig(): string | undefined {
    return this.kind === GpuSharingKinds.MIG ? `all-${migName(this.migProfile!)}` : undefined;
  }

  /**
   * Throw unless this sharing mode works on `accelerator`: time-slicing, MPS and MIG need an NVIDIA
   * GPU, and MIG needs a GPU that offers the profile.
   *
   * @param accelerator the pool's accelerator
   * @param path construct path for the error message
   * @throws ConfigError naming what would be valid
   */
  public validateFor(accelerator: Accelerator, path: string = '-'): void {
    if (this.kind === GpuSharingKinds.EXCLUSIVE) return;
    if (!accelerator.isNvidiaGpu) {
      throw new ConfigError(path, 'sharing', this.toString(),
        `GpuSharing.exclusive() for ${accelerator.model} (${accelerator.name}): time-slicing, MPS and MIG are NVIDIA GPU features`
        + (accelerator.neuronCoresPerDevice !== undefined
          ? `; to run several pods per Neuron device, request "${ResourceNames.NEURON_CORE}" instead`
          : ''));
    }
    if (this.kind !== GpuSharingKinds.MIG) return;
    if (!accelerator.supportsMig) {
      const capable = Accelerator.all().filter((a) => a.supportsMig).map((a) => a.model).join(', ');
      throw new ConfigError(path, 'sharing.migProfile', this.migProfile,
        `an accelerator that supports MIG (${capable}); ${accelerator.model} does not: use GpuSharing.timeSlicing(n) or GpuSharing.mps(n) instead`);
    }
    if (accelerator.migProfile(this.migProfile!) === undefined) {
      throw new ConfigError(path, 'sharing.migProfile', this.migProfile,
        `one of the MIG profiles of ${accelerator.model}: ${accelerator.migProfiles.map((m) => m.name).join(', ')}`);
    }
  }

  /**
   * Schedulable units per physical device: 1 for exclusive, `replicas` for time-slicing and MPS,
   * and for MIG the number of `profile` instances that fit on one GPU of `accelerator`
   * (7 for `1g.10gb` on an H100).
   *
   * @throws ConfigError when the mode does not work on `accelerator` (see {@link validateFor})
   */
  public unitsPerGpu(accelerator: Accelerator, path: string = '-'): number {
    this.validateFor(accelerator, path);
    switch (this.kind) {
      case GpuSharingKinds.TIME_SLICING:
      case GpuSharingKinds.MPS:
        return this.replicas!;
      case GpuSharingKinds.MIG:
        return accelerator.migProfile(this.migProfile!)!.instancesPerGpu;
      default:
        return 1;
    }
  }

  /**
   * Extended resource a pod requests for one unit: the accelerator's own resource for exclusive
   * (`nvidia.com/gpu`, `aws.amazon.com/neuron`), `nvidia.com/gpu` for time-slicing, MPS and MIG
   * single, `nvidia.com/mig-<profile>` for MIG mixed.
   *
   * @throws ConfigError when the mode does not work on `accelerator` (see {@link validateFor})
   */
  public resourceName(accelerator: Accelerator, path: string = '-'): string {
    this.validateFor(accelerator, path);
    if (this.kind === GpuSharingKinds.EXCLUSIVE) return accelerator.resourceName;
    if (this.kind === GpuSharingKinds.MIG && this.migStrategy === MigStrategy.MIXED) {
      return ResourceNames.nvidiaMig(migName(this.migProfile!));
    }
    return ResourceNames.NVIDIA_GPU;
  }

  /**
   * The NVIDIA device plugin config entry for this mode (store it under {@link configKey}), or
   * `undefined` for an exclusive non-NVIDIA accelerator, which the NVIDIA device plugin does not serve.
   *
   * @throws ConfigError when the mode does not work on `accelerator` (see {@link validateFor})
   */
  public devicePluginConfig(accelerator: Accelerator, path: string = '-'): DevicePluginConfig | undefined {
    this.validateFor(accelerator, path);
    if (!accelerator.isNvidiaGpu) return undefined;
    const resources = (replicas: number) => [{ name: ResourceNames.NVIDIA_GPU, replicas }];
    switch (this.kind) {
      case GpuSharingKinds.TIME_SLICING:
        return {
          version: 'v1',
          flags: { migStrategy: 'none' },
          sharing: { timeSlicing: { failRequestsGreaterThanOne: true, resources: resources(this.replicas!) } },
        };
      case GpuSharingKinds.MPS:
        return { version: 'v1', flags: { migStrategy: 'none' }, sharing: { mps: { resources: resources(this.replicas!) } } };
      case GpuSharingKinds.MIG:
        return { version: 'v1', flags: { migStrategy: this.migStrategy!.value } };
      default:
        return { version: 'v1', flags: { migStrategy: 'none' } };
    }
  }

  /** `exclusive`, `timeSlicing(4)`, `mps(4)`, `mig(1g.10gb, single)`. */
  public toString(): string {
    switch (this.kind) {
      case GpuSharingKinds.TIME_SLICING:
        return `timeSlicing(${this.replicas})`;
      case GpuSharingKinds.MPS:
        return `mps(${this.replicas})`;
      case GpuSharingKinds.MIG:
        return `mig(${this.migProfile}, ${this.migStrategy})`;
      default:
        return 'exclusive';
    }
  }
}

function checkReplicas(replicas: number, mode: string): number {
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < MIN_REPLICAS || replicas > MAX_REPLICAS) {
    throw new ConfigError('-', 'sharing.replicas', replicas,
      `an integer from ${MIN_REPLICAS} to ${MAX_REPLICAS} for GpuSharing.${mode}(replicas) (pods per GPU; for one pod per GPU use GpuSharing.exclusive())`);
  }
  return replicas;
}
