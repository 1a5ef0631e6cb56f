import { App } from 'cdktf';
import { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool, GpuNodePoolProps, NodeOs } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { ConfigError, renderValue } from '../../lib/core/errors';
import { GpuSharing, MigStrategy } from '../../lib/core/gpu-sharing';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { resourcesOf, synthApp, SynthesizedStack, testApp } from '../support/synth';

const TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';
const GPU_TAINT = { key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' };

/** Run `fn`, expect a ConfigError whose message names the construct path, the field and the value received. */
function expectConfigError(fn: () => unknown, want: { path: string; field: string; received: unknown }): ConfigError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const e = error as ConfigError;
  expect(e.message).toContain(`${want.path}: invalid ${want.field}: received ${renderValue(want.received)}`);
  return e;
}

function newCluster(): EksCluster {
  const platform = new AiPlatform(testApp(), 'acme');
  return platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'] });
}

function infraOf(cluster: EksCluster): SynthesizedStack {
  return synthApp(App.of(cluster)).stack('acme-prod-infra');
}

/** Node groups of a pool (the system node group excluded), keyed by logical id. */
function poolGroups(infra: SynthesizedStack): Record<string, any> {
  return Object.fromEntries(Object.entries<any>(resourcesOf(infra, 'aws_eks_node_group')).filter(([id]) => id !== 'SystemNodes'));
}

/** Cluster Autoscaler node-template tags, per Auto Scaling group reference: `{ asg: { key: value } }`. */
function templateTags(infra: SynthesizedStack): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const t of Object.values<any>(resourcesOf(infra, 'aws_autoscaling_group_tag'))) {
    expect(t.tag.propagate_at_launch).toBe(false);
    (out[t.autoscaling_group_name] ??= {})[t.tag.key] = t.tag.value;
  }
  return out;
}

const asgOf = (groupId: string) => `\${aws_eks_node_group.${groupId}.resources[0].autoscaling_groups[0].name}`;

