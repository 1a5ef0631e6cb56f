import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { dependable } from 'cdktf';
import { Construct } from 'constructs';
import { partitionOf } from './arn';
import type { EksCluster } from './eks-cluster';
import { ClusterNetwork } from './network';
import { nodeRole } from './node-infra';
import { findAwsInstanceType } from '../core/aws-instance-types';
import { Capacity, CapacityKinds } from '../core/capacity';
import { ConfigError } from '../core/errors';
import { joinName, validateDnsLabel } from '../core/naming';
import { KarpenterCapacityTypes, NodeLabels, ResourceNames } from '../core/well-known';
import { Charts } from '../kubernetes/charts';
import { addonsScope } from '../kubernetes/gpu-addons';
import { HelmAddon } from '../kubernetes/helm-addon';
import {
  ec2NodeClass, KARPENTER_DISCOVERY_TAG, KarpenterAmiAliases, KarpenterConsolidationPolicies, nodePool,
  nodePoolRequirements, restrictedNodeLabelReason,
} from '../kubernetes/karpenter-objects';
import { emitManifest } from '../kubernetes/manifest';
import { Layer, NodePoolProvisioners, NodePoolRealisation, NodePoolSpec, PermissionStatement } from '../platform/cluster';

/** Namespace and service account of the controller (Karpenter's getting-started defaults). */
const NAMESPACE = Charts.KARPENTER.namespace;
const SERVICE_ACCOUNT = 'karpenter';

/**
 * EventBridge rules feeding the interruption queue: the five rules of the Karpenter v1.14
 * getting-started CloudFormation template (`website/content/en/v1.14/getting-started/
 * getting-started-with-karpenter/cloudformation.yaml`). Ids are public API (Terraform addresses).
 */
const INTERRUPTION_RULES: Array<{ id: string; short: string; source: string; detailType: string }> = [
  { id: 'ScheduledChangeRule', short: 'health', source: 'aws.health', detailType: 'AWS Health Event' },
  { id: 'SpotInterruptionRule', short: 'spot', source: 'aws.ec2', detailType: 'EC2 Spot Instance Interruption Warning' },
  { id: 'RebalanceRule', short: 'rebalance', source: 'aws.ec2', detailType: 'EC2 Instance Rebalance Recommendation' },
  { id: 'InstanceStateChangeRule', short: 'state', source: 'aws.ec2', detailType: 'EC2 Instance State-change Notification' },
  { id: 'CapacityReservationInterruptionRule', short: 'reservation', source: 'aws.ec2', detailType: 'EC2 Capacity Reservation Instance Interruption Warning' },
];

/** A controller permission; statements with conditions go into a separate inline policy. */
interface ControllerStatement extends PermissionStatement {
  readonly sid: string;
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

/**
 * Karpenter on an EKS cluster, created once per cluster by {@link Karpenter.of}:
 *
 * - infra stack: a node role used only by Karpenter-launched nodes, with its `EC2_LINUX` access
 *   entry; the controller role (EKS Pod Identity for `kube-system/karpenter`) with the Karpenter
 *   v1.14 getting-started permissions, tag-scoped to this cluster; an SSE-encrypted interruption
 *   queue fed by EventBridge; the discovery tag on the cluster security group;
 * - addons stack: the `karpenter-crd` release, then the `karpenter` release on the system nodes.
 *
 * Node pools become NodePool + EC2NodeClass objects in the workloads stack
 * ({@link realiseKarpenterNodePool}).
 * @internal
 */
export class Karpenter extends HelmAddon {
  /** The Karpenter of `cluster` (created on first call). */
  public static of(cluster: EksCluster): Karpenter {
    const scope = addonsScope(cluster) as Construct;
    const found = scope.node.tryFindChild('Karpenter') as Karpenter | undefined;
    if (found) return found;
    const crd = new HelmAddon(scope, 'KarpenterCrd', { releaseName: 'karpenter-crd', chart: Charts.KARPENTER_CRD });
    return new Karpenter(scope, 'Karpenter', cluster, crd);
  }

  /** The `karpenter-crd` release (NodePool, NodeClaim, EC2NodeClass CRDs). */
  public readonly crd: HelmAddon;
  /**
   * IAM role of the nodes Karpenter launches. Its own role, not the managed node groups' one: EKS
   * creates an `EC2_LINUX` access entry for a managed node group's role by itself, so a Terraform
   * access entry for that role would collide with it (409 ResourceInUseException).
   */
  public readonly nodeRole: IamRole;
  /** The `EC2_LINUX` access entry that lets Karpenter-launched nodes join (API authentication mode). */
  public readonly nodeAccessEntry: EksAccessEntry;
  /** The SQS queue of interruption events (Spot warnings, rebalance, health, state changes). */
  public readonly interruptionQueue: SqsQueue;
  /** The controller's IAM role ARN (EKS Pod Identity). */
  public readonly controllerRoleArn: string;

