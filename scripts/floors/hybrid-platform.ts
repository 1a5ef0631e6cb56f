/**
 * The plain-cdktf floor of examples/hybrid-platform: the same six stacks with the same number of
 * resources of each type, written by hand with per-resource provider imports and no cdktf-ai-infra
 * code. `npm run bench` compares the example's synth time and memory with this program's and checks
 * that both emit the same resource counts per stack and type.
 *
 * Values are copied from the example's output where that was cheap; the Kubernetes objects are
 * simplified copies (same kinds, names and count, shorter specs). Cross-stack values go through
 * cdktf cross-stack references as in the example. What this program leaves out is what the library
 * adds on top of plain cdktf: validation, the cost estimate and report, policy checks, tagging by
 * Aspect, and the objects' full content.
 */
import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Ec2Tag } from '@cdktf/provider-aws/lib/ec2-tag';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { DataKubernetesResources } from '@cdktf/provider-kubernetes/lib/data-kubernetes-resources';
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, conditional, Fn, Op, S3Backend, TerraformLocal, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';

const app = new App();
const platform = 'acme-ml';
const name = 'acme-ml-prod';
const region = 'us-east-1';
const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const tags = { 'managed-by': 'cdktf-ai-infra', 'ai-platform': platform, 'team': 'ml-platform', 'cost-center': 'ml-123' };
const labels = { 'app.kubernetes.io/part-of': platform, 'app.kubernetes.io/managed-by': 'cdktf-ai-infra', 'team': 'ml-platform', 'cost-center': 'ml-123' };
const json = (o: unknown) => JSON.stringify(o);
const managed = (n: string) => `arn:aws:iam::aws:policy/${n}`;
const trust = (service: string, actions = ['sts:AssumeRole']) => json({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: actions }],
});
const allow = (actions: string[], resources: string[]) => ({ Effect: 'Allow', Action: actions, Resource: resources });
const policyDoc = (...statements: object[]) => json({ Version: '2012-10-17', Statement: statements });
/** Read of the keys under `prefix` of a bucket: listing limited to the prefix, and get. */
const readPrefix = (bucketArn: string, prefix: string) => [
  { ...allow(['s3:ListBucket'], [bucketArn]), Condition: { StringLike: { 's3:prefix': [prefix, `${prefix}*`] } } },
  allow(['s3:GetObject'], [`${bucketArn}/${prefix}*`]),
];
/** Read and write of the keys under `prefix` of a bucket. */
const rwPrefix = (bucketArn: string, prefix: string) => [
  ...readPrefix(bucketArn, prefix),
  allow(['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], [`${bucketArn}/${prefix}*`]),
];
/** Read and write of a whole bucket. */
const rwBucket = (bucketArn: string) => [
  allow(['s3:ListBucket'], [bucketArn]),
  allow(['s3:GetObject'], [`${bucketArn}/*`]),
  allow(['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], [`${bucketArn}/*`]),
];

/** The storage stack every other stack depends on (created first, below). */
let storage: TerraformStack | undefined;

function stack(id: string): TerraformStack {
  const s = new TerraformStack(app, id);
  new S3Backend(s, { bucket: 'acme-ml-terraform-state', key: `ai-platform/${id}.tfstate`, region, encrypt: true }).addOverride('use_lockfile', true);
  s.addOverride('terraform.required_version', '>= 1.10.0');
  if (storage) s.addDependency(storage);
  return s;
}

/** An encrypted, versioned, private bucket protected from destroy (7 resources). */
function secureBucket(scope: Construct, id: string, prefix: string, bucketName?: string, noncurrentDays = 90): S3Bucket {
  const b = new S3Bucket(scope, id, {
    bucket: bucketName, bucketPrefix: bucketName ? undefined : prefix, forceDestroy: false, lifecycle: { preventDestroy: true },
  });
  new S3BucketVersioningA(scope, `${id}-versioning`, { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });
  new S3BucketServerSideEncryptionConfigurationA(scope, `${id}-sse`, {
    bucket: b.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
  });
  new S3BucketPublicAccessBlock(scope, `${id}-pab`, { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
  new S3BucketOwnershipControls(scope, `${id}-ownership`, { bucket: b.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
  new S3BucketPolicy(scope, `${id}-policy`, {
    bucket: b.id,
    policy: policyDoc({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [b.arn, `${b.arn}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
  });
  new S3BucketLifecycleConfiguration(scope, `${id}-lifecycle`, {
    bucket: b.id,
    rule: [{ id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: noncurrentDays }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }] }],
  });
  return b;
}

/** A queue policy that denies plain-HTTP access, plus `statements` with the queue as their resource. */
function queuePolicy(scope: Construct, id: string, queue: SqsQueue, ...statements: object[]): SqsQueuePolicy {
  return new SqsQueuePolicy(scope, id, {
    queueUrl: queue.url,
    policy: policyDoc(
      { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: queue.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ...statements.map((st) => ({ ...st, Resource: queue.arn })),
    ),
  });
}

/** An encrypted work queue (5 minutes visibility) with its encrypted dead-letter queue, the latter's policy denying plain HTTP. */
function queueWithDlq(scope: Construct, id: string, queueName: string): SqsQueue {
  const dlq = new SqsQueue(scope, `${id}-dlq`, { name: `${queueName}-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 });
  queuePolicy(scope, `${id}-dlq-policy`, dlq);
  return new SqsQueue(scope, id, {
    name: queueName,
    sqsManagedSseEnabled: true,
    visibilityTimeoutSeconds: 300,
    redrivePolicy: json({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
  });
}

/**
 * An encrypted queue with a dead-letter queue fed by an EventBridge rule on one bucket's new keys
 * matching `wildcard` (the bucket's EventBridge notifications are on already), and a dead-letter
 * queue for the events the rule cannot deliver.
 */
function eventQueue(
  scope: Construct, id: string, queueName: string, ruleName: string, description: string, bucket: string, wildcard: string,
): SqsQueue {
  const q = queueWithDlq(scope, id, queueName);
  const rule = new CloudwatchEventRule(scope, `${id}-rule`, {
    name: ruleName,
    description,
    eventPattern: json({ 'source': ['aws.s3'], 'detail-type': ['Object Created'], 'detail': { bucket: { name: [bucket] }, object: { key: [{ wildcard }] } } }),
  });
  const fromRule = (sid: string) => ({ Sid: sid, Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': rule.arn } } });
  queuePolicy(scope, `${id}-policy`, q, fromRule(`AllowRule${ruleName.replace(/[^A-Za-z0-9]/g, '')}`));
  const eventsDlq = new SqsQueue(scope, `${id}-events-dlq`, { name: `${ruleName}-events-dlq`, sqsManagedSseEnabled: true, messageRetentionSeconds: 1209600 });
  queuePolicy(scope, `${id}-events-dlq-policy`, eventsDlq, fromRule('AllowRuleDeadLetters'));
  new CloudwatchEventTarget(scope, `${id}-target`, {
    rule: rule.name, targetId: 'Queue', arn: q.arn, deadLetterConfig: { arn: eventsDlq.arn }, retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
  });
  return q;
}

// ---------------------------------------------------------------------------------------------
// acme-ml-storage-us-east-1: the checkpoint bucket, applied before everything else.
// ---------------------------------------------------------------------------------------------
const storageStack = stack('acme-ml-storage-us-east-1');
new AwsProvider(storageStack, 'aws', { region, defaultTags: [{ tags }] });
secureBucket(storageStack, 'checkpoints', '', 'acme-ml-checkpoints', 30);
storage = storageStack;

// ---------------------------------------------------------------------------------------------
// acme-ml-prod-infra
// ---------------------------------------------------------------------------------------------
const infra = stack('acme-ml-prod-infra');
new AwsProvider(infra, 'aws', { region, defaultTags: [{ tags }] });
const vpc = new Vpc(infra, 'vpc', { cidrBlock: '10.0.0.0/16', enableDnsHostnames: true, enableDnsSupport: true });
const igw = new InternetGateway(infra, 'igw', { vpcId: vpc.id });
const publicRt = new RouteTable(infra, 'public', { vpcId: vpc.id });
new Route(infra, 'public-default', { routeTableId: publicRt.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
const privateSubnets: string[] = [];
azs.forEach((az, i) => {
  const pub = new Subnet(infra, `public-${i}`, {
    vpcId: vpc.id,
    availabilityZone: az,
    cidrBlock: Fn.cidrsubnet('10.0.0.0/16', 6, 56 + i),
    tags: { 'kubernetes.io/role/elb': '1', [`kubernetes.io/cluster/${name}`]: 'shared' },
  });
  new RouteTableAssociation(infra, `public-${i}-rta`, { subnetId: pub.id, routeTableId: publicRt.id });
  const priv = new Subnet(infra, `private-${i}`, {
    vpcId: vpc.id,
    availabilityZone: az,
    cidrBlock: Fn.cidrsubnet('10.0.0.0/16', 3, i),
    tags: { 'kubernetes.io/role/internal-elb': '1', 'karpenter.sh/discovery': name, [`kubernetes.io/cluster/${name}`]: 'shared' },
  });
  privateSubnets.push(priv.id);
  const eip = new Eip(infra, `nat-ip-${i}`, { domain: 'vpc' });
  const nat = new NatGateway(infra, `nat-${i}`, { allocationId: eip.id, subnetId: pub.id, dependsOn: [igw] });
  const rt = new RouteTable(infra, `private-${i}-rt`, { vpcId: vpc.id });
  new Route(infra, `private-${i}-default`, { routeTableId: rt.id, destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.id });
  new RouteTableAssociation(infra, `private-${i}-rta`, { subnetId: priv.id, routeTableId: rt.id });
});

const key = new KmsKey(infra, 'key', { enableKeyRotation: true, deletionWindowInDays: 30, description: `EKS secrets encryption for ${name}` });
new KmsAlias(infra, 'key-alias', { name: `alias/eks/${name}`, targetKeyId: key.keyId });
const clusterRole = new IamRole(infra, 'cluster-role', { namePrefix: `${name}-cluster`, assumeRolePolicy: trust('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']) });
const clusterPolicy = new IamRolePolicyAttachment(infra, 'cluster-policy', { role: clusterRole.name, policyArn: managed('AmazonEKSClusterPolicy') });
const logs = new CloudwatchLogGroup(infra, 'logs', { name: `/aws/eks/${name}/cluster`, retentionInDays: 90 });
const cluster = new EksCluster(infra, 'cluster', {
  name,
  version: '1.35',
  roleArn: clusterRole.arn,
  vpcConfig: { subnetIds: privateSubnets, endpointPrivateAccess: true, endpointPublicAccess: false },
  encryptionConfig: { resources: ['secrets'], provider: { keyArn: key.arn } },
  enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
  accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
  upgradePolicy: { supportType: 'STANDARD' },
  dependsOn: [clusterPolicy, logs],
});
const accountId = new TerraformLocal(infra, 'AccountId', Fn.element(Fn.split(':', cluster.arn), 4)).asString;
new VpcSecurityGroupIngressRule(infra, 'api-access', {
  securityGroupId: cluster.vpcConfig.clusterSecurityGroupId, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '192.168.0.0/16', description: 'Kubernetes API from the on-prem network',
});
const deployer = 'arn:aws:iam::111122223333:role/ci-deployer';
const deployerEntry = new EksAccessEntry(infra, 'deployer', { clusterName: cluster.name, principalArn: deployer, type: 'STANDARD' });
new EksAccessPolicyAssociation(infra, 'deployer-policy', {
  clusterName: cluster.name,
  principalArn: deployer,
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
  accessScope: { type: 'cluster' },
  dependsOn: [deployerEntry],
});
new IamServiceLinkedRole(infra, 'spot-role', { awsServiceName: 'spot.amazonaws.com', description: 'EC2 Spot' });
const admin = 'arn:aws:iam::111122223333:role/platform-admin';
const adminEntry = new EksAccessEntry(infra, 'admin', { clusterName: cluster.name, principalArn: admin, type: 'STANDARD' });
new EksAccessPolicyAssociation(infra, 'admin-policy', {
  clusterName: cluster.name,
  principalArn: admin,
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
  accessScope: { type: 'cluster' },
  dependsOn: [adminEntry],
});

const nodeRole = (id: string, prefix: string) => {
  const role = new IamRole(infra, id, { namePrefix: prefix, assumeRolePolicy: trust('ec2.amazonaws.com') });
  for (const p of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']) {
    new IamRolePolicyAttachment(infra, `${id}-${p}`, { role: role.name, policyArn: managed(p) });
  }
  return role;
};
const groupRole = nodeRole('node-role', `${name}-node`);
const template = (id: string, disk: number) => new LaunchTemplate(infra, id, {
  namePrefix: `${name}-${id}-`,
  updateDefaultVersion: true,
  metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: disk, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
  tagSpecifications: [{ resourceType: 'instance', tags }, { resourceType: 'volume', tags }],
});
const group = (
  id: string, amiType: string, types: string[], min: number, max: number, disk: number, groupLabels: Record<string, string>, taint: boolean,
) => {
  const lt = template(`${id}-lt`, disk);
  return new EksNodeGroup(infra, id, {
    clusterName: cluster.name,
    nodeGroupNamePrefix: `${name}-${id}-`,
    nodeRoleArn: groupRole.arn,
    subnetIds: privateSubnets,
    amiType,
    capacityType: 'ON_DEMAND',
    instanceTypes: types,
    launchTemplate: { id: lt.id, version: Token.asString(lt.latestVersion) },
    scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
    updateConfig: { maxUnavailable: 1 },
    labels: groupLabels,
    taint: taint ? [{ key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' }] : undefined,
    lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
  });
};
const system = group('system', 'AL2023_x86_64_STANDARD', ['m6i.large'], 2, 4, 50, { 'cdktf-ai-infra/node-role': 'system' }, false);
const g6 = ['g6.xlarge'];
const l4Labels = {
  'cdktf-ai-infra/pool': 'l4-shared',
  'cdktf-ai-infra/accelerator': 'nvidia-l4',
  'nvidia.com/gpu.present': 'true',
  'nvidia.com/device-plugin.config': 'time-slicing-4',
  'k8s.amazonaws.com/accelerator': 'nvidia-l4',
};
const l4 = group('l4-shared', 'AL2023_x86_64_NVIDIA', g6, 0, 10, 200, l4Labels, true);
const asg = l4.resources.get(0).autoscalingGroups.get(0).name;
const templateTags: Record<string, string> = {};
for (const [k, v] of Object.entries(l4Labels)) templateTags[`k8s.io/cluster-autoscaler/node-template/label/${k}`] = v;
templateTags['k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu'] = ':NoSchedule';
templateTags['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu'] = '4';
Object.entries(templateTags).forEach(([k, v], i) => new AutoscalingGroupTagA(infra, `l4-tag-${i}`, { autoscalingGroupName: asg, tag: { key: k, value: v, propagateAtLaunch: false } }));

const versions: Record<string, string> = { 'vpc-cni': 'v1.21.1-eksbuild.7', 'kube-proxy': 'v1.35.3-eksbuild.2', 'coredns': 'v1.13.2-eksbuild.4', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.2' };
const addons = Object.entries(versions).map(([addonName, addonVersion]) => new EksAddon(infra, addonName, {
  clusterName: cluster.name,
  addonName,
  addonVersion,
  resolveConflictsOnCreate: 'OVERWRITE',
  resolveConflictsOnUpdate: 'PRESERVE',
  dependsOn: addonName === 'coredns' ? [system] : undefined,
  configurationValues: addonName === 'vpc-cni' ? JSON.stringify({ enableNetworkPolicy: 'true' }) : undefined,
}));
const agent = addons[3];

/** A pod identity: role trusted by EKS Pod Identity, its inline policy, the association (3 resources). */
const identity = (namespace: string, serviceAccount: string, statements: object[]) => {
  const id = `identity-${namespace}-${serviceAccount}`;
  const role = new IamRole(infra, `${id}-role`, { namePrefix: `${name}-${serviceAccount}`.slice(0, 38), assumeRolePolicy: trust('pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']) });
  new IamRolePolicy(infra, `${id}-policy`, { role: role.id, policy: policyDoc(...statements) });
  new EksPodIdentityAssociation(infra, `${id}-association`, { clusterName: cluster.name, namespace, serviceAccount, roleArn: role.arn, dependsOn: [agent] });
};
identity('kube-system', 'cluster-autoscaler', [
  allow([
    'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations', 'autoscaling:DescribeScalingActivities',
    'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements', 'eks:DescribeNodegroup',
  ], ['*']),
  {
    ...allow(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'], [`arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/eks-*`]),
    Condition: { StringEquals: { 'aws:ResourceTag/eks:cluster-name': name } },
  },
]);

// Karpenter: node role with an access entry, controller identity, interruption queue fed by EventBridge.
const karpenterNodeRole = nodeRole('karpenter-node-role', `${name}-karpenter-node`);
new EksAccessEntry(infra, 'karpenter-node-entry', { clusterName: cluster.name, principalArn: karpenterNodeRole.arn, type: 'EC2_LINUX' });
new Ec2Tag(infra, 'karpenter-sg-tag', { resourceId: cluster.vpcConfig.clusterSecurityGroupId, key: 'karpenter.sh/discovery', value: name });
const interruption = new SqsQueue(infra, 'karpenter-queue', { name: `${name}-karpenter`, messageRetentionSeconds: 300, sqsManagedSseEnabled: true });
const rules = [
  ['health', 'aws.health', 'AWS Health Event'],
  ['spot', 'aws.ec2', 'EC2 Spot Instance Interruption Warning'],
  ['rebalance', 'aws.ec2', 'EC2 Instance Rebalance Recommendation'],
  ['state', 'aws.ec2', 'EC2 Instance State-change Notification'],
  ['reservation', 'aws.ec2', 'EC2 Capacity Reservation Instance Interruption Warning'],
].map(([id, source, detailType]) => {
  const rule = new CloudwatchEventRule(infra, `karpenter-${id}`, {
    namePrefix: `${name}-karpenter-${id}-`, description: `Karpenter interruption handling for ${name}: ${detailType}`, eventPattern: json({ 'source': [source], 'detail-type': [detailType] }),
  });
  new CloudwatchEventTarget(infra, `karpenter-${id}-target`, { rule: rule.name, arn: interruption.arn, targetId: 'KarpenterInterruptionQueueTarget' });
  return rule;
});
new SqsQueuePolicy(infra, 'karpenter-queue-policy', {
  queueUrl: interruption.url,
  policy: json({
    Version: '2012-10-17',
    Id: 'EC2InterruptionPolicy',
    Statement: [
      { Sid: 'AllowEventBridgeRules', Effect: 'Allow', Principal: { Service: ['events.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: interruption.arn, Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => r.arn) } } },
      { Sid: 'AllowSqs', Effect: 'Allow', Principal: { Service: ['sqs.amazonaws.com'] }, Action: 'sqs:SendMessage', Resource: interruption.arn },
      { Sid: 'DenyHTTP', Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: interruption.arn, Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
    ],
  }),
});
identity('kube-system', 'karpenter', [
  allow(['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate', 'ec2:CreateTags', 'ec2:TerminateInstances', 'ec2:Describe*'], [`arn:aws:ec2:${region}:*:*`]),
  allow(['iam:PassRole'], [karpenterNodeRole.arn]),
  allow(['sqs:DeleteMessage', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], [interruption.arn]),
  allow(['eks:DescribeCluster'], [cluster.arn]),
]);
identity('keda', 'keda-operator', [allow(['sqs:GetQueueAttributes'], [`arn:aws:sqs:${region}:*:${platform}-*`])]);

new BudgetsBudget(infra, 'budget', {
  name: `${platform}-monthly`,
  budgetType: 'COST',
  limitAmount: '60000.00',
  limitUnit: 'USD',
  timeUnit: 'MONTHLY',
  costFilter: [{ name: 'TagKeyValue', values: [`user:ai-platform$${platform}`] }],
  notification: [['FORECASTED', 80], ['ACTUAL', 100]].map(([type, threshold]) => ({
    comparisonOperator: 'GREATER_THAN', notificationType: String(type), threshold: Number(threshold), thresholdType: 'PERCENTAGE', subscriberEmailAddresses: ['ml-platform@example.com'],
  })),
});

// The recs endpoint's identity, the weekly pipeline's bucket and
// identities, the rollout of versions approved on the lab.
const models = 'arn:aws:s3:::acme-ml-models';
identity('recs', 'recs-model-reader', [
  allow(['s3:GetObject'], [`${models}/recs/current/*`, `${models}/recs/versions/*`]),
  { ...allow(['s3:ListBucket'], [models]), Condition: { StringLike: { 's3:prefix': ['recs/current/*', 'recs/versions/*'] } } },
]);
const fullArtifacts = secureBucket(infra, 'recs-full-artifacts', 'acme-ml-recs-full-');
const readHistory = readPrefix('arn:aws:s3:::acme-ml-data', 'recs/history/');
identity('recs-full', 'recs-full-steps', [...readHistory, ...rwBucket(fullArtifacts.arn)]);
identity('recs-full', 'recs-full-trainer', [...readHistory, ...rwBucket(fullArtifacts.arn), ...rwPrefix('arn:aws:s3:::acme-ml-checkpoints', 'recs/full/')]);
identity('recs-full', 'recs-full-promoter', [...rwBucket(fullArtifacts.arn), ...rwPrefix(models, 'recs/versions/')]);
const rollout = eventQueue(infra, 'rollout', 'acme-ml-recs-train-recs-rollout', 'acme-ml-recs-train-recs-rollout',
  'New approved versions under s3://acme-ml-models/recs/versions/ roll InferenceService recs/recs on acme-ml/prod', 'acme-ml-models', 'recs/versions/*/_APPROVED.json');
identity('recs', 'recs-rollout', [allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [rollout.arn])]);
new TerraformOutput(infra, 'ClusterName', { value: cluster.name });
new TerraformOutput(infra, 'ClusterEndpoint', { value: cluster.endpoint });

// ---------------------------------------------------------------------------------------------
// acme-ml-aws-us-east-1: AWS resources of the lab's workloads.
// ---------------------------------------------------------------------------------------------
const aws = stack('acme-ml-aws-us-east-1');
new AwsProvider(aws, 'aws', { region, defaultTags: [{ tags }] });
const labArtifacts = secureBucket(aws, 'recs-train-artifacts', 'acme-ml-recs-train-');
const retrain = eventQueue(aws, 'retrain', 'acme-ml-recs-train-retrain', 'acme-ml-recs-train-retrain-new-objects',
  'New objects in s3://acme-ml-data/recs/events/*.parquet for acme-ml/lab/recs-train', 'acme-ml-data', 'recs/events/*.parquet');
// What the identity behind the lab's credentials secret needs, as a managed policy to attach to it.
const labPolicy = new IamPolicy(aws, 'lab-credentials-policy', {
  name: 'acme-ml-lab-recs-train-aws-training-credentials',
  description: 'What the workloads on cluster lab (platform acme-ml) that use the identity whose keys secret recs-train/aws-training-credentials holds need; attach it to that identity',
  policy: policyDoc(
    { ...allow(['s3:ListBucket'], ['arn:aws:s3:::acme-ml-data']), Condition: { StringLike: { 's3:prefix': ['recs/events/', 'recs/events/*'] } } },
    allow(['s3:GetObject'], ['arn:aws:s3:::acme-ml-data/recs/events/*']),
    ...rwPrefix(labArtifacts.arn, ''),
    ...rwPrefix('arn:aws:s3:::acme-ml-checkpoints', 'recs/lab/'),
    ...rwPrefix('arn:aws:s3:::acme-ml-models', 'recs/versions/'),
    allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], [retrain.arn]),
    allow(['sqs:GetQueueAttributes'], ['arn:aws:sqs:*:*:acme-ml-*']),
  ),
});
new TerraformOutput(aws, 'workload-policy-lab-recs-train-aws-training-credentials', { value: labPolicy.arn });

// ---------------------------------------------------------------------------------------------
// Kubernetes stacks: providers, Helm releases and objects.
// ---------------------------------------------------------------------------------------------
function eksProviders(s: TerraformStack): void {
  const exec = { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', name, '--region', region, '--output', 'json'] };
  const ca = Fn.base64decode(cluster.certificateAuthority.get(0).data);
  new KubernetesProvider(s, 'kubernetes', { host: cluster.endpoint, clusterCaCertificate: ca, exec: [exec] });
  new HelmProvider(s, 'helm', { kubernetes: { host: cluster.endpoint, clusterCaCertificate: ca, exec } });
}
function labProviders(s: TerraformStack): void {
  new KubernetesProvider(s, 'kubernetes', { configPath: '~/.kube/config', configContext: 'lab' });
  new HelmProvider(s, 'helm', { kubernetes: { configPath: '~/.kube/config', configContext: 'lab' } });
}
const REPOS: Record<string, string> = {
  'argo-workflows': 'https://argoproj.github.io/argo-helm',
  'jobset': 'oci://registry.k8s.io/jobset/charts',
  'keda': 'https://kedacore.github.io/charts',
  'kueue': 'oci://registry.k8s.io/kueue/charts',
  'cert-manager': 'https://charts.jetstack.io',
  'cluster-autoscaler': 'https://kubernetes.github.io/autoscaler',
  'kserve': 'oci://ghcr.io/kserve/charts',
  'karpenter': 'oci://public.ecr.aws/karpenter',
  'knative-operator': 'https://knative.github.io/operator',
  'nvidia-device-plugin': 'https://nvidia.github.io/k8s-device-plugin',
};
const release = (
  s: Construct, releaseName: string, repo: string, chart: string, version: string, namespace: string, values: object = {}, extra: object = {},
) =>
  new Release(s, releaseName, {
    name: releaseName,
    repository: REPOS[repo],
    chart,
    version,
    namespace,
    createNamespace: true,
    atomic: true,
    wait: true,
    timeout: 900,
    values: [json(values)],
    ...extra,
  });
const kueueValues = { managerConfig: { controllerManagerConfigYaml: json({ apiVersion: 'config.kueue.x-k8s.io/v1beta2', kind: 'Configuration', waitForPodsReady: { timeout: '900s', blockAdmission: true } }) } };
const argoValues = {
  crds: { install: true, full: false },
  executor: { securityContext: { runAsNonRoot: true, runAsUser: 8737, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } } },
  workflow: { serviceAccount: { create: false }, rbac: { create: false } },
};
const trainingAddons = (s: Construct) => {
  release(s, 'argo-workflows', 'argo-workflows', 'argo-workflows', '1.0.18', 'argo', argoValues);
  release(s, 'jobset', 'jobset', 'jobset', '0.12.0', 'jobset-system');
  release(s, 'keda', 'keda', 'keda', '2.20.2', 'keda', { serviceAccount: { operator: { create: true, name: 'keda-operator' } } });
  release(s, 'kueue', 'kueue', 'kueue', '0.19.2', 'kueue-system', kueueValues);
};

/** Emits a Kubernetes object as a `kubernetes_manifest`, with the platform's labels. */
function k8s(scope: Construct, apiVersion: string, kind: string, objectName: string, namespace: string | undefined, body: object = {}): Manifest {
  const id = `${kind}-${namespace ?? 'cluster'}-${objectName}`;
  return new Manifest(scope, id, { manifest: { apiVersion, kind, metadata: { name: objectName, namespace, labels }, ...body } });
}
const ns = (s: Construct, n: string, level = 'restricted') => k8s(s, 'v1', 'Namespace', n, undefined, {
  metadata: { name: n, labels: { ...labels, 'pod-security.kubernetes.io/enforce': level } },
});
const sa = (s: Construct, n: string, namespace: string) => k8s(s, 'v1', 'ServiceAccount', n, namespace, { automountServiceAccountToken: false });
const role = (s: Construct, n: string, namespace: string, roleRules: object[]) => k8s(s, 'rbac.authorization.k8s.io/v1', 'Role', n, namespace, { rules: roleRules });
const binding = (s: Construct, n: string, namespace: string, subject: string, subjectNamespace = namespace) => k8s(s, 'rbac.authorization.k8s.io/v1', 'RoleBinding', n, namespace, {
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: n }, subjects: [{ kind: 'ServiceAccount', name: subject, namespace: subjectNamespace }],
});
const netpol = (s: Construct, n: string, namespace: string, spec: object) => k8s(s, 'networking.k8s.io/v1', 'NetworkPolicy', n, namespace, { spec });
const defaultDeny = (s: Construct, namespace: string) => netpol(s, 'default-deny', namespace, {
  podSelector: {},
  policyTypes: ['Ingress', 'Egress'],
  egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }],
});
const restricted = { allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const gpuToleration = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];

/** A KEDA ScaledJob draining an SQS queue with AWS CLI and kubectl containers. */
const sqsScaledJob = (s: Construct, n: string, namespace: string, queueUrl: string, serviceAccount: string, command: string[], envFrom?: object[]) =>
  k8s(s, 'keda.sh/v1alpha1', 'ScaledJob', n, namespace, {
    spec: {
      pollingInterval: 30,
      maxReplicaCount: 1,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
      jobTargetRef: {
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        template: {
          spec: {
            serviceAccountName: serviceAccount,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            volumes: [{ name: 'work', emptyDir: {} }],
            initContainers: [
              { name: 'receive', image: 'public.ecr.aws/aws-cli/aws-cli:2.35.5', command: ['/bin/sh', '-c', 'aws sqs receive-message --queue-url "$QUEUE_URL" > /work/batch'], env: [{ name: 'QUEUE_URL', value: queueUrl }], envFrom, securityContext: restricted },
              { name: 'apply', image: 'registry.k8s.io/kubectl:v1.33.0', command, securityContext: restricted },
            ],
            containers: [{ name: 'delete-messages', image: 'public.ecr.aws/aws-cli/aws-cli:2.35.5', command: ['/bin/sh', '-c', 'aws sqs delete-message'], envFrom, securityContext: restricted }],
          },
        },
      },
      triggers: [{ type: 'aws-sqs-queue', authenticationRef: { name: 'aws-keda' }, metadata: { queueURL: queueUrl, queueLength: '1', awsRegion: region, scaleOnInFlight: 'false' } }],
    },
  });

interface PipelineSpec {
  scope: Construct;
  name: string;
  flavor: string;
  flavorLabels: Record<string, string>;
  gang: [number, number];
  image: string;
  artifacts: string;
  dataUri: string;
  checkpoints: string;
  withPrep: boolean;
  promoteInCluster: boolean;
  envFrom?: object[];
  schedule?: string;
}
/** Kueue queue, namespace, identities, RBAC, network policies and the Argo WorkflowTemplate of a pipeline. */
function pipeline(p: PipelineSpec): void {
  const n = p.name;
  const [workers, gpus] = p.gang;
  ns(p.scope, n);
  const accounts = ['executor', 'launcher', 'promoter', 'steps', 'trainer', 'trigger', ...(p.promoteInCluster ? ['roller'] : [])];
  for (const account of accounts) sa(p.scope, `${n}-${account}`, n);
  // Argo's executor and the launcher read their tokens from long-lived secrets.
  for (const account of ['executor', 'launcher', ...(p.promoteInCluster ? ['roller'] : [])]) {
    k8s(p.scope, 'v1', 'Secret', `${n}-${account}.service-account-token`, n, {
      metadata: { name: `${n}-${account}.service-account-token`, namespace: n, labels, annotations: { 'kubernetes.io/service-account.name': `${n}-${account}` } },
      type: 'kubernetes.io/service-account-token',
    });
  }
  const accountRules: Record<string, object[]> = {
    executor: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
    launcher: [{ apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: ['create', 'get', 'list', 'watch', 'patch', 'delete'] }],
  };
  if (p.schedule === undefined) accountRules.trigger = [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }];
  for (const [account, r] of Object.entries(accountRules)) {
    role(p.scope, `${n}-${account}`, n, r);
    binding(p.scope, `${n}-${account}`, n, `${n}-${account}`);
  }
  if (p.promoteInCluster) {
    role(p.scope, `${n}-promote`, 'recs', [{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['recs'], verbs: ['get', 'patch'] }]);
    binding(p.scope, `${n}-promote`, 'recs', `${n}-roller`, n);
  }
  defaultDeny(p.scope, n);
  netpol(p.scope, `${n}-egress`, n, { podSelector: { matchLabels: { 'cdktf-ai-infra/pipeline': n } }, policyTypes: ['Egress'], egress: [{}] });
  netpol(p.scope, `${n}-gang`, n, {
    podSelector: { matchLabels: { 'cdktf-ai-infra/pipeline': n, 'cdktf-ai-infra/stage': 'train' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': n } } }] }],
  });
  const queue = `${n}-${n}`;
  k8s(p.scope, 'kueue.x-k8s.io/v1beta2', 'ResourceFlavor', p.flavor, undefined, { spec: { nodeLabels: p.flavorLabels, tolerations: gpuToleration } });
  k8s(p.scope, 'kueue.x-k8s.io/v1beta2', 'ClusterQueue', queue, undefined, {
    spec: {
      namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [n] }] },
      resourceGroups: [{
        coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
        flavors: [{ name: p.flavor, resources: [{ name: 'cpu', nominalQuota: String(8 * workers) }, { name: 'memory', nominalQuota: `${64 * workers}Gi` }, { name: 'nvidia.com/gpu', nominalQuota: String(workers * gpus) }] }],
      }],
    },
  });
  k8s(p.scope, 'kueue.x-k8s.io/v1beta2', 'LocalQueue', n, n, { spec: { clusterQueue: queue } });
  k8s(p.scope, 'kueue.x-k8s.io/v1beta2', 'WorkloadPriorityClass', queue, undefined, { value: 100, description: `Training workloads of ${n}/${n}` });

  const env = [
    { name: 'DATA_URI', value: p.dataUri }, { name: 'ARTIFACTS_URI', value: `s3://${p.artifacts}/runs/{{workflow.name}}/` },
    { name: 'CHECKPOINT_DIR', value: `${p.checkpoints}{{workflow.name}}/` }, { name: 'RESUME_FROM_CHECKPOINT', value: 'latest' },
  ];
  const jobSet = {
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    kind: 'JobSet',
    metadata: { generateName: '{{workflow.name}}-', namespace: n, labels: { 'kueue.x-k8s.io/queue-name': n, 'kueue.x-k8s.io/priority-class': queue } },
    spec: {
      failurePolicy: { maxRestarts: 3, restartStrategy: 'Recreate', rules: [{ name: 'DisruptedResumeFromCheckpoint', action: 'RestartJobSetAndIgnoreMaxRestarts', onJobFailureReasons: ['PodFailurePolicy'] }] },
      replicatedJobs: [{
        name: 'workers',
        replicas: 1,
        template: {
          spec: {
            parallelism: workers,
            completions: workers,
            completionMode: 'Indexed',
            backoffLimit: 0,
            template: {
              metadata: { annotations: { 'karpenter.sh/do-not-disrupt': 'true' } },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: `${n}-trainer`,
                nodeSelector: p.flavorLabels,
                tolerations: gpuToleration,
                terminationGracePeriodSeconds: 120,
                containers: [{ name: 'main', image: p.image, command: ['torchrun'], env, envFrom: p.envFrom, resources: { limits: { 'nvidia.com/gpu': String(gpus) } }, securityContext: restricted }],
              },
            },
          },
        },
      }],
    },
  };
  const step = (stepName: string, extra: object = {}) => ({
    name: stepName, container: { image: p.image, env, envFrom: p.envFrom, securityContext: restricted }, ...extra,
  });
  const tasks = [
    ...(p.withPrep ? [{ name: 'prep', template: 'prep' }] : []),
    { name: 'train', template: 'train', depends: p.withPrep ? 'prep.Succeeded' : undefined },
    { name: 'eval', template: 'eval', depends: 'train.Succeeded' },
    { name: 'gate', template: 'gate', depends: 'eval.Succeeded' },
    { name: 'publish-model', template: 'publish-model', depends: 'gate.Succeeded', when: "'{{tasks.gate.outputs.result}}' == 'pass'" },
    ...(p.promoteInCluster ? [{ name: 'roll-endpoint', template: 'roll-endpoint', depends: 'publish-model.Succeeded' }] : []),
  ];
  k8s(p.scope, 'argoproj.io/v1alpha1', 'WorkflowTemplate', n, n, {
    spec: {
      entrypoint: 'pipeline',
      serviceAccountName: `${n}-steps`,
      automountServiceAccountToken: false,
      executor: { serviceAccountName: `${n}-executor` },
      templates: [
        { name: 'pipeline', dag: { tasks } },
        ...(p.withPrep ? [step('prep')] : []),
        { name: 'train', serviceAccountName: `${n}-launcher`, resource: { action: 'create', setOwnerReference: true, successCondition: 'status.terminalState == Completed', manifest: json(jobSet) } },
        step('eval'),
        { name: 'gate', script: { image: 'docker.io/library/python:3.13-slim', command: ['python3'], env: [{ name: 'GATES', value: '[{"metric":"ndcg@10","operator":">=","threshold":0.31}]' }], source: 'import json, os' } },
        step('publish-model', { serviceAccountName: `${n}-promoter` }),
        ...(p.promoteInCluster ? [{
          name: 'roll-endpoint',
          serviceAccountName: `${n}-roller`,
          automountServiceAccountToken: false,
          executor: { serviceAccountName: `${n}-roller` },
          inputs: { parameters: [{ name: 'version-uri' }] },
          resource: { action: 'patch', mergeStrategy: 'merge', manifest: json({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'recs', namespace: 'recs' }, spec: { predictor: { canaryTrafficPercent: 100, model: { storageUri: '{{inputs.parameters.version-uri}}' } } } }) },
        }] : []),
      ],
    },
  });
  if (p.schedule) {
    k8s(p.scope, 'argoproj.io/v1alpha1', 'CronWorkflow', n, n, {
      spec: { schedules: [p.schedule], timezone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', workflowSpec: { workflowTemplateRef: { name: n } } },
    });
  }
}

// acme-ml-prod-addons
const prodAddons = stack('acme-ml-prod-addons');
eksProviders(prodAddons);
trainingAddons(prodAddons);
release(prodAddons, 'cert-manager', 'cert-manager', 'cert-manager', 'v1.19.6', 'cert-manager', { crds: { enabled: true } });
release(prodAddons, 'cluster-autoscaler', 'cluster-autoscaler', 'cluster-autoscaler', '9.59.0', 'kube-system', {
  cloudProvider: 'aws',
  awsRegion: region,
  autoDiscovery: { clusterName: name },
  rbac: { serviceAccount: { create: true, name: 'cluster-autoscaler' } },
  nodeSelector: { 'cdktf-ai-infra/node-role': 'system' },
  extraArgs: { 'expander': 'least-waste', 'balance-similar-node-groups': true, 'skip-nodes-with-local-storage': false },
});
release(prodAddons, 'kserve-crd', 'kserve', 'kserve-crd', 'v0.20.0', 'kserve');
const karpenterCrd = release(prodAddons, 'karpenter-crd', 'karpenter', 'karpenter-crd', '1.14.1', 'kube-system');
release(prodAddons, 'karpenter', 'karpenter', 'karpenter', '1.14.1', 'kube-system', {
  settings: { clusterName: name, interruptionQueue: interruption.name },
  serviceAccount: { create: true, name: 'karpenter' },
  replicas: 2,
  nodeSelector: { 'cdktf-ai-infra/node-role': 'system' },
  controller: { resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
}, { skipCrds: true, dependsOn: [karpenterCrd] });
release(prodAddons, 'knative-operator', 'knative-operator', 'knative-operator', 'v1.23.0', 'knative-operator');
release(prodAddons, 'nvidia-device-plugin', 'nvidia-device-plugin', 'nvidia-device-plugin', '0.20.0', 'nvidia-device-plugin', {
  gfd: { enabled: false },
  config: {
    default: 'exclusive',
    map: {
      'exclusive': json({ version: 'v1', flags: { migStrategy: 'none' } }),
      'time-slicing-4': json({ version: 'v1', flags: { migStrategy: 'none' }, sharing: { timeSlicing: { failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } } }),
    },
  },
});

// acme-ml-prod-workloads
const prodWorkloads = stack('acme-ml-prod-workloads');
eksProviders(prodWorkloads);
const knativeNs = ns(prodWorkloads, 'knative-serving', 'privileged');
const knative = k8s(prodWorkloads, 'operator.knative.dev/v1beta1', 'KnativeServing', 'knative-serving', 'knative-serving', {
  spec: { config: { autoscaler: { 'allow-zero-initial-scale': 'true' }, features: { 'kubernetes.podspec-nodeselector': 'enabled', 'kubernetes.podspec-tolerations': 'enabled' } } },
});
knative.addOverride('depends_on', [`kubernetes_manifest.${knativeNs.friendlyUniqueId}`]);
release(prodWorkloads, 'kserve', 'kserve', 'kserve-resources', 'v0.20.0', 'kserve', {
  kserve: { controller: { deploymentMode: 'Knative', gateway: { disableIstioVirtualHost: true, disableIngressCreation: true } } },
}, { dependsOn: [knative] });

// The recs endpoint.
ns(prodWorkloads, 'recs', 'baseline');
sa(prodWorkloads, 'recs-model-reader', 'recs');
defaultDeny(prodWorkloads, 'recs');
netpol(prodWorkloads, 'allow-serving-gateway', 'recs', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'knative-serving' } } }] }] });
netpol(prodWorkloads, 'recs-model-download', 'recs', { podSelector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'recs' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443, protocol: 'TCP' }] }] });
k8s(prodWorkloads, 'keda.sh/v1alpha1', 'TriggerAuthentication', 'aws-keda', 'recs', { spec: { podIdentity: { provider: 'aws', identityOwner: 'keda' } } });
k8s(prodWorkloads, 'serving.kserve.io/v1alpha1', 'ServingRuntime', 'recs-triton', 'recs', {
  spec: {
    supportedModelFormats: [{ name: 'triton', version: '2', autoSelect: true }],
    protocolVersions: ['v2', 'grpc-v2'],
    containers: [{
      name: 'kserve-container',
      image: 'nvcr.io/nvidia/tritonserver:26.06-py3',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      securityContext: restricted,
      args: ['tritonserver', '--model-store=/mnt/models', '--grpc-port=9000', '--http-port=8080', '--allow-grpc=true', '--allow-http=true'],
    }],
  },
});
const l4Selector = { 'cdktf-ai-infra/pool': 'l4-shared' };
// The pipeline promotes to recs: its model URI follows the live object while the declared one stays.
const recsModel = 's3://acme-ml-models/recs/current/';
const liveRecs = Fn.one(new DataKubernetesResources(prodWorkloads, 'live-recs', {
  apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', namespace: 'recs', fieldSelector: 'metadata.name=recs',
}).objects);
const recsUri = Token.asString(Fn.try([conditional(Op.eq(Fn.lookupNested(liveRecs, ['metadata', 'annotations', 'cdktf-ai-infra/declared-storage-uri']), recsModel),
  Fn.lookupNested(liveRecs, ['spec', 'predictor', 'model', 'storageUri']), recsModel), recsModel]));
const recsService = k8s(prodWorkloads, 'serving.kserve.io/v1beta1', 'InferenceService', 'recs', 'recs', {
  metadata: {
    name: 'recs',
    namespace: 'recs',
    labels,
    annotations: {
      'cdktf-ai-infra/declared-storage-uri': recsModel,
      'serving.kserve.io/deploymentMode': 'Knative',
      'autoscaling.knative.dev/initial-scale': '0',
      'autoscaling.knative.dev/scale-down-delay': '10m',
      'serving.knative.dev/progress-deadline': '10m',
    },
  },
  spec: {
    predictor: {
      minReplicas: 0,
      maxReplicas: 20,
      scaleMetric: 'concurrency',
      scaleTarget: 8,
      serviceAccountName: 'recs-model-reader',
      nodeSelector: l4Selector,
      tolerations: gpuToleration,
      model: {
        modelFormat: { name: 'triton', version: '2' },
        protocolVersion: 'v2',
        runtime: 'recs-triton',
        storageUri: recsUri,
        securityContext: restricted,
        resources: { requests: { 'cpu': '1', 'memory': '5Gi', 'nvidia.com/gpu': '1' }, limits: { 'cpu': '1', 'memory': '5Gi', 'nvidia.com/gpu': '1' } },
      },
    },
  },
});
recsService.putFieldManager({ forceConflicts: true });
k8s(prodWorkloads, 'apps/v1', 'DaemonSet', 'recs-image-pre-pull', 'recs', {
  spec: {
    selector: { matchLabels: { 'app.kubernetes.io/name': 'recs-image-pre-pull' } },
    template: {
      metadata: { labels: { 'app.kubernetes.io/name': 'recs-image-pre-pull' } },
      spec: {
        nodeSelector: l4Selector,
        tolerations: gpuToleration,
        automountServiceAccountToken: false,
        initContainers: [{ name: 'pull', image: 'nvcr.io/nvidia/tritonserver:26.06-py3', command: ['/bin/sh', '-c', 'true'], securityContext: restricted }],
        containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', securityContext: restricted }],
      },
    },
  },
});

// Karpenter's H100 NodePool and its EC2NodeClass.
k8s(prodWorkloads, 'karpenter.k8s.aws/v1', 'EC2NodeClass', 'h100', undefined, {
  spec: {
    role: karpenterNodeRole.name,
    amiSelectorTerms: [{ alias: 'al2023@v20260714' }],
    subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': name } }],
    securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': name } }],
    metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
    blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: '200Gi', volumeType: 'gp3', encrypted: true, deleteOnTermination: true } }],
  },
});
k8s(prodWorkloads, 'karpenter.sh/v1', 'NodePool', 'h100', undefined, {
  spec: {
    disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m' },
    limits: { 'nodes': '2', 'nvidia.com/gpu': '16' },
    template: {
      metadata: { labels: { 'cdktf-ai-infra/pool': 'h100', 'cdktf-ai-infra/accelerator': 'nvidia-h100' } },
      spec: {
        nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'h100' },
        expireAfter: '720h',
        taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
        requirements: [
          { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['p5.48xlarge'] },
          { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
          { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['us-east-1a'] },
        ],
      },
    },
  },
});

// The weekly full retrain on the H100s, and the rollout of versions approved on the lab.
pipeline({
  scope: prodWorkloads,
  name: 'recs-full',
  flavor: 'h100-spot',
  flavorLabels: { 'cdktf-ai-infra/pool': 'h100' },
  gang: [2, 8],
  image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-ml/recs-train:2.3.1',
  artifacts: fullArtifacts.bucket,
  dataUri: 's3://acme-ml-data/recs/history/',
  checkpoints: 's3://acme-ml-checkpoints/recs/full/',
  withPrep: false,
  promoteInCluster: true,
  schedule: '0 2 * * 0',
});
sa(prodWorkloads, 'recs-rollout', 'recs');
role(prodWorkloads, 'recs-rollout', 'recs', [{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['recs'], verbs: ['get', 'patch'] }]);
binding(prodWorkloads, 'recs-rollout', 'recs', 'recs-rollout');
netpol(prodWorkloads, 'recs-rollout', 'recs', { podSelector: { matchLabels: { 'cdktf-ai-infra/rollout': 'recs-rollout' } }, policyTypes: ['Egress'], egress: [{}] });
sqsScaledJob(prodWorkloads, 'recs-rollout', 'recs', rollout.url, 'recs-rollout', ['kubectl', 'patch', 'inferenceservice', 'recs', '--namespace', 'recs', '--type', 'merge', '--patch-file', '/work/patch.json']);

// acme-ml-lab-addons and acme-ml-lab-workloads: the incremental retrain on the existing A100s.
const labAddons = stack('acme-ml-lab-addons');
labProviders(labAddons);
trainingAddons(labAddons);
const labWorkloads = stack('acme-ml-lab-workloads');
labProviders(labWorkloads);
const credentials = [{ secretRef: { name: 'aws-training-credentials' } }];
pipeline({
  scope: labWorkloads,
  name: 'recs-train',
  flavor: 'a100-on-demand',
  flavorLabels: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
  gang: [2, 8],
  image: '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-ml/recs-train:2.3.1',
  artifacts: labArtifacts.bucket,
  dataUri: 's3://acme-ml-data/recs/events/',
  checkpoints: 's3://acme-ml-checkpoints/recs/lab/',
  withPrep: true,
  promoteInCluster: false,
  envFrom: credentials,
});
k8s(labWorkloads, 'keda.sh/v1alpha1', 'TriggerAuthentication', 'aws-keda', 'recs-train', {
  spec: { secretTargetRef: [{ parameter: 'awsAccessKeyID', name: 'aws-training-credentials', key: 'AWS_ACCESS_KEY_ID' }, { parameter: 'awsSecretAccessKey', name: 'aws-training-credentials', key: 'AWS_SECRET_ACCESS_KEY' }] },
});
sqsScaledJob(labWorkloads, 'recs-train-on-new-data', 'recs-train', retrain.url, 'recs-train-trigger', ['kubectl', 'create', '--filename', '/work/workflow.json'], credentials);

prodAddons.addDependency(infra);
prodWorkloads.addDependency(prodAddons);
labWorkloads.addDependency(labAddons);
app.synth();
