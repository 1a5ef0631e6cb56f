import { Construct } from 'constructs';
import type { EksCluster } from './eks-cluster';
import { ResourceNames } from '../core/well-known';
import { Charts } from '../kubernetes/charts';
import { addonsScope } from '../kubernetes/gpu-addons';
import { HelmAddon } from '../kubernetes/helm-addon';

/** The node label of pools with EFA interfaces (set by GpuNodePool with `efa: true`). @internal */
export const EFA_PRESENT_LABEL = 'vpc.amazonaws.com/efa.present';

/**
 * The EFA Kubernetes device plugin (aws/eks-charts `aws-efa-k8s-device-plugin`): it advertises the
 * node's EFA interfaces as `vpc.amazonaws.com/efa`, which training pods request so that NCCL uses
 * EFA instead of falling back to TCP. One release per cluster, on the nodes of EFA pools only
 * (their label), tolerating the accelerator taints. The chart itself limits the daemon set to
 * EFA-capable instance types.
 * @internal
 */
export class EfaDevicePlugin extends HelmAddon {
  public static of(cluster: EksCluster): EfaDevicePlugin {
    const scope = addonsScope(cluster) as Construct;
    return (scope.node.tryFindChild('EfaDevicePlugin') as EfaDevicePlugin | undefined)
      ?? new EfaDevicePlugin(scope, 'EfaDevicePlugin');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'aws-efa-k8s-device-plugin', chart: Charts.AWS_EFA_DEVICE_PLUGIN });
    this.addValues(() => ({
      nodeSelector: { [EFA_PRESENT_LABEL]: 'true' },
      tolerations: [ResourceNames.NVIDIA_GPU, ResourceNames.NEURON_DEVICE].map((key) => ({ key, operator: 'Exists', effect: 'NoSchedule' })),
    }));
  }
}

