import { Accelerator, AcceleratorProps } from '../../lib/core/accelerator';
import { ResourceNames, Taints } from '../../lib/core/well-known';
import { catchConfigError as configError } from '../support/errors';

/** Run `fn`, expect a ConfigError, and return it for field-level assertions. */

const NPU: AcceleratorProps = { name: 'acme-npu-v2', resourceName: 'acme.example.com/npu', memoryGiB: 24 };

describe('Accelerator catalog', () => {
  test('has the twelve built-ins with unique DNS-label names', () => {
    const names = Accelerator.all().map((a) => a.name);
    expect(names).toEqual([
      'nvidia-t4', 'nvidia-a10g', 'nvidia-l4', 'nvidia-l40s', 'nvidia-a100-40gb', 'nvidia-a100-80gb',
      'nvidia-h100', 'nvidia-h200', 'nvidia-b200', 'aws-inferentia2', 'aws-trainium', 'aws-trainium2',
    ]);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });

  test('NVIDIA GPUs request nvidia.com/gpu and carry the GPU taint and Karpenter GPU name', () => {
    const l4 = Accelerator.NVIDIA_L4;
    expect(l4.vendor).toBe('nvidia');
    expect(l4.model).toBe('NVIDIA L4');
    expect(l4.resourceName).toBe(ResourceNames.NVIDIA_GPU);
    expect(l4.taint).toEqual(Taints.NVIDIA_GPU);
    expect(l4.karpenterGpuName).toBe('l4');
    expect(l4.karpenterAcceleratorName).toBeUndefined();
    expect(l4.memoryGiB).toBe(22);
    expect(l4.memoryMiB).toBe(22888);
    expect(l4.isNvidiaGpu).toBe(true);
    expect(l4.supportsMig).toBe(false);
    expect(l4.migProfiles).toEqual([]);
  });

  test('Neuron devices request aws.amazon.com/neuron and carry the Neuron taint', () => {
    const trn2 = Accelerator.AWS_TRAINIUM2;
    expect(trn2.vendor).toBe('aws');
    expect(trn2.resourceName).toBe(ResourceNames.NEURON_DEVICE);
    expect(trn2.taint).toEqual(Taints.NEURON);
    expect(trn2.karpenterAcceleratorName).toBe('trainium2');
    expect(trn2.karpenterGpuName).toBeUndefined();
    expect(trn2.memoryGiB).toBe(96);
    expect(trn2.memoryMiB).toBeUndefined();
    expect(trn2.neuronCoresPerDevice).toBe(8);
    expect(trn2.isNvidiaGpu).toBe(false);
  });

  test('MIG profiles come with instances per GPU', () => {
    expect(Accelerator.NVIDIA_H100.supportsMig).toBe(true);
    expect(Accelerator.NVIDIA_H100.migProfile('1g.10gb')).toEqual({ name: '1g.10gb', instancesPerGpu: 7 });
    expect(Accelerator.NVIDIA_A100_40GB.migProfile('1g.10gb')).toEqual({ name: '1g.10gb', instancesPerGpu: 4 });
    expect(Accelerator.NVIDIA_A100_40GB.migProfile('1g.5gb')).toEqual({ name: '1g.5gb', instancesPerGpu: 7 });
    expect(Accelerator.NVIDIA_B200.migProfile('7g.180gb')).toEqual({ name: '7g.180gb', instancesPerGpu: 1 });
    expect(Accelerator.NVIDIA_L40S.migProfile('1g.10gb')).toBeUndefined();
  });

  test('the catalog is read-only', () => {
    expect(() => (Accelerator.NVIDIA_H100.migProfiles as any).push({ name: '9g.1gb', instancesPerGpu: 1 })).toThrow(TypeError);
    expect(() => { (Accelerator.all() as any).length = 0; }).not.toThrow();
    expect(Accelerator.all()).toHaveLength(12);
  });
});

