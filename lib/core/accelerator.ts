import { AWS_ACCELERATED_INSTANCE_TYPES, findAwsInstanceType } from './aws-instance-types';
import { ConfigError } from './errors';
import { ResourceNames, Taint, Taints } from './well-known';

/**
 * The accelerator catalog: GPUs and AWS Neuron devices, with the Kubernetes resource name, taint,
 * Karpenter label values, MIG profiles and instance types each one needs.
 *
 * Facts come from `vendor/data/aws-accelerators.json` (compiled 2026-11-29; sources listed in
 * `aws-instance-types.ts`), checked against that file by `test/core/aws-instance-types.test.ts`.
 * Synth never reads the data file.
 */

/** Accelerator vendors (the `vendor` of an {@link Accelerator}). */
export const AcceleratorVendors = {
  NVIDIA: 'nvidia',
  AWS: 'aws',
} as const;

/** Clouds that {@link Accelerator.instanceTypes} knows: `aws`, `gcp`, `azure`. */
const CLOUDS = ['aws', 'gcp', 'azure'];

/** A NVIDIA Multi-Instance GPU profile, e.g. `1g.10gb`. */
export interface MigProfile {
  /** Profile name as NVIDIA spells it: `<compute slices>g.<memory>gb`, `+me` for the media-engine variant. */
  readonly name: string;
  /**
   * How many MIG devices of this profile fit on one GPU when the GPU holds only this profile (the
   * `all-<profile>` layouts of the NVIDIA GPU Operator default MIG config).
   */
  readonly instancesPerGpu: number;
}

/** A machine type that carries an accelerator, on one cloud. */
export interface InstanceTypeInfo {
  /** `aws`, `gcp` or `azure`. */
  readonly cloud: string;
  /** Instance / machine type name, e.g. `g6.xlarge`, `g2-standard-4`, `Standard_NC24ads_A100_v4`. */
  readonly name: string;
  /** Family or series, e.g. `g6` (the `karpenter.k8s.aws/instance-family` value on AWS). */
  readonly family: string;
  /** {@link Accelerator.name} of the devices, e.g. `nvidia-l4`. */
  readonly acceleratorName: string;
  /** Accelerators (GPUs or Neuron devices) per instance. */
  readonly acceleratorCount: number;
  /**
   * vCPUs per instance.
   * @default - not recorded (GCP and Azure rows)
   */
  readonly vcpus?: number;
  /**
   * Instance memory, GiB.
   * @default - not recorded (GCP and Azure rows)
   */
  readonly memoryGiB?: number;
  /** Whether the type supports the AWS Elastic Fabric Adapter (always false off AWS). */
  readonly efaSupported: boolean;
  /**
   * EFA interfaces the type can attach (`vpc.amazonaws.com/efa` allocatable); 0 without EFA.
   * @default - not recorded
   */
  readonly maxEfaInterfaces?: number;
  /**
   * Whether the type can run as Spot capacity.
   * @default - not recorded (GCP and Azure rows)
   */
  readonly spotSupported?: boolean;
  /**
   * On-Demand Linux list price, USD per instance-hour (AWS: us-east-1 as read on 2026-07-20,
   * see `AWS_INSTANCE_TYPE_FACTS`).
   * @default - no price recorded: sold only through Capacity Blocks, or not priced yet (GCP, Azure)
   */
  readonly onDemandUsdPerHour?: number;
  /** CPU architecture, `x86_64` or `arm64`. */
  readonly architecture: string;
}

