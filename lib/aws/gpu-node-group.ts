import { AutoscalingGroupTagA as AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplateNetworkInterfaces } from '@cdktf/provider-aws/lib/launch-template';
import { PlacementGroup } from '@cdktf/provider-aws/lib/placement-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { secureLaunchTemplate } from './node-infra';
import { findAwsInstanceType } from '../core/aws-instance-types';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';
import { CLUSTER_AUTOSCALER_NODE_TEMPLATE, EKS_TAINT_EFFECTS, NodeLabels, Taint } from '../core/well-known';
import type { NodePoolSpec } from '../platform/cluster';

const AMI_TYPES: Record<string, { amiType: string; rootDevice: string }> = {
  AL2023_NVIDIA: { amiType: 'AL2023_x86_64_NVIDIA', rootDevice: '/dev/xvda' },
  AL2023_NEURON: { amiType: 'AL2023_x86_64_NEURON', rootDevice: '/dev/xvda' },
  AL2023_STANDARD: { amiType: 'AL2023_x86_64_STANDARD', rootDevice: '/dev/xvda' },
  // Bottlerocket: the second volume holds images and containers; that is the one to size.
  BOTTLEROCKET_NVIDIA: { amiType: 'BOTTLEROCKET_x86_64_NVIDIA', rootDevice: '/dev/xvdb' },
};

/** @internal */
export interface ManagedNodeGroupContext {
  readonly clusterName: string;
  readonly clusterNameRef: string;
  readonly nodeRoleArn: string;
  readonly subnetIds: string[];
  /** Tags for the instances and volumes the node group launches. */
  readonly tags: Record<string, string>;
  readonly vpcId: string;
  /** The EKS-created cluster security group (nodes of managed node groups get it by default). */
  readonly clusterSecurityGroupId: string;
}

/**
 * An EKS managed node group for a pool, with a secure launch template and the Cluster Autoscaler
 * node-template tags on its Auto Scaling group, so that the autoscaler can scale it from zero
 * (it cannot see the labels, taints and GPUs of a node that does not exist yet).
 * @internal
 */
