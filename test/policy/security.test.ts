/** The security baseline: each rule triggered, passed, and suppressed. */
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { active, checkPlatform, checkStack, deployment, manifest, SAFE, suppressed } from './support';
import { secureLaunchTemplate } from '../../lib/aws/node-infra';
import { SecureBucket, secureQueue } from '../../lib/aws/storage';
import { defaultDenyNetworkPolicy, namespaceObject, restrictedContainerSecurityContext } from '../../lib/kubernetes/objects';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { Policy } from '../../lib/policy/suppressions';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { testApp } from '../support/synth';

const POLICY = (effect: string, action: unknown, resource: unknown) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Action: action, Resource: resource }] });

describe('AIP-SEC-001/002/003: S3 encryption, versioning, public access block', () => {
  test('a bare bucket breaks all three', () => {
    const f = checkStack((s) => new S3Bucket(s, 'b', { bucket: 'acme-data' }));
    expect(active(f)).toEqual(['AIP-SEC-001', 'AIP-SEC-002', 'AIP-SEC-003']);
    expect(f[0]).toMatchObject({ severity: 'error', path: 'raw/b', message: 'S3 bucket "acme-data" has no default server-side encryption configuration.' });
    expect(f[1].fix).toMatch(/aws_s3_bucket_versioning/);
  });

  test('SecureBucket passes (companions found through references)', () => {
    expect(active(checkStack((s) => new SecureBucket(s, 'b', { namePrefix: 'acme-' })))).toEqual([]);
  });

  test('suppressed per rule on the bucket, with the reason kept', () => {
    const f = checkStack((s) => {
      const b = new S3Bucket(s, 'b', { bucket: 'acme-data' });
      Policy.suppress(b, 'AIP-SEC-002', 'immutable exports');
    });
    expect(active(f)).toEqual(['AIP-SEC-001', 'AIP-SEC-003']);
    expect(f.find((x) => x.ruleId === 'AIP-SEC-002')!.suppressedBy).toEqual({ ruleId: 'AIP-SEC-002', reason: 'immutable exports', path: 'raw/b' });
  });
});

describe('AIP-SEC-004/005: IMDSv2 and encrypted EBS', () => {
  test('a launch template without IMDSv2 and with an unencrypted volume; an instance; a volume', () => {
    const f = checkStack((s) => {
      new LaunchTemplate(s, 'lt', { blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: 20, encrypted: 'false' } }] });
      new Instance(s, 'vm', { ami: 'ami-0123456789abcdef0', instanceType: 'm6i.large', metadataOptions: { httpTokens: 'optional' } });
      new EbsVolume(s, 'vol', { availabilityZone: 'us-east-1a', size: 10 });
    });
    expect(active(f)).toEqual(['AIP-SEC-004', 'AIP-SEC-005', 'AIP-SEC-004', 'AIP-SEC-005', 'AIP-SEC-005']);
    expect(f[0].message).toBe('Launch template aws_launch_template.lt does not require IMDSv2 (metadata_options.http_tokens is "unset").');
  });

  test('the secure launch template passes', () => {
    expect(active(checkStack((s) => secureLaunchTemplate(s, 'lt', { namePrefix: 'x', diskGiB: 50 })))).toEqual([]);
  });

  test('a Karpenter EC2NodeClass with optional tokens or an unencrypted volume; the defaults pass', () => {
    const nodeClass = (spec: Record<string, unknown>) => ({ apiVersion: 'karpenter.k8s.aws/v1', kind: 'EC2NodeClass', metadata: { name: 'gpu' }, spec: { amiSelectorTerms: [{ alias: 'al2023@latest' }], role: 'node', subnetSelectorTerms: [{ tags: { a: 'b' } }], securityGroupSelectorTerms: [{ tags: { a: 'b' } }], ...spec } });
    const bad = nodeClass({ metadataOptions: { httpTokens: 'optional' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', encrypted: false } }] });
    expect(active(checkStack((s) => manifest(s, 'nc', bad)))).toEqual(['AIP-SEC-004', 'AIP-SEC-005']);
    const good = nodeClass({ metadataOptions: { httpTokens: 'required' }, blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '100Gi', encrypted: true } }] });
    expect(active(checkStack((s) => manifest(s, 'nc', good)))).toEqual([]);
    expect(defaultRegistry().validate(good)).toEqual([]);
  });

  test('suppressed on a scope above the resource', () => {
    const f = checkStack((s) => {
      new LaunchTemplate(s, 'lt', {});
      Policy.suppress(s, 'AIP-SEC-004', 'legacy AMI needs IMDSv1');
    });
    expect(suppressed(f)).toEqual(['AIP-SEC-004']);
  });
});

