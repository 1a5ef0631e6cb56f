import { Construct } from 'constructs';
import { partitionOf } from './arn';
import type { EksCluster } from './eks-cluster';
import { ConfigError } from '../core/errors';
import { Charts, HelmChartCoordinates } from '../kubernetes/charts';
import { addonsScope } from '../kubernetes/gpu-addons';
import { HelmAddon } from '../kubernetes/helm-addon';

/**
 * The Cluster Autoscaler chart per Kubernetes minor (the autoscaler must match the control
 * plane's minor). No chart for 1.32 or 1.36 is pinned: a managed node group pool on those fails at
 * synth (use Karpenter there).
 */
const CHART_BY_VERSION: Record<string, HelmChartCoordinates> = {
  1.33: Charts.CLUSTER_AUTOSCALER_1_33,
  1.34: Charts.CLUSTER_AUTOSCALER_1_34,
  1.35: Charts.CLUSTER_AUTOSCALER_1_35,
};

/**
 * The Cluster Autoscaler of an EKS cluster with managed node groups: scales pools from zero using
 * the node-template tags, prefers spot groups over their on-demand fallback (priority expander),
 * with AWS permissions through EKS Pod Identity (describe calls on `*`, scaling only on EKS
 * managed Auto Scaling groups of this region).
 * @internal
 */
export class ClusterAutoscaler extends HelmAddon {
  public static of(cluster: EksCluster): ClusterAutoscaler {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('ClusterAutoscaler') as ClusterAutoscaler | undefined)
      ?? new ClusterAutoscaler(scope as Construct, 'ClusterAutoscaler', cluster);
  }

  private readonly preferred: string[] = [];

  private constructor(scope: Construct, id: string, cluster: EksCluster) {
    const chart = CHART_BY_VERSION[cluster.version.version];
    if (!chart) {
      throw new ConfigError(cluster.node.path, 'version', cluster.version.version,
        `a Kubernetes version with a pinned Cluster Autoscaler chart (${Object.keys(CHART_BY_VERSION).join(', ')}); the autoscaler must match the control plane minor version`);
    }
    super(scope, id, { releaseName: 'cluster-autoscaler', chart });
    const serviceAccount = 'cluster-autoscaler';
    const region = cluster.region;
    cluster.grantWorkload(this, chart.namespace, serviceAccount, [
      {
        actions: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeTags',
          'ec2:DescribeImages', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
        ],
        resources: ['*'],
      },
      {
        actions: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        // Only the Auto Scaling groups of this cluster's managed node groups: EKS names them
        // `eks-<node group>-<uuid>` and tags them `eks:cluster-name`.
        resources: [`arn:${partitionOf(region)}:autoscaling:${region}:${cluster.accountId}:autoScalingGroup:*:autoScalingGroupName/eks-*`],
        conditions: { StringEquals: { 'aws:ResourceTag/eks:cluster-name': cluster.clusterName } },
      },
    ]);
    this.addValues(() => ({
      cloudProvider: 'aws',
      awsRegion: region,
      autoDiscovery: { clusterName: cluster.clusterName },
      rbac: { serviceAccount: { create: true, name: serviceAccount } },
      nodeSelector: { 'cdktf-ai-infra/node-role': 'system' },
      extraArgs: {
        'expander': this.preferred.length ? 'priority,least-waste' : 'least-waste',
        'balance-similar-node-groups': true,
        'skip-nodes-with-local-storage': false,
      },
      // Higher wins: spot groups first, everything else (including on-demand fallbacks) after.
      ...(this.preferred.length ? { expanderPriorities: { 10: ['.*'], 50: this.preferred.map((p) => `^eks-${escape(p)}.*`) } } : {}),
    }));
  }

  /** Prefer node groups whose name starts with this prefix (spot groups over their fallback). */
  public prefer(nodeGroupNamePrefix: string): void {
    this.preferred.push(nodeGroupNamePrefix);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
