import { App } from 'cdktf';
import { Construct } from 'constructs';
import { EksCluster, EksClusterProps, EksUpgradePolicy } from '../../lib/aws/eks-cluster';
import { NatGateways } from '../../lib/aws/network';
import { EKS_CORE_ADDON_VERSIONS, EKS_END_OF_STANDARD_SUPPORT, EKS_VERSION_DATA_DATE } from '../../lib/aws/versions';
import { GpuNodePool, NodeProvisioner } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { KubernetesVersion } from '../../lib/core/kubernetes-version';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { PermissionStatement } from '../../lib/platform/cluster';
import { EKS_ACCESS } from '../support/eks-access';
import { expectConfigError } from '../support/errors';
import { onlyResource, resourcesOf, Synthesized, SynthesizedStack, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

const AZS = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const ADMIN = 'arn:aws:iam::111122223333:role/platform-admin';
const READ_MODELS: PermissionStatement = { actions: ['s3:GetObject', 's3:ListBucket'], resources: ['arn:aws:s3:::acme-models', 'arn:aws:s3:::acme-models/*'] };

/** Run `fn`, expect a ConfigError whose message names the construct path, the field and the value received. */

function newCluster(props: Partial<EksClusterProps> = {}, id = 'prod'): { platform: AiPlatform; cluster: EksCluster } {
  const platform = new AiPlatform(testApp(), 'acme');
  const cluster = platform.addEksCluster(id, { region: 'us-east-1', availabilityZones: AZS, ...EKS_ACCESS, ...props });
  return { platform, cluster };
}

function synthCluster(props: Partial<EksClusterProps> = {}, build?: (cluster: EksCluster) => void): Synthesized {
  const { platform, cluster } = newCluster(props);
  build?.(cluster);
  return synthApp(App.of(platform));
}

const types = (s: SynthesizedStack) => Object.keys(s.json.resource ?? {});

describe('EksCluster defaults', () => {
  let synth: Synthesized;
  let infra: SynthesizedStack;
  let cluster: EksCluster;
  beforeAll(() => {
    const built = newCluster();
    cluster = built.cluster;
    synth = synthApp(App.of(built.platform));
    infra = synth.stack('acme-prod-infra');
  });

  test('attributes: name, region, version, capabilities, escape hatch', () => {
    expect(cluster.clusterName).toBe('acme-prod');
    expect(cluster.region).toBe('us-east-1');
    expect(cluster.version).toBe(KubernetesVersion.V1_35);
    expect(cluster.kind.name).toBe('eks');
    expect(cluster.capabilities).toEqual({ karpenter: false, managedNodeGroups: true, spot: true, workloadIdentity: true });
    expect(cluster.infraStack).toBe(cluster.stacks.infra);
    expect(cluster.resource.node.id).toBe('Resource');
    expect(cluster.privateSubnetIds).toHaveLength(3);
    expect(cluster.publicSubnetIds).toHaveLength(3);
  });

  test('the aws provider is configured with the region and the platform tags (default_tags) in the infra stack only', () => {
    expect(infra.json.provider.aws).toEqual([{ region: 'us-east-1', default_tags: [{ tags: { 'managed-by': 'cdktf-ai-infra', 'ai-platform': 'acme' } }] }]);
    expect(synth.stack('acme-prod-addons').json.provider.aws).toBeUndefined();
  });

  test('an EKS 1.35 control plane (in standard support at the data date) with API authentication mode and the STANDARD upgrade policy', () => {
    const eks = onlyResource(infra, 'aws_eks_cluster');
    expect(eks.name).toBe('acme-prod');
    expect(eks.version).toBe('1.35');
    expect(eks.role_arn).toBe('${aws_iam_role.ClusterRole.arn}');
    expect(eks.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    expect(eks.upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  test('secrets are encrypted with a rotated KMS key', () => {
    const eks = onlyResource(infra, 'aws_eks_cluster');
    expect(eks.encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: '${aws_kms_key.SecretsKey.arn}' } });
    const key = onlyResource(infra, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.deletion_window_in_days).toBe(30);
    expect(onlyResource(infra, 'aws_kms_alias')).toMatchObject({ name: 'alias/eks/acme-prod', target_key_id: '${aws_kms_key.SecretsKey.key_id}' });
  });

  test('the API endpoint is private, reachable on 443 from the given network through the cluster security group', () => {
    const vpc = onlyResource(infra, 'aws_eks_cluster').vpc_config;
    expect(vpc.endpoint_private_access).toBe(true);
    expect(vpc.endpoint_public_access).toBe(false);
    expect(vpc.public_access_cidrs).toBeUndefined();
    expect(onlyResource(infra, 'aws_vpc_security_group_ingress_rule')).toMatchObject({
      security_group_id: '${aws_eks_cluster.Resource.vpc_config[0].cluster_security_group_id}',
      ip_protocol: 'tcp',
      from_port: 443,
      to_port: 443,
      cidr_ipv4: '10.250.0.0/24',
      description: 'Kubernetes API from 10.250.0.0/24',
    });
    expect(vpc.subnet_ids).toHaveLength(3);
    for (const id of vpc.subnet_ids) expect(id).toMatch(/^\$\{aws_subnet\.Network_Private\d_/);
  });

  test('control plane logs api, audit, authenticator to a 90-day log group created first', () => {
    const eks = onlyResource(infra, 'aws_eks_cluster');
    expect(eks.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator']);
    expect(eks.depends_on).toEqual(expect.arrayContaining(['aws_cloudwatch_log_group.ControlPlaneLogs', 'aws_iam_role_policy_attachment.ClusterRolePolicy']));
    expect(onlyResource(infra, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/eks/acme-prod/cluster', retention_in_days: 90 });
  });

  test('the cluster role is trusted by eks.amazonaws.com and has AmazonEKSClusterPolicy', () => {
    const role = resourcesOf(infra, 'aws_iam_role').ClusterRole;
    expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: ['eks.amazonaws.com'] }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    expect(resourcesOf(infra, 'aws_iam_role_policy_attachment').ClusterRolePolicy.policy_arn).toBe('arn:aws:iam::aws:policy/AmazonEKSClusterPolicy');
  });

  test('the deploying principal gets a cluster-admin access entry; the creator is not bootstrapped', () => {
    const entries = resourcesOf(infra, 'aws_eks_access_entry');
    expect(Object.keys(entries)).toEqual(['Deployer']);
    expect(entries.Deployer).toMatchObject({ principal_arn: EKS_ACCESS.deployerPrincipalArn, type: 'STANDARD' });
    expect(resourcesOf(infra, 'aws_eks_access_policy_association').DeployerPolicy).toMatchObject({
      principal_arn: EKS_ACCESS.deployerPrincipalArn,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
      depends_on: ['aws_eks_access_entry.Deployer'],
    });
  });

  test('the VPC CNI enforces NetworkPolicies (enableNetworkPolicy), the other add-ons keep their defaults', () => {
    const addons = resourcesOf(infra, 'aws_eks_addon');
    expect(JSON.parse(addons['Addon-vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    for (const name of ['coredns', 'kube-proxy', 'eks-pod-identity-agent']) expect(addons[`Addon-${name}`].configuration_values).toBeUndefined();
  });

  test('the four core add-ons are pinned for the Kubernetes version', () => {
    const addons = Object.values<any>(resourcesOf(infra, 'aws_eks_addon'));
    const pinned = Object.fromEntries(addons.map((a) => [a.addon_name, a.addon_version]));
    expect(pinned).toEqual(EKS_CORE_ADDON_VERSIONS['1.35']);
    expect(Object.keys(pinned).sort()).toEqual(['coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
    for (const a of addons) {
      expect(a).toMatchObject({ cluster_name: '${aws_eks_cluster.Resource.name}', resolve_conflicts_on_create: 'OVERWRITE', resolve_conflicts_on_update: 'PRESERVE' });
    }
    // CoreDNS needs running nodes.
    expect(resourcesOf(infra, 'aws_eks_addon')['Addon-coredns'].depends_on).toEqual(['aws_eks_node_group.SystemNodes']);
  });

  test('system nodes: on-demand AL2023, 2 to 4 m6i.large, secure launch template', () => {
    const ng = resourcesOf(infra, 'aws_eks_node_group').SystemNodes;
    expect(ng).toMatchObject({
      ami_type: 'AL2023_x86_64_STANDARD',
      capacity_type: 'ON_DEMAND',
      instance_types: ['m6i.large'],
      scaling_config: { min_size: 2, max_size: 4, desired_size: 2 },
      node_role_arn: '${aws_iam_role.NodeRole.arn}',
      launch_template: { id: '${aws_launch_template.SystemNodesLaunchTemplate.id}', version: '${aws_launch_template.SystemNodesLaunchTemplate.latest_version}' },
    });
    expect(ng.lifecycle.ignore_changes).toEqual(['scaling_config[0].desired_size']);
  });

  test('launch templates require IMDSv2 with hop limit 1 and an encrypted gp3 volume', () => {
    const lt = resourcesOf(infra, 'aws_launch_template').SystemNodesLaunchTemplate;
    expect(lt.metadata_options).toEqual({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
    expect(lt.block_device_mappings).toEqual([{
      device_name: '/dev/xvda',
      ebs: { volume_size: 50, volume_type: 'gp3', encrypted: 'true', delete_on_termination: 'true' },
    }]);
  });

  test('the node role has exactly the three managed node policies', () => {
    const attached = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy_attachment'))
      .filter((a) => a.role === '${aws_iam_role.NodeRole.name}').map((a) => a.policy_arn).sort();
    expect(attached).toEqual([
      'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
      'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
      'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
    ]);
    expect(JSON.parse(resourcesOf(infra, 'aws_iam_role').NodeRole.assume_role_policy).Statement[0].Principal).toEqual({ Service: ['ec2.amazonaws.com'] });
  });

  test('a VPC with private and public subnets per AZ, tagged for load balancers and Karpenter', () => {
    expect(onlyResource(infra, 'aws_vpc')).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, enable_dns_support: true });
    const subnets = Object.entries<any>(resourcesOf(infra, 'aws_subnet'));
    const priv = subnets.filter(([id]) => id.startsWith('Network_Private')).map(([, s]) => s);
    const pub = subnets.filter(([id]) => id.startsWith('Network_Public')).map(([, s]) => s);
    expect(priv.map((s) => s.availability_zone)).toEqual(AZS);
    expect(pub.map((s) => s.availability_zone)).toEqual(AZS);
    for (const s of priv) {
      expect(s.tags).toMatchObject({ 'kubernetes.io/role/internal-elb': '1', 'karpenter.sh/discovery': 'acme-prod', 'kubernetes.io/cluster/acme-prod': 'shared' });
      expect(s.tags['kubernetes.io/role/elb']).toBeUndefined();
    }
    for (const s of pub) {
      expect(s.tags).toMatchObject({ 'kubernetes.io/role/elb': '1', 'kubernetes.io/cluster/acme-prod': 'shared' });
      expect(s.tags['karpenter.sh/discovery']).toBeUndefined();
      expect(s.map_public_ip_on_launch).toBe(false);
    }
    // Private /19s from the start of the range, public /22s from its last eighth.
    expect(priv.map((s) => s.cidr_block)).toEqual([0, 1, 2].map((i) => `\${cidrsubnet("10.0.0.0/16", 3, ${i})}`));
    expect(pub.map((s) => s.cidr_block)).toEqual([56, 57, 58].map((i) => `\${cidrsubnet("10.0.0.0/16", 6, ${i})}`));
  });

  test('one NAT gateway per AZ by default, each private route table through its own', () => {
    const nats = Object.keys(resourcesOf(infra, 'aws_nat_gateway'));
    expect(nats).toHaveLength(3);
    const routes = Object.entries<any>(resourcesOf(infra, 'aws_route')).filter(([id]) => id.startsWith('Network_PrivateDefaultRoute')).map(([, r]) => r.nat_gateway_id);
    expect(new Set(routes).size).toBe(3);
    expect(Object.keys(resourcesOf(infra, 'aws_eip'))).toHaveLength(3);
  });

  test('kubernetes and helm providers of the addons and workloads stacks authenticate with aws eks get-token', () => {
    const args = ['eks', 'get-token', '--cluster-name', 'acme-prod', '--region', 'us-east-1', '--output', 'json'];
    for (const name of ['acme-prod-addons', 'acme-prod-workloads']) {
      const providers = synth.stack(name).json.provider;
      const [k8s] = providers.kubernetes;
      expect(k8s.exec).toEqual([{ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args }]);
      expect(k8s.host).toMatch(/cross-stack-output-aws_eks_clusterResourceendpoint/);
      expect(k8s.cluster_ca_certificate).toMatch(/^\$\{base64decode\(.*certificate_authority0data\)\}$/);
      const [helm] = providers.helm;
      expect(helm.kubernetes.exec).toEqual({ api_version: 'client.authentication.k8s.io/v1beta1', command: 'aws', args });
      expect(helm.kubernetes.host).toBe(k8s.host);
      expect(helm.kubernetes.cluster_ca_certificate).toBe(k8s.cluster_ca_certificate);
    }
  });

  test('the account id is a local read from the cluster ARN (no data source: the stack plans offline)', () => {
    expect(infra.json.locals.AccountId).toBe('${element(split(":", aws_eks_cluster.Resource.arn), 4)}');
  });

  test('the infra stack outputs the cluster name and endpoint', () => {
    expect(infra.json.output.ClusterName.value).toBe('${aws_eks_cluster.Resource.name}');
    expect(infra.json.output.ClusterEndpoint.value).toBe('${aws_eks_cluster.Resource.endpoint}');
  });
});

describe('EksCluster options', () => {
  test('admin principals get access entries with the cluster admin policy, and no bootstrap admin', () => {
    const other = 'arn:aws:iam::111122223333:user/alice';
    const infra = synthCluster({ adminPrincipalArns: [ADMIN, other] }).stack('acme-prod-infra');
    expect(onlyResource(infra, 'aws_eks_cluster').access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
    const entries = resourcesOf(infra, 'aws_eks_access_entry');
    expect(Object.values<any>(entries).map((e) => [e.principal_arn, e.type])).toEqual([[ADMIN, 'STANDARD'], [other, 'STANDARD'], [EKS_ACCESS.deployerPrincipalArn, 'STANDARD']]);
    const assoc = resourcesOf(infra, 'aws_eks_access_policy_association');
    expect(assoc.Admin0Policy).toMatchObject({
      cluster_name: '${aws_eks_cluster.Resource.name}',
      principal_arn: ADMIN,
      policy_arn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy',
      access_scope: { type: 'cluster' },
      depends_on: ['aws_eks_access_entry.Admin0'],
    });
    expect(assoc.Admin1Policy.principal_arn).toBe(other);
  });

  test('a public endpoint limited to the given CIDRs', () => {
    const vpc = onlyResource(synthCluster({ endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] }).stack('acme-prod-infra'), 'aws_eks_cluster').vpc_config;
    expect(vpc).toMatchObject({ endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] });
  });

  test('NatGateways.SINGLE: one NAT gateway that every private route uses', () => {
    const infra = synthCluster({ natGateways: NatGateways.SINGLE }).stack('acme-prod-infra');
    expect(Object.keys(resourcesOf(infra, 'aws_nat_gateway'))).toEqual([expect.stringMatching(/^Network_Nat0_/)]);
    expect(Object.keys(resourcesOf(infra, 'aws_eip'))).toHaveLength(1);
    const routes = Object.entries<any>(resourcesOf(infra, 'aws_route')).filter(([id]) => id.startsWith('Network_PrivateDefaultRoute')).map(([, r]) => r.nat_gateway_id);
    expect(routes).toHaveLength(3);
    expect([...new Set(routes)]).toEqual([expect.stringMatching(/^\$\{aws_nat_gateway\.Network_Nat0_.*\.id\}$/)]);
  });

  test('existingVpc: no network is created and the given subnets are used', () => {
    const { platform, cluster } = newCluster({
      availabilityZones: undefined,
      existingVpc: { vpcId: 'vpc-0123', privateSubnetIds: ['subnet-a', 'subnet-b'], publicSubnetIds: ['subnet-p'] },
    });
    expect(cluster.vpcId).toBe('vpc-0123');
    expect(cluster.publicSubnetIds).toEqual(['subnet-p']);
    const infra = synthApp(App.of(platform)).stack('acme-prod-infra');
    for (const t of ['aws_vpc', 'aws_subnet', 'aws_nat_gateway', 'aws_internet_gateway', 'aws_route_table', 'aws_eip']) {
      expect(types(infra)).not.toContain(t);
    }
    expect(onlyResource(infra, 'aws_eks_cluster').vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
    expect(resourcesOf(infra, 'aws_eks_node_group').SystemNodes.subnet_ids).toEqual(['subnet-a', 'subnet-b']);
  });

  test('version, cluster name, VPC CIDR, log types, retention, system nodes and add-on overrides', () => {
    const infra = synthCluster({
      version: KubernetesVersion.V1_34,
      clusterName: 'ML_Prod',
      vpcCidr: '10.42.0.0/16',
      controlPlaneLogTypes: ['api', 'scheduler'],
      logRetentionDays: 30,
      systemNodes: { instanceTypes: ['m7i.large'], minNodes: 1, maxNodes: 3, diskGiB: 80 },
      addonVersions: { coredns: 'v1.12.2-eksbuild.4' },
    }).stack('acme-prod-infra');
    const eks = onlyResource(infra, 'aws_eks_cluster');
    expect(eks).toMatchObject({ name: 'ML_Prod', version: '1.34', enabled_cluster_log_types: ['api', 'scheduler'] });
    expect(onlyResource(infra, 'aws_vpc').cidr_block).toBe('10.42.0.0/16');
    expect(onlyResource(infra, 'aws_cloudwatch_log_group')).toMatchObject({ name: '/aws/eks/ML_Prod/cluster', retention_in_days: 30 });
    expect(resourcesOf(infra, 'aws_eks_node_group').SystemNodes).toMatchObject({
      instance_types: ['m7i.large'], scaling_config: { min_size: 1, max_size: 3, desired_size: 1 },
    });
    expect(resourcesOf(infra, 'aws_launch_template').SystemNodesLaunchTemplate.block_device_mappings[0].ebs.volume_size).toBe(80);
    const pinned = Object.fromEntries(Object.values<any>(resourcesOf(infra, 'aws_eks_addon')).map((a) => [a.addon_name, a.addon_version]));
    expect(pinned).toEqual({ ...EKS_CORE_ADDON_VERSIONS['1.34'], coredns: 'v1.12.2-eksbuild.4' });
  });

  test('a version this library does not pin works with explicit add-on versions', () => {
    const versions = { 'vpc-cni': 'v1', 'coredns': 'v2', 'kube-proxy': 'v3', 'eks-pod-identity-agent': 'v4' };
    const infra = synthCluster({ version: KubernetesVersion.of('1.36'), addonVersions: versions }).stack('acme-prod-infra');
    expect(onlyResource(infra, 'aws_eks_cluster').version).toBe('1.36');
    expect(Object.values<any>(resourcesOf(infra, 'aws_eks_addon')).map((a) => a.addon_version).sort()).toEqual(['v1', 'v2', 'v3', 'v4']);
  });

  test('a GovCloud region uses the aws-us-gov partition in policy ARNs', () => {
    const { platform } = newCluster({ region: 'us-gov-west-1', availabilityZones: ['us-gov-west-1a', 'us-gov-west-1b'], adminPrincipalArns: [ADMIN] });
    const infra = synthApp(App.of(platform)).stack('acme-prod-infra');
    expect(resourcesOf(infra, 'aws_iam_role_policy_attachment').ClusterRolePolicy.policy_arn).toBe('arn:aws-us-gov:iam::aws:policy/AmazonEKSClusterPolicy');
    expect(resourcesOf(infra, 'aws_eks_access_policy_association').Admin0Policy.policy_arn)
      .toBe('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy');
  });
});

describe('EksCluster.grantWorkload', () => {
  let infra: SynthesizedStack;
  let identity: { namespace: string; serviceAccount: string; roleArn?: string };
  beforeAll(() => {
    const { platform, cluster } = newCluster();
    const owner = new Construct(cluster, 'recs');
    identity = cluster.grantWorkload(owner, 'serving', 'recs-model', [READ_MODELS, { actions: ['sqs:SendMessage'], resources: ['*'] }]);
    infra = synthApp(App.of(platform)).stack('acme-prod-infra');
  });

  test('returns the service account and the role ARN', () => {
    expect(identity.namespace).toBe('serving');
    expect(identity.serviceAccount).toBe('recs-model');
    expect(identity.roleArn).toMatch(/^\$\{TfToken\[/);
  });

  test('creates a role trusted by pods.eks.amazonaws.com, scoped under the owner', () => {
    const [[id, role]] = Object.entries<any>(resourcesOf(infra, 'aws_iam_role')).filter(([k]) => k.startsWith('recs_'));
    expect(id).toMatch(/^recs_Identity-serving-recs-model_Role_/);
    expect(role.name_prefix).toBe('acme-prod-recs-model');
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: ['pods.eks.amazonaws.com'] }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
    });
  });

  test('an inline policy with exactly the statements', () => {
    const policy = onlyResource(infra, 'aws_iam_role_policy');
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.recs_Identity-serving-recs-model_Role_.*\.id\}$/);
    expect(JSON.parse(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::acme-models', 'arn:aws:s3:::acme-models/*'] },
        { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['*'] },
      ],
    });
  });

  test('a pod identity association after the pod identity agent', () => {
    const assoc = onlyResource(infra, 'aws_eks_pod_identity_association');
    expect(assoc).toMatchObject({
      cluster_name: '${aws_eks_cluster.Resource.name}',
      namespace: 'serving',
      service_account: 'recs-model',
      depends_on: ['aws_eks_addon.Addon-eks-pod-identity-agent'],
    });
    expect(assoc.role_arn).toMatch(/^\$\{aws_iam_role\.recs_Identity-serving-recs-model_Role_.*\.arn\}$/);
  });
});

describe('EksCluster validation', () => {
  const P = 'acme/prod';

  test('throws when the cluster id is not a DNS label', () => {
    const platform = new AiPlatform(testApp(), 'acme');
    expectConfigError(() => platform.addEksCluster('Prod_1', { region: 'us-east-1', availabilityZones: AZS, ...EKS_ACCESS }), { path: 'acme/Prod_1', field: 'id', received: 'Prod_1' });
  });

  test('throws when the region is not an AWS region code', () => {
    expectConfigError(() => newCluster({ region: 'US East', availabilityZones: ['US Easta', 'US Eastb'] }), { path: P, field: 'region', received: 'US East' });
  });

  test('throws when the region is not allowed by the platform', () => {
    const platform = new AiPlatform(testApp(), 'acme', { allowedRegions: ['eu-central-1'] });
    expectConfigError(() => platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: AZS, ...EKS_ACCESS }), { path: P, field: 'region', received: 'us-east-1' });
  });

  test('throws when clusterName is not a valid EKS cluster name', () => {
    expectConfigError(() => newCluster({ clusterName: '-bad name' }), { path: P, field: 'clusterName', received: '-bad name' });
  });

  test('throws when availabilityZones is given with existingVpc', () => {
    expectConfigError(() => newCluster({ existingVpc: { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a', 'subnet-b'] } }),
      { path: P, field: 'availabilityZones', received: AZS });
  });

  test('throws when existingVpc has fewer than two private subnets', () => {
    expectConfigError(() => newCluster({ availabilityZones: undefined, existingVpc: { vpcId: 'vpc-1', privateSubnetIds: ['subnet-a'] } }),
      { path: P, field: 'existingVpc.privateSubnetIds', received: ['subnet-a'] });
  });

  test('throws when availabilityZones is missing for a new VPC', () => {
    expectConfigError(() => newCluster({ availabilityZones: undefined }), { path: P, field: 'availabilityZones', received: undefined });
  });

  test('throws when there are fewer than two availability zones', () => {
    expectConfigError(() => newCluster({ availabilityZones: ['us-east-1a'] }), { path: P, field: 'availabilityZones', received: ['us-east-1a'] });
  });

  test('throws when there are more than six availability zones', () => {
    const seven = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((z) => `us-east-1${z}`);
    expectConfigError(() => newCluster({ availabilityZones: seven }), { path: P, field: 'availabilityZones', received: seven });
  });

  test('throws when an availability zone is not in the region', () => {
    expectConfigError(() => newCluster({ availabilityZones: ['us-east-1a', 'us-west-2b'] }), { path: P, field: 'availabilityZones', received: 'us-west-2b' });
  });

  test('throws when availability zones repeat', () => {
    expectConfigError(() => newCluster({ availabilityZones: ['us-east-1a', 'us-east-1a'] }), { path: P, field: 'availabilityZones', received: ['us-east-1a', 'us-east-1a'] });
  });

  test('throws when vpcCidr is not an IPv4 CIDR of /16 to /24', () => {
    expectConfigError(() => newCluster({ vpcCidr: '10.0.0.0/8' }), { path: P, field: 'vpcCidr', received: '10.0.0.0/8' });
  });

  test('throws when the endpoint is public without publicAccessCidrs', () => {
    expectConfigError(() => newCluster({ endpointPublicAccess: true }), { path: P, field: 'publicAccessCidrs', received: undefined });
  });

  test('throws when publicAccessCidrs is given for a private endpoint', () => {
    expectConfigError(() => newCluster({ publicAccessCidrs: ['203.0.113.0/24'] }), { path: P, field: 'publicAccessCidrs', received: ['203.0.113.0/24'] });
  });

  test('throws when a control plane log type is unknown', () => {
    expectConfigError(() => newCluster({ controlPlaneLogTypes: ['api', 'kubelet'] }), { path: P, field: 'controlPlaneLogTypes', received: 'kubelet' });
  });

  test('throws when the system node group could scale to zero', () => {
    expectConfigError(() => newCluster({ systemNodes: { minNodes: 0 } }), { path: P, field: 'systemNodes.minNodes/maxNodes', received: { minNodes: 0, maxNodes: 4 } });
  });

  test('throws when the system node group maxNodes is below minNodes', () => {
    expectConfigError(() => newCluster({ systemNodes: { minNodes: 3, maxNodes: 2 } }), { path: P, field: 'systemNodes.minNodes/maxNodes', received: { minNodes: 3, maxNodes: 2 } });
  });

  test('throws when a core add-on has no pinned version for the Kubernetes version', () => {
    const e = expectConfigError(() => newCluster({ version: KubernetesVersion.of('1.36') }), { path: P, field: 'addonVersions.vpc-cni', received: undefined });
    expect(e.message).toContain('aws eks describe-addon-versions --kubernetes-version 1.36 --addon-name vpc-cni');
  });

  test('throws when a pool asks for Karpenter on a cluster without it', () => {
    const { cluster } = newCluster();
    expectConfigError(() => new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 1, provisioner: NodeProvisioner.KARPENTER }),
      { path: 'acme/prod/l4', field: 'provisioner', received: 'karpenter' });
  });

  describe('grantWorkload', () => {
    let cluster: EksCluster;
    let owner: Construct;
    beforeAll(() => {
      cluster = newCluster().cluster;
      owner = new Construct(cluster, 'job');
    });
    const OP = 'acme/prod/job';

    test('throws when the namespace is not a DNS label', () => {
      expectConfigError(() => cluster.grantWorkload(owner, 'Team_A', 'sa', [READ_MODELS]), { path: OP, field: 'namespace', received: 'Team_A' });
    });

    test('throws when the service account is not a DNS label', () => {
      expectConfigError(() => cluster.grantWorkload(owner, 'team-a', 'My.SA', [READ_MODELS]), { path: OP, field: 'serviceAccount', received: 'My.SA' });
    });

    test('throws when there are no statements', () => {
      expectConfigError(() => cluster.grantWorkload(owner, 'team-a', 'sa', []), { path: OP, field: 'statements', received: [] });
    });

    test('throws when a statement has no actions or no resources', () => {
      const noActions = { actions: [], resources: ['arn:aws:s3:::b'] };
      expectConfigError(() => cluster.grantWorkload(owner, 'team-a', 'sa', [READ_MODELS, noActions]), { path: OP, field: 'statements[1]', received: noActions });
      const noResources = { actions: ['s3:GetObject'], resources: [] };
      expectConfigError(() => cluster.grantWorkload(owner, 'team-a', 'sa', [noResources]), { path: OP, field: 'statements[0]', received: noResources });
    });

    test('throws when a statement grants * on *', () => {
      const star = { actions: ['s3:GetObject', '*'], resources: ['*'] };
      const e = expectConfigError(() => cluster.grantWorkload(owner, 'team-a', 'sa', [star]), { path: OP, field: 'statements[0]', received: star });
      expect(e.expected).toContain('least privilege');
    });
  });
});

const tfEnv = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of an EKS cluster with a GPU pool', tfEnv.missing);
const maybe = skipPlan ? test.skip : test;

describe('EksCluster offline plan', () => {
  maybe('a cluster with a spot GPU pool with fallback, an admin and a workload identity plans offline', () => {
    const { platform, cluster } = newCluster({ adminPrincipalArns: [ADMIN], createSpotServiceLinkedRole: true });
    const pool = new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 4 });
    cluster.grantWorkload(pool, 'serving', 'recs', [READ_MODELS]);
    const json = synthApp(App.of(platform)).stack('acme-prod-infra').json;
    expect(unplannableReason(json, tfEnv)).toBeUndefined();
    const result = planOffline(json, { validate: false });
    if (!result.ok) console.error(result.output);
    expect(result.failedStep).toBeUndefined();
    expect(result.ok).toBe(true);
    const planned = new Set(result.plannedResources.map((r) => r.type));
    for (const t of ['aws_eks_cluster', 'aws_eks_node_group', 'aws_autoscaling_group_tag', 'aws_eks_pod_identity_association', 'aws_eks_access_entry', 'aws_vpc_security_group_ingress_rule', 'aws_iam_service_linked_role']) {
      expect(planned).toContain(t);
    }
    // Three node groups: system, spot GPU, on-demand fallback.
    expect(result.plannedResources.filter((r) => r.type === 'aws_eks_node_group')).toHaveLength(3);
    expect(result.plannedResources.every((r) => r.actions.join() === 'create')).toBe(true);
  }, 180_000);
});

describe('EksCluster network ranges and public endpoint', () => {
  const base = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS };
  test('throws when two VPCs of a platform overlap', () => {
    const p = new AiPlatform(testApp(), 'acme');
    p.addEksCluster('a', { ...base, vpcCidr: '10.0.0.0/16' });
    expect(() => p.addEksCluster('b', { ...base, vpcCidr: '10.0.128.0/17' })).toThrow(/acme\/b: invalid vpcCidr: received "10.0.128.0\/17".*overlap 10.0.0.0\/16 of acme\/a/);
    expect(() => p.addEksCluster('c', { ...base, vpcCidr: '10.1.0.0/16' })).not.toThrow();
  });
  test('throws when a CIDR has host bits set, bad octets, or a prefix out of range', () => {
    const p = new AiPlatform(testApp(), 'acme');
    expect(() => p.addEksCluster('a', { ...base, vpcCidr: '10.0.1.0/16' })).toThrow(/did you mean "10.0.0.0\/16"/);
    expect(() => p.addEksCluster('b', { ...base, vpcCidr: '10.0.300.0/24' })).toThrow(/vpcCidr: received "10.0.300.0\/24"/);
    expect(() => p.addEksCluster('c', { ...base, vpcCidr: '10.0.0.0/24' })).toThrow(/\/16 to \/22/);
  });
  test('throws when the public endpoint is open to 0.0.0.0/0 without the explicit opt-in', () => {
    const p = new AiPlatform(testApp(), 'acme');
    expect(() => p.addEksCluster('a', { ...base, endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] }))
      .toThrow(/acme\/a: invalid publicAccessCidrs: received "0.0.0.0\/0".*allowPublicEndpointFromAnywhere/);
    expect(() => p.addEksCluster('b', { ...base, vpcCidr: '10.1.0.0/16', endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'], allowPublicEndpointFromAnywhere: true }))
      .not.toThrow();
  });
});

describe('EksCluster first deploy (issue 16)', () => {
  const P = 'acme/prod';
  const noAccess = { deployerPrincipalArn: undefined, privateAccessCidrs: undefined, createSpotServiceLinkedRole: undefined };

  test('throws when the private endpoint has no network path for the addons and workloads stacks', () => {
    const e = expectConfigError(() => newCluster({ privateAccessCidrs: undefined }), { path: P, field: 'privateAccessCidrs', received: undefined });
    expect(e.expected).toMatch(/privateAccessPrefixListIds.*endpointPublicAccess: true with publicAccessCidrs/);
  });

  test('a public endpoint limited to the runner CIDRs needs no ingress rule; private CIDRs and prefix lists each get one on 443', () => {
    const pub = synthCluster({ privateAccessCidrs: undefined, endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] }).stack('acme-prod-infra');
    expect(resourcesOf(pub, 'aws_vpc_security_group_ingress_rule')).toEqual({});
    const priv = synthCluster({ privateAccessCidrs: ['192.168.0.0/16', '10.9.0.0/24'], privateAccessPrefixListIds: ['pl-0123456789abcdef0'] }).stack('acme-prod-infra');
    const rules = resourcesOf(priv, 'aws_vpc_security_group_ingress_rule');
    expect(Object.values<any>(rules).map((r) => [r.cidr_ipv4 ?? r.prefix_list_id, r.from_port, r.to_port, r.ip_protocol])).toEqual([
      ['192.168.0.0/16', 443, 443, 'tcp'], ['10.9.0.0/24', 443, 443, 'tcp'], ['pl-0123456789abcdef0', 443, 443, 'tcp'],
    ]);
    for (const r of Object.values<any>(rules)) expect(r.security_group_id).toBe('${aws_eks_cluster.Resource.vpc_config[0].cluster_security_group_id}');
  });

  test('throws on an open or malformed private access source', () => {
    expectConfigError(() => newCluster({ privateAccessCidrs: ['0.0.0.0/0'] }), { path: P, field: 'privateAccessCidrs', received: '0.0.0.0/0' });
    expectConfigError(() => newCluster({ privateAccessPrefixListIds: ['sg-123'] }), { path: P, field: 'privateAccessPrefixListIds', received: 'sg-123' });
  });

  test('throws when nobody would be cluster admin: no deployer and no admins', () => {
    const e = expectConfigError(() => newCluster({ deployerPrincipalArn: undefined }), { path: P, field: 'deployerPrincipalArn', received: undefined });
    expect(e.expected).toContain('runs cdktf deploy');
  });

  test('throws on an assumed-role session ARN (access entries take the role ARN)', () => {
    const session = 'arn:aws:sts::111122223333:assumed-role/ci-deployer/session-1';
    expectConfigError(() => newCluster({ deployerPrincipalArn: session }), { path: P, field: 'deployerPrincipalArn', received: session });
    expectConfigError(() => newCluster({ adminPrincipalArns: [ADMIN, session] }), { path: P, field: 'adminPrincipalArns[1]', received: session });
  });

  test('bootstrap_cluster_creator_admin_permissions is false with or without admins (a change would replace the cluster)', () => {
    const values = [{}, { adminPrincipalArns: [ADMIN] }, { deployerPrincipalArn: undefined, adminPrincipalArns: [ADMIN] }].map((p) =>
      onlyResource(synthCluster(p).stack('acme-prod-infra'), 'aws_eks_cluster').access_config.bootstrap_cluster_creator_admin_permissions);
    expect(values).toEqual([false, false, false]);
  });

  test('a deployer also listed as admin gets one access entry', () => {
    const infra = synthCluster({ adminPrincipalArns: [EKS_ACCESS.deployerPrincipalArn, ADMIN] }).stack('acme-prod-infra');
    expect(Object.values<any>(resourcesOf(infra, 'aws_eks_access_entry')).map((e) => e.principal_arn)).toEqual([ADMIN, EKS_ACCESS.deployerPrincipalArn]);
  });

  test('the default version is in EKS standard support at the data date and has pinned add-ons', () => {
    const end = EKS_END_OF_STANDARD_SUPPORT[KubernetesVersion.DEFAULT.version];
    expect(end > EKS_VERSION_DATA_DATE).toBe(true);
    expect(EKS_CORE_ADDON_VERSIONS[KubernetesVersion.DEFAULT.version]).toBeDefined();
    expect(KubernetesVersion.of('1.35')).toBe(KubernetesVersion.V1_35);
  });

  test('a version past standard support defaults to the EXTENDED upgrade policy with a warning; the policy can be set', () => {
    const { platform } = newCluster({ version: KubernetesVersion.V1_34 });
    const app = App.of(platform);
    const infra = synthApp(app).stack('acme-prod-infra');
    expect(onlyResource(infra, 'aws_eks_cluster').upgrade_policy).toEqual({ support_type: 'EXTENDED' });
    const warnings = platform.node.findAll().flatMap((c) => c.node.metadata).map((m) => String(m.data));
    expect(warnings.some((w) => /1\.34 left EKS standard support on 2026-12-02/.test(w))).toBe(true);
    const std = synthCluster({ version: KubernetesVersion.V1_34, upgradePolicy: EksUpgradePolicy.STANDARD }).stack('acme-prod-infra');
    expect(onlyResource(std, 'aws_eks_cluster').upgrade_policy).toEqual({ support_type: 'STANDARD' });
  });

  test('a spot pool needs an explicit choice about the Spot service-linked role', () => {
    const { cluster } = newCluster({ createSpotServiceLinkedRole: undefined });
    const e = expectConfigError(() => new GpuNodePool(cluster, 'l4', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], capacity: Capacity.spot(), maxNodes: 1 }),
      { path: P, field: 'createSpotServiceLinkedRole', received: undefined });
    expect(e.expected).toContain('AuthFailure.ServiceLinkedRoleCreationNotPermitted');
    // On-demand pools do not ask.
    expect(() => new GpuNodePool(cluster, 'od', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], maxNodes: 1 })).not.toThrow();
  });

  test('createSpotServiceLinkedRole: true creates the role once per account, and spot node groups wait for it', () => {
    const infra = synthCluster({ createSpotServiceLinkedRole: true }, (c) => {
      new GpuNodePool(c, 'l4', { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], capacity: Capacity.spot(), maxNodes: 1 });
    }).stack('acme-prod-infra');
    expect(onlyResource(infra, 'aws_iam_service_linked_role')).toMatchObject({ aws_service_name: 'spot.amazonaws.com' });
    const spot = Object.entries<any>(resourcesOf(infra, 'aws_eks_node_group')).find(([id]) => id.startsWith('l4_'))![1];
    expect(spot.depends_on).toContain('aws_iam_service_linked_role.SpotServiceLinkedRole');
    const none = synthCluster({}).stack('acme-prod-infra');
    expect(resourcesOf(none, 'aws_iam_service_linked_role')).toEqual({});
    const platform = new AiPlatform(testApp(), 'acme');
    platform.addEksCluster('a', { region: 'us-east-1', availabilityZones: AZS, ...EKS_ACCESS, createSpotServiceLinkedRole: true });
    expectConfigError(() => platform.addEksCluster('b', { region: 'us-east-1', availabilityZones: AZS, ...EKS_ACCESS, vpcCidr: '10.1.0.0/16', createSpotServiceLinkedRole: true }),
      { path: 'acme/b', field: 'createSpotServiceLinkedRole', received: true });
    void noAccess;
  });
});
