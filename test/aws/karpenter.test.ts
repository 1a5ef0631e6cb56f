import { App } from 'cdktf';
import { Construct } from 'constructs';
import type { EksCluster, EksClusterProps } from '../../lib/aws/eks-cluster';
import { realiseKarpenterNodePool } from '../../lib/aws/karpenter';
import { GpuNodePool, GpuNodePoolProps, NodeOs } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { GpuSharing } from '../../lib/core/gpu-sharing';
import { ec2NodeClass, nodePool, restrictedNodeLabelReason } from '../../lib/kubernetes/karpenter-objects';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { NodePoolSpec } from '../../lib/platform/cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, onlyResource, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

const PROD: EksClusterProps = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true };
const RESERVATION = 'cr-0123456789abcdef0';

function newCluster(props: Partial<EksClusterProps> = {}): EksCluster {
  return new AiPlatform(testApp(), 'p').addEksCluster('prod', { ...PROD, ...props });
}

function h100(cluster: EksCluster, props: Partial<GpuNodePoolProps> = {}, id = 'h100'): GpuNodePool {
  return new GpuNodePool(cluster, id, {
    accelerator: Accelerator.NVIDIA_H100, capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 4, ...props,
  });
}

/** Run `fn`, expect a ConfigError naming the construct path, the field and the value received. */

function objectOf(synth: Synthesized, kind: string, name: string): any {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0].manifest;
}

function karpenterObjects(synth: Synthesized): any[] {
  return kubernetesObjects(synth).map((o) => o.manifest).filter((m) => m.kind === 'NodePool' || m.kind === 'EC2NodeClass');
}

function requirement(pool: any, key: string): any {
  return pool.spec.template.spec.requirements.find((r: any) => r.key === key);
}

/** Every IAM statement of the Karpenter controller role (both inline policies). */
function controllerStatements(infra: SynthesizedStack): any[] {
  const policies = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy'))
    .filter((p) => p['//'].metadata.path.startsWith(`${infra.name}/Karpenter/`));
  expect(policies).toHaveLength(1);
  return policies.flatMap((p) => JSON.parse(p.policy).Statement);
}

