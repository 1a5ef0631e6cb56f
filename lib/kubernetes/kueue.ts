import { Construct } from 'constructs';
import { Charts } from './charts';
import { addonsScope } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import { emitManifest, KubernetesObject } from './manifest';
import type { Toleration } from '../compute/pool';
import type { ICluster } from '../platform/cluster';
import { Layer } from '../platform/cluster';

/**
 * Kueue on a cluster (one Helm release in its addons stack), created on first use.
 * @internal
 */
export class Kueue extends HelmAddon {
  public static of(cluster: ICluster): Kueue {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('Kueue') as Kueue | undefined) ?? new Kueue(scope as Construct, 'Kueue');
  }
  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'kueue', chart: Charts.KUEUE });
  }
}

/** A `kueue.x-k8s.io/v1beta2` ResourceFlavor selecting a pool's nodes and tolerating its taints. */
export function resourceFlavorObject(name: string, nodeLabels: Record<string, string>, tolerations: Toleration[]): KubernetesObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ResourceFlavor',
    metadata: { name },
    spec: { nodeLabels, ...(tolerations.length ? { tolerations } : {}) },
  };
}

/**
 * The ResourceFlavor of a pool in its cluster's workloads stack (created once), with Kueue
 * installed in the addons stack.
 * @internal
 */
export function ensureResourceFlavor(
  cluster: ICluster, owner: Construct, name: string, nodeLabels: Record<string, string>, tolerations: Toleration[],
): string {
  Kueue.of(cluster);
  const scope = cluster.scopeFor(Layer.WORKLOADS, owner);
  if (!scope.node.tryFindChild('ResourceFlavor')) {
    emitManifest(scope, 'ResourceFlavor', resourceFlavorObject(name, nodeLabels, tolerations), cluster.commonLabels);
  }
  return name;
}
