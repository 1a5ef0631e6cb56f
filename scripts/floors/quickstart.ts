/**
 * The plain-cdktf floor of examples/quickstart: the same stacks and resources written by hand with
 * per-resource provider imports and no cdktf-ai-infra code. `npm run bench` compares the example's
 * synth time and memory with this program's; it checks that both emit the same resource counts.
 */
import { AutoscalingGroupTagA } from '@cdktf/provider-aws/lib/autoscaling-group-tag';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
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
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { Release } from '@cdktf/provider-helm/lib/release';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { App, dependable, Fn, TerraformLocal, TerraformOutput, TerraformStack, Token } from 'cdktf';

const app = new App();
const name = 'quickstart-prod';
const region = 'us-east-1';
const azs = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const tags = { 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'quickstart', 'team': 'ml-platform', 'cost-center': 'ml-123' };
const policy = (n: string) => `arn:aws:iam::aws:policy/${n}`;
const trust = (service: string, actions = ['sts:AssumeRole']) => JSON.stringify({
  Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: [service] }, Action: actions }],
});

const infra = new TerraformStack(app, 'quickstart-prod-infra');
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

const key = new KmsKey(infra, 'key', { enableKeyRotation: true, deletionWindowInDays: 30 });
new KmsAlias(infra, 'key-alias', { name: `alias/eks/${name}`, targetKeyId: key.keyId });
const clusterRole = new IamRole(infra, 'cluster-role', { namePrefix: `${name}-cluster`, assumeRolePolicy: trust('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']) });
const attach = new IamRolePolicyAttachment(infra, 'cluster-policy', { role: clusterRole.name, policyArn: policy('AmazonEKSClusterPolicy') });
const logs = new CloudwatchLogGroup(infra, 'logs', { name: `/aws/eks/${name}/cluster`, retentionInDays: 90 });
const cluster = new EksCluster(infra, 'cluster', {
  name,
  version: '1.35',
  roleArn: clusterRole.arn,
  vpcConfig: { subnetIds: privateSubnets, endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
  encryptionConfig: { resources: ['secrets'], provider: { keyArn: key.arn } },
  enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
  accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
  upgradePolicy: { supportType: 'STANDARD' },
  dependsOn: [attach, logs],
});
const accountId = new TerraformLocal(infra, 'AccountId', Fn.element(Fn.split(':', cluster.arn), 4)).asString;
const deployer = 'arn:aws:iam::111122223333:role/ci-deployer';
const deployerEntry = new EksAccessEntry(infra, 'deployer', { clusterName: cluster.name, principalArn: deployer, type: 'STANDARD' });
new EksAccessPolicyAssociation(infra, 'deployer-policy', {
  clusterName: cluster.name,
  principalArn: deployer,
  policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
  accessScope: { type: 'cluster' },
  dependsOn: [deployerEntry],
});
const spotRole = new IamServiceLinkedRole(infra, 'spot-role', { awsServiceName: 'spot.amazonaws.com', description: 'EC2 Spot' });
const nodeRole = new IamRole(infra, 'node-role', { namePrefix: `${name}-node`, assumeRolePolicy: trust('ec2.amazonaws.com') });
for (const p of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']) {
  new IamRolePolicyAttachment(infra, `node-${p}`, { role: nodeRole.name, policyArn: policy(p) });
}
const template = (id: string, disk: number) => new LaunchTemplate(infra, id, {
  namePrefix: `${name}-${id}-`,
  updateDefaultVersion: true,
  metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
  blockDeviceMappings: [{ deviceName: '/dev/xvda', ebs: { volumeSize: disk, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } }],
});
const group = (
  id: string, amiType: string, capacityType: string, types: string[], min: number, max: number, disk: number,
  labels: Record<string, string>, taint: boolean,
) => {
  const lt = template(`${id}-lt`, disk);
  return new EksNodeGroup(infra, id, {
    clusterName: cluster.name,
    nodeGroupNamePrefix: `${name}-${id}-`,
    nodeRoleArn: nodeRole.arn,
    subnetIds: privateSubnets,
    amiType,
    capacityType,
    instanceTypes: types,
    launchTemplate: { id: lt.id, version: Token.asString(lt.latestVersion) },
    scalingConfig: { minSize: min, maxSize: max, desiredSize: min },
    updateConfig: { maxUnavailable: 1 },
    labels,
    taint: taint ? [{ key: 'nvidia.com/gpu', effect: 'NO_SCHEDULE' }] : undefined,
    lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
  });
};
const system = group('system', 'AL2023_x86_64_STANDARD', 'ON_DEMAND', ['m6i.large'], 2, 4, 50, { 'cdktf-ai-infra/node-role': 'system' }, false);
const g6 = ['g6.xlarge'];
const gpuLabels = {
  'cdktf-ai-infra/pool': 'l4',
  'cdktf-ai-infra/accelerator': 'nvidia-l4',
  'nvidia.com/gpu.present': 'true',
  'nvidia.com/device-plugin.config': 'exclusive',
  'k8s.amazonaws.com/accelerator': 'nvidia-l4',
};
for (const [id, capacity] of [['l4-spot', 'SPOT'], ['l4-od', 'ON_DEMAND']]) {
  const g = group(id, 'AL2023_x86_64_NVIDIA', capacity, g6, 0, 4, 200, gpuLabels, true);
  if (capacity === 'SPOT') g.dependsOn = [dependable(spotRole)];
  const asg = g.resources.get(0).autoscalingGroups.get(0).name;
  const templateTags: Record<string, string> = { 'k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu': ':NoSchedule', 'k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu': '1' };
  for (const [k, v] of Object.entries(gpuLabels)) templateTags[`k8s.io/cluster-autoscaler/node-template/label/${k}`] = v;
  Object.entries(templateTags).forEach(([k, v], i) => new AutoscalingGroupTagA(infra, `${id}-tag-${i}`, { autoscalingGroupName: asg, tag: { key: k, value: v, propagateAtLaunch: false } }));
}
const versions: Record<string, string> = { 'vpc-cni': 'v1.21.1-eksbuild.7', 'kube-proxy': 'v1.35.3-eksbuild.2', 'coredns': 'v1.13.2-eksbuild.4', 'eks-pod-identity-agent': 'v1.3.10-eksbuild.2' };
let agent: EksAddon | undefined;
for (const [addonName, addonVersion] of Object.entries(versions)) {
  const a = new EksAddon(infra, addonName, {
    clusterName: cluster.name,
    addonName,
    addonVersion,
    resolveConflictsOnCreate: 'OVERWRITE',
    dependsOn: addonName === 'coredns' ? [system] : undefined,
    configurationValues: addonName === 'vpc-cni' ? JSON.stringify({ enableNetworkPolicy: 'true' }) : undefined,
  });
  if (addonName === 'eks-pod-identity-agent') agent = a;
}
const caRole = new IamRole(infra, 'ca-role', { namePrefix: `${name}-ca`, assumeRolePolicy: trust('pods.eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']) });
new IamRolePolicy(infra, 'ca-policy', {
  role: caRole.id,
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstanceTypes', 'eks:DescribeNodegroup'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['autoscaling:SetDesiredCapacity'], Resource: [`arn:aws:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/eks-${name}-*`] },
    ],
  }),
});
new EksPodIdentityAssociation(infra, 'ca-identity', { clusterName: cluster.name, namespace: 'kube-system', serviceAccount: 'cluster-autoscaler', roleArn: caRole.arn, dependsOn: [agent!] });
new TerraformOutput(infra, 'name', { value: cluster.name });
new TerraformOutput(infra, 'endpoint', { value: cluster.endpoint });