/** Properties of an accelerator that is not in the built-in catalog. */
export interface AcceleratorProps {
  /** Catalog name: a DNS-1123 label such as `acme-npu-v2`; must not be a built-in name. */
  readonly name: string;
  /** Extended resource the device plugin advertises, e.g. `example.com/npu`. */
  readonly resourceName: string;
  /** Memory per device, GiB (a positive number). */
  readonly memoryGiB: number;
  /**
   * Vendor, a DNS-1123 label.
   * @default - `nvidia` for `nvidia.com/...` resources, `aws` for `aws.amazon.com/...`, else the
   * first label of the resource name's domain (`example` for `example.com/npu`)
   */
  readonly vendor?: string;
  /**
   * Display name.
   * @default - the name
   */
  readonly model?: string;
  /**
   * Memory per device, MiB, as the cloud API reports it.
   * @default - not recorded
   */
  readonly memoryMiB?: number;
  /**
   * Taint that keeps other pods off nodes with this device.
   * @default - `Taints.NVIDIA_GPU` for `nvidia.com/gpu`, `Taints.NEURON` for `aws.amazon.com/neuron`,
   * else `{ key: <resourceName>, effect: 'NoSchedule' }`
   */
  readonly taint?: Taint;
  /**
   * Value of the `karpenter.k8s.aws/instance-gpu-name` label.
   * @default - none
   */
  readonly karpenterGpuName?: string;
  /**
   * Value of the `karpenter.k8s.aws/instance-accelerator-name` label.
   * @default - none
   */
  readonly karpenterAcceleratorName?: string;
  /**
   * MIG profiles (NVIDIA GPUs only).
   * @default - none: the device does not support MIG
   */
  readonly migProfiles?: MigProfile[];
  /**
   * NeuronCores per device (AWS Neuron devices only).
   * @default - none
   */
  readonly neuronCoresPerDevice?: number;
  /**
   * Machine types that carry this device, on any cloud (`cloud` says which).
   * @default - none
   */
  readonly instanceTypes?: InstanceTypeInfo[];
}

interface Definition {
  readonly name: string;
  readonly vendor: string;
  readonly model: string;
  readonly memoryGiB: number;
  readonly memoryMiB?: number;
  readonly resourceName: string;
  readonly taint: Taint;
  readonly karpenterGpuName?: string;
  readonly karpenterAcceleratorName?: string;
  readonly migProfiles: MigProfile[];
  readonly neuronCoresPerDevice?: number;
  /** Custom accelerators: their own instance types. Built-ins use the catalog tables. */
  readonly instanceTypes?: InstanceTypeInfo[];
}

/** `[name, instancesPerGpu]` pairs → frozen MIG profiles. */
function mig(...profiles: Array<[string, number]>): MigProfile[] {
  return Object.freeze(profiles.map(([name, instancesPerGpu]) => Object.freeze({ name, instancesPerGpu }))) as MigProfile[];
}

// MIG profiles per GPU model: NVIDIA GPU Operator default mig-parted config (v26.7.0) and AWS
// sagemaker-hyperpod-cli, as recorded in `vendor/data/aws-accelerators.json` `migProfiles.gpus`.
const MIG_A100_40GB = mig(['1g.5gb', 7], ['1g.5gb+me', 1], ['1g.10gb', 4], ['2g.10gb', 3], ['3g.20gb', 2], ['4g.20gb', 1], ['7g.40gb', 1]);
const MIG_80GB = mig(['1g.10gb', 7], ['1g.10gb+me', 1], ['1g.20gb', 4], ['2g.20gb', 3], ['3g.40gb', 2], ['4g.40gb', 1], ['7g.80gb', 1]);
const MIG_H200 = mig(['1g.18gb', 7], ['1g.18gb+me', 1], ['1g.35gb', 4], ['2g.35gb', 3], ['3g.71gb', 2], ['4g.71gb', 1], ['7g.141gb', 1]);
const MIG_B200 = mig(['1g.23gb', 7], ['1g.23gb+me', 1], ['1g.45gb', 4], ['2g.45gb', 3], ['3g.90gb', 2], ['4g.90gb', 1], ['7g.180gb', 1]);
const NO_MIG = mig();

/** `[name, acceleratorName, acceleratorCount]`; see {@link OTHER_CLOUD_INSTANCE_TYPES}. */
type OtherRow = readonly [string, string, number];

/**
 * GCP and Azure machine types, for the GKE / AKS strategies to come: names and GPU counts only,
 * UNPRICED and not checked against a data file (vCPUs, memory and Spot support are not recorded).
 * Only machines whose GPU is the same part as a catalog entry are listed: GCP has no A10G or
 * L40S machine type, T4 attaches to N1 machines rather than fixing a machine type, and Azure's
 * A10 (NVads A10 v5, fractional GPUs) and H100 NVL 94GB (NCads H100 v5) are different parts.
 * Azure NC A100 v4 carries A100 80GB PCIe, ND A100 v4 / NDm A100 v4 the SXM parts.
 */
