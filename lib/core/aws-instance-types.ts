/**
 * AWS EC2 accelerated instance types: the facts our Accelerator catalog and cost model build on.
 *
 * Generated-looking, hand-checked: carried into TypeScript from `vendor/data/aws-accelerators.json`
 * (compiled 2026-11-29) so that synth never reads a file users do not have.
 * `test/core/aws-instance-types.test.ts` compares every row with that file, field by field, and
 * fails when they drift apart. Edit the data file first, then this table.
 *
 * Sources (ids as in the data file):
 * - `aws-ec2-accelerated-computing-specs`: https://docs.aws.amazon.com/ec2/latest/instancetypes/ac.html,
 *   read on 2026-11-29 (accelerator count and model, vCPUs, memory, EFA support, Spot support).
 * - `karpenter-instance-types-doc`: aws/karpenter-provider-aws
 *   `website/content/en/docs/reference/instance-types.md` at 1d927085 (release v1.14.0, generated
 *   from EC2 DescribeInstanceTypes): max EFA interfaces, GPU memory in MiB, label values.
 * - `karpenter-on-demand-prices`: aws/karpenter-provider-aws
 *   `pkg/providers/pricing/zz_generated.pricing_aws.go` at 1d927085, "generated at
 *   2026-07-20T13:44:30Z for us-east-1" from the AWS Price List API.
 * - `aws-neuron-architecture-docs`: aws-neuron/aws-neuron-sdk at 81ce03ae (Neuron device memory).
 *
 * Prices: On-Demand **list** prices, USD per instance-hour, Linux, us-east-1, as the AWS Price List
 * API returned them on 2026-07-20 (dataRetrievedAt), read on 2026-11-29. They exclude Savings
 * Plans, Reserved Instances, Capacity Blocks, Spot, other regions, EBS, data transfer and taxes.
 * `.metal` sizes are priced from the Price List's "Dedicated" bare-metal rows, which is how AWS
 * files them; it is the ordinary On-Demand rate. Refresh before trusting a number in a quote.
 *
 * Unknowns are `undefined`, never guessed:
 * - No On-Demand price for p5e.48xlarge, trn2.3xlarge and trn2.48xlarge: none of the 37 versions
 *   of the Karpenter price file (2023-09-18 to 2026-07-20) has one; AWS sells p5e and trn2 through
 *   EC2 Capacity Blocks for ML, whose prices are per offering.
 * - trn2.3xlarge is not in Karpenter's DescribeInstanceTypes list (us-east-1/us-east-2/us-west-2),
 *   so its max EFA interface count is not recorded.
 * - Trainium2 memory: the AWS page lists 512 GiB per accelerator, the Neuron docs 96 GiB per chip
 *   (1,536 GiB per trn2.48xlarge); the Neuron figure is used (see `Accelerator.AWS_TRAINIUM2`).
 * - Regional availability is not recorded: a row here does not mean the type is offered in a region.
 *
 * Scope: every size of the families g4dn, g5, g6, g6e, p4d, p4de, p5, p5e, p5en, p6-b200, inf2,
 * trn1, trn1n and trn2. Not carried: gr6 (L4 with more memory per vCPU) and p6e-gb200 (arm64 GB200
 * superchips, not in Karpenter's list, no Spot, no On-Demand price); both are in the data file.
 * All rows are x86_64.
 */
import type { InstanceTypeInfo } from './accelerator';

/** Where and when the prices of {@link AWS_ACCELERATED_INSTANCE_TYPES} were read. */
export const AWS_INSTANCE_TYPE_FACTS = {
  /** Region of the On-Demand prices. */
  priceRegion: 'us-east-1',
  priceOperatingSystem: 'Linux',
  pricePurchaseOption: 'On-Demand',
  /** When the AWS Price List API was read (header of the Karpenter price file). */
  priceDataRetrievedAt: '2026-07-20T13:44:30Z',
  /** When the facts were copied from their sources into `vendor/data/aws-accelerators.json`. */
  readOn: '2026-11-29',
  sources: [
    'aws-ec2-accelerated-computing-specs',
    'karpenter-instance-types-doc',
    'karpenter-on-demand-prices',
    'aws-neuron-architecture-docs',
  ],
} as const;

const U = undefined;

/**
 * One row: instance type, `Accelerator.name` of its devices, accelerator count, vCPUs, memory
 * (GiB), EFA supported, max EFA interfaces, Spot supported, On-Demand USD per hour.
 */
