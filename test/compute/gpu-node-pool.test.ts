import { App } from 'cdktf';
import { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool, GpuNodePoolProps, NodeOs, NodeProvisioner } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { GpuSharing, MigStrategy } from '../../lib/core/gpu-sharing';
import { KubernetesVersion } from '../../lib/core/kubernetes-version';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingCluster } from '../../lib/platform/existing-cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { kubernetesObjects, resourcesOf, Synthesized, synthApp, SynthesizedStack, testApp } from '../support/synth';

const TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';
const GPU_TAINT = { key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' };

/** Run `fn`, expect a ConfigError whose message names the construct path, the field and the value received. */

function newCluster(platformName = 'acme', clusterId = 'prod', version?: KubernetesVersion): EksCluster {
  const platform = new AiPlatform(testApp(), platformName);
  return platform.addEksCluster(clusterId, { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version });
}

function infraOf(cluster: EksCluster): SynthesizedStack {
  return synthApp(App.of(cluster)).stack('acme-prod-infra');
}

/** The Helm releases of a synthesized addons stack by chart name, with their values parsed. */
function helmReleases(addons: SynthesizedStack): Record<string, { release: any; values: any }> {
  return Object.fromEntries(Object.values<any>(resourcesOf(addons, 'helm_release')).map((r) => [r.chart, { release: r, values: JSON.parse(r.values[0]) }]));
}

/** An IAM resource pattern (`*` wildcards) as a RegExp. */
function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
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

  test('a SPOT group of NVIDIA AL2023 nodes of one shape (the smallest L4 type), scaling from zero', () => {
    const g = groups[spotId];
    expect(g).toMatchObject({
      ami_type: 'AL2023_x86_64_NVIDIA',
      capacity_type: 'SPOT',
      scaling_config: { min_size: 0, max_size: 10, desired_size: 0 },
      cluster_name: '${aws_eks_cluster.Resource.name}',
      node_role_arn: '${aws_iam_role.NodeRole.arn}',
      node_group_name_prefix: 'acme-prod-l4-spot-',
    });
    // One shape per managed node group (Cluster Autoscaler AWS README): not g6.xlarge … g6.48xlarge.
    expect(g.instance_types).toEqual(['g6.xlarge']);
    expect(pool.instanceTypes).toEqual(['g6.xlarge']);
    expect(g.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  test('nodes are tainted nvidia.com/gpu:NO_SCHEDULE and labelled for the device plugin and the Cluster Autoscaler GPU label', () => {
    const g = groups[spotId];
    expect(g.taint).toEqual([GPU_TAINT]);
    expect(g.labels).toEqual({
      'cdktf-ai-infra/pool': 'l4',
      'cdktf-ai-infra/accelerator': 'nvidia-l4',
      'nvidia.com/gpu.present': 'true',
      'nvidia.com/device-plugin.config': 'time-slicing-4',
      'k8s.amazonaws.com/accelerator': 'nvidia-l4',
    });
    // Also in the scale-from-zero template, so that the autoscaler knows it before a node exists.
    for (const tags of Object.values(templateTags(infra))) expect(tags[`${TEMPLATE}/label/k8s.amazonaws.com/accelerator`]).toBe('nvidia-l4');
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
      [`${TEMPLATE}/label/k8s.amazonaws.com/accelerator`]: 'nvidia-l4',
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

  test('maxUnits counts nodes x GPUs of the smallest type x replicas', () => {
    expect(pool.maxUnits).toBe(40);
  });
});

describe('GpuNodePool: what a managed node group pool installs in the addons stack', () => {
  let synth: Synthesized;
  let releases: Record<string, { release: any; values: any }>;
  let pool: GpuNodePool;
  beforeAll(() => {
    const cluster = newCluster();
    pool = cluster.addGpuNodePool('l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 4, sharing: GpuSharing.timeSlicing(4) });
    new GpuNodePool(cluster, 't4', { accelerator: Accelerator.NVIDIA_T4, maxNodes: 1 });
    pool.resourceFlavor();
    synth = synthApp(App.of(cluster));
    releases = helmReleases(synth.stack('acme-prod-addons'));
  });

  test('cluster.addGpuNodePool is new GpuNodePool under the cluster', () => {
    expect(pool).toBeInstanceOf(GpuNodePool);
    expect(pool.node.path).toBe('acme/prod/l4');
  });

  test('one NVIDIA device plugin release with every pool\'s sharing config, selected per node by label', () => {
    const { release, values } = releases['nvidia-device-plugin'];
    expect(release).toMatchObject({ repository: 'https://nvidia.github.io/k8s-device-plugin', version: '0.20.0', namespace: 'nvidia-device-plugin' });
    expect(values.config.default).toBe('exclusive');
    expect(Object.keys(values.config.map).sort()).toEqual(['exclusive', 'time-slicing-4']);
    expect(JSON.parse(values.config.map['time-slicing-4'])).toEqual(GpuSharing.timeSlicing(4).devicePluginConfig(Accelerator.NVIDIA_L4));
    expect(JSON.parse(values.config.map['time-slicing-4']).sharing.timeSlicing.resources).toEqual([{ name: 'nvidia.com/gpu', replicas: 4 }]);
  });

  test('GPU feature discovery stays off without MPS; an MPS pool turns it on (the MPS control daemon needs its nvidia.com/mps.capable label)', () => {
    expect(releases['nvidia-device-plugin'].values.gfd).toEqual({ enabled: false });
    const cluster = newCluster();
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2, sharing: GpuSharing.mps(4) });
    const values = helmReleases(synthApp(App.of(cluster)).stack('acme-prod-addons'))['nvidia-device-plugin'].values;
    expect(values.gfd).toEqual({ enabled: true });
    expect(JSON.parse(values.config.map['mps-4']).sharing.mps.resources).toEqual([{ name: 'nvidia.com/gpu', replicas: 4 }]);
  });

  test('one Cluster Autoscaler release for the cluster version, preferring the spot group over its fallback', () => {
    const { release, values } = releases['cluster-autoscaler'];
    // Kubernetes 1.35 (the default): chart 9.59.0, Cluster Autoscaler 1.35.0.
    expect(release).toMatchObject({ namespace: 'kube-system', version: '9.59.0' });
    expect(values).toMatchObject({ cloudProvider: 'aws', awsRegion: 'us-east-1', autoDiscovery: { clusterName: 'acme-prod' } });
    expect(values.extraArgs.expander).toBe('priority,least-waste');
    expect(values.expanderPriorities).toEqual({ 10: ['.*'], 50: ['^eks-acme-prod-l4-spot-.*'] });
    const groups = Object.values<any>(resourcesOf(synth.stack('acme-prod-infra'), 'aws_eks_node_group'));
    const spot = groups.find((g) => g.capacity_type === 'SPOT');
    expect(`eks-${spot.node_group_name_prefix}0123-uuid`).toMatch(new RegExp(values.expanderPriorities[50][0]));
    const fallback = groups.find((g) => g.node_group_name_prefix === 'acme-prod-l4-od-');
    expect(`eks-${fallback.node_group_name_prefix}0123-uuid`).not.toMatch(new RegExp(values.expanderPriorities[50][0]));
  });

  test('the Cluster Autoscaler gets its AWS permissions through pod identity', () => {
    const infra = synth.stack('acme-prod-infra');
    const assoc = Object.values<any>(resourcesOf(infra, 'aws_eks_pod_identity_association'));
    expect(assoc.map((a) => [a.namespace, a.service_account])).toEqual([['kube-system', 'cluster-autoscaler']]);
  });

  test('resourceFlavor(): a Kueue ResourceFlavor selecting the pool and tolerating its taint', () => {
    expect(pool.resourceFlavor()).toBe('l4-spot');
    expect(releases.kueue.release.namespace).toBe('kueue-system');
    const flavors = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ResourceFlavor');
    expect(flavors).toHaveLength(1);
    expect(flavors[0].stack).toBe('acme-prod-workloads');
    expect(flavors[0].manifest).toMatchObject({
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      metadata: { name: 'l4-spot' },
      spec: { nodeLabels: { 'cdktf-ai-infra/pool': 'l4' }, tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] },
    });
  });
});

describe('GpuNodePool with a long cluster name', () => {
  test('the Cluster Autoscaler may scale every node group of the pool', () => {
    // 'acme-ml-platform' + 'production-us-east-1' gives the 37-character cluster name
    // 'acme-ml-platform-production-us-east-1': node group names are shortened with a hash, so
    // they no longer start with the cluster name the autoscaler's scaling permission names.
    const cluster = newCluster('acme-ml-platform', 'production-us-east-1');
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 4 });
    const infra = synthApp(App.of(cluster)).stack(`${cluster.platformName}-production-us-east-1-infra`);
    const [policy] = Object.entries<any>(resourcesOf(infra, 'aws_iam_role_policy')).filter(([id]) => id.startsWith('ClusterAutoscaler_')).map(([, p]) => JSON.parse(p.policy));
    const scaling = policy.Statement.find((st: any) => st.Action.includes('autoscaling:SetDesiredCapacity'));
    const groups = Object.entries<any>(resourcesOf(infra, 'aws_eks_node_group')).filter(([id]) => id !== 'SystemNodes').map(([, g]) => g);
    expect(groups).toHaveLength(2);
    for (const g of groups) {
      // EKS names the Auto Scaling group of a managed node group eks-<node group name>-<uuid>.
      const asgArn = `arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:uuid:autoScalingGroupName/eks-${g.node_group_name_prefix}20261129-0a1b2c3d`;
      // The account is the cluster's (a Terraform local from its ARN), not `*`.
      expect(scaling.Resource.some((r: string) => r.includes(':${local.AccountId}:') && globRegExp(r.replace('${local.AccountId}', '111122223333')).test(asgArn))).toBe(true);
    }
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
    const { pool, infra } = build('l4x4', { instanceTypes: ['g6.12xlarge'], maxNodes: 2, sharing: GpuSharing.timeSlicing(2) });
    expect(pool.accelerator).toBe(Accelerator.NVIDIA_L4);
    expect(pool.instanceTypes).toEqual(['g6.12xlarge']);
    expect(pool.unitsPerNode).toBe(8);
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.instance_types).toEqual(['g6.12xlarge']);
    expect(Object.values(templateTags(infra))[0][`${TEMPLATE}/resources/nvidia.com/gpu`]).toBe('8');
  });

  test('units per node hold on the smallest instance type of the pool (Karpenter, which mixes shapes)', () => {
    const karpenter = new AiPlatform(testApp(), 'acme').addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true });
    const pool = new GpuNodePool(karpenter, 'l4', { instanceTypes: ['g6.48xlarge', 'g6.xlarge'], maxNodes: 1 });
    expect(pool.unitsPerNode).toBe(1);
  });

  test('throws when a managed node group would mix instance shapes (Cluster Autoscaler needs one per group)', () => {
    const e = expectConfigError(() => build('l4', { instanceTypes: ['g6.xlarge', 'g6.12xlarge'], maxNodes: 1 }),
      { path: 'acme/prod/l4', field: 'instanceTypes', received: ['g6.xlarge', 'g6.12xlarge'] });
    expect(e.expected).toMatch(/g6\.xlarge: 1 accelerators, 4 vCPUs, 16 GiB; g6\.12xlarge: 4 accelerators, 48 vCPUs, 192 GiB/);
    expect(e.expected).toContain('NodeProvisioner.KARPENTER');
  });

  test('a managed node group pool defaults to one shape of the accelerator; a Karpenter pool to all its types', () => {
    const mng = build('a', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1 }).pool;
    expect(mng.instanceTypes).toEqual(['g6.xlarge']);
    const karpenter = new AiPlatform(testApp(), 'acme').addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter: true });
    const k = new GpuNodePool(karpenter, 'k', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1, provisioner: NodeProvisioner.KARPENTER });
    expect(k.instanceTypes).toEqual(Accelerator.NVIDIA_L4.instanceTypes('aws').map((t) => t.name));
  });

  test('a Neuron pool warns that the Neuron device plugin must be installed (no sourced chart pin yet)', () => {
    const { pool } = build('inf2w', { accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 1 });
    expect(pool.node.metadata.map((m) => String(m.data)).join('\n')).toMatch(/Neuron device plugin.*oci:\/\/public\.ecr\.aws\/neuron\/neuron-helm-chart/);
    const { pool: l4 } = build('l4w', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1 });
    expect(l4.node.metadata.map((m) => String(m.data)).join('\n')).not.toMatch(/Neuron/);
  });

  test('Neuron node groups do not get the NVIDIA-only Cluster Autoscaler GPU label', () => {
    const { infra } = build('inf2', { accelerator: Accelerator.AWS_INFERENTIA2, maxNodes: 1 });
    const [group] = Object.values<any>(poolGroups(infra));
    expect(group.labels['k8s.amazonaws.com/accelerator']).toBeUndefined();
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
      accelerator: Accelerator.NVIDIA_L4,
      maxNodes: 1,
      labels: { team: 'search' },
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
      name: 'acme-gpu',
      resourceName: 'nvidia.com/gpu',
      vendor: 'nvidia',
      memoryGiB: 48,
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

  test('throws when GPU sharing is asked of Bottlerocket', () => {
    expectConfigError(() => new GpuNodePool(cluster, 'br', { accelerator: L4, maxNodes: 1, os: NodeOs.BOTTLEROCKET_NVIDIA, sharing: GpuSharing.timeSlicing(2) }),
      { path: at('br'), field: 'sharing', received: 'timeSlicing(2)' });
  });

  test('throws when the cluster version has no pinned Cluster Autoscaler', () => {
    const old = newCluster('acme', 'old', KubernetesVersion.V1_32);
    expectConfigError(() => new GpuNodePool(old, 'l4', { accelerator: L4, maxNodes: 1 }), { path: 'acme/old', field: 'version', received: '1.32' });
  });

  test('Kubernetes 1.36 has no sourced Cluster Autoscaler chart: a managed node group pool fails at synth', () => {
    const versions = { 'vpc-cni': 'v1', 'coredns': 'v2', 'kube-proxy': 'v3', 'eks-pod-identity-agent': 'v4' };
    const next = new AiPlatform(testApp(), 'acme').addEksCluster('next', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, version: KubernetesVersion.of('1.36'), addonVersions: versions });
    const e = expectConfigError(() => new GpuNodePool(next, 'l4', { accelerator: L4, maxNodes: 1 }), { path: 'acme/next', field: 'version', received: '1.36' });
    expect(e.expected).toContain('1.33, 1.34, 1.35');
  });

  test('throws when a pool is created on an existing cluster', () => {
    const lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab');
    expectConfigError(() => new GpuNodePool(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 1 }),
      { path: 'acme/lab/a100', field: 'provisioner', received: 'eks-managed-node-group' });
  });

  test('throws when a taint key is invalid', () => {
    expectConfigError(() => new GpuNodePool(cluster, 't', { accelerator: L4, maxNodes: 1, taints: [{ key: '-x', effect: 'NoSchedule' }] }),
      { path: at('t'), field: 'taints[].key', received: '-x' });
  });
});