  private readonly cluster: EksCluster;

  private constructor(scope: Construct, id: string, cluster: EksCluster, crd: HelmAddon) {
    super(scope, id, { releaseName: 'karpenter', chart: Charts.KARPENTER, dependsOn: [crd] });
    this.cluster = cluster;
    this.crd = crd;
    // CRDs come from the karpenter-crd release, which Helm also upgrades. (No release when the
    // cluster's addon settings disable it: the AWS side is still created for the user's own.)
    if (this.resource) this.resource.skipCrds = true;

    const infra = cluster.scopeFor(Layer.INFRA, this) as Construct;
    const region = cluster.region;
    const partition = partitionOf(region);
    const clusterName = cluster.clusterName;

    this.nodeRole = nodeRole(infra, 'NodeRole', { namePrefix: joinName([clusterName, 'karpenter-node'], 38), region });
    this.nodeAccessEntry = new EksAccessEntry(infra, 'NodeAccessEntry', {
      clusterName: cluster.resource.name,
      principalArn: this.nodeRole.arn,
      type: 'EC2_LINUX',
    });

    // Nodes find the cluster security group by tag (the private subnets of a VPC made by this
    // library carry the same tag; existing subnets are selected by id).
    new Ec2Tag(infra, 'ClusterSecurityGroupDiscoveryTag', {
      resourceId: cluster.resource.vpcConfig.clusterSecurityGroupId,
      key: KARPENTER_DISCOVERY_TAG,
      value: clusterName,
    });

    // Interruption handling: EventBridge -> SQS (SSE-SQS: EventBridge cannot use the AWS-managed
    // KMS key) -> controller, which cordons and drains before the instance goes away.
    this.interruptionQueue = new SqsQueue(infra, 'InterruptionQueue', {
      name: joinName([clusterName, 'karpenter'], 80),
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    });
    const rules = INTERRUPTION_RULES.map((r) => {
      const rule = new CloudwatchEventRule(infra, r.id, {
        // name_prefix: at most 38 characters (Terraform appends 26).
        namePrefix: joinName([clusterName, 'karpenter', r.short], 37) + '-',
        description: `Karpenter interruption handling for ${clusterName}: ${r.detailType}`,
        eventPattern: JSON.stringify({ 'source': [r.source], 'detail-type': [r.detailType] }),
      });
      new CloudwatchEventTarget(infra, `${r.id}Target`, {
        rule: rule.name,
        arn: this.interruptionQueue.arn,
        targetId: 'KarpenterInterruptionQueueTarget',
      });
      return rule;
    });
    new SqsQueuePolicy(infra, 'InterruptionQueuePolicy', {
      queueUrl: this.interruptionQueue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Id: 'EC2InterruptionPolicy',
        Statement: [
          {
            Sid: 'AllowEventBridgeRules',
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com'] },
            Action: 'sqs:SendMessage',
            Resource: this.interruptionQueue.arn,
            // Only this cluster's rules (no other account's rule can feed the queue).
            Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.arn) } },
          },
          {
            Sid: 'AllowSqs',
            Effect: 'Allow',
            Principal: { Service: ['sqs.amazonaws.com'] },
            Action: 'sqs:SendMessage',
            Resource: this.interruptionQueue.arn,
          },
          {
            Sid: 'DenyHTTP',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: this.interruptionQueue.arn,
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });

    // Controller permissions, through the cluster's workload identity binder; the tag conditions
    // keep Karpenter to the instances, templates and profiles of this cluster.
    const statements = controllerStatements({
      partition,
      region,
      accountId: cluster.accountId,
      clusterName,
      clusterArn: cluster.resource.arn,
      nodeRoleArn: this.nodeRole.arn,
      queueArn: this.interruptionQueue.arn,
    });
    const identity = cluster.grantWorkload(this, NAMESPACE, SERVICE_ACCOUNT,
      statements.map((s) => ({ actions: s.actions, resources: s.resources, conditions: s.conditions })));
    this.controllerRoleArn = identity.roleArn!;