type Row = readonly [string, string, number, number, number, boolean, number | undefined, boolean, number | undefined];

/* eslint-disable @stylistic/no-multi-spaces -- aligned columns keep the table reviewable */
const ROWS: readonly Row[] = [
  // name                accelerator       count vcpus  GiB  efa maxEfa spot   USD/h On-Demand
  // g4dn: NVIDIA T4, 16 GiB per device, 16384 MiB per GPU (EC2 API)
  ['g4dn.xlarge',        'nvidia-t4',          1,   4,   16, false,  0, true,  0.526],
  ['g4dn.2xlarge',       'nvidia-t4',          1,   8,   32, false,  0, true,  0.752],
  ['g4dn.4xlarge',       'nvidia-t4',          1,  16,   64, false,  0, true,  1.204],
  ['g4dn.8xlarge',       'nvidia-t4',          1,  32,  128, true,   1, true,  2.176],
  ['g4dn.12xlarge',      'nvidia-t4',          4,  48,  192, true,   1, true,  3.912],
  ['g4dn.16xlarge',      'nvidia-t4',          1,  64,  256, true,   1, true,  4.352],
  ['g4dn.metal',         'nvidia-t4',          8,  96,  384, true,   1, true,  7.824],
  // g5: NVIDIA A10G, 22 GiB per device, 22888 MiB per GPU (EC2 API)
  ['g5.xlarge',          'nvidia-a10g',        1,   4,   16, false,  0, true,  1.006],
  ['g5.2xlarge',         'nvidia-a10g',        1,   8,   32, false,  0, true,  1.212],
  ['g5.4xlarge',         'nvidia-a10g',        1,  16,   64, false,  0, true,  1.624],
  ['g5.8xlarge',         'nvidia-a10g',        1,  32,  128, true,   1, true,  2.448],
  ['g5.12xlarge',        'nvidia-a10g',        4,  48,  192, true,   1, true,  5.672],
  ['g5.16xlarge',        'nvidia-a10g',        1,  64,  256, true,   1, true,  4.096],
  ['g5.24xlarge',        'nvidia-a10g',        4,  96,  384, true,   1, true,  8.144],
  ['g5.48xlarge',        'nvidia-a10g',        8, 192,  768, true,   1, true,  16.288],
  // g6: NVIDIA L4, 22 GiB per device, 22888 MiB per GPU (EC2 API)
  ['g6.xlarge',          'nvidia-l4',          1,   4,   16, false,  0, true,  0.8048],
  ['g6.2xlarge',         'nvidia-l4',          1,   8,   32, false,  0, true,  0.9776],
  ['g6.4xlarge',         'nvidia-l4',          1,  16,   64, false,  0, true,  1.3232],
  ['g6.8xlarge',         'nvidia-l4',          1,  32,  128, true,   1, true,  2.0144],
  ['g6.12xlarge',        'nvidia-l4',          4,  48,  192, true,   1, true,  4.6016],
  ['g6.16xlarge',        'nvidia-l4',          1,  64,  256, true,   1, true,  3.3968],
  ['g6.24xlarge',        'nvidia-l4',          4,  96,  384, true,   1, true,  6.6752],
  ['g6.48xlarge',        'nvidia-l4',          8, 192,  768, true,   1, true,  13.3504],
  // g6e: NVIDIA L40S, 44 GiB per device, 45776 MiB per GPU (EC2 API)
  ['g6e.xlarge',         'nvidia-l40s',        1,   4,   32, false,  0, true,  1.861],
  ['g6e.2xlarge',        'nvidia-l40s',        1,   8,   64, false,  0, true,  2.24208],
  ['g6e.4xlarge',        'nvidia-l40s',        1,  16,  128, false,  0, true,  3.00424],
  ['g6e.8xlarge',        'nvidia-l40s',        1,  32,  256, true,   1, true,  4.52856],
  ['g6e.12xlarge',       'nvidia-l40s',        4,  48,  384, true,   1, true,  10.49264],
  ['g6e.16xlarge',       'nvidia-l40s',        1,  64,  512, true,   1, true,  7.57719],
  ['g6e.24xlarge',       'nvidia-l40s',        4,  96,  768, true,   2, true,  15.06559],
  ['g6e.48xlarge',       'nvidia-l40s',        8, 192, 1536, true,   4, true,  30.13118],
  // p4d: NVIDIA A100, 40 GiB per device, 40960 MiB per GPU (EC2 API)
  ['p4d.24xlarge',       'nvidia-a100-40gb',   8,  96, 1152, true,   4, true,  21.957642],
  // p4de: NVIDIA A100, 80 GiB per device, 81920 MiB per GPU (EC2 API)
  ['p4de.24xlarge',      'nvidia-a100-80gb',   8,  96, 1152, true,   4, true,  27.44705],
  // p5: NVIDIA H100, 80 GiB per device, 81920 MiB per GPU (EC2 API)
  ['p5.4xlarge',         'nvidia-h100',        1,  16,  256, true,   1, true,  6.88],
  ['p5.48xlarge',        'nvidia-h100',        8, 192, 2048, true,  32, true,  55.04],
  // p5e: NVIDIA H200, 141 GiB per device, 144384 MiB per GPU (EC2 API)
  ['p5e.48xlarge',       'nvidia-h200',        8, 192, 2048, true,  32, true,  U], // no On-Demand price (see header)
  // p5en: NVIDIA H200, 141 GiB per device, 144384 MiB per GPU (EC2 API)
  ['p5en.48xlarge',      'nvidia-h200',        8, 192, 2048, true,  16, true,  63.296],
  // p6-b200: NVIDIA B200, 179 GiB per device, 183359 MiB per GPU (EC2 API)
  ['p6-b200.48xlarge',   'nvidia-b200',        8, 192, 2048, true,   8, true,  113.9328],
  // inf2: AWS Inferentia2, 32 GiB per device
  ['inf2.xlarge',        'aws-inferentia2',    1,   4,   16, false,  0, true,  0.7582],
  ['inf2.8xlarge',       'aws-inferentia2',    1,  32,  128, false,  0, true,  1.96786],
  ['inf2.24xlarge',      'aws-inferentia2',    6,  96,  384, false,  0, true,  6.49063],
  ['inf2.48xlarge',      'aws-inferentia2',   12, 192,  768, false,  0, true,  12.98127],
  // trn1: AWS Trainium, 32 GiB per device
  ['trn1.2xlarge',       'aws-trainium',       1,   8,   32, false,  0, true,  1.34375],
  ['trn1.32xlarge',      'aws-trainium',      16, 128,  512, true,   8, true,  21.5],
  // trn1n: AWS Trainium, 32 GiB per device
  ['trn1n.32xlarge',     'aws-trainium',      16, 128,  512, true,  16, true,  24.78],
  // trn2: AWS Trainium2, 96 GiB per device (AWS Neuron docs; the AWS instance-type page says 512 GiB, see header)
  ['trn2.3xlarge',       'aws-trainium2',      1,  12,  128, true,   U, true,  U], // no On-Demand price (see header); max EFA interfaces not recorded
  ['trn2.48xlarge',      'aws-trainium2',     16, 192, 2048, true,  16, true,  U], // no On-Demand price (see header)
];
/* eslint-enable @stylistic/no-multi-spaces */