const OTHER_CLOUD_INSTANCE_TYPES: Readonly<Record<string, readonly OtherRow[]>> = {
  gcp: [
    ['g2-standard-4', 'nvidia-l4', 1], ['g2-standard-8', 'nvidia-l4', 1], ['g2-standard-12', 'nvidia-l4', 1],
    ['g2-standard-16', 'nvidia-l4', 1], ['g2-standard-24', 'nvidia-l4', 2], ['g2-standard-32', 'nvidia-l4', 1],
    ['g2-standard-48', 'nvidia-l4', 4], ['g2-standard-96', 'nvidia-l4', 8],
    ['a2-highgpu-1g', 'nvidia-a100-40gb', 1], ['a2-highgpu-2g', 'nvidia-a100-40gb', 2],
    ['a2-highgpu-4g', 'nvidia-a100-40gb', 4], ['a2-highgpu-8g', 'nvidia-a100-40gb', 8], ['a2-megagpu-16g', 'nvidia-a100-40gb', 16],
    ['a2-ultragpu-1g', 'nvidia-a100-80gb', 1], ['a2-ultragpu-2g', 'nvidia-a100-80gb', 2],
    ['a2-ultragpu-4g', 'nvidia-a100-80gb', 4], ['a2-ultragpu-8g', 'nvidia-a100-80gb', 8],
    ['a3-highgpu-8g', 'nvidia-h100', 8], ['a3-megagpu-8g', 'nvidia-h100', 8],
    ['a3-ultragpu-8g', 'nvidia-h200', 8],
    ['a4-highgpu-8g', 'nvidia-b200', 8],
  ],
  azure: [
    ['Standard_NC4as_T4_v3', 'nvidia-t4', 1], ['Standard_NC8as_T4_v3', 'nvidia-t4', 1],
    ['Standard_NC16as_T4_v3', 'nvidia-t4', 1], ['Standard_NC64as_T4_v3', 'nvidia-t4', 4],
    ['Standard_NC24ads_A100_v4', 'nvidia-a100-80gb', 1], ['Standard_NC48ads_A100_v4', 'nvidia-a100-80gb', 2],
    ['Standard_NC96ads_A100_v4', 'nvidia-a100-80gb', 4],
    ['Standard_ND96asr_v4', 'nvidia-a100-40gb', 8], ['Standard_ND96amsr_A100_v4', 'nvidia-a100-80gb', 8],
    ['Standard_ND96isr_H100_v5', 'nvidia-h100', 8],
    ['Standard_ND96isr_H200_v5', 'nvidia-h200', 8],
  ],
};

/** Family of a GCP machine type (`g2-standard-4` → `g2`) or series of an Azure size (`Standard_NC24ads_A100_v4` → `NCads_A100_v4`). */
function otherFamily(cloud: string, name: string): string {
  if (cloud === 'gcp') return name.slice(0, name.indexOf('-'));
  const [, size, ...rest] = name.split('_');
  return [size.replace(/\d+/, ''), ...rest].join('_');
}

function otherCloudInfo(cloud: string, [name, acceleratorName, acceleratorCount]: OtherRow): InstanceTypeInfo {
  return Object.freeze({
    cloud,
    name,
    family: otherFamily(cloud, name),
    acceleratorName,
    acceleratorCount,
    efaSupported: false,
    maxEfaInterfaces: 0,
    architecture: 'x86_64',
  });
}

const OTHER_CLOUD_INFOS: Readonly<Record<string, readonly InstanceTypeInfo[]>> = Object.fromEntries(
  Object.entries(OTHER_CLOUD_INSTANCE_TYPES).map(([cloud, rows]) => [cloud, Object.freeze(rows.map((row) => otherCloudInfo(cloud, row)))]),
);

/** The built-in accelerators, filled as the static instances are created (never changed after). */
const BUILT_IN: Accelerator[] = [];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_LABEL_HINT = "a DNS-1123 label: at most 63 characters of lower-case a-z, 0-9 and '-', starting and ending with a letter or digit (e.g. \"acme-npu-v2\")";
/** Kubernetes extended resource name: `<DNS subdomain>/<name>`. */
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const MIG_PROFILE = /^[1-7]g\.\d+gb(\+me)?$/;

/**
 * An accelerator model: what a node pool asks for, what a pod requests, and how nodes carrying it
 * are tainted and labelled.
 *
 * Use the built-in instances (`Accelerator.NVIDIA_L4`, `Accelerator.AWS_TRAINIUM2`, ...) or
 * {@link Accelerator.custom} for a device the catalog does not know.
 */
