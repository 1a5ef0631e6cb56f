/**
 * Keeps the AWS facts we carry in TypeScript equal to the sourced data file
 * `vendor/data/aws-accelerators.json` (copied with its provenance from the
 * project's shared sources; see vendor/data/README.md), so that neither can drift without a failing test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Accelerator } from '../../lib/core/accelerator';
import { _AWS_LOCAL_NVME_FACTS, awsInstanceHasLocalStorage } from '../../lib/core/aws-instance-storage';
import { AWS_ACCELERATED_INSTANCE_TYPES, AWS_INSTANCE_TYPE_FACTS, findAwsInstanceType } from '../../lib/core/aws-instance-types';

const DATA_FILE = path.resolve(__dirname, '../../vendor/data/aws-accelerators.json');
const FAMILIES = ['g4dn', 'g5', 'g6', 'g6e', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'inf2', 'trn1', 'trn1n', 'trn2'];
/** Data file `migProfiles.gpus` key → our accelerator. */
const MIG_GPUS: Record<string, Accelerator> = {
  'A100-40GB': Accelerator.NVIDIA_A100_40GB,
  'A100-80GB': Accelerator.NVIDIA_A100_80GB,
  'H100-80GB': Accelerator.NVIDIA_H100,
  'H200-141GB': Accelerator.NVIDIA_H200,
  'B200': Accelerator.NVIDIA_B200,
};

function loadData(): any {
  if (!fs.existsSync(DATA_FILE)) {
    throw new Error(
      `The sourced data file ${DATA_FILE} is missing: this test compares lib/core/aws-instance-types.ts with it. `
      + 'It is part of the repository (vendor/data/); restore it with git.');
  }
  return JSON.parse(fs.readFileSync(DATA_FILE, 'utf8'));
}

const data = loadData();
const inScope: any[] = data.instanceTypes.filter((t: any) => FAMILIES.includes(t.family));
const dataByName = new Map<string, any>(inScope.map((t) => [t.instanceType, t]));

describe('AWS_ACCELERATED_INSTANCE_TYPES against vendor/data/aws-accelerators.json', () => {
  test('carries exactly the instance types of the families in scope, in the data file order', () => {
    expect(inScope.length).toBeGreaterThan(40);
    expect(AWS_ACCELERATED_INSTANCE_TYPES.map((t) => t.name)).toEqual(inScope.map((t) => t.instanceType));
  });

  test.each(inScope.map((t) => [t.instanceType]))('%s equals the data file', (name) => {
    const ours = findAwsInstanceType(name)!;
    const theirs = dataByName.get(name);
    expect(ours).toBeDefined();
    expect({
      family: ours.family,
      acceleratorCount: ours.acceleratorCount,
      vcpus: ours.vcpus,
      memoryGiB: ours.memoryGiB,
      efaSupported: ours.efaSupported,
      maxEfaInterfaces: ours.maxEfaInterfaces,
      spotSupported: ours.spotSupported,
      onDemandUsdPerHour: ours.onDemandUsdPerHour,
      architecture: ours.architecture,
    }).toEqual({
      family: theirs.family,
      acceleratorCount: theirs.acceleratorCount,
      vcpus: theirs.vcpus,
      memoryGiB: theirs.memoryGiB,
      efaSupported: theirs.efaSupported,
      maxEfaInterfaces: theirs.maxEfaInterfaces ?? undefined,
      spotSupported: theirs.spotSupported,
      onDemandUsdPerHour: theirs.onDemandPrice.usdPerHour ?? undefined,
      architecture: theirs.architecture,
    });
  });

  test.each(inScope.map((t) => [t.instanceType]))('%s maps to an accelerator whose per-device facts equal the data file', (name) => {
    const theirs = dataByName.get(name);
    const accelerator = Accelerator.forInstanceType(name)!;
    expect(accelerator).toBeDefined();
    expect(accelerator.model.startsWith(theirs.acceleratorModel)).toBe(true);
    expect(accelerator.memoryGiB).toBe(theirs.acceleratorMemoryGiB);
    expect(accelerator.memoryMiB).toBe(theirs.acceleratorMemoryMiBFromEc2Api ?? undefined);
    expect(accelerator.neuronCoresPerDevice).toBe(theirs.neuronCoresPerAccelerator ?? undefined);
    expect(accelerator.supportsMig).toBe(theirs.migCapable);
    if (theirs.karpenterGpuName !== null) expect(accelerator.karpenterGpuName).toBe(theirs.karpenterGpuName);
    if (theirs.karpenterAcceleratorName !== null) expect(accelerator.karpenterAcceleratorName).toBe(theirs.karpenterAcceleratorName);
    if (theirs.migProfileSet !== null) expect(MIG_GPUS[theirs.migProfileSet]).toBe(accelerator);
  });

  test.each(Object.entries(MIG_GPUS))('MIG profiles of %s equal the data file', (gpu, accelerator) => {
    expect(accelerator.migProfiles).toEqual(data.migProfiles.gpus[gpu].profiles);
  });

  test('Karpenter GPU memory label values equal the data file', () => {
    for (const [family, mib] of Object.entries<number>(data.karpenterGpuNames.gpuMemoryMiBByInstanceFamily)) {
      if (!FAMILIES.includes(family)) continue;
      const type = AWS_ACCELERATED_INSTANCE_TYPES.find((t) => t.family === family)!;
      expect([family, Accelerator.forInstanceType(type.name)!.memoryMiB]).toEqual([family, mib]);
    }
  });

  test('the price date and region in the header equal the data file', () => {
    const source = data.sources.find((s: any) => s.id === 'karpenter-on-demand-prices');
    expect(AWS_INSTANCE_TYPE_FACTS.priceDataRetrievedAt).toBe(source.dataRetrievedAt);
    const prices = inScope.map((t) => t.onDemandPrice);
    expect(new Set(prices.map((p) => p.region))).toEqual(new Set([AWS_INSTANCE_TYPE_FACTS.priceRegion]));
    expect(new Set(prices.map((p) => p.readOn))).toEqual(new Set([AWS_INSTANCE_TYPE_FACTS.readOn]));
    for (const id of AWS_INSTANCE_TYPE_FACTS.sources) {
      expect(data.sources.map((s: any) => s.id)).toContain(id);
    }
  });
});

describe('local NVMe instance storage (lib/core/aws-instance-storage.ts) against the data file', () => {
  test('every instance type of the data file is listed with its instance storage, and nothing else', () => {
    const all: any[] = data.instanceTypes;
    expect([..._AWS_LOCAL_NVME_FACTS.withLocalNvme].sort()).toEqual(all.filter((t) => t.localNvme).map((t) => t.instanceType).sort());
    expect([..._AWS_LOCAL_NVME_FACTS.ebsOnly].sort()).toEqual(all.filter((t) => !t.localNvme).map((t) => t.instanceType).sort());
  });

  test.each([
    ['ml.g5.2xlarge', true], ['ml.g6.xlarge', true], ['ml.g6e.12xlarge', true], ['ml.p5.48xlarge', true], ['ml.p4d.24xlarge', true],
    ['ml.g4dn.xlarge', true], ['g6.xlarge', true], ['ml.m5d.large', true], ['ml.c5d.xlarge', true], ['ml.p3dn.24xlarge', true],
    ['ml.m5.xlarge', false], ['ml.c5.2xlarge', false], ['ml.p3.2xlarge', false], ['ml.inf2.xlarge', false], ['ml.t2.medium', false],
  ])('%s has local storage: %s', (type, expected) => {
    expect(awsInstanceHasLocalStorage(type as string)).toBe(expected);
  });
});