/**
 * Every AWS accelerated instance type we carry facts for, in the order of the data file
 * (family, then size). Read-only.
 */
export const AWS_ACCELERATED_INSTANCE_TYPES: readonly InstanceTypeInfo[] = Object.freeze(ROWS.map(toInfo));

const BY_NAME: ReadonlyMap<string, InstanceTypeInfo> = new Map(AWS_ACCELERATED_INSTANCE_TYPES.map((t) => [t.name, t]));

/**
 * The facts for one AWS instance type, e.g. `findAwsInstanceType('g6.xlarge')`, or `undefined`
 * when the type is not an accelerated type we carry (see the scope above).
 */
export function findAwsInstanceType(name: string): InstanceTypeInfo | undefined {
  return BY_NAME.get(name);
}

function toInfo([name, accelerator, count, vcpus, memoryGiB, efa, maxEfa, spot, usd]: Row): InstanceTypeInfo {
  return Object.freeze({
    cloud: 'aws',
    name,
    family: name.slice(0, name.indexOf('.')),
    acceleratorName: accelerator,
    acceleratorCount: count,
    vcpus,
    memoryGiB,
    efaSupported: efa,
    maxEfaInterfaces: maxEfa,
    spotSupported: spot,
    onDemandUsdPerHour: usd,
    architecture: 'x86_64',
  });
}