export class Accelerator {
  /** NVIDIA T4, 16 GiB (AWS g4dn). No MIG. */
  public static readonly NVIDIA_T4 = Accelerator.builtIn({
    name: 'nvidia-t4',
    vendor: 'nvidia',
    model: 'NVIDIA T4',
    memoryGiB: 16,
    memoryMiB: 16384,
    karpenterGpuName: 't4',
    migProfiles: NO_MIG,
  });

  /**
   * NVIDIA A10G (AWS g5). 22 GiB as AWS lists it: the EC2 API reports 22888 MiB and AWS rounds down
   * (NVIDIA markets 24 GB). No MIG.
   */
  public static readonly NVIDIA_A10G = Accelerator.builtIn({
    name: 'nvidia-a10g',
    vendor: 'nvidia',
    model: 'NVIDIA A10G',
    memoryGiB: 22,
    memoryMiB: 22888,
    karpenterGpuName: 'a10g',
    migProfiles: NO_MIG,
  });

  /** NVIDIA L4 (AWS g6, GCP G2). 22 GiB as AWS lists it (22888 MiB from the EC2 API). No MIG. */
  public static readonly NVIDIA_L4 = Accelerator.builtIn({
    name: 'nvidia-l4',
    vendor: 'nvidia',
    model: 'NVIDIA L4',
    memoryGiB: 22,
    memoryMiB: 22888,
    karpenterGpuName: 'l4',
    migProfiles: NO_MIG,
  });

  /** NVIDIA L40S (AWS g6e). 44 GiB as AWS lists it (45776 MiB from the EC2 API). No MIG. */
  public static readonly NVIDIA_L40S = Accelerator.builtIn({
    name: 'nvidia-l40s',
    vendor: 'nvidia',
    model: 'NVIDIA L40S',
    memoryGiB: 44,
    memoryMiB: 45776,
    karpenterGpuName: 'l40s',
    migProfiles: NO_MIG,
  });

  /** NVIDIA A100 40GB (AWS p4d, GCP A2 High, Azure ND A100 v4). MIG up to 7 × 1g.5gb. */
  public static readonly NVIDIA_A100_40GB = Accelerator.builtIn({
    name: 'nvidia-a100-40gb',
    vendor: 'nvidia',
    model: 'NVIDIA A100 40GB',
    memoryGiB: 40,
    memoryMiB: 40960,
    karpenterGpuName: 'a100',
    migProfiles: MIG_A100_40GB,
  });

  /**
   * NVIDIA A100 80GB (AWS p4de, GCP A2 Ultra, Azure NC A100 v4 and NDm A100 v4). MIG up to 7 × 1g.10gb.
   * Karpenter labels it `a100` like the 40GB part: select on `instance-gpu-memory` to tell them apart.
   */
  public static readonly NVIDIA_A100_80GB = Accelerator.builtIn({
    name: 'nvidia-a100-80gb',
    vendor: 'nvidia',
    model: 'NVIDIA A100 80GB',
    memoryGiB: 80,
    memoryMiB: 81920,
    karpenterGpuName: 'a100',
    migProfiles: MIG_80GB,
  });

  /** NVIDIA H100 80GB (AWS p5, GCP A3, Azure ND H100 v5). MIG up to 7 × 1g.10gb. */
  public static readonly NVIDIA_H100 = Accelerator.builtIn({
    name: 'nvidia-h100',
    vendor: 'nvidia',
    model: 'NVIDIA H100',
    memoryGiB: 80,
    memoryMiB: 81920,
    karpenterGpuName: 'h100',
    migProfiles: MIG_80GB,
  });

  /** NVIDIA H200 141 GiB (AWS p5e / p5en, GCP A3 Ultra, Azure ND H200 v5). MIG up to 7 × 1g.18gb. */
  public static readonly NVIDIA_H200 = Accelerator.builtIn({
    name: 'nvidia-h200',
    vendor: 'nvidia',
    model: 'NVIDIA H200',
    memoryGiB: 141,
    memoryMiB: 144384,
    karpenterGpuName: 'h200',
    migProfiles: MIG_H200,
  });