describe('Accelerator.instanceTypes', () => {
  test('lists every AWS size of the family with its facts', () => {
    const g6 = Accelerator.NVIDIA_L4.instanceTypes('aws');
    expect(g6.map((t) => t.name)).toEqual([
      'g6.xlarge', 'g6.2xlarge', 'g6.4xlarge', 'g6.8xlarge', 'g6.12xlarge', 'g6.16xlarge', 'g6.24xlarge', 'g6.48xlarge',
    ]);
    expect(g6[0]).toEqual({
      cloud: 'aws',
      name: 'g6.xlarge',
      family: 'g6',
      acceleratorName: 'nvidia-l4',
      acceleratorCount: 1,
      vcpus: 4,
      memoryGiB: 16,
      efaSupported: false,
      maxEfaInterfaces: 0,
      spotSupported: true,
      onDemandUsdPerHour: 0.8048,
      architecture: 'x86_64',
    });
  });

  test('trn1 and trn1n both carry Trainium', () => {
    expect(Accelerator.AWS_TRAINIUM.instanceTypes('aws').map((t) => t.name)).toEqual(['trn1.2xlarge', 'trn1.32xlarge', 'trn1n.32xlarge']);
  });

  test('leaves unknown prices undefined rather than guessing', () => {
    const p5e = Accelerator.NVIDIA_H200.instanceTypes('aws').find((t) => t.name === 'p5e.48xlarge')!;
    expect(p5e.onDemandUsdPerHour).toBeUndefined();
    const trn2 = Accelerator.AWS_TRAINIUM2.instanceTypes('aws');
    expect(trn2.map((t) => [t.name, t.onDemandUsdPerHour, t.maxEfaInterfaces])).toEqual([
      ['trn2.3xlarge', undefined, undefined],
      ['trn2.48xlarge', undefined, 16],
    ]);
  });

  test('lists GCP and Azure machine names with GPU counts, unpriced', () => {
    const gcp = Accelerator.NVIDIA_L4.instanceTypes('gcp');
    expect(gcp.find((t) => t.name === 'g2-standard-48')).toMatchObject({ cloud: 'gcp', family: 'g2', acceleratorCount: 4 });
    expect(gcp.every((t) => t.onDemandUsdPerHour === undefined && t.vcpus === undefined)).toBe(true);
    expect(Accelerator.NVIDIA_A100_80GB.instanceTypes('gcp').map((t) => t.name)).toContain('a2-ultragpu-8g');
    expect(Accelerator.NVIDIA_A100_40GB.instanceTypes('gcp').map((t) => t.name)).toContain('a2-highgpu-1g');
    expect(Accelerator.NVIDIA_H100.instanceTypes('gcp').map((t) => t.name)).toContain('a3-highgpu-8g');
    const azure = Accelerator.NVIDIA_H100.instanceTypes('azure');
    expect(azure).toEqual([expect.objectContaining({ name: 'Standard_ND96isr_H100_v5', family: 'NDisr_H100_v5', acceleratorCount: 8 })]);
    expect(Accelerator.NVIDIA_A100_80GB.instanceTypes('azure').map((t) => t.name)).toContain('Standard_NC24ads_A100_v4');
    expect(Accelerator.NVIDIA_A10G.instanceTypes('azure')).toEqual([]);
    expect(Accelerator.AWS_INFERENTIA2.instanceTypes('gcp')).toEqual([]);
  });

  test('throws when the cloud is unknown', () => {
    const e = configError(() => Accelerator.NVIDIA_L4.instanceTypes('oci'));
    expect(e.constructPath).toBe('-');
    expect(e.field).toBe('cloud');
    expect(e.message).toContain('"oci"');
    expect(e.message).toContain('"aws", "gcp", "azure"');
  });
});

