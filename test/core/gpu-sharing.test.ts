import { Accelerator } from '../../lib/core/accelerator';
import { ConfigError } from '../../lib/core/errors';
import { GpuSharing, GpuSharingKinds, MigStrategy } from '../../lib/core/gpu-sharing';
import { catchConfigError as configError } from '../support/errors';


const { NVIDIA_L4, NVIDIA_H100, NVIDIA_A100_40GB, NVIDIA_A100_80GB, AWS_INFERENTIA2, AWS_TRAINIUM2 } = Accelerator;

describe('GpuSharing.exclusive', () => {
  const s = GpuSharing.exclusive();

  test('one unit per device, the accelerator\'s own resource', () => {
    expect(s.kind).toBe(GpuSharingKinds.EXCLUSIVE);
    expect(s.replicas).toBeUndefined();
    expect(s.migProfile).toBeUndefined();
    expect(s.configKey).toBe('exclusive');
    expect(s.migConfig).toBeUndefined();
    expect(s.unitsPerGpu(NVIDIA_L4)).toBe(1);
    expect(s.resourceName(NVIDIA_L4)).toBe('nvidia.com/gpu');
    expect(s.resourceName(AWS_TRAINIUM2)).toBe('aws.amazon.com/neuron');
    expect(s.unitsPerGpu(AWS_TRAINIUM2)).toBe(1);
  });

  test('device plugin config without sharing; none for Neuron', () => {
    expect(s.devicePluginConfig(NVIDIA_H100)).toEqual({ version: 'v1', flags: { migStrategy: 'none' } });
    expect(s.devicePluginConfig(AWS_INFERENTIA2)).toBeUndefined();
    expect(() => s.validateFor(AWS_INFERENTIA2, 'p')).not.toThrow();
  });
});

