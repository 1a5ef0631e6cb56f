import { Accelerator, AiPlatform, Capacity, Duration, GpuNodePool, NodeProvisioner, TrainingPipeline, TrainingStage } from '../../lib';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, onlyResource, resourcesOf, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';
import { jobSetOf } from '../training/support';

const base = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], ...EKS_ACCESS };

describe('GpuNodePool placement on managed node groups', () => {
  const app = testApp();
  const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', base);
  new GpuNodePool(cluster, 'h100', {
    accelerator: Accelerator.NVIDIA_H100,
    instanceTypes: ['p5.48xlarge'],
    capacity: Capacity.onDemand(),
    maxNodes: 2,
    availabilityZone: 'us-east-1b',
    placementGroup: true,
    efa: true,
  });
  const infra = synthApp(app).stack('acme-prod-infra');
  const group = Object.values<any>(resourcesOf(infra, 'aws_eks_node_group')).find((g) => g.node_group_name_prefix.includes('h100'));
  const template = Object.values<any>(resourcesOf(infra, 'aws_launch_template')).find((t) => t.name_prefix.includes('h100'));

  test('single zone: only that zone\'s private subnet', () => {
    expect(group.subnet_ids).toHaveLength(1);
    expect(group.subnet_ids[0]).toMatch(/^\$\{aws_subnet\.Network_Private1_[0-9A-F]+\.id\}$/);
  });

  test('a cluster placement group in the launch template', () => {
    expect(onlyResource(infra, 'aws_placement_group')).toMatchObject({ strategy: 'cluster', name: 'acme-prod-h100' });
    expect(template.placement.group_name).toMatch(/^\$\{aws_placement_group\.h100_PlacementGroup_[0-9A-F]+\.name\}$/);
  });

  test('EFA: one interface per network card (p5.48xlarge: 32), the first primary, in a self-referencing group', () => {
    expect(template.network_interfaces).toHaveLength(32);
    expect(template.network_interfaces[0]).toMatchObject({ device_index: 0, network_card_index: 0, interface_type: 'efa' });
    expect(template.network_interfaces[1]).toMatchObject({ device_index: 1, network_card_index: 1, interface_type: 'efa' });
    const sg = onlyResource(infra, 'aws_security_group');
    expect(sg.ingress).toEqual([expect.objectContaining({ self: true, protocol: '-1' })]);
    expect(group.labels['vpc.amazonaws.com/efa.present']).toBe('true');
    const tags = Object.values<any>(resourcesOf(infra, 'aws_autoscaling_group_tag')).map((t) => t.tag);
    expect(tags).toContainEqual({ key: 'k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa', value: '32', propagate_at_launch: false });
  });

  test('EFA: the EFA device plugin (aws/eks-charts v0.5.30) runs on the EFA pool\'s nodes, tolerating the accelerator taints', () => {
    const addons = synthApp(app).stack('acme-prod-addons');
    const release = Object.values<any>(resourcesOf(addons, 'helm_release')).find((r) => r.chart === 'aws-efa-k8s-device-plugin');
    expect(release).toMatchObject({ repository: 'https://aws.github.io/eks-charts', version: 'v0.5.30', namespace: 'kube-system' });
    expect(JSON.parse(release.values[0])).toEqual({
      nodeSelector: { 'vpc.amazonaws.com/efa.present': 'true' },
      tolerations: [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        { key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' },
      ],
    });
  });

  const env = terraformEnv();
  (skipLoudlyUnlessCi('offline plan of an EFA pool', env.missing) ? test.skip : test)('plans offline', () => {
    const result = planOffline(infra.json, { validate: false });
    if (!result.ok) throw new Error(result.output.slice(-4000));
    expect(result.plannedResources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws_placement_group', 'aws_security_group']));
  }, 180_000);
});

describe('GpuNodePool placement on Karpenter', () => {
  test('a zone becomes a NodePool requirement that validates', () => {
    const app = testApp();
    const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', { ...base, karpenter: true });
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2, availabilityZone: 'us-east-1c' });
    const pool = kubernetesObjects(synthApp(app)).find((o) => o.manifest.kind === 'NodePool')!.manifest;
    expect(pool.spec.template.spec.requirements).toContainEqual({ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1c'] });
    expect(defaultRegistry().validate(pool)).toEqual([]);
  });
  test('throws when EFA or a placement group is asked of Karpenter', () => {
    const cluster = new AiPlatform(testApp(), 'acme').addEksCluster('prod', { ...base, karpenter: true });
    expect(() => new GpuNodePool(cluster, 'h100', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 2, efa: true, provisioner: NodeProvisioner.KARPENTER }))
      .toThrow(/acme\/prod\/h100: invalid efa: received true; expected a managed node group/);
  });
});

test('EFA interfaces follow the pool\'s instance type (p5.4xlarge: 1; a managed node group has one shape)', () => {
  const app = testApp();
  const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', base);
  new GpuNodePool(cluster, 'h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.4xlarge'], maxNodes: 1, efa: true });
  const template = Object.values<any>(resourcesOf(synthApp(app).stack('acme-prod-infra'), 'aws_launch_template')).find((t) => t.name_prefix.includes('h100'));
  expect(template.network_interfaces).toHaveLength(1);
});

