import { ConfigError } from '../core/errors';
import type { NodePoolRealisation, NodePoolSpec } from '../platform/cluster';
import type { EksCluster } from './eks-cluster';

/** Install Karpenter's AWS side and Helm releases on an EKS cluster. (Being written.) @internal */
export function installKarpenter(_cluster: EksCluster): void {
  // Written in a follow-up change in this submission.
}

/** Realise a node pool as a Karpenter NodePool + EC2NodeClass. (Being written.) @internal */
export function realiseKarpenterNodePool(cluster: EksCluster, spec: NodePoolSpec): NodePoolRealisation {
  throw new ConfigError(spec.owner.node.path, 'provisioner', spec.provisioner, `managed node groups for now on ${cluster.node.path}`);
}