describe('GpuSharing.timeSlicing', () => {
  const s = GpuSharing.timeSlicing(4);

  test('replicas become units and the device plugin timeSlicing resources', () => {
    expect(s.kind).toBe('time-slicing');
    expect(s.replicas).toBe(4);
    expect(s.configKey).toBe('time-slicing-4');
    expect(s.unitsPerGpu(NVIDIA_L4)).toBe(4);
    expect(s.resourceName(NVIDIA_L4)).toBe('nvidia.com/gpu');
    expect(s.devicePluginConfig(NVIDIA_L4)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none' },
      sharing: { timeSlicing: { failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    });
    expect(s.toString()).toBe('timeSlicing(4)');
  });

  test.each([[1], [49], [2.5], [0], [-3], [Number.NaN]])('throws when replicas is %s', (replicas) => {
    const e = configError(() => GpuSharing.timeSlicing(replicas));
    expect(e.constructPath).toBe('-');
    expect(e.field).toBe('sharing.replicas');
    expect(e.message).toContain(`received ${replicas}`);
    expect(e.message).toContain('an integer from 2 to 48');
    expect(e.message).toContain('GpuSharing.exclusive()');
  });

  test('accepts the bounds', () => {
    expect(GpuSharing.timeSlicing(2).replicas).toBe(2);
    expect(GpuSharing.timeSlicing(48).replicas).toBe(48);
  });

  test('throws when used on a Neuron device', () => {
    const e = configError(() => s.validateFor(AWS_INFERENTIA2, 'app/prod/inf2'));
    expect(e.constructPath).toBe('app/prod/inf2');
    expect(e.field).toBe('sharing');
    expect(e.message).toContain('"timeSlicing(4)"');
    expect(e.message).toContain('GpuSharing.exclusive() for AWS Inferentia2');
    expect(e.message).toContain('aws.amazon.com/neuroncore');
  });

  test('every accessor that needs the accelerator validates it', () => {
    expect(() => s.unitsPerGpu(AWS_TRAINIUM2, 'p')).toThrow(ConfigError);
    expect(() => s.resourceName(AWS_TRAINIUM2, 'p')).toThrow(ConfigError);
    expect(() => s.devicePluginConfig(AWS_TRAINIUM2, 'p')).toThrow(/p: invalid sharing/);
  });

  test('throws when used on a custom non-NVIDIA device, without the Neuron hint', () => {
    const npu = Accelerator.custom({ name: 'acme-npu', resourceName: 'acme.example.com/npu', memoryGiB: 16 });
    const e = configError(() => s.validateFor(npu, 'p'));
    expect(e.message).toContain('NVIDIA GPU features');
    expect(e.message).not.toContain('neuroncore');
  });
});

describe('GpuSharing.mps', () => {
  const s = GpuSharing.mps(8);

  test('replicas go under sharing.mps', () => {
    expect(s.kind).toBe('mps');
    expect(s.configKey).toBe('mps-8');
    expect(s.unitsPerGpu(NVIDIA_L4)).toBe(8);
    expect(s.resourceName(NVIDIA_L4)).toBe('nvidia.com/gpu');
    expect(s.devicePluginConfig(NVIDIA_L4)).toEqual({
      version: 'v1',
      flags: { migStrategy: 'none' },
      sharing: { mps: { resources: [{ name: 'nvidia.com/gpu', replicas: 8 }] } },
    });
  });

  test.each([[1], [49], [3.5]])('throws when replicas is %s', (replicas) => {
    const e = configError(() => GpuSharing.mps(replicas));
    expect(e.field).toBe('sharing.replicas');
    expect(e.message).toContain(`received ${replicas}`);
    expect(e.message).toContain('GpuSharing.mps(replicas)');
  });

  test('throws when used on a Neuron device', () => {
    const e = configError(() => s.unitsPerGpu(AWS_TRAINIUM2, 'p'));
    expect(e.field).toBe('sharing');
    expect(e.message).toContain('"mps(8)"');
  });
});

describe('GpuSharing.mig', () => {
  test('single strategy by default: nvidia.com/gpu, instances per GPU from the accelerator', () => {
    const s = GpuSharing.mig('1g.10gb');
    expect(s.kind).toBe('mig');
    expect(s.migProfile).toBe('1g.10gb');
    expect(s.migStrategy).toBe(MigStrategy.SINGLE);
    expect(s.replicas).toBeUndefined();
    expect(s.configKey).toBe('mig-1g.10gb');
    expect(s.migConfig).toBe('all-1g.10gb');
    expect(s.unitsPerGpu(NVIDIA_H100)).toBe(7);
    expect(s.unitsPerGpu(NVIDIA_A100_40GB)).toBe(4);
    expect(s.resourceName(NVIDIA_H100)).toBe('nvidia.com/gpu');
    expect(s.devicePluginConfig(NVIDIA_H100)).toEqual({ version: 'v1', flags: { migStrategy: 'single' } });
    expect(s.toString()).toBe('mig(1g.10gb, single)');
  });

  test('mixed strategy: nvidia.com/mig-<profile>', () => {
    const s = GpuSharing.mig('3g.40gb', { strategy: MigStrategy.MIXED });
    expect(s.configKey).toBe('mig-mixed-3g.40gb');
    expect(s.resourceName(NVIDIA_A100_80GB)).toBe('nvidia.com/mig-3g.40gb');
    expect(s.unitsPerGpu(NVIDIA_A100_80GB)).toBe(2);
    expect(s.devicePluginConfig(NVIDIA_A100_80GB)).toEqual({ version: 'v1', flags: { migStrategy: 'mixed' } });
  });

  test('media-engine profiles: "+" becomes "." in resource names, config keys and MIG configs', () => {
    const s = GpuSharing.mig('1g.10gb+me', { strategy: MigStrategy.MIXED });
    expect(s.resourceName(NVIDIA_H100)).toBe('nvidia.com/mig-1g.10gb.me');
    expect(s.configKey).toBe('mig-mixed-1g.10gb.me');
    expect(s.configKey).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    expect(s.migConfig).toBe('all-1g.10gb.me');
    expect(s.unitsPerGpu(NVIDIA_H100)).toBe(1);
  });

  test.each([['1g-10gb'], ['10gb'], ['8g.80gb'], ['1g.10gb+gfx'], ['']])('throws when the profile is %j', (profile) => {
    const e = configError(() => GpuSharing.mig(profile));
    expect(e.constructPath).toBe('-');
    expect(e.field).toBe('sharing.migProfile');
    expect(e.message).toContain(JSON.stringify(profile));
    expect(e.message).toContain('<slices>g.<memory>gb');
  });

  test('throws when the accelerator does not support MIG, naming those that do', () => {
    const e = configError(() => GpuSharing.mig('1g.10gb').validateFor(NVIDIA_L4, 'app/prod/l4'));
    expect(e.constructPath).toBe('app/prod/l4');
    expect(e.field).toBe('sharing.migProfile');
    expect(e.message).toContain('"1g.10gb"');
    expect(e.message).toContain('NVIDIA L4 does not');
    expect(e.message).toContain('NVIDIA A100 40GB, NVIDIA A100 80GB, NVIDIA H100, NVIDIA H200, NVIDIA B200');
    expect(e.message).toContain('GpuSharing.timeSlicing(n)');
  });

  test('throws when the profile is not offered by the accelerator, naming valid profiles', () => {
    const e = configError(() => GpuSharing.mig('1g.5gb').unitsPerGpu(NVIDIA_H100, 'app/prod/h100'));
    expect(e.constructPath).toBe('app/prod/h100');
    expect(e.field).toBe('sharing.migProfile');
    expect(e.message).toContain('"1g.5gb"');
    expect(e.message).toContain('one of the MIG profiles of NVIDIA H100: 1g.10gb, 1g.10gb+me, 1g.20gb, 2g.20gb, 3g.40gb, 4g.40gb, 7g.80gb');
  });

  test('throws when used on a Neuron device', () => {
    const e = configError(() => GpuSharing.mig('1g.10gb').resourceName(AWS_TRAINIUM2, 'p'));
    expect(e.field).toBe('sharing');
    expect(e.message).toContain('"mig(1g.10gb, single)"');
  });
});
