import { Construct, IConstruct } from 'constructs';
import { Charts } from './charts';
import { AddonsScope, HelmAddon } from './helm-addon';
import type { ICluster } from '../platform/cluster';

/**
 * The NVIDIA device plugin of a cluster (one Helm release in its addons stack), created on first
 * use by {@link NvidiaDevicePlugin.of}. Each pool adds its named sharing config; nodes pick theirs
 * through the `nvidia.com/device-plugin.config` label. GPU feature discovery stays off: nodes
 * carry `nvidia.com/gpu.present=true` from their pool, which is what the chart's affinity needs.
 * @internal
 */
export class NvidiaDevicePlugin extends HelmAddon {
  public static of(cluster: ICluster): NvidiaDevicePlugin {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('NvidiaDevicePlugin') as NvidiaDevicePlugin | undefined)
      ?? new NvidiaDevicePlugin(scope as Construct, 'NvidiaDevicePlugin');
  }

  private readonly configs = new Map<string, object>([['exclusive', { version: 'v1', flags: { migStrategy: 'none' } }]]);

  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'nvidia-device-plugin', chart: Charts.NVIDIA_DEVICE_PLUGIN });
    this.addValues(() => ({
      gfd: { enabled: false },
      config: {
        default: 'exclusive',
        map: Object.fromEntries([...this.configs.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, JSON.stringify(v)])),
      },
    }));
  }

  /** Register a named device-plugin config (same key, same config: idempotent). */
  public addConfig(key: string, config: object): void {
    this.configs.set(key, config);
  }
}

/** The `Addons` construct of a cluster's addons stack, holding its add-on settings. @internal */
export function addonsScope(cluster: ICluster): IConstruct {
  const stack = cluster.stacks.addons;
  return stack.node.tryFindChild('Addons') ?? new AddonsScope(stack, 'Addons', cluster.addonSettings);
}
