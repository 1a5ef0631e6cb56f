/**
 * Which AWS instance types have local NVMe instance storage, for the services that refuse a volume
 * KMS key on them: SageMaker `CreateEndpointConfig` fails when `KmsKeyId` is set and any production
 * variant runs on a Nitro instance type with local storage ("Local storage volumes are encrypted
 * using a hardware module on the instance. You can't request a KmsKeyId when using an instance type
 * with local storage", SageMaker API reference, CreateEndpointConfig `KmsKeyId`; the same for
 * `VolumeKmsKeyId` of training and transform jobs; aws/sagemaker-python-sdk#3677).
 *
 * Sources:
 * - the accelerated types we carry: `localNvme` of `vendor/data/aws-accelerators.json`
 *   (source `aws-ec2-accelerated-computing-specs`, "instance store", read on 2026-11-29);
 *   `test/core/aws-instance-types.test.ts` compares this list with the file;
 * - any other type: the EC2 instance type naming convention, where a `d` among the attribute
 *   letters after the generation means instance store volumes (`m5d`, `c5d`, `r5d`, `p3dn`,
 *   `g4dn`, `p4d`). The SageMaker Python SDK uses the same rule (`volume_size_supported` in
 *   `src/sagemaker/utils.py`), plus `g5`, which its rule misses, as it misses `g6`, `g6e`, `p5`,
 *   `trn1` and `trn2` (all with NVMe storage, from the data file).
 */

/** Accelerated types of `vendor/data/aws-accelerators.json` whose `localNvme` is not null. */
const ACCELERATED_WITH_LOCAL_NVME: ReadonlySet<string> = new Set([
  'g4dn.xlarge', 'g4dn.2xlarge', 'g4dn.4xlarge', 'g4dn.8xlarge', 'g4dn.12xlarge', 'g4dn.16xlarge', 'g4dn.metal',
  'g5.xlarge', 'g5.2xlarge', 'g5.4xlarge', 'g5.8xlarge', 'g5.12xlarge', 'g5.16xlarge', 'g5.24xlarge', 'g5.48xlarge',
  'g6.xlarge', 'g6.2xlarge', 'g6.4xlarge', 'g6.8xlarge', 'g6.12xlarge', 'g6.16xlarge', 'g6.24xlarge', 'g6.48xlarge',
  'g6e.xlarge', 'g6e.2xlarge', 'g6e.4xlarge', 'g6e.8xlarge', 'g6e.12xlarge', 'g6e.16xlarge', 'g6e.24xlarge', 'g6e.48xlarge',
  'gr6.4xlarge', 'gr6.8xlarge',
  'p4d.24xlarge', 'p4de.24xlarge',
  'p5.4xlarge', 'p5.48xlarge', 'p5e.48xlarge', 'p5en.48xlarge', 'p6-b200.48xlarge', 'p6e-gb200.36xlarge',
  'trn1.2xlarge', 'trn1.32xlarge', 'trn1n.32xlarge', 'trn2.3xlarge', 'trn2.48xlarge',
]);

/** Accelerated types of the data file without instance storage (EBS only). */
const ACCELERATED_EBS_ONLY: ReadonlySet<string> = new Set(['inf2.xlarge', 'inf2.8xlarge', 'inf2.24xlarge', 'inf2.48xlarge']);

/** @internal The two lists above, for the test that compares them with the data file. */
export const _AWS_LOCAL_NVME_FACTS = { withLocalNvme: ACCELERATED_WITH_LOCAL_NVME, ebsOnly: ACCELERATED_EBS_ONLY };

/**
 * Whether an EC2 or SageMaker instance type (`g5.2xlarge`, `ml.g5.2xlarge`) has local NVMe
 * instance storage: from the sourced facts for the accelerated types we carry, from the `d`
 * attribute of the family name otherwise (`ml.m5d.large`: yes, `ml.m5.xlarge`: no).
 */
export function awsInstanceHasLocalStorage(instanceType: string): boolean {
  const name = instanceType.startsWith('ml.') ? instanceType.slice(3) : instanceType;
  if (ACCELERATED_WITH_LOCAL_NVME.has(name)) return true;
  if (ACCELERATED_EBS_ONLY.has(name)) return false;
  const family = name.split('.')[0];
  // <class letters><generation digits><attribute letters>[-…]: a `d` among the attributes.
  const m = /^[a-z]+\d+([a-z]*)/.exec(family);
  return !!m && m[1].includes('d');
}