    const queueName = this.interruptionQueue.name;
    this.addValues(() => ({
      settings: { clusterName, interruptionQueue: queueName },
      serviceAccount: { create: true, name: SERVICE_ACCOUNT },
      replicas: 2,
      // The operators' node group; the chart's default affinity already keeps the controller off
      // the nodes it manages.
      nodeSelector: { 'cdktf-ai-infra/node-role': 'system' },
      // The getting-started guide's sizing: 1 CPU and 1Gi, requests = limits.
      controller: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
    }));
  }

  /** Subnets of the EC2NodeClasses: by discovery tag in a VPC made by this library, else by id. */
  public get subnetSelector(): { tags?: Record<string, string>; ids?: string[] } {
    const network = this.cluster.infraStack.node.tryFindChild('Network');
    return network instanceof ClusterNetwork
      ? { tags: { [KARPENTER_DISCOVERY_TAG]: this.cluster.clusterName } }
      : { ids: [...this.cluster.privateSubnetIds] };
  }
}

/**
 * The Karpenter controller permissions of the v1.14 getting-started CloudFormation template
 * (NodeLifecyclePolicy, IAMIntegrationPolicy, EKSIntegrationPolicy, InterruptionPolicy,
 * ZonalShiftPolicy, ResourceDiscoveryPolicy), with two tightenings: `ssm:GetParameter` only on the
 * EKS-optimized and Bottlerocket AMI parameters (what the `al2023` and `bottlerocket` aliases
 * read), and the cluster and queue by their Terraform references. No `*` action; `*` resources only
 * for actions without resource-level permissions (Describe*, pricing, ListInstanceProfiles, zonal
 * shift), region- or resource-conditioned where upstream conditions them.
 */