  /**
   * NVIDIA B200 (AWS p6-b200, GCP A4). 179 GiB as AWS lists it (183359 MiB from the EC2 API). MIG up
   * to 7 × 1g.23gb; needs driver R570 (>= 570.133.20) for MIG.
   */
  public static readonly NVIDIA_B200 = Accelerator.builtIn({
    name: 'nvidia-b200',
    vendor: 'nvidia',
    model: 'NVIDIA B200',
    memoryGiB: 179,
    memoryMiB: 183359,
    karpenterGpuName: 'b200',
    migProfiles: MIG_B200,
  });

  /** AWS Inferentia2 (inf2): 32 GiB and 2 NeuronCores per device. */
  public static readonly AWS_INFERENTIA2 = Accelerator.builtIn({
    name: 'aws-inferentia2',
    vendor: 'aws',
    model: 'AWS Inferentia2',
    memoryGiB: 32,
    karpenterAcceleratorName: 'inferentia2',
    migProfiles: NO_MIG,
    neuronCoresPerDevice: 2,
  });

  /** AWS Trainium (trn1, trn1n): 32 GiB and 2 NeuronCores per device. */
  public static readonly AWS_TRAINIUM = Accelerator.builtIn({
    name: 'aws-trainium',
    vendor: 'aws',
    model: 'AWS Trainium',
    memoryGiB: 32,
    karpenterAcceleratorName: 'trainium',
    migProfiles: NO_MIG,
    neuronCoresPerDevice: 2,
  });

  /**
   * AWS Trainium2 (trn2): 8 NeuronCores per device, 96 GiB per device per the AWS Neuron docs.
   * The AWS instance-type page lists 512 GiB per accelerator instead; the Neuron figure is used.
   */
  public static readonly AWS_TRAINIUM2 = Accelerator.builtIn({
    name: 'aws-trainium2',
    vendor: 'aws',
    model: 'AWS Trainium2',
    memoryGiB: 96,
    karpenterAcceleratorName: 'trainium2',
    migProfiles: NO_MIG,
    neuronCoresPerDevice: 8,
  });

  /** Every built-in accelerator, in catalog order. */
  public static all(): Accelerator[] {
    return [...BUILT_IN];
  }

  /**
   * The built-in accelerator of an instance or machine type on any cloud we list
   * (`g6.xlarge` → `NVIDIA_L4`, `a2-ultragpu-1g` → `NVIDIA_A100_80GB`), or `undefined` when the
   * type is not in the catalog. Custom accelerators are not searched.
   */
  public static forInstanceType(instanceType: string): Accelerator | undefined {
    const info = findAwsInstanceType(instanceType)
      ?? Object.values(OTHER_CLOUD_INFOS).flat().find((t) => t.name === instanceType);
    return info === undefined ? undefined : BUILT_IN.find((a) => a.name === info.acceleratorName);
  }