describe('GpuNodePool.fromExistingNodes', () => {
  let lab: ExistingCluster;
  beforeAll(() => {
    lab = new AiPlatform(testApp(), 'acme').addExistingCluster('lab', { kubeconfigPath: '~/.kube/config', context: 'lab' });
  });
  const A100 = Accelerator.NVIDIA_A100_80GB;
  const SELECTOR = { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' };

  test('describes nodes without creating any: selector, tolerations, units', () => {
    const pool = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: A100, nodeSelector: SELECTOR, gpus: 32, sharing: GpuSharing.mig('1g.10gb') });
    expect(pool.poolName).toBe('a100');
    expect(pool.cluster).toBe(lab);
    expect(pool.nodeSelector).toEqual(SELECTOR);
    expect(pool.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pool.resourceName).toBe('nvidia.com/gpu');
    expect(pool.maxUnits).toBe(32 * 7);
    expect(pool.capacity.kind).toBe('on-demand');
    const synth = synthApp(App.of(lab));
    expect(synth.stacks.map((s) => s.name).sort()).toEqual(['acme-lab-addons', 'acme-lab-workloads']);
    for (const st of synth.stacks) expect(st.json.resource).toBeUndefined();
  });

  test('explicit taints replace the accelerator taint', () => {
    const pool = GpuNodePool.fromExistingNodes(lab, 'tainted', { accelerator: A100, nodeSelector: SELECTOR, gpus: 8, taints: [{ key: 'lab', effect: 'NoExecute' }] });
    expect(pool.tolerations).toEqual([{ key: 'lab', operator: 'Exists', effect: 'NoExecute' }]);
  });

  test('throws when the id is not a DNS label', () => {
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'A100', { accelerator: A100, nodeSelector: SELECTOR, gpus: 1 }), { path: 'acme/lab/A100', field: 'id', received: 'A100' });
  });

  test('throws when gpus is not a positive integer', () => {
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'g0', { accelerator: A100, nodeSelector: SELECTOR, gpus: 0 }), { path: 'acme/lab/g0', field: 'gpus', received: 0 });
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'g1', { accelerator: A100, nodeSelector: SELECTOR, gpus: 1.5 }), { path: 'acme/lab/g1', field: 'gpus', received: 1.5 });
  });

  test('throws when the node selector is empty', () => {
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'ns', { accelerator: A100, nodeSelector: {}, gpus: 1 }), { path: 'acme/lab/ns', field: 'nodeSelector', received: {} });
  });

  test('throws when a node selector key or value is invalid', () => {
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'k', { accelerator: A100, nodeSelector: { 'bad key': 'x' }, gpus: 1 }),
      { path: 'acme/lab/k', field: 'nodeSelector.bad key', received: 'bad key' });
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'v', { accelerator: A100, nodeSelector: { gpu: 'A 100' }, gpus: 1 }),
      { path: 'acme/lab/v', field: 'nodeSelector.gpu', received: 'A 100' });
  });

  test('throws when the sharing mode does not fit the accelerator', () => {
    expectConfigError(() => GpuNodePool.fromExistingNodes(lab, 'inf', { accelerator: Accelerator.AWS_INFERENTIA2, nodeSelector: SELECTOR, gpus: 1, sharing: GpuSharing.mps(2) }),
      { path: 'acme/lab/inf', field: 'sharing', received: 'mps(2)' });
  });
});

describe('Cluster Autoscaler permissions', () => {
  test('scaling is limited to Auto Scaling groups tagged with this cluster', () => {
    const app = testApp();
    const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2 });
    const infra = synthApp(app).stack('acme-prod-infra');
    const policy = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy')).map((p) => JSON.parse(p.policy))[0];
    const scaling = policy.Statement.find((s: any) => s.Action.includes('autoscaling:SetDesiredCapacity'));
    expect(scaling.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/eks:cluster-name': 'acme-prod' } });
    expect(scaling.Action).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
  });
});