describe('Karpenter on an EKS cluster with a spot H100 pool', () => {
  let synth: Synthesized;
  let infra: SynthesizedStack;
  let addons: SynthesizedStack;
  let pool: GpuNodePool;
  let nodeClass: any;
  let nodePoolObject: any;
  beforeAll(() => {
    const cluster = newCluster();
    pool = h100(cluster);
    synth = synthApp(App.of(cluster));
    infra = synth.stack('p-prod-infra');
    addons = synth.stack('p-prod-addons');
    nodeClass = objectOf(synth, 'EC2NodeClass', 'h100');
    nodePoolObject = objectOf(synth, 'NodePool', 'h100');
  });

  test('emits the EC2NodeClass and NodePool into the workloads stack, and returns the NodePool', () => {
    const objects = kubernetesObjects(synth).filter((o) => ['NodePool', 'EC2NodeClass'].includes(o.manifest.kind));
    expect(objects.map((o) => o.stack)).toEqual(['p-prod-workloads', 'p-prod-workloads']);
    expect(pool.realisation.provisioner).toBe('karpenter');
    expect(pool.realisation.resource?.node.path).toBe('p-prod-workloads/h100/NodePool');
    const pools = resourcesOf(synth.stack('p-prod-workloads'), 'kubernetes_manifest');
    const poolResource = Object.entries<any>(pools).find(([, r]) => r.manifest.kind === 'NodePool')![1];
    const classId = Object.entries<any>(pools).find(([, r]) => r.manifest.kind === 'EC2NodeClass')![0];
    expect(poolResource.depends_on).toEqual([`kubernetes_manifest.${classId}`]);
  });

  test('EC2NodeClass: AL2023 alias, node role name, discovery selectors, encrypted gp3, IMDSv2 hop limit 1', () => {
    expect(nodeClass.apiVersion).toBe('karpenter.k8s.aws/v1');
    expect(nodeClass.metadata.labels).toEqual({ 'app.kubernetes.io/part-of': 'p', 'app.kubernetes.io/managed-by': 'cdktf-ai-infra' });
    // A pinned AMI release: al2023@latest would replace every node on each AMI release.
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260714' }]);
    // The name (not ARN) of Karpenter's node role, read from the infra stack.
    expect(nodeClass.spec.role).toMatch(/^\$\{data\.terraform_remote_state\..*Karpenter_NodeRole.*name\}$/);
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'p-prod' } }]);
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'p-prod' } }]);
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: '200Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
    ]);
    expect(nodeClass.spec.metadataOptions).toMatchObject({ httpTokens: 'required', httpPutResponseHopLimit: 1 });
    expect(nodeClass.spec.tags).toMatchObject({ 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'p', 'cdktf-ai-infra/pool': 'h100' });
    expect(nodeClass.spec.capacityReservationSelectorTerms).toBeUndefined();
  });

  test('NodePool: node class ref, instance types, spot then on-demand, arch, taint, labels', () => {
    expect(nodePoolObject.apiVersion).toBe('karpenter.sh/v1');
    expect(nodePoolObject.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'p' });
    const template = nodePoolObject.spec.template;
    expect(template.metadata.labels).toEqual(pool.nodeLabels);
    expect(template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' });
    expect(requirement(nodePoolObject, 'node.kubernetes.io/instance-type')).toEqual({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.4xlarge', 'p5.48xlarge'] });
    expect(requirement(nodePoolObject, 'karpenter.sh/capacity-type').values).toEqual(['spot', 'on-demand']);
    expect(requirement(nodePoolObject, 'kubernetes.io/arch').values).toEqual(['amd64']);
    expect(template.spec.taints).toEqual([{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]);
    expect(template.spec.expireAfter).toBe('720h');
  });

  test('NodePool limits count devices on the largest type (maxNodes × 8 H100) and nodes', () => {
    expect(nodePoolObject.spec.limits).toEqual({ 'nvidia.com/gpu': '32', 'nodes': '4' });
  });

  test('NodePool disruption: WhenEmpty after 10m, empty nodes at once, one drifted node at a time', () => {
    expect(nodePoolObject.spec.disruption).toEqual({
      consolidationPolicy: 'WhenEmpty',
      consolidateAfter: '10m',
      budgets: [{ nodes: '100%', reasons: ['Empty'] }, { nodes: '1', reasons: ['Drifted'] }],
    });
  });

  test('every NodePool and EC2NodeClass validates against the Karpenter 1.14.1 CRDs', () => {
    const objects = karpenterObjects(synth);
    expect(objects).toHaveLength(2);
    for (const o of objects) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('no Cluster Autoscaler and no managed node group for a Karpenter pool', () => {
    expect(Object.values<any>(resourcesOf(addons, 'helm_release')).map((r) => r.name).sort()).toEqual(['karpenter', 'karpenter-crd', 'nvidia-device-plugin']);
    // Only the system node group.
    expect(Object.keys(resourcesOf(infra, 'aws_eks_node_group'))).toEqual(['SystemNodes']);
    expect(resourcesOf(infra, 'aws_autoscaling_group_tag')).toEqual({});
  });

  test('Helm: karpenter-crd, then karpenter (skipping its crds/) with cluster, queue, identity and placement values', () => {
    const releases = Object.entries<any>(resourcesOf(addons, 'helm_release'));
    const [crdId, crd] = releases.find(([, r]) => r.name === 'karpenter-crd')!;
    const [, controller] = releases.find(([, r]) => r.name === 'karpenter')!;
    for (const r of [crd, controller]) {
      expect(r).toMatchObject({ repository: 'oci://public.ecr.aws/karpenter', version: '1.14.1', namespace: 'kube-system' });
    }
    expect(crd.chart).toBe('karpenter-crd');
    expect(controller.chart).toBe('karpenter');
    expect(controller.depends_on).toEqual([`helm_release.${crdId}`]);
    expect(controller.skip_crds).toBe(true);
    const values = JSON.parse(controller.values[0]);
    expect(values.settings.clusterName).toBe('p-prod');
    // The queue name, read from the infra stack's state.
    expect(values.settings.interruptionQueue).toMatch(/^\$\{data\.terraform_remote_state\..*Karpenter_InterruptionQueue.*name\}$/);
    expect(values.serviceAccount.name).toBe('karpenter');
    expect(values.nodeSelector).toEqual({ 'cdktf-ai-infra/node-role': 'system' });
    expect(values.replicas).toBe(2);
    expect(values.controller.resources).toEqual({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } });
  });

  test('controller identity: EKS Pod Identity for kube-system/karpenter', () => {
    const associations = Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association'));
    const karpenter = associations.find((a) => a.service_account === 'karpenter');
    expect(karpenter).toMatchObject({ namespace: 'kube-system', cluster_name: '${aws_eks_cluster.Resource.name}' });
    expect(karpenter.role_arn).toMatch(/^\$\{aws_iam_role\.Karpenter_Identity-kube-system-karpenter_Role_[^.]+\.arn\}$/);
  });

  test('controller IAM: no wildcard action, PassRole only on the Karpenter node role, scoped writes', () => {
    const statements = controllerStatements(infra);
    const actions = statements.flatMap((s) => [].concat(s.Action));
    for (const a of actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    for (const s of statements) expect(s.Effect).toBe('Allow');

    const nodeRoleArn = '${aws_iam_role.Karpenter_NodeRole_015FD185.arn}';
    expect(resourcesOf(infra, 'aws_iam_role')).toHaveProperty('Karpenter_NodeRole_015FD185');
    const passRole = statements.filter((s) => [].concat(s.Action).includes('iam:PassRole' as never));
    expect(passRole).toHaveLength(1);
    expect(passRole[0].Resource).toEqual([nodeRoleArn]);
    expect(passRole[0].Condition).toEqual({ StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'ec2.amazonaws.com.cn'] } });

    // Every statement that can launch, tag or terminate is tag-scoped to this cluster or limited to
    // images, snapshots, subnets, security groups, reservations and placement groups.
    const writes = statements.filter((s) => [].concat(s.Action).some((a: string) => /^ec2:(RunInstances|CreateFleet|CreateLaunchTemplate|CreateTags|TerminateInstances|DeleteLaunchTemplate)$/.test(a)));
    for (const s of writes) {
      const conditioned = JSON.stringify(s.Condition ?? {}).includes('kubernetes.io/cluster/p-prod');
      const unconditioned = s.Resource.every((r: string) => /:(image|snapshot|security-group|subnet|capacity-reservation|placement-group)\/\*$/.test(r));
      expect(conditioned || unconditioned).toBe(true);
    }
    const deletion = statements.find((s) => [].concat(s.Action).includes('ec2:TerminateInstances' as never));
    expect(deletion.Condition.StringEquals).toEqual({ 'aws:ResourceTag/kubernetes.io/cluster/p-prod': 'owned' });

    const byAction = (a: string) => statements.filter((s) => [].concat(s.Action).includes(a as never)).flatMap((s) => s.Resource);
    expect(byAction('eks:DescribeCluster')).toEqual(['${aws_eks_cluster.Resource.arn}']);
    expect(byAction('sqs:ReceiveMessage')).toEqual(['${aws_sqs_queue.Karpenter_InterruptionQueue_D68B7CB0.arn}']);
    expect(byAction('ssm:GetParameter')).toEqual([
      'arn:aws:ssm:us-east-1::parameter/aws/service/eks/optimized-ami/*',
      'arn:aws:ssm:us-east-1::parameter/aws/service/bottlerocket/*',
    ]);
    // The cluster's account (a local read from the cluster ARN), never `*` as account.
    expect(byAction('iam:CreateInstanceProfile')).toEqual(['arn:aws:iam::${local.AccountId}:instance-profile/*']);
    for (const arn of statements.flatMap((s) => [].concat(s.Resource)) as string[]) expect(arn.split(':')[4]).not.toBe('*');
    // `*` resources only where the action has no resource-level permissions.
    const starActions = statements.filter((s) => [].concat(s.Resource).includes('*' as never)).flatMap((s) => [].concat(s.Action));
    for (const a of starActions) expect(a).toMatch(/^(ec2:Describe[A-Za-z]+|pricing:GetProducts|iam:ListInstanceProfiles|arc-zonal-shift:GetManagedResource)$/);
  });

  test('controller IAM fits the 10,240-character inline policy quota of a role', () => {
    const policies = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy'))
      .filter((p) => p['//'].metadata.path.startsWith('p-prod-infra/Karpenter/'));
    expect(policies.reduce((n, p) => n + p.policy.length, 0)).toBeLessThan(10_240);
  });

  test('Karpenter nodes: their own node role with an EC2_LINUX access entry', () => {
    const nodeEntries = Object.values<any>(resourcesOf(infra, 'aws_eks_access_entry')).filter((e) => e.type === 'EC2_LINUX');
    expect(nodeEntries).toHaveLength(1);
    expect(nodeEntries[0]).toMatchObject({
      cluster_name: '${aws_eks_cluster.Resource.name}',
      principal_arn: '${aws_iam_role.Karpenter_NodeRole_015FD185.arn}',
      type: 'EC2_LINUX',
    });
    const attachments = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy_attachment'))
      .filter((a) => a.role === '${aws_iam_role.Karpenter_NodeRole_015FD185.name}').map((a) => a.policy_arn).sort();
    expect(attachments).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
  });

  test('interruption queue: SSE-SQS, 300 s retention, writable only by EventBridge (this cluster\'s rules) and SQS', () => {
    const queue = onlyResource(infra, 'aws_sqs_queue');
    expect(queue).toMatchObject({ name: 'p-prod-karpenter', sqs_managed_sse_enabled: true, message_retention_seconds: 300 });
    const policy = JSON.parse(onlyResource(infra, 'aws_sqs_queue_policy').policy);
    const allows = policy.Statement.filter((s: any) => s.Effect === 'Allow');
    expect(allows.flatMap((s: any) => s.Principal.Service).sort()).toEqual(['events.amazonaws.com', 'sqs.amazonaws.com']);
    for (const s of allows) {
      expect(s.Action).toBe('sqs:SendMessage');
      expect(s.Resource).toBe('${aws_sqs_queue.Karpenter_InterruptionQueue_D68B7CB0.arn}');
    }
    const events = allows.find((s: any) => s.Principal.Service.includes('events.amazonaws.com'));
    expect(events.Condition.ArnEquals['aws:SourceArn']).toHaveLength(5);
    expect(policy.Statement.find((s: any) => s.Sid === 'DenyHTTP')).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  });

  test('EventBridge rules for Spot warnings, rebalance, state changes, health events and reservation interruptions, each targeting the queue', () => {
    const rules = resourcesOf(infra, 'aws_cloudwatch_event_rule');
    const patterns = Object.values<any>(rules).map((r) => JSON.parse(r.event_pattern));
    expect(patterns.map((p) => p['detail-type'][0]).sort()).toEqual([
      'AWS Health Event',
      'EC2 Capacity Reservation Instance Interruption Warning',
      'EC2 Instance Rebalance Recommendation',
      'EC2 Instance State-change Notification',
      'EC2 Spot Instance Interruption Warning',
    ]);
    expect(patterns.find((p) => p['detail-type'][0] === 'AWS Health Event').source).toEqual(['aws.health']);
    const targets = Object.values<any>(resourcesOf(infra, 'aws_cloudwatch_event_target'));
    expect(targets.map((t) => t.rule).sort()).toEqual(Object.keys(rules).map((id) => `\${aws_cloudwatch_event_rule.${id}.name}`).sort());
    for (const t of targets) expect(t.arn).toBe('${aws_sqs_queue.Karpenter_InterruptionQueue_D68B7CB0.arn}');
  });

  test('tags the cluster security group for discovery', () => {
    expect(onlyResource(infra, 'aws_ec2_tag')).toMatchObject({
      resource_id: '${aws_eks_cluster.Resource.vpc_config[0].cluster_security_group_id}',
      key: 'karpenter.sh/discovery',
      value: 'p-prod',
    });
  });
});

describe('Karpenter pools: OS, sharing, reserved capacity, existing VPC', () => {
  test('nodeAmiRelease moves the pinned AL2023 release on purpose; "latest" or a malformed tag is rejected', () => {
    const cluster = newCluster({ nodeAmiRelease: 'v20260724' });
    h100(cluster);
    expect(objectOf(synthApp(App.of(cluster)), 'EC2NodeClass', 'h100').spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260724' }]);
    expectConfigError(() => newCluster({ nodeAmiRelease: 'latest' }), { path: 'p/prod', field: 'nodeAmiRelease', received: 'latest' });
  });

  test('Bottlerocket: bottlerocket alias, encrypted OS volume and the data volume /dev/xvdb', () => {
    const cluster = newCluster();
    h100(cluster, { os: NodeOs.BOTTLEROCKET_NVIDIA, diskGiB: 500 });
    const synth = synthApp(App.of(cluster));
    const nodeClass = objectOf(synth, 'EC2NodeClass', 'h100');
    expect(nodeClass.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@latest' }]);
    expect(nodeClass.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeSize: '4Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
      { deviceName: '/dev/xvdb', ebs: { volumeSize: '500Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } },
    ]);
    for (const o of karpenterObjects(synth)) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('time slicing: the limit counts whole GPUs, not replicas (Karpenter does not see time slicing)', () => {
    const cluster = newCluster();
    const l4 = new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.onDemand(), maxNodes: 2, sharing: GpuSharing.timeSlicing(4) });
    const synth = synthApp(App.of(cluster));
    const pool = objectOf(synth, 'NodePool', 'l4');
    // g6.48xlarge has 8 L4s: 2 nodes × 8 GPUs, whatever the 4 replicas per GPU.
    expect(pool.spec.limits).toEqual({ 'nvidia.com/gpu': '16', 'nodes': '2' });
    expect(l4.unitsPerNode).toBe(4);
    expect(requirement(pool, 'karpenter.sh/capacity-type').values).toEqual(['on-demand']);
    for (const o of karpenterObjects(synth)) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('Inferentia: AL2023 (Neuron variant) and a limit on Neuron devices, with the Neuron taint', () => {
    const cluster = newCluster();
    const inf2 = new GpuNodePool(cluster, 'inf2', { accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 3 });
    const synth = synthApp(App.of(cluster));
    const pool = objectOf(synth, 'NodePool', 'inf2');
    const largest = Math.max(...Accelerator.AWS_INFERENTIA2.instanceTypes('aws').map((t) => t.acceleratorCount));
    expect(pool.spec.limits).toEqual({ 'aws.amazon.com/neuron': String(3 * largest), 'nodes': '3' });
    expect(pool.spec.template.spec.taints).toEqual([{ key: 'aws.amazon.com/neuron', effect: 'NoSchedule' }]);
    expect(pool.spec.template.metadata.labels).toEqual(inf2.nodeLabels);
    expect(objectOf(synth, 'EC2NodeClass', 'inf2').spec.amiSelectorTerms).toEqual([{ alias: 'al2023@v20260714' }]);
    for (const o of karpenterObjects(synth)) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('reserved capacity: the reserved capacity type and the reservations on the EC2NodeClass', () => {
    const cluster = newCluster();
    h100(cluster, { capacity: Capacity.reserved({ capacityReservationIds: [RESERVATION], fallbackToOnDemand: true }) });
    const synth = synthApp(App.of(cluster));
    expect(requirement(objectOf(synth, 'NodePool', 'h100'), 'karpenter.sh/capacity-type').values).toEqual(['reserved', 'on-demand']);
    expect(objectOf(synth, 'EC2NodeClass', 'h100').spec.capacityReservationSelectorTerms).toEqual([{ id: RESERVATION }]);
    for (const o of karpenterObjects(synth)) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('existing VPC: subnets selected by id (they carry no discovery tag)', () => {
    const cluster = newCluster({ availabilityZones: undefined, existingVpc: { vpcId: 'vpc-0abc', privateSubnetIds: ['subnet-0aaa', 'subnet-0bbb'] } });
    h100(cluster);
    const synth = synthApp(App.of(cluster));
    const nodeClass = objectOf(synth, 'EC2NodeClass', 'h100');
    expect(nodeClass.spec.subnetSelectorTerms).toEqual([{ id: 'subnet-0aaa' }, { id: 'subnet-0bbb' }]);
    expect(nodeClass.spec.securityGroupSelectorTerms).toEqual([{ tags: { 'karpenter.sh/discovery': 'p-prod' } }]);
    for (const o of karpenterObjects(synth)) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('two pools share one Karpenter installation', () => {
    const cluster = newCluster();
    h100(cluster);
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 3 });
    const synth = synthApp(App.of(cluster));
    expect(karpenterObjects(synth).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['EC2NodeClass/h100', 'EC2NodeClass/l4', 'NodePool/h100', 'NodePool/l4']);
    expect(Object.keys(resourcesOf(synth.stack('p-prod-infra'), 'aws_sqs_queue'))).toHaveLength(1);
  });
});

describe('Karpenter object builders', () => {
  test('builders emit only the fields they are given and validate as is', () => {
    const cls = ec2NodeClass({ name: 'x', amiAlias: 'al2023@latest', role: 'node-role', subnets: { ids: ['subnet-1'] }, securityGroups: { ids: ['sg-1'] }, dataVolumeGiB: 100, tags: { 'kubernetes.io/cluster/x': 'owned', 'team': 'ml' } });
    // Restricted tags are dropped (the CRD's CEL rules reject them).
    expect(cls.spec.tags).toEqual({ team: 'ml' });
    const np = nodePool({ name: 'x', nodeClassName: 'x', requirements: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] }] });
    expect(np.spec.limits).toBeUndefined();
    expect(np.spec.template.metadata).toBeUndefined();
    for (const o of [cls, np]) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('restricted node labels follow the NodePool CRD rules', () => {
    expect(restrictedNodeLabelReason('karpenter.sh/capacity-type')).toBeUndefined();
    expect(restrictedNodeLabelReason('karpenter.k8s.aws/instance-gpu-name')).toBeUndefined();
    expect(restrictedNodeLabelReason('cdktf-ai-infra/pool')).toBeUndefined();
    expect(restrictedNodeLabelReason('karpenter.sh/nodepool')).toBeDefined();
    expect(restrictedNodeLabelReason('karpenter.sh/anything')).toBeDefined();
    expect(restrictedNodeLabelReason('karpenter.k8s.aws/something')).toBeDefined();
    expect(restrictedNodeLabelReason('kubernetes.io/hostname')).toBeDefined();
  });
});

describe('Karpenter validation', () => {
  function spec(cluster: EksCluster, overrides: Partial<NodePoolSpec> = {}): NodePoolSpec {
    return {
      owner: new Construct(cluster, 'raw'),
      provisioner: 'karpenter',
      name: 'raw',
      instanceTypes: ['p5.48xlarge'],
      capacityKind: 'on-demand',
      fallbackToOnDemand: false,
      eksCapacityType: 'ON_DEMAND',
      placementGroup: false,
      efaInterfaces: 0,
      minNodes: 0,
      maxNodes: 1,
      labels: {},
      taints: [],
      diskGiB: 200,
      os: 'AL2023_NVIDIA',
      minDevicesPerNode: 8,
      maxDevicesPerNode: 8,
      extendedResources: { 'nvidia.com/gpu': '8' },
      ...overrides,
    };
  }

  test('throws when minNodes > 0 (Karpenter has no minimum)', () => {
    const e = expectConfigError(() => h100(newCluster(), { minNodes: 1 }), { path: 'p/prod/h100', field: 'minNodes', received: 1 });
    expect(e.expected).toContain('use a managed node group');
    expect(e.expected).toContain('minNodes: 0');
  });

  test('throws when a node label is in a domain Karpenter reserves', () => {
    expectConfigError(() => h100(newCluster(), { labels: { 'karpenter.sh/team': 'ml' } }),
      { path: 'p/prod/h100', field: 'labels.karpenter.sh/team', received: 'karpenter.sh/team' });
  });

  test('throws when a taint key is in a domain Karpenter reserves', () => {
    expectConfigError(() => h100(newCluster(), { taints: [{ key: 'karpenter.k8s.aws/dedicated', effect: 'NoSchedule' }] }),
      { path: 'p/prod/h100', field: 'taints[].key', received: 'karpenter.k8s.aws/dedicated' });
  });

  test('throws when reserved capacity comes without its Capacity (the reservation ids)', () => {
    const cluster = newCluster();
    expectConfigError(() => realiseKarpenterNodePool(cluster, spec(cluster, { capacityKind: 'reserved' })),
      { path: 'p/prod/raw', field: 'capacityKind', received: 'reserved' });
  });

  test('throws when the OS has no Karpenter AMI alias', () => {
    const cluster = newCluster();
    expectConfigError(() => realiseKarpenterNodePool(cluster, spec(cluster, { os: 'WINDOWS_2022' })),
      { path: 'p/prod/raw', field: 'os', received: 'WINDOWS_2022' });
  });

  test('throws when the pool name is not a DNS label', () => {
    const cluster = newCluster();
    expectConfigError(() => realiseKarpenterNodePool(cluster, spec(cluster, { name: 'Raw_Pool' })),
      { path: 'p/prod/raw', field: 'name', received: 'Raw_Pool' });
  });
});

const tfEnv = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of an EKS cluster with Karpenter', tfEnv.missing);
const maybe = skipPlan ? test.skip : test;

describe('Karpenter offline plan', () => {
  maybe('the infra stack of a cluster with Karpenter and a spot H100 pool plans offline', () => {
    const cluster = newCluster();
    h100(cluster);
    const json = synthApp(App.of(cluster)).stack('p-prod-infra').json;
    expect(unplannableReason(json, tfEnv)).toBeUndefined();
    const result = planOffline(json, { validate: false });
    if (!result.ok) console.error(result.output);
    expect(result.failedStep).toBeUndefined();
    expect(result.ok).toBe(true);
    const planned = result.plannedResources.map((r) => r.type);
    for (const t of ['aws_sqs_queue', 'aws_sqs_queue_policy', 'aws_ec2_tag', 'aws_eks_access_entry', 'aws_iam_role_policy', 'aws_eks_pod_identity_association']) {
      expect(planned).toContain(t);
    }
    expect(planned.filter((t) => t === 'aws_cloudwatch_event_rule')).toHaveLength(5);
    expect(planned.filter((t) => t === 'aws_cloudwatch_event_target')).toHaveLength(5);
    expect(result.plannedResources.every((r) => r.actions.join() === 'create')).toBe(true);
  }, 180_000);
});