describe('AIP-SEC-006: SQS encryption', () => {
  test('an unencrypted queue; SSE-SQS and SSE-KMS pass', () => {
    expect(active(checkStack((s) => new SqsQueue(s, 'q', { name: 'jobs' })))).toEqual(['AIP-SEC-006']);
    expect(active(checkStack((s) => secureQueue(s, 'q', { name: 'jobs', deadLetterAfter: 3 })))).toEqual([]);
    expect(active(checkStack((s) => new SqsQueue(s, 'q', { kmsMasterKeyId: 'alias/aws/sqs' })))).toEqual([]);
  });
  test('suppressed', () => {
    expect(suppressed(checkStack((s) => Policy.suppress(new SqsQueue(s, 'q', {}), 'AIP-SEC-006', 'public data only')))).toEqual(['AIP-SEC-006']);
  });
});

describe('AIP-SEC-007/009: EKS secrets encryption and endpoint access', () => {
  const raw = (s: any, vpc: Record<string, unknown>, encrypted = false) => new EksClusterResource(s, 'eks', {
    name: 'c',
    roleArn: 'arn:aws:iam::111122223333:role/eks',
    vpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], ...vpc },
    encryptionConfig: encrypted ? { resources: ['secrets'], provider: { keyArn: 'arn:aws:kms:us-east-1:111122223333:key/1' } } : undefined,
  });

  test('a raw cluster: no KMS for secrets, and a public endpoint (Terraform default true)', () => {
    const f = checkStack((s) => raw(s, {}));
    expect(active(f)).toEqual(['AIP-SEC-007', 'AIP-SEC-009']);
    expect(f[1].message).toMatch(/has a public API endpoint \(open to 0\.0\.0\.0\/0\)/);
  });

  test('private and encrypted passes', () => {
    expect(active(checkStack((s) => raw(s, { endpointPublicAccess: false }, true)))).toEqual([]);
  });

  test('EksCluster: private by default; endpointPublicAccess with CIDRs is the opt-in, recorded as a suppression', () => {
    const app = testApp();
    const p = new AiPlatform(app, 'acme');
    p.addEksCluster('priv', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    p.addEksCluster('pub', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, vpcCidr: '10.1.0.0/16', endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] });
    const f = checkPlatform(p);
    expect(active(f)).toEqual([]);
    expect(f.filter((x) => x.suppressedBy).map((x) => [x.ruleId, x.path, x.suppressedBy!.reason])).toEqual([
      ['AIP-SEC-009', 'acme-pub-infra/Resource', 'opted in with endpointPublicAccess: true, limited to 203.0.113.0/24'],
    ]);
  });
});