describe('GpuNodePool: spot L4 with fallback and time-slicing on EKS', () => {
  let pool: GpuNodePool;
  let infra: SynthesizedStack;
  let groups: Record<string, any>;
  let spotId: string;
  let fallbackId: string;
  beforeAll(() => {
    const cluster = newCluster();
    pool = new GpuNodePool(cluster, 'l4', {
      accelerator: Accelerator.NVIDIA_L4,
      capacity: Capacity.spot({ fallbackToOnDemand: true }),
      maxNodes: 10,
      sharing: GpuSharing.timeSlicing(4),
    });
    infra = infraOf(cluster);
    groups = poolGroups(infra);
    spotId = Object.keys(groups).find((id) => /^l4_[0-9A-F]{8}$/.test(id))!;
    fallbackId = Object.keys(groups).find((id) => id.startsWith('l4_OnDemandFallback_'))!;
  });

  test('the pool is realised as an EKS managed node group (escape hatch on the spot group)', () => {
    expect(pool.realisation.provisioner).toBe('eks-managed-node-group');
    expect(pool.realisation.resource?.node.path).toBe('acme-prod-infra/l4/Resource');
    expect(Object.keys(groups).sort()).toEqual([fallbackId, spotId].sort());
  });

  test('a SPOT group of NVIDIA AL2023 nodes over the L4 instance types, scaling from zero', () => {
    const g = groups[spotId];
    expect(g).toMatchObject({
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'SPOT',
      scaling_config: { min_size: 0, max_size: 10, desired_size: 0 },
      cluster_name: '${aws_eks_cluster.Resource.name}',
      node_role_arn: '${aws_iam_role.NodeRole.arn}',
      node_group_name_prefix: 'acme-prod-l4-spot-',
    });
    expect(g.instance_types).toEqual(Accelerator.NVIDIA_L4.instanceTypes('aws').map((t) => t.name));
    expect(g.instance_types[0]).toBe('g6.xlarge');
    expect(g.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  test('nodes are tainted nvidia.com/gpu:NO_SCHEDULE and labelled for the device plugin', () => {
    const g = groups[spotId];
    expect(g.taint).toEqual([GPU_TAINT]);
    expect(g.labels).toEqual({
      'cdktf-ai-infra/pool': 'l4',
      'cdktf-ai-infra/accelerator': 'nvidia-l4',
      'nvidia.com/gpu.present': 'true',
      'nvidia.com/device-plugin.config': 'time-slicing-4',
    });
  });

  test('a second ON_DEMAND group with the same labels and taints is the fallback', () => {
    const spot = groups[spotId];
    const od = groups[fallbackId];
    expect(od).toMatchObject({ capacity_type: 'ON_DEMAND', ami_type: 'AL2023_x86_64_NVIDIA', node_group_name_prefix: 'acme-prod-l4-od-' });
    expect(od.scaling_config).toEqual({ min_size: 0, max_size: 10, desired_size: 0 });
    expect(od.labels).toEqual(spot.labels);
    expect(od.taint).toEqual(spot.taint);
    expect(od.instance_types).toEqual(spot.instance_types);
  });

  test('each group has its own secure launch template with a 200 GiB encrypted gp3 root volume', () => {
    const templates = resourcesOf(infra, 'aws_launch_template');
    for (const g of [groups[spotId], groups[fallbackId]]) {
      const ltId = /^\$\{aws_launch_template\.(.+)\.id\}$/.exec(g.launch_template.id)![1];
      const lt = templates[ltId];
      expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/xvda', ebs: { volume_size: 200, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
      expect(g.launch_template.version).toBe(`\${aws_launch_template.${ltId}.latest_version}`);
    }
  });

  test('Cluster Autoscaler node-template tags on both Auto Scaling groups (scale from zero)', () => {
    const expected = {
      [`${TEMPLATE}/label/cdktf-ai-infra/pool`]: 'l4',
      [`${TEMPLATE}/label/cdktf-ai-infra/accelerator`]: 'nvidia-l4',
      [`${TEMPLATE}/label/nvidia.com/gpu.present`]: 'true',
      [`${TEMPLATE}/label/nvidia.com/device-plugin.config`]: 'time-slicing-4',
      [`${TEMPLATE}/taint/nvidia.com/gpu`]: ':NoSchedule',
      // Smallest L4 type has 1 GPU, advertised 4 times.
      [`${TEMPLATE}/resources/nvidia.com/gpu`]: '4',
    };
    expect(templateTags(infra)).toEqual({ [asgOf(spotId)]: expected, [asgOf(fallbackId)]: expected });
  });

  test('resourceName and unitsPerNode count time-slicing replicas', () => {
    expect(pool.resourceName).toBe('nvidia.com/gpu');
    expect(pool.unitsPerNode).toBe(4);
    expect(pool.sharing.replicas).toBe(4);
  });

  test('nodeSelector and tolerations', () => {
    expect(pool.nodeSelector).toEqual({ 'cdktf-ai-infra/pool': 'l4' });
    expect(pool.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });
});

describe('GpuNodePool variants', () => {
  function build(id: string, props: GpuNodePoolProps): { pool: GpuNodePool; infra: SynthesizedStack } {
    const cluster = newCluster();
    const pool = new GpuNodePool(cluster, id, props);
    return { pool, infra: infraOf(cluster) };
  }

  test('on-demand by default: one ON_DEMAND group, no fallback', () => {
    const { pool, infra } = build('t4', { accelerator: Accelerator.NVIDIA_T4, maxNodes: 2 });
    expect(pool.capacity.kind).toBe('on-demand');
    const groups = Object.values<any>(poolGroups(infra));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ capacity_type: 'ON_DEMAND', scaling_config: { min_size: 0, max_size: 2, desired_size: 0 } });
    expect(groups[0].labels['nvidia.com/device-plugin.config']).toBe('exclusive');
    expect(pool.unitsPerNode).toBe(1);
  });

  test('spot without fallback: a single SPOT group', () => {
    const { infra } = build('l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot(), minNodes: 1, maxNodes: 3 });
    const groups = Object.values<any>(poolGroups(infra));
    expect(groups.map((g) => g.capacity_type)).toEqual(['SPOT']);
    expect(groups[0].scaling_config).toEqual({ min_size: 1, max_size: 3, desired_size: 1 });
  });

  test('a spot fallback group starts at zero even when the spot group has a minimum', () => {
    const { infra } = build('l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot({ fallbackToOnDemand: true }), minNodes: 2, maxNodes: 3 });
    const byType = Object.fromEntries(Object.values<any>(poolGroups(infra)).map((g) => [g.capacity_type, g.scaling_config]));
    expect(byType).toEqual({ SPOT: { min_size: 2, max_size: 3, desired_size: 2 }, ON_DEMAND: { min_size: 0, max_size: 3, desired_size: 0 } });
  });

  test('explicit instance types set the accelerator and the GPUs per node', () => {
    const { pool, infra } = build('l4x4', { instanceTypes: ['g6.12xlarge', 'g6.24xlarge'], maxNodes: 2, sharing: GpuSharing.timeSlicing(2) });
    expect(pool.accelerator).toBe(Accelerator.NVIDIA_L4);
    expect(pool.instanceTypes).toEqual(['g6.12xlarge', 'g6.24xlarge']);
    expect(pool.unitsPerNode).toBe(8);
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.instance_types).toEqual(['g6.12xlarge', 'g6.24xlarge']);
    expect(Object.values(templateTags(infra))[0][`${TEMPLATE}/resources/nvidia.com/gpu`]).toBe('8');
  });

  test('units per node hold on the smallest instance type of the pool', () => {
    const { pool } = build('l4', { instanceTypes: ['g6.48xlarge', 'g6.xlarge'], maxNodes: 1 });
    expect(pool.unitsPerNode).toBe(1);
  });

  test('MIG mixed on H100: per-profile resource, 7 slices per GPU', () => {
    const { pool, infra } = build('h100', {
      accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], maxNodes: 1, sharing: GpuSharing.mig('1g.10gb', { strategy: MigStrategy.MIXED }),
    });
    expect(pool.resourceName).toBe('nvidia.com/mig-1g.10gb');
    expect(pool.unitsPerNode).toBe(56);
    const tags = Object.values(templateTags(infra))[0];
    expect(tags[`${TEMPLATE}/resources/nvidia.com/mig-1g.10gb`]).toBe('56');
    expect(tags[`${TEMPLATE}/label/nvidia.com/device-plugin.config`]).toBe('mig-mixed-1g.10gb');
  });

  test('a MIG pool labels its nodes with the MIG layout the GPU Operator applies', () => {
    // Without `nvidia.com/mig.config`, the MIG manager never partitions the GPUs: nodes advertise
    // 8 whole GPUs while the autoscaler template promises 56 slices.
    const sharing = GpuSharing.mig('1g.10gb');
    const { pool, infra } = build('h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], maxNodes: 1, sharing });
    expect(pool.nodeLabels['nvidia.com/mig.config']).toBe(sharing.migConfig);
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.labels['nvidia.com/mig.config']).toBe('all-1g.10gb');
  });

  test('Neuron: AL2023 Neuron AMI, neuron taint, no NVIDIA labels', () => {
    const { pool, infra } = build('inf2', { accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 2 });
    expect(pool.resourceName).toBe('aws.amazon.com/neuron');
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.ami_type).toBe('AL2023_x86_64_NEURON');
    expect(group.taint).toEqual([{ key: 'aws.amazon.com/neuron', effect: 'NO_SCHEDULE' }]);
    expect(group.labels).toEqual({ 'cdktf-ai-infra/pool': 'inf2', 'cdktf-ai-infra/accelerator': 'aws-inferentia2' });
    expect(pool.tolerations).toEqual([{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('Bottlerocket: NVIDIA Bottlerocket AMI, the data volume is the one sized', () => {
    const { infra } = build('l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1, os: NodeOs.BOTTLEROCKET_NVIDIA, diskGiB: 500 });
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.ami_type).toBe('BOTTLEROCKET_x86_64_NVIDIA');
    const [lt] = Object.values<any>(resourcesOf(infra, 'aws_launch_template')).filter((t) => t.name_prefix === 'acme-prod-l4-');
    expect(lt.block_device_mappings).toEqual([{ device_name: '/dev/xvdb', ebs: { volume_size: 500, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' } }]);
  });

  test('extra labels and taints, mapped to EKS spelling and autoscaler tags', () => {
    const { pool, infra } = build('l4', {
      accelerator: Accelerator.NVIDIA_L4, maxNodes: 1,
      labels: { 'team': 'search' },
      taints: [{ key: 'dedicated', value: 'search', effect: 'NoExecute' }],
    });
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.labels.team).toBe('search');
    expect(group.taint).toEqual([GPU_TAINT, { key: 'dedicated', value: 'search', effect: 'NO_EXECUTE' }]);
    const tags = Object.values(templateTags(infra))[0];
    expect(tags[`${TEMPLATE}/label/team`]).toBe('search');
    expect(tags[`${TEMPLATE}/taint/dedicated`]).toBe('search:NoExecute');
    expect(pool.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });

  test('acceleratorTaint: false leaves the nodes untainted', () => {
    const { pool, infra } = build('l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1, acceleratorTaint: false });
    expect(pool.taints).toEqual([]);
    expect(pool.tolerations).toEqual([]);
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.taint ?? []).toEqual([]);
    expect(Object.keys(Object.values(templateTags(infra))[0]).filter((k) => k.includes('/taint/'))).toEqual([]);
  });
});

describe('GpuNodePool validation', () => {
  let cluster: EksCluster;
  beforeAll(() => {
    cluster = newCluster();
  });
  const at = (id: string) => `acme/prod/${id}`;
  const L4 = Accelerator.NVIDIA_L4;

  test('throws when the id is not a DNS label', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'L4_Pool', { accelerator: L4, maxNodes: 1 }), { path: at('L4_Pool'), field: 'id', received: 'L4_Pool' });
  });

  test('throws when minNodes is negative', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'a', { accelerator: L4, minNodes: -1, maxNodes: 1 }), { path: at('a'), field: 'minNodes', received: -1 });
  });

  test('throws when minNodes is not an integer', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'b', { accelerator: L4, minNodes: 0.5, maxNodes: 1 }), { path: at('b'), field: 'minNodes', received: 0.5 });
  });

  test('throws when maxNodes is zero', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'c', { accelerator: L4, maxNodes: 0 }), { path: at('c'), field: 'maxNodes', received: 0 });
  });

  test('throws when maxNodes is below minNodes', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'd', { accelerator: L4, minNodes: 3, maxNodes: 2 }), { path: at('d'), field: 'maxNodes', received: 2 });
  });

  test('throws when neither accelerator nor instanceTypes is given', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'e', { maxNodes: 1 }), { path: at('e'), field: 'accelerator', received: undefined });
  });

  test('throws when instanceTypes is empty', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'f', { accelerator: L4, instanceTypes: [], maxNodes: 1 }), { path: at('f'), field: 'instanceTypes', received: [] });
  });

  test('throws when an instance type is not in the catalog', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'g', { instanceTypes: ['m6i.large'], maxNodes: 1 }), { path: at('g'), field: 'instanceTypes', received: 'm6i.large' });
  });

  test('throws when an instance type carries another accelerator', () => {
    const e = expectConfigError(() => new GpuNodePool(cluster, 'h', { accelerator: L4, instanceTypes: ['g6.xlarge', 'g5.xlarge'], maxNodes: 1 }),
      { path: at('h'), field: 'instanceTypes', received: 'g5.xlarge' });
    expect(e.expected).toContain('nvidia-a10g');
  });

  test('throws when instance types mix accelerators', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'i', { instanceTypes: ['g6.xlarge', 'p5.48xlarge'], maxNodes: 1 }), { path: at('i'), field: 'instanceTypes', received: 'p5.48xlarge' });
  });

  test('throws when an instance type is another cloud\'s machine type', () => {
    // g2-standard-4 carries an L4 on GCP: it is no EC2 instance type, and its GPU count is not the AWS catalog's.
    expectConfigError(() => new GpuNodePool(cluster, 'gcp', { accelerator: L4, instanceTypes: ['g2-standard-4'], maxNodes: 1 }),
      { path: at('gcp'), field: 'instanceTypes', received: 'g2-standard-4' });
  });

  test('throws when the accelerator has no AWS instance type', () => {
    const npu = Accelerator.custom({ name: 'acme-npu', resourceName: 'example.com/npu', memoryGiB: 16 });
    expectConfigError(() => new GpuNodePool(cluster, 'j', { accelerator: npu, maxNodes: 1 }), { path: at('j'), field: 'instanceTypes', received: undefined });
  });

  test('throws when spot is asked of an instance type without spot', () => {
    const reservedOnly = Accelerator.custom({
      name: 'acme-gpu', resourceName: 'nvidia.com/gpu', vendor: 'nvidia', memoryGiB: 48,
      instanceTypes: [{ cloud: 'aws', name: 'x9g.8xlarge', family: 'x9g', acceleratorName: 'acme-gpu', acceleratorCount: 4, efaSupported: false, architecture: 'x86_64', spotSupported: false }],
    });
    expectConfigError(() => new GpuNodePool(cluster, 'k', { accelerator: reservedOnly, capacity: Capacity.spot(), maxNodes: 1 }), { path: at('k'), field: 'capacity', received: 'spot' });
  });

  test('throws when GPU sharing is asked of a Neuron accelerator', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'l', { accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 1, sharing: GpuSharing.timeSlicing(2) }),
      { path: at('l'), field: 'sharing', received: 'timeSlicing(2)' });
  });

  test('throws when the MIG profile does not exist on the GPU', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'm', { accelerator: Accelerator.NVIDIA_H100, maxNodes: 1, sharing: GpuSharing.mig('1g.5gb') }),
      { path: at('m'), field: 'sharing.migProfile', received: '1g.5gb' });
  });

  test('throws when an NVIDIA pool asks for the Neuron OS', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'n', { accelerator: L4, maxNodes: 1, os: NodeOs.AL2023_NEURON }), { path: at('n'), field: 'os', received: 'AL2023_NEURON' });
  });

  test('throws when a Neuron pool asks for an NVIDIA OS', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'o', { accelerator: Accelerator.AWS_TRAINIUM, maxNodes: 1, os: NodeOs.BOTTLEROCKET_NVIDIA }),
      { path: at('o'), field: 'os', received: 'BOTTLEROCKET_NVIDIA' });
  });

  test('throws when diskGiB is out of range', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'p', { accelerator: L4, maxNodes: 1, diskGiB: 10 }), { path: at('p'), field: 'diskGiB', received: 10 });
    expectConfigError(() => new GpuNodePool(cluster, 'q', { accelerator: L4, maxNodes: 1, diskGiB: 100.5 }), { path: at('q'), field: 'diskGiB', received: 100.5 });
  });

  test('throws when a label key is invalid', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'r', { accelerator: L4, maxNodes: 1, labels: { 'bad key': 'x' } }), { path: at('r'), field: 'labels.bad key', received: 'bad key' });
  });

  test('throws when a label value is invalid', () => {
    expectConfigError(() => new GpuNodePool(cluster, 's', { accelerator: L4, maxNodes: 1, labels: { team: 'a b' } }), { path: at('s'), field: 'labels.team', received: 'a b' });
  });

  test('throws when a taint key is invalid', () => {
    expectConfigError(() => new GpuNodePool(cluster, 't', { accelerator: L4, maxNodes: 1, taints: [{ key: '-x', effect: 'NoSchedule' }] }),
      { path: at('t'), field: 'taints[].key', received: '-x' });
  });
});