describe('Accelerator.forInstanceType', () => {
  test.each([
    ['g4dn.metal', Accelerator.NVIDIA_T4],
    ['g5.xlarge', Accelerator.NVIDIA_A10G],
    ['g6.xlarge', Accelerator.NVIDIA_L4],
    ['g6e.48xlarge', Accelerator.NVIDIA_L40S],
    ['p4d.24xlarge', Accelerator.NVIDIA_A100_40GB],
    ['p4de.24xlarge', Accelerator.NVIDIA_A100_80GB],
    ['p5.48xlarge', Accelerator.NVIDIA_H100],
    ['p5en.48xlarge', Accelerator.NVIDIA_H200],
    ['p6-b200.48xlarge', Accelerator.NVIDIA_B200],
    ['inf2.xlarge', Accelerator.AWS_INFERENTIA2],
    ['trn1n.32xlarge', Accelerator.AWS_TRAINIUM],
    ['trn2.48xlarge', Accelerator.AWS_TRAINIUM2],
    ['g2-standard-4', Accelerator.NVIDIA_L4],
    ['Standard_ND96amsr_A100_v4', Accelerator.NVIDIA_A100_80GB],
  ])('%s → its accelerator', (type, accelerator) => {
    expect(Accelerator.forInstanceType(type)).toBe(accelerator);
  });

  test('returns undefined for a type outside the catalog', () => {
    expect(Accelerator.forInstanceType('m5.large')).toBeUndefined();
    expect(Accelerator.forInstanceType('p6e-gb200.36xlarge')).toBeUndefined();
  });
});