export function managedNodeGroup(scope: Construct, spec: NodePoolSpec, ctx: ManagedNodeGroupContext): EksNodeGroup {
  checkOneShape(spec);
  const ami = AMI_TYPES[spec.os];
  // NVIDIA nodes carry the Cluster Autoscaler's GPU label from boot (also in the scale-from-zero
  // template), so that a node whose device plugin is not ready yet is not scaled up again.
  const labels = spec.os.endsWith('_NVIDIA') && spec.labels['cdktf-ai-infra/accelerator']
    ? { ...spec.labels, [NodeLabels.CLUSTER_AUTOSCALER_AWS_GPU]: spec.labels['cdktf-ai-infra/accelerator'] }
    : spec.labels;
  const placementGroup = spec.placementGroup
    ? new PlacementGroup(scope, 'PlacementGroup', { name: joinName([ctx.clusterName, spec.name], 255), strategy: 'cluster' })
    : undefined;
  let networkInterfaces: LaunchTemplateNetworkInterfaces[] | undefined;
  if (spec.efaInterfaces > 0) {
    // EFA traffic must be allowed between all EFA interfaces: a self-referencing group.
    const efaGroup = new SecurityGroup(scope, 'EfaSecurityGroup', {
      namePrefix: joinName([ctx.clusterName, spec.name, 'efa'], 200) + '-',
      description: `EFA traffic between ${spec.name} nodes`,
      vpcId: ctx.vpcId,
      ingress: [{ description: 'EFA within the group', fromPort: 0, toPort: 0, protocol: '-1', selfAttribute: true }],
      egress: [
        { description: 'EFA within the group', fromPort: 0, toPort: 0, protocol: '-1', selfAttribute: true },
        { description: 'Node egress', fromPort: 0, toPort: 0, protocol: '-1', cidrBlocks: ['0.0.0.0/0'] },
      ],
    });
    // One EFA interface per network card; the first is the primary interface (device 0).
    networkInterfaces = Array.from({ length: spec.efaInterfaces }, (_, i) => ({
      networkCardIndex: i,
      deviceIndex: i === 0 ? 0 : 1,
      interfaceType: 'efa',
      deleteOnTermination: 'true',
      securityGroups: [ctx.clusterSecurityGroupId, efaGroup.id],
    }));
  }
  const template = secureLaunchTemplate(scope, 'LaunchTemplate', {
    namePrefix: joinName([ctx.clusterName, spec.name], 60),
    diskGiB: spec.diskGiB,
    deviceName: ami.rootDevice,
    tags: { ...ctx.tags, 'cdktf-ai-infra/pool': spec.name },
    placementGroupName: placementGroup?.name,
    networkInterfaces,
  });
  const group = new EksNodeGroup(scope, 'Resource', {
    clusterName: ctx.clusterNameRef,
    nodeGroupNamePrefix: joinName([ctx.clusterName, spec.name], 37) + '-',
    nodeRoleArn: ctx.nodeRoleArn,
    subnetIds: ctx.subnetIds,
    amiType: ami.amiType,
    capacityType: spec.eksCapacityType,
    instanceTypes: spec.instanceTypes,
    launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
    scalingConfig: { minSize: spec.minNodes, maxSize: spec.maxNodes, desiredSize: spec.minNodes },
    updateConfig: { maxUnavailable: 1 },
    labels,
    taint: spec.taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECTS[t.effect as Taint['effect']] })),
    // The autoscaler owns the desired size once the group exists.
    lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
  });

  const asgName = group.resources.get(0).autoscalingGroups.get(0).name;
  const templateTags: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) templateTags[`${CLUSTER_AUTOSCALER_NODE_TEMPLATE}/label/${k}`] = v;
  for (const t of spec.taints) templateTags[`${CLUSTER_AUTOSCALER_NODE_TEMPLATE}/taint/${t.key}`] = `${t.value ?? ''}:${t.effect}`;
  for (const [r, n] of Object.entries(spec.extendedResources)) templateTags[`${CLUSTER_AUTOSCALER_NODE_TEMPLATE}/resources/${r}`] = n;
  Object.entries(templateTags).forEach(([key, value], i) => {
    new AutoscalingGroupTag(scope, `NodeTemplateTag${i}`, {
      autoscalingGroupName: asgName,
      tag: { key, value, propagateAtLaunch: false },
    });
  });
  return group;
}

/** vCPUs, memory and accelerators of an instance type, where the catalog knows them. @internal */
export function instanceShape(instanceType: string): string | undefined {
  const t = findAwsInstanceType(instanceType);
  return t && t.vcpus !== undefined && t.memoryGiB !== undefined ? `${t.acceleratorCount} accelerators, ${t.vcpus} vCPUs, ${t.memoryGiB} GiB` : undefined;
}

/**
 * One instance shape per managed node group: the Cluster Autoscaler builds a group's node template
 * from one instance type and assumes every node of the group looks like it (cloudprovider/aws
 * README at cluster-autoscaler-1.34.2: "the instance types should have the same amount of RAM and
 * number of CPU cores"; GPUs likewise). A group of g6.xlarge … g6.48xlarge would be sized as 1-GPU
 * nodes and launch 8-GPU ones, or the reverse.
 */
function checkOneShape(spec: NodePoolSpec): void {
  const shapes = new Map<string, string[]>();
  for (const t of spec.instanceTypes) {
    const shape = instanceShape(t);
    if (shape) shapes.set(shape, [...(shapes.get(shape) ?? []), t]);
  }
  if (shapes.size > 1) {
    throw new ConfigError(spec.owner.node.path, 'instanceTypes', spec.instanceTypes,
      `instance types of one shape per managed node group (the Cluster Autoscaler assumes every node of a group has the same CPUs, memory and GPUs; these have ${[...shapes.entries()].map(([s, ts]) => `${ts.join('/')}: ${s}`).join('; ')}): `
      + 'one pool per shape (the autoscaler\'s least-waste expander picks among them), or provisioner: NodeProvisioner.KARPENTER, which chooses among shapes per pending pod');
  }
}