function controllerStatements(p: {
  partition: string; region: string; accountId: string; clusterName: string; clusterArn: string; nodeRoleArn: string; queueArn: string;
}): ControllerStatement[] {
  // The cluster's account (from its ARN at apply time), not `*`; AMIs and snapshots are owned by
  // other accounts (AWS's), so they keep an empty account field.
  const ec2 = (type: string, account = p.accountId) => `arn:${p.partition}:ec2:${p.region}:${account}:${type}/*`;
  const instanceProfiles = `arn:${p.partition}:iam::${p.accountId}:instance-profile/*`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${p.clusterName}`]: 'owned' };
  const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${p.clusterName}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': p.clusterName };
  const taggedResources = ['fleet', 'instance', 'volume', 'network-interface', 'launch-template', 'spot-instances-request'].map((t) => ec2(t));
  return [
    {
      sid: 'AllowScopedEC2InstanceAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('image', ''), ec2('snapshot', ''), ec2('security-group'), ec2('subnet'), ec2('capacity-reservation'), ec2('placement-group')],
    },
    {
      sid: 'AllowScopedEC2LaunchTemplateAccessActions',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet'],
      resources: [ec2('launch-template')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      sid: 'AllowScopedEC2InstanceActionsWithTags',
      actions: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'],
      resources: taggedResources,
      conditions: { StringEquals: requestOwned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } },
    },
    {
      sid: 'AllowScopedResourceCreationTagging',
      actions: ['ec2:CreateTags'],
      resources: taggedResources,
      conditions: {
        StringEquals: { ...requestOwned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] },
        StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' },
      },
    },
    {
      sid: 'AllowScopedResourceTagging',
      actions: ['ec2:CreateTags'],
      resources: [ec2('instance')],
      conditions: {
        'StringEquals': owned,
        'StringLike': { 'aws:ResourceTag/karpenter.sh/nodepool': '*' },
        'StringEqualsIfExists': { 'aws:RequestTag/eks:eks-cluster-name': p.clusterName },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['eks:eks-cluster-name', 'karpenter.sh/nodeclaim', 'Name'] },
      },
    },
    {
      sid: 'AllowScopedDeletion',
      actions: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'],
      resources: [ec2('instance'), ec2('launch-template')],
      conditions: { StringEquals: owned, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } },
    },
    {
      sid: 'AllowRegionalReadActions',
      actions: [
        'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceStatus',
        'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates',
        'ec2:DescribePlacementGroups', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets',
      ],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:RequestedRegion': p.region } },
    },
    {
      sid: 'AllowPassingInstanceRole',
      actions: ['iam:PassRole'],
      resources: [p.nodeRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } },
    },
    {
      sid: 'AllowScopedInstanceProfileCreationActions',
      actions: ['iam:CreateInstanceProfile'],
      resources: [instanceProfiles],
      conditions: {
        StringEquals: { ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': p.region },
        StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    {
      sid: 'AllowScopedInstanceProfileTagActions',
      actions: ['iam:TagInstanceProfile'],
      resources: [instanceProfiles],
      conditions: {
        StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': p.region, ...requestOwned, 'aws:RequestTag/topology.kubernetes.io/region': p.region },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*', 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    {
      sid: 'AllowScopedInstanceProfileActions',
      actions: ['iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
      resources: [instanceProfiles],
      conditions: {
        StringEquals: { ...owned, 'aws:ResourceTag/topology.kubernetes.io/region': p.region },
        StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' },
      },
    },
    { sid: 'AllowInstanceProfileReadActions', actions: ['iam:GetInstanceProfile'], resources: [instanceProfiles] },
    { sid: 'AllowUnscopedInstanceProfileListAction', actions: ['iam:ListInstanceProfiles'], resources: ['*'] },
    { sid: 'AllowAPIServerEndpointDiscovery', actions: ['eks:DescribeCluster'], resources: [p.clusterArn] },
    {
      sid: 'AllowInterruptionQueueActions',
      actions: ['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
      resources: [p.queueArn],
    },
    {
      sid: 'AllowSSMReadActions',
      actions: ['ssm:GetParameter'],
      resources: [
        `arn:${p.partition}:ssm:${p.region}::parameter/aws/service/eks/optimized-ami/*`,
        `arn:${p.partition}:ssm:${p.region}::parameter/aws/service/bottlerocket/*`,
      ],
    },
    { sid: 'AllowPricingReadActions', actions: ['pricing:GetProducts'], resources: ['*'] },
    {
      sid: 'AllowZonalShiftStatusReadOnly',
      actions: ['arc-zonal-shift:GetManagedResource'],
      resources: ['*'],
      conditions: { StringEquals: { 'arc-zonal-shift:ResourceIdentifier': p.clusterArn } },
    },
  ];
}

/** Install Karpenter's AWS side and Helm releases on an EKS cluster (idempotent). @internal */
export function installKarpenter(cluster: EksCluster): void {
  Karpenter.of(cluster);
}

/** OS of a {@link NodePoolSpec} → EC2NodeClass AMI alias. */
const AMI_ALIAS_BY_OS: Record<string, string> = {
  AL2023_NVIDIA: KarpenterAmiAliases.AL2023_PINNED,
  AL2023_NEURON: KarpenterAmiAliases.AL2023_PINNED,
  AL2023_STANDARD: KarpenterAmiAliases.AL2023_PINNED,
  BOTTLEROCKET_NVIDIA: KarpenterAmiAliases.BOTTLEROCKET_LATEST,
};

/**
 * The device resource Karpenter models for an instance type (what NodePool limits count): whole
 * GPUs or Neuron devices, never time-slicing replicas or MIG slices, which Karpenter does not see.
 */
function deviceResourceOf(spec: NodePoolSpec): string | undefined {
  if (spec.os === 'AL2023_NEURON') return ResourceNames.NEURON_DEVICE;
  if (spec.os.endsWith('_NVIDIA')) return ResourceNames.NVIDIA_GPU;
  return Object.keys(spec.extendedResources)[0];
}

/** Capacity types of the pool and the reservations it may use. */
function capacityOf(spec: NodePoolSpec): { types: string[]; reservationIds: string[] } {
  // The spec carries the capacity kind only; the reservation ids live on the pool's Capacity.
  const capacity = (spec.owner as { capacity?: unknown }).capacity;
  if (capacity instanceof Capacity) {
    return { types: capacity.karpenterCapacityTypes, reservationIds: [...capacity.capacityReservationIds] };
  }
  switch (spec.capacityKind) {
    case CapacityKinds.SPOT:
      return {
        types: spec.fallbackToOnDemand ? [KarpenterCapacityTypes.SPOT, KarpenterCapacityTypes.ON_DEMAND] : [KarpenterCapacityTypes.SPOT],
        reservationIds: [],
      };
    case CapacityKinds.ON_DEMAND:
      return { types: [KarpenterCapacityTypes.ON_DEMAND], reservationIds: [] };
    default:
      throw new ConfigError(spec.owner.node.path, 'capacityKind', spec.capacityKind,
        'on-demand or spot, or reserved capacity given as a Capacity (Capacity.reserved({ capacityReservationIds })) on the owner: the Karpenter EC2NodeClass selects reservations by id');
  }
}

/**
 * Realise a node pool as a Karpenter EC2NodeClass and NodePool in the cluster's workloads stack
 * (they need the CRDs that the addons stack installs). No Cluster Autoscaler: Karpenter scales the
 * pool, from zero, within `limits` of `maxNodes` nodes and `maxNodes × maxDevicesPerNode` devices.
 * @internal
 */
export function realiseKarpenterNodePool(cluster: EksCluster, spec: NodePoolSpec): NodePoolRealisation {
  const path = spec.owner.node.path;
  if (spec.minNodes > 0) {
    throw new ConfigError(path, 'minNodes', spec.minNodes,
      'minNodes: 0 on a Karpenter pool (Karpenter has no minimum: it launches nodes for pending pods only); use a managed node group (provisioner: NodeProvisioner.MANAGED_NODE_GROUP) for a warm minimum, or minNodes: 0');
  }
  if (spec.placementGroup || spec.efaInterfaces > 0) {
    throw new ConfigError(path, spec.placementGroup ? 'placementGroup' : 'efa', true,
      'a managed node group for placement groups and EFA (provisioner: NodeProvisioner.MANAGED_NODE_GROUP): this library does not configure them on Karpenter EC2NodeClasses');
  }
  const name = validateDnsLabel(spec.name, path, 'name');
  const pinned = AMI_ALIAS_BY_OS[spec.os];
  const amiAlias = pinned && cluster.nodeAmiRelease && pinned.startsWith('al2023@') ? `al2023@${cluster.nodeAmiRelease}` : pinned;
  if (!amiAlias) {
    throw new ConfigError(path, 'os', spec.os, `one of ${Object.keys(AMI_ALIAS_BY_OS).join(', ')} (an OS with a Karpenter AMI alias)`);
  }
  for (const key of Object.keys(spec.labels)) {
    const reason = restrictedNodeLabelReason(key);
    if (reason) throw new ConfigError(path, `labels.${key}`, key, `a node label Karpenter accepts on a NodePool (${reason}); select on it with a requirement instead`);
  }
  for (const taint of spec.taints) {
    const reason = restrictedNodeLabelReason(taint.key);
    if (reason) throw new ConfigError(path, 'taints[].key', taint.key, `a taint key outside Karpenter's reserved domains (${reason})`);
  }
  const architectures = [...new Set(spec.instanceTypes.map((t) => findAwsInstanceType(t)?.architecture ?? 'x86_64'))]
    .map((a) => (a === 'arm64' ? 'arm64' : 'amd64'));
  const capacity = capacityOf(spec);

  const karpenter = Karpenter.of(cluster);
  const scope = cluster.scopeFor(Layer.WORKLOADS, spec.owner) as Construct;
  const nodeClass = emitManifest(scope, 'NodeClass', ec2NodeClass({
    name,
    amiAlias,
    role: karpenter.nodeRole.name,
    subnets: karpenter.subnetSelector,
    securityGroups: { tags: { [KARPENTER_DISCOVERY_TAG]: cluster.clusterName } },
    dataVolumeGiB: spec.diskGiB,
    tags: { ...cluster.platform.tags, 'cdktf-ai-infra/pool': name },
    capacityReservationIds: capacity.reservationIds,
  }), cluster.commonLabels);

  const device = deviceResourceOf(spec);
  const limits: Record<string, string> = { nodes: String(spec.maxNodes) };
  // Karpenter counts devices per instance type (not time-slicing replicas or MIG slices): size
  // the limit on the largest type so that maxNodes of any type fit.
  if (device) limits[device] = String(spec.maxNodes * spec.maxDevicesPerNode);
  const resource = emitManifest(scope, 'NodePool', nodePool({
    name,
    nodeLabels: spec.labels,
    nodeClassName: name,
    requirements: [
      ...nodePoolRequirements({ instanceTypes: spec.instanceTypes, capacityTypes: capacity.types, architectures }),
      ...(spec.availabilityZone ? [{ key: NodeLabels.ZONE, operator: 'In', values: [spec.availabilityZone] }] : []),
    ],
    taints: spec.taints,
    expireAfter: '720h',
    limits,
    // Accelerator nodes are expensive and slow to start: remove them once empty for 10 minutes,
    // never evict running work to repack it; replace at most one node at a time on drift.
    consolidationPolicy: KarpenterConsolidationPolicies.WHEN_EMPTY,
    consolidateAfter: '10m',
    budgets: [{ nodes: '100%', reasons: ['Empty'] }, { nodes: '1', reasons: ['Drifted'] }],
  }), cluster.commonLabels);
  // Created after (destroyed before) its EC2NodeClass, whose finalizer waits for the NodeClaims.
  resource.dependsOn = [dependable(nodeClass)];
  return { provisioner: NodePoolProvisioners.KARPENTER, resource };
}