describe('Accelerator.custom', () => {
  test('builds an accelerator with defaults derived from the resource name', () => {
    const npu = Accelerator.custom({
      ...NPU,
      instanceTypes: [
        { cloud: 'aws', name: 'x9.large', family: 'x9', acceleratorName: 'acme-npu-v2', acceleratorCount: 2, efaSupported: false, architecture: 'x86_64' },
      ],
    });
    expect(npu.name).toBe('acme-npu-v2');
    expect(npu.vendor).toBe('acme');
    expect(npu.model).toBe('acme-npu-v2');
    expect(npu.resourceName).toBe('acme.example.com/npu');
    expect(npu.taint).toEqual({ key: 'acme.example.com/npu', effect: 'NoSchedule' });
    expect(npu.supportsMig).toBe(false);
    expect(npu.isNvidiaGpu).toBe(false);
    expect(npu.instanceTypes('aws').map((t) => t.name)).toEqual(['x9.large']);
    expect(npu.instanceTypes('gcp')).toEqual([]);
    expect(Accelerator.all()).not.toContain(npu);
    expect(Accelerator.forInstanceType('x9.large')).toBeUndefined();
  });

  test('an NVIDIA custom GPU gets the GPU taint and may declare MIG profiles', () => {
    const gpu = Accelerator.custom({
      name: 'nvidia-a30',
      resourceName: 'nvidia.com/gpu',
      memoryGiB: 24,
      model: 'NVIDIA A30',
      migProfiles: [{ name: '1g.6gb', instancesPerGpu: 4 }, { name: '2g.12gb', instancesPerGpu: 2 }],
    });
    expect(gpu.vendor).toBe('nvidia');
    expect(gpu.taint).toEqual(Taints.NVIDIA_GPU);
    expect(gpu.isNvidiaGpu).toBe(true);
    expect(gpu.migProfile('2g.12gb')).toEqual({ name: '2g.12gb', instancesPerGpu: 2 });
  });

  test.each([
    ['upper case', 'Acme-NPU'],
    ['a leading dash', '-npu'],
    ['an underscore', 'acme_npu'],
    ['64 characters', 'a'.repeat(64)],
    ['an empty string', ''],
  ])('throws when the name has %s', (_why, name) => {
    const e = configError(() => Accelerator.custom({ ...NPU, name }, 'app/prod/pool'));
    expect(e.constructPath).toBe('app/prod/pool');
    expect(e.field).toBe('accelerator.name');
    expect(e.message).toContain('app/prod/pool');
    expect(e.message).toContain(JSON.stringify(name));
    expect(e.message).toContain('DNS-1123 label');
  });

  test('throws with path "-" when no path is given', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, name: 'Bad' }));
    expect(e.constructPath).toBe('-');
    expect(e.message).toMatch(/^-: invalid accelerator\.name/);
  });

  test('throws when the name is a built-in one', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, name: 'nvidia-l4' }, 'p'));
    expect(e.field).toBe('accelerator.name');
    expect(e.message).toContain('"nvidia-l4"');
    expect(e.message).toContain('Accelerator.NVIDIA_L4');
  });

  test.each([['npu'], ['acme.example.com/'], ['kubernetes.io/npu'], ['Acme.com/npu']])('throws when the resource name is %s', (resourceName) => {
    const e = configError(() => Accelerator.custom({ ...NPU, resourceName }, 'p'));
    expect(e.field).toBe('accelerator.resourceName');
    expect(e.message).toContain(JSON.stringify(resourceName));
    expect(e.message).toContain('extended resource name');
  });

  test.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('throws when memoryGiB is %s', (memoryGiB) => {
    const e = configError(() => Accelerator.custom({ ...NPU, memoryGiB }, 'p'));
    expect(e.field).toBe('accelerator.memoryGiB');
    expect(e.message).toContain(String(memoryGiB));
    expect(e.message).toContain('positive number of GiB');
  });

  test('throws when memoryMiB is not a positive integer', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, memoryMiB: 1.5 }, 'p'));
    expect(e.field).toBe('accelerator.memoryMiB');
    expect(e.message).toContain('1.5');
    expect(e.message).toContain('positive integer');
  });

  test('throws when the vendor is not a DNS label', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, vendor: 'Acme Corp' }, 'p'));
    expect(e.field).toBe('accelerator.vendor');
    expect(e.message).toContain('"Acme Corp"');
    expect(e.message).toContain('DNS-1123 label');
  });

  test('throws when MIG profiles are given for a device that is not nvidia.com/gpu', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, migProfiles: [{ name: '1g.5gb', instancesPerGpu: 7 }] }, 'p'));
    expect(e.field).toBe('accelerator.migProfiles');
    expect(e.message).toContain('["1g.5gb"]');
    expect(e.message).toContain('nvidia.com/gpu');
  });

  test('throws when a MIG profile name is malformed', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, resourceName: 'nvidia.com/gpu', migProfiles: [{ name: '1g-5gb', instancesPerGpu: 7 }] }, 'p'));
    expect(e.field).toBe('accelerator.migProfiles[0].name');
    expect(e.message).toContain('"1g-5gb"');
    expect(e.message).toContain('<slices>g.<memory>gb');
  });

  test('throws when a MIG profile count is out of range', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, resourceName: 'nvidia.com/gpu', migProfiles: [{ name: '1g.5gb', instancesPerGpu: 8 }] }, 'p'));
    expect(e.field).toBe('accelerator.migProfiles[0].instancesPerGpu');
    expect(e.message).toContain('received 8');
    expect(e.message).toContain('from 1 to 7');
  });

  const row = { cloud: 'aws', name: 'x9.large', family: 'x9', acceleratorName: 'acme-npu-v2', acceleratorCount: 1, efaSupported: false, architecture: 'x86_64' };

  test('throws when an instance type names an unknown cloud', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, instanceTypes: [{ ...row, cloud: 'oci' }] }, 'p'));
    expect(e.field).toBe('accelerator.instanceTypes[0].cloud');
    expect(e.message).toContain('"oci"');
    expect(e.message).toContain('"aws", "gcp", "azure"');
  });

  test('throws when an instance type names another accelerator', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, instanceTypes: [{ ...row, acceleratorName: 'nvidia-l4' }] }, 'p'));
    expect(e.field).toBe('accelerator.instanceTypes[0].acceleratorName');
    expect(e.message).toContain('"nvidia-l4"');
    expect(e.message).toContain('"acme-npu-v2"');
  });

  test('throws when an instance type has no accelerators', () => {
    const e = configError(() => Accelerator.custom({ ...NPU, instanceTypes: [{ ...row, acceleratorCount: 0 }] }, 'p'));
    expect(e.field).toBe('accelerator.instanceTypes[0].acceleratorCount');
    expect(e.message).toContain('received 0');
    expect(e.message).toContain('positive integer');
  });
});
