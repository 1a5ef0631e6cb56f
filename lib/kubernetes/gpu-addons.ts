import { Construct, IConstruct } from 'constructs';
import { Charts } from './charts';
import { AddonsScope, HelmAddon } from './helm-addon';
import { ConfigError } from '../core/errors';
import { byKey } from '../core/naming';
import type { ICluster } from '../platform/cluster';

/**
 * Which NVIDIA software a cluster's GPU pools get. One GPU stack per cluster: the GPU Operator
 * brings its own device plugin, feature discovery and DCGM exporter.
 */
export class GpuStack {
  /**
   * The standalone NVIDIA device plugin (with per-pool sharing configs). Light; MIG partitions
   * must then be created by something else.
   */
  public static readonly DEVICE_PLUGIN = new GpuStack('device-plugin', false, false);
  /**
   * The NVIDIA GPU Operator: device plugin, GPU feature discovery, DCGM exporter and the MIG
   * manager (which partitions GPUs per the `nvidia.com/mig.config` node label). Driver and
   * container toolkit stay off by default: EKS NVIDIA AMIs ship both; turn them on for bare nodes.
   */
  public static gpuOperator(options: GpuOperatorOptions = {}): GpuStack {
    return new GpuStack('gpu-operator', options.driver ?? false, options.toolkit ?? false);
  }
  private constructor(
    /** `device-plugin` or `gpu-operator`. */
    public readonly kind: string,
    /** GPU Operator: install the NVIDIA driver. */
    public readonly driver: boolean,
    /** GPU Operator: install the container toolkit. */
    public readonly toolkit: boolean,
  ) {}
}

/** Options of {@link GpuStack.gpuOperator}. */
export interface GpuOperatorOptions {
  /** Install the NVIDIA driver on the nodes. @default false (EKS NVIDIA AMIs ship it) */
  readonly driver?: boolean;
  /** Install the NVIDIA container toolkit. @default false (EKS NVIDIA AMIs ship it) */
  readonly toolkit?: boolean;
}

/** What a GPU pool registers with its cluster's GPU stack. @internal */
export interface NvidiaGpuSoftware {
  /** Whether MIG partitions are created from the `nvidia.com/mig.config` label (the MIG manager runs). */
  readonly partitionsMig: boolean;
  /** Register a named device-plugin config, selected per node by `nvidia.com/device-plugin.config`. */
  addConfig(key: string, config: object): void;
  /** Use MIG with this strategy (cluster-wide on the GPU Operator). */
  useMigStrategy(strategy: string, path: string): void;
}

/** The NVIDIA GPU software of a cluster, per its GPU stack (created on first use). @internal */
export function nvidiaGpuSoftware(cluster: ICluster): NvidiaGpuSoftware {
  return cluster.gpuStack.kind === 'gpu-operator' ? GpuOperator.of(cluster) : NvidiaDevicePlugin.of(cluster);
}

/**
 * The NVIDIA device plugin of a cluster (one Helm release in its addons stack), created on first
 * use by {@link NvidiaDevicePlugin.of}. Each pool adds its named sharing config; nodes pick theirs
 * through the `nvidia.com/device-plugin.config` label. Nodes carry `nvidia.com/gpu.present=true`
 * from their pool, which is what the chart's affinity needs. GPU feature discovery is on only when
 * a pool shares GPUs with MPS: the chart's MPS control daemon runs only on nodes labelled
 * `nvidia.com/mps.capable=true` (k8s-device-plugin v0.20.0
 * `templates/daemonset-mps-control-daemon.yml`), a label only GFD sets, from the node's sharing
 * config (`internal/lm/nvml.go` newSharingLabeler). GFD publishes it through the NFD NodeFeature
 * API (its default, `cmd/gpu-feature-discovery/main.go`), so the chart's NFD subchart comes with it
 * (condition `nfd.enabled,gfd.enabled`).
 * @internal
 */
export class NvidiaDevicePlugin extends HelmAddon implements NvidiaGpuSoftware {
  public static of(cluster: ICluster): NvidiaDevicePlugin {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('NvidiaDevicePlugin') as NvidiaDevicePlugin | undefined)
      ?? new NvidiaDevicePlugin(scope as Construct, 'NvidiaDevicePlugin');
  }

  public readonly partitionsMig = false;
  private readonly configs = new Map<string, object>([['exclusive', { version: 'v1', flags: { migStrategy: 'none' } }]]);

  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'nvidia-device-plugin', chart: Charts.NVIDIA_DEVICE_PLUGIN });
    this.addValues(() => ({
      gfd: { enabled: [...this.configs.values()].some((c) => (c as { sharing?: { mps?: unknown } }).sharing?.mps !== undefined) },
      config: {
        default: 'exclusive',
        map: Object.fromEntries([...this.configs.entries()].sort(byKey).map(([k, v]) => [k, JSON.stringify(v)])),
      },
    }));
  }

  /** Register a named device-plugin config (same key, same config: idempotent). */
  public addConfig(key: string, config: object): void {
    this.configs.set(key, config);
  }

  public useMigStrategy(): void {
    // Per-pool configs carry their own migStrategy flag.
  }
}

/**
 * The NVIDIA GPU Operator of a cluster (one Helm release), created on first use: per-pool
 * device-plugin configs in one ConfigMap it creates, and the MIG manager.
 * @internal
 */
export class GpuOperator extends HelmAddon implements NvidiaGpuSoftware {
  public static of(cluster: ICluster): GpuOperator {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('GpuOperator') as GpuOperator | undefined)
      ?? new GpuOperator(scope as Construct, 'GpuOperator', cluster.gpuStack);
  }

  public readonly partitionsMig = true;
  private readonly configs = new Map<string, object>([['exclusive', { version: 'v1', flags: { migStrategy: 'none' } }]]);
  private migStrategy?: { strategy: string; path: string };

  private constructor(scope: Construct, id: string, stack: GpuStack) {
    super(scope, id, { releaseName: 'gpu-operator', chart: Charts.GPU_OPERATOR });
    this.addValues(() => ({
      driver: { enabled: stack.driver },
      toolkit: { enabled: stack.toolkit },
      devicePlugin: {
        config: {
          create: true,
          name: 'cdktf-ai-infra-device-plugin',
          default: 'exclusive',
          data: Object.fromEntries([...this.configs.entries()].sort(byKey).map(([k, v]) => [k, JSON.stringify(v)])),
        },
      },
      migManager: { enabled: true },
      mig: { strategy: this.migStrategy?.strategy ?? 'single' },
    }));
  }

  public addConfig(key: string, config: object): void {
    this.configs.set(key, config);
  }

  public useMigStrategy(strategy: string, path: string): void {
    if (this.migStrategy && this.migStrategy.strategy !== strategy) {
      throw new ConfigError(path, 'sharing', `MIG strategy ${strategy}`,
        `the MIG strategy of the other MIG pools of this cluster (${this.migStrategy.strategy}, set by ${this.migStrategy.path}): the GPU Operator applies one strategy per cluster`);
    }
    this.migStrategy = { strategy, path };
  }
}

/** The `Addons` construct of a cluster's addons stack, holding its add-on settings. @internal */
export function addonsScope(cluster: ICluster): IConstruct {
  const stack = cluster.stacks.addons;
  return stack.node.tryFindChild('Addons') ?? new AddonsScope(stack, 'Addons', cluster.addonSettings, cluster);
}
