import { Accelerator, AiPlatform, Capacity, GpuNodePool, GpuSharing, GpuStack, MigStrategy } from '../../lib';
import { EKS_ACCESS } from '../support/eks-access';
import { resourcesOf, synthApp, testApp } from '../support/synth';

const base = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS };

function releases(app: ReturnType<typeof testApp>) {
  return Object.values<any>(resourcesOf(synthApp(app).stack('acme-prod-addons'), 'helm_release'));
}

describe('GPU stack', () => {
  test('GPU Operator: driver and toolkit off on EKS AMIs, per-pool configs in one ConfigMap, MIG manager with the pools\' strategy', () => {
    const app = testApp();
    const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', { ...base, gpuStack: GpuStack.gpuOperator() });
    const a100 = new GpuNodePool(cluster, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 1, sharing: GpuSharing.mig('1g.10gb', { strategy: MigStrategy.MIXED }) });
    new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1, sharing: GpuSharing.timeSlicing(4) });
    expect(a100.node.metadata.filter((m) => m.type === 'aws:cdk:warning')).toEqual([]);
    const all = releases(app);
    expect(all.map((r) => r.chart).sort()).toEqual(['cluster-autoscaler', 'gpu-operator']);
    const operator = all.find((r) => r.chart === 'gpu-operator');
    expect(operator.version).toBe('v26.7.0');
    const values = JSON.parse(operator.values[0]);
    expect(values.driver).toEqual({ enabled: false });
    expect(values.toolkit).toEqual({ enabled: false });
    expect(values.migManager).toEqual({ enabled: true });
    expect(values.mig).toEqual({ strategy: 'mixed' });
    expect(values.devicePlugin.config).toMatchObject({ create: true, name: 'cdktf-ai-infra-device-plugin', default: 'exclusive' });
    expect(Object.keys(values.devicePlugin.config.data).sort()).toEqual(['exclusive', a100.sharing.configKey, 'time-slicing-4'].sort());
    expect(JSON.parse(values.devicePlugin.config.data['time-slicing-4']).sharing.timeSlicing.resources).toEqual([{ name: 'nvidia.com/gpu', replicas: 4 }]);
    expect(a100.nodeLabels['nvidia.com/mig.config']).toBe('all-1g.10gb');
    expect(a100.resourceName).toBe('nvidia.com/mig-1g.10gb');
  });

  test('the standalone device plugin warns that MIG needs the GPU Operator', () => {
    const app = testApp();
    const cluster = new AiPlatform(app, 'acme').addEksCluster('prod', base);
    const pool = new GpuNodePool(cluster, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 1, sharing: GpuSharing.mig('1g.10gb') });
    expect(pool.node.metadata.map((m) => String(m.data)).join('\n')).toMatch(/GpuStack.gpuOperator/);
    expect(releases(app).map((r) => r.chart).sort()).toEqual(['cluster-autoscaler', 'nvidia-device-plugin']);
  });

  test('throws when two MIG pools ask the GPU Operator for different strategies', () => {
    const cluster = new AiPlatform(testApp(), 'acme').addEksCluster('prod', { ...base, gpuStack: GpuStack.gpuOperator({ driver: true }) });
    new GpuNodePool(cluster, 'a', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 1, sharing: GpuSharing.mig('1g.10gb') });
    expect(() => new GpuNodePool(cluster, 'b', { accelerator: Accelerator.NVIDIA_A100_80GB, maxNodes: 1, sharing: GpuSharing.mig('1g.10gb', { strategy: MigStrategy.MIXED }) }))
      .toThrow(/acme\/prod\/b: invalid sharing: received "MIG strategy mixed".*\(single, set by acme\/prod\/a\)/);
  });
});

test('Kueue flavor names do not repeat the capacity the pool is named after', () => {
  const cluster = new AiPlatform(testApp(), 'acme').addEksCluster('prod', base);
  const spot = new GpuNodePool(cluster, 'l40s-spot', { accelerator: Accelerator.NVIDIA_L40S, maxNodes: 1, capacity: Capacity.spot() });
  const od = new GpuNodePool(cluster, 'l40s', { accelerator: Accelerator.NVIDIA_L40S, maxNodes: 1 });
  expect(spot.resourceFlavor()).toBe('l40s-spot');
  expect(od.resourceFlavor()).toBe('l40s-on-demand');
});