describe('AIP-SEC-008: no IAM "*" on "*"', () => {
  test('an inline policy, an AdministratorAccess attachment and a policy document allowing everything', () => {
    const f = checkStack((s) => {
      const role = new IamRole(s, 'r', { assumeRolePolicy: POLICY('Allow', 'sts:AssumeRole', '*') });
      new IamRolePolicy(s, 'p', { role: role.id, policy: POLICY('Allow', '*', '*') });
      new IamRolePolicyAttachment(s, 'a', { role: role.name, policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' });
      new DataAwsIamPolicyDocument(s, 'd', { statement: [{ actions: ['*'], resources: ['*'] }] });
    });
    expect(active(f)).toEqual(['AIP-SEC-008', 'AIP-SEC-008', 'AIP-SEC-008']);
    expect(f.map((x) => x.path)).toEqual(['raw/p', 'raw/a', 'raw/d']);
  });

  test('named actions, "*" actions on named resources, and Deny statements pass', () => {
    const f = checkStack((s) => {
      const role = new IamRole(s, 'r', { assumeRolePolicy: POLICY('Allow', 'sts:AssumeRole', '*') });
      new IamRolePolicy(s, 'p1', { role: role.id, policy: POLICY('Allow', ['s3:GetObject'], ['arn:aws:s3:::b/*']) });
      new IamRolePolicy(s, 'p2', { role: role.id, policy: POLICY('Allow', '*', ['arn:aws:s3:::b']) });
      new IamRolePolicy(s, 'p3', { role: role.id, policy: POLICY('Deny', '*', '*') });
    });
    expect(active(f)).toEqual([]);
  });

  test('suppressed', () => {
    const f = checkStack((s) => {
      const role = new IamRole(s, 'r', { assumeRolePolicy: POLICY('Allow', 'sts:AssumeRole', '*') });
      Policy.suppress(new IamRolePolicy(s, 'p', { role: role.id, policy: POLICY('Allow', '*', '*') }), 'AIP-SEC-008', 'break-glass role');
    });
    expect(suppressed(f)).toEqual(['AIP-SEC-008']);
  });
});

describe('AIP-SEC-010/011: containers not privileged, no privilege escalation', () => {
  test('a privileged container that may escalate; a container without a security context', () => {
    const f = checkStack((s) => {
      manifest(s, 'a', deployment('a', 'apps', { securityContext: { privileged: true, allowPrivilegeEscalation: true } }));
      manifest(s, 'b', deployment('b', 'apps', {}));
    });
    expect(active(f)).toEqual(['AIP-SEC-010', 'AIP-SEC-011', 'AIP-SEC-011']);
    expect(f[2].message).toBe('Container main of Deployment apps/b may escalate privileges (allowPrivilegeEscalation is "unset").');
  });

  test('restricted containers pass, in init containers and KServe models too', () => {
    const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'apps' }, spec: { predictor: { model: { modelFormat: { name: 'triton' }, storageUri: 's3://m/' } } } };
    const ok = deployment('ok', 'apps', { securityContext: restrictedContainerSecurityContext() }, { initContainers: [{ name: 'init', image: 'busybox:1.36', securityContext: SAFE }] });
    expect(active(checkStack((s) => {
      manifest(s, 'ok', ok);
      manifest(s, 'isvc', isvc);
    }))).toEqual([]);
    expect([...defaultRegistry().validate(ok), ...defaultRegistry().validate(isvc)]).toEqual([]);
  });

  test('a KServe model spec that asks for escalation explicitly is caught', () => {
    const isvc = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'apps' }, spec: { predictor: { model: { modelFormat: { name: 'triton' }, storageUri: 's3://m/', securityContext: { allowPrivilegeEscalation: true } } } } };
    expect(active(checkStack((s) => manifest(s, 'isvc', isvc)))).toEqual(['AIP-SEC-011']);
  });

  test('suppressed on the manifest', () => {
    const f = checkStack((s) => Policy.suppress(manifest(s, 'a', deployment('a', 'apps', { securityContext: { ...SAFE, privileged: true } })), 'AIP-SEC-010', 'node debugger'));
    expect([active(f), suppressed(f)]).toEqual([[], ['AIP-SEC-010']]);
  });
});

describe('AIP-SEC-012: default-deny NetworkPolicy where workloads run', () => {
  const ns = namespaceObject('serving');
  const work = deployment('web', 'serving', { securityContext: SAFE });

  test('a namespace that runs workloads without a default-deny policy', () => {
    const f = checkStack((s) => {
      manifest(s, 'ns', ns);
      manifest(s, 'web', work);
    });
    expect(active(f)).toEqual(['AIP-SEC-012']);
    expect(f[0]).toMatchObject({ path: 'raw/ns', message: expect.stringMatching(/^Namespace serving runs workloads but has no default-deny NetworkPolicy/) });
  });

  test('with defaultDenyNetworkPolicy it passes; a namespace without workloads needs none', () => {
    expect(active(checkStack((s) => {
      manifest(s, 'ns', ns);
      manifest(s, 'web', work);
      manifest(s, 'deny', defaultDenyNetworkPolicy('serving'));
      manifest(s, 'empty', namespaceObject('knative-serving', 'baseline'));
    }))).toEqual([]);
    for (const o of [ns, work, defaultDenyNetworkPolicy('serving')]) expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('a policy that only denies ingress is not default-deny', () => {
    const ingressOnly = { ...defaultDenyNetworkPolicy('serving'), spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    expect(active(checkStack((s) => {
      manifest(s, 'ns', ns);
      manifest(s, 'web', work);
      manifest(s, 'deny', ingressOnly);
    }))).toEqual(['AIP-SEC-012']);
  });

  test('suppressed on the namespace', () => {
    expect(suppressed(checkStack((s) => {
      Policy.suppress(manifest(s, 'ns', ns), 'AIP-SEC-012', 'a service mesh enforces isolation');
      manifest(s, 'web', work);
    }))).toEqual(['AIP-SEC-012']);
  });
});