  /**
   * An accelerator the catalog does not know.
   *
   * @param props what the device is and how Kubernetes sees it
   * @param path construct path for error messages
   * @throws ConfigError when a property is invalid
   */
  public static custom(props: AcceleratorProps, path: string = '-'): Accelerator {
    const p = path || '-';
    if (typeof props.name !== 'string' || props.name.length > 63 || !DNS_LABEL.test(props.name)) {
      throw new ConfigError(p, 'accelerator.name', props.name, DNS_LABEL_HINT);
    }
    const builtIn = BUILT_IN.find((a) => a.name === props.name);
    if (builtIn !== undefined) {
      throw new ConfigError(p, 'accelerator.name', props.name,
        `a name that is not a built-in accelerator: use Accelerator.${builtIn.constantName} instead of a custom one`);
    }
    if (typeof props.resourceName !== 'string' || props.resourceName.length > 253 || !RESOURCE_NAME.test(props.resourceName)
      || props.resourceName.split('/')[0].endsWith('kubernetes.io')) {
      throw new ConfigError(p, 'accelerator.resourceName', props.resourceName,
        'a Kubernetes extended resource name "<domain>/<name>" outside kubernetes.io, e.g. "example.com/npu" (the name its device plugin advertises)');
    }
    if (!isPositive(props.memoryGiB)) {
      throw new ConfigError(p, 'accelerator.memoryGiB', props.memoryGiB, 'a positive number of GiB per device, e.g. 24');
    }
    if (props.memoryMiB !== undefined && !(isPositive(props.memoryMiB) && Number.isInteger(props.memoryMiB))) {
      throw new ConfigError(p, 'accelerator.memoryMiB', props.memoryMiB, 'a positive integer number of MiB per device, or leave it unset');
    }
    const domain = props.resourceName.split('/')[0];
    const vendor = props.vendor ?? (domain === 'nvidia.com' ? 'nvidia' : domain === 'aws.amazon.com' ? 'aws' : domain.split('.')[0]);
    if (vendor.length > 63 || !DNS_LABEL.test(vendor)) {
      throw new ConfigError(p, 'accelerator.vendor', vendor, DNS_LABEL_HINT.replace('acme-npu-v2', 'acme'));
    }
    const migProfiles = props.migProfiles ?? [];
    if (migProfiles.length > 0 && props.resourceName !== ResourceNames.NVIDIA_GPU) {
      throw new ConfigError(p, 'accelerator.migProfiles', migProfiles.map((m) => m.name),
        `no MIG profiles: MIG is a feature of NVIDIA GPUs advertised as "${ResourceNames.NVIDIA_GPU}", and this accelerator's resourceName is "${props.resourceName}"`);
    }
    for (const [i, profile] of migProfiles.entries()) {
      if (typeof profile.name !== 'string' || !MIG_PROFILE.test(profile.name)) {
        throw new ConfigError(p, `accelerator.migProfiles[${i}].name`, profile.name,
          'a MIG profile name "<slices>g.<memory>gb", optionally with "+me", e.g. "1g.10gb" or "1g.10gb+me"');
      }
      if (!Number.isInteger(profile.instancesPerGpu) || profile.instancesPerGpu < 1 || profile.instancesPerGpu > 7) {
        throw new ConfigError(p, `accelerator.migProfiles[${i}].instancesPerGpu`, profile.instancesPerGpu,
          'an integer from 1 to 7 (MIG allows at most 7 instances per GPU)');
      }
    }
    for (const [i, type] of (props.instanceTypes ?? []).entries()) {
      if (!CLOUDS.includes(type.cloud)) {
        throw new ConfigError(p, `accelerator.instanceTypes[${i}].cloud`, type.cloud, `one of ${CLOUDS.map((c) => `"${c}"`).join(', ')}`);
      }
      if (type.acceleratorName !== props.name) {
        throw new ConfigError(p, `accelerator.instanceTypes[${i}].acceleratorName`, type.acceleratorName,
          `the accelerator's own name ${JSON.stringify(props.name)}`);
      }
      if (!Number.isInteger(type.acceleratorCount) || type.acceleratorCount < 1) {
        throw new ConfigError(p, `accelerator.instanceTypes[${i}].acceleratorCount`, type.acceleratorCount, 'a positive integer (devices per instance)');
      }
    }
    const taint = props.taint
      ?? (props.resourceName === ResourceNames.NVIDIA_GPU ? Taints.NVIDIA_GPU
        : props.resourceName === ResourceNames.NEURON_DEVICE ? Taints.NEURON
          : { key: props.resourceName, effect: 'NoSchedule' as const });
    return new Accelerator({
      name: props.name,
      vendor,
      model: props.model ?? props.name,
      memoryGiB: props.memoryGiB,
      memoryMiB: props.memoryMiB,
      resourceName: props.resourceName,
      taint,
      karpenterGpuName: props.karpenterGpuName,
      karpenterAcceleratorName: props.karpenterAcceleratorName,
      migProfiles: mig(...migProfiles.map((m): [string, number] => [m.name, m.instancesPerGpu])),
      neuronCoresPerDevice: props.neuronCoresPerDevice,
      instanceTypes: Object.freeze((props.instanceTypes ?? []).map((t) => Object.freeze({ ...t }))) as InstanceTypeInfo[],
    });
  }

  private static builtIn(def: Omit<Definition, 'resourceName' | 'taint'>): Accelerator {
    const nvidia = def.vendor === AcceleratorVendors.NVIDIA;
    const accelerator = new Accelerator({
      ...def,
      resourceName: nvidia ? ResourceNames.NVIDIA_GPU : ResourceNames.NEURON_DEVICE,
      taint: nvidia ? Taints.NVIDIA_GPU : Taints.NEURON,
    });
    BUILT_IN.push(accelerator);
    return accelerator;
  }