describe('placement validation', () => {
  const cluster = () => new AiPlatform(testApp(), 'acme').addEksCluster('prod', base);
  test('throws when EFA is asked of instance types without it', () => {
    expect(() => new GpuNodePool(cluster(), 'l4', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], maxNodes: 1, efa: true }))
      .toThrow(/invalid efa: received true; expected instance types that support EFA \(g6.xlarge do not\)/);
  });
  test('throws when a placement group has no zone', () => {
    expect(() => new GpuNodePool(cluster(), 'h', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 1, placementGroup: true }))
      .toThrow(/invalid placementGroup: received true; expected an availabilityZone/);
  });
  test('throws when the zone is in another region or not one of the cluster\'s', () => {
    expect(() => new GpuNodePool(cluster(), 'h', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 1, availabilityZone: 'eu-west-1a' }))
      .toThrow(/invalid availabilityZone: received "eu-west-1a"; expected a zone of the cluster's region us-east-1/);
    expect(() => new GpuNodePool(cluster(), 'h', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 1, availabilityZone: 'us-east-1f' }))
      .toThrow(/received "us-east-1f"; expected one of the cluster's zones: us-east-1a, us-east-1b, us-east-1c/);
  });
  test('throws when an existing VPC gives no subnet per zone', () => {
    const c = new AiPlatform(testApp(), 'acme').addEksCluster('prod', {
      region: 'us-east-1', existingVpc: { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'] }, ...EKS_ACCESS,
    });
    expect(() => new GpuNodePool(c, 'h', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 1, availabilityZone: 'us-east-1a' }))
      .toThrow(/existingVpc.privateSubnetIdsByZone/);
  });
});

describe('EFA for training pods (issue 16)', () => {
  function trainOn(efa: boolean, gpusPerWorker = 8): any {
    const app = testApp();
    const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', base);
    const pool = new GpuNodePool(cluster, 'h100', {
      accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], maxNodes: 2, availabilityZone: 'us-east-1b', placementGroup: efa, efa,
    });
    new TrainingPipeline(cluster, 'llm', {
      stages: [TrainingStage.train('train', { image: 'ghcr.io/acme/train:1.0', pool, workers: 2, gpusPerWorker, expectedDuration: Duration.hours(1) })],
      dataUri: 's3://acme-data/llm/',
      gates: [],
    });
    const wt = kubernetesObjects(synthApp(app)).find((o) => o.manifest.kind === 'WorkflowTemplate')!.manifest;
    return { container: jobSetOf(wt).spec.replicatedJobs[0].template.spec.template.spec.containers[0], app };
  }

  test('workers on an EFA pool request the node\'s EFA interfaces (vpc.amazonaws.com/efa), their share when they take part of a node', () => {
    const whole = trainOn(true).container;
    expect(whole.resources.requests).toMatchObject({ 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '32' });
    expect(whole.resources.limits).toMatchObject({ 'nvidia.com/gpu': '8', 'vpc.amazonaws.com/efa': '32' });
    expect(trainOn(true, 4).container.resources.requests['vpc.amazonaws.com/efa']).toBe('16');
  });

  test('no EFA request and no EFA device plugin without efa', () => {
    const { container, app } = trainOn(false);
    expect(container.resources.requests['vpc.amazonaws.com/efa']).toBeUndefined();
    const addons = synthApp(app).stack('acme-prod-addons');
    expect(Object.values<any>(resourcesOf(addons, 'helm_release')).map((r) => r.chart)).not.toContain('aws-efa-k8s-device-plugin');
  });
});