const k8sStack = (layer: string) => {
  const stack = new TerraformStack(app, `quickstart-prod-${layer}`);
  const exec = { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token', '--cluster-name', name, '--region', region] };
  const ca = Fn.base64decode(cluster.certificateAuthority.get(0).data);
  new KubernetesProvider(stack, 'kubernetes', { host: cluster.endpoint, clusterCaCertificate: ca, exec: [exec] });
  new HelmProvider(stack, 'helm', { kubernetes: { host: cluster.endpoint, clusterCaCertificate: ca, exec } });
  return stack;
};
const addons = k8sStack('addons');
addons.addDependency(infra);
new Release(addons, 'device-plugin', {
  name: 'nvidia-device-plugin',
  repository: 'https://nvidia.github.io/k8s-device-plugin',
  chart: 'nvidia-device-plugin',
  version: '0.20.0',
  namespace: 'nvidia-device-plugin',
  createNamespace: true,
  values: [JSON.stringify({ gfd: { enabled: false } })],
});
new Release(addons, 'cluster-autoscaler', {
  name: 'cluster-autoscaler',
  repository: 'https://kubernetes.github.io/autoscaler',
  chart: 'cluster-autoscaler',
  version: '9.59.0',
  namespace: 'kube-system',
  values: [JSON.stringify({ autoDiscovery: { clusterName: name }, awsRegion: region })],
});
k8sStack('workloads').addDependency(addons);
app.synth();