  /** Catalog name, a DNS-1123 label, e.g. `nvidia-l4`. */
  public readonly name: string;
  /** `nvidia`, `aws`, or the vendor of a custom accelerator. */
  public readonly vendor: string;
  /** Display name, e.g. `NVIDIA L4`. */
  public readonly model: string;
  /** Memory per device, GiB (as AWS lists it: rounded down from the MiB the EC2 API reports). */
  public readonly memoryGiB: number;
  /**
   * Memory per device, MiB, as EC2 `DescribeInstanceTypes` reports it: the value of the Karpenter
   * `karpenter.k8s.aws/instance-gpu-memory` label. `undefined` when not recorded (Neuron devices).
   */
  public readonly memoryMiB?: number;
  /** Extended resource a pod requests for one whole device: `nvidia.com/gpu` or `aws.amazon.com/neuron`. */
  public readonly resourceName: string;
  /** Taint on nodes that carry this device (`NoSchedule`); pods tolerate it with `operator: Exists`. */
  public readonly taint: Taint;
  /** `karpenter.k8s.aws/instance-gpu-name` value (`l4`, `a100`, ...), `undefined` for non-GPUs. */
  public readonly karpenterGpuName?: string;
  /** `karpenter.k8s.aws/instance-accelerator-name` value (`inferentia2`, ...), `undefined` for GPUs. */
  public readonly karpenterAcceleratorName?: string;
  /** MIG profiles this GPU supports; empty when it does not support MIG. */
  public readonly migProfiles: MigProfile[];
  /** NeuronCores per device (`aws.amazon.com/neuroncore`), `undefined` for GPUs. */
  public readonly neuronCoresPerDevice?: number;

  private readonly ownInstanceTypes?: InstanceTypeInfo[];

  private constructor(def: Definition) {
    this.name = def.name;
    this.vendor = def.vendor;
    this.model = def.model;
    this.memoryGiB = def.memoryGiB;
    this.memoryMiB = def.memoryMiB;
    this.resourceName = def.resourceName;
    this.taint = def.taint;
    this.karpenterGpuName = def.karpenterGpuName;
    this.karpenterAcceleratorName = def.karpenterAcceleratorName;
    this.migProfiles = def.migProfiles;
    this.neuronCoresPerDevice = def.neuronCoresPerDevice;
    this.ownInstanceTypes = def.instanceTypes;
  }

  /** Whether the device supports NVIDIA Multi-Instance GPU. */
  public get supportsMig(): boolean {
    return this.migProfiles.length > 0;
  }

  /** Whether this is an NVIDIA GPU advertised as `nvidia.com/gpu` (time-slicing, MPS and MIG apply). */
  public get isNvidiaGpu(): boolean {
    return this.vendor === AcceleratorVendors.NVIDIA && this.resourceName === ResourceNames.NVIDIA_GPU;
  }

  /** The MIG profile of that name, or `undefined` when this device does not offer it. */
  public migProfile(name: string): MigProfile | undefined {
    return this.migProfiles.find((m) => m.name === name);
  }

  /**
   * Instance / machine types that carry this accelerator on `cloud`, smallest first as listed.
   * AWS rows are checked facts with prices (see `aws-instance-types.ts`); GCP and Azure rows are
   * names and GPU counts only, unpriced.
   *
   * @param cloud `aws`, `gcp` or `azure`
   * @throws ConfigError for any other cloud
   */
  public instanceTypes(cloud: string): InstanceTypeInfo[] {
    if (!CLOUDS.includes(cloud)) {
      throw new ConfigError('-', 'cloud', cloud, `one of ${CLOUDS.map((c) => `"${c}"`).join(', ')}`);
    }
    if (this.ownInstanceTypes !== undefined) return this.ownInstanceTypes.filter((t) => t.cloud === cloud);
    const table = cloud === 'aws' ? AWS_ACCELERATED_INSTANCE_TYPES : OTHER_CLOUD_INFOS[cloud] ?? [];
    return table.filter((t) => t.acceleratorName === this.name);
  }

  /** `nvidia-l4` → `NVIDIA_L4`, for messages that name the built-in constant. */
  private get constantName(): string {
    return this.name.toUpperCase().replace(/-/g, '_');
  }

  public toString(): string {
    return this.name;
  }
}

function isPositive(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
