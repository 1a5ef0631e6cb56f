import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { EksCluster as EksClusterResource } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { IamServiceLinkedRole } from '@cdktf/provider-aws/lib/iam-service-linked-role';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Annotations, dependable, Fn, TerraformLocal, TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { managedPolicyArn, partitionOf, trustPolicy } from './arn';
import { ClusterAutoscaler } from './cluster-autoscaler';
import { containerInsights } from './container-insights';
import { EfaDevicePlugin } from './efa-device-plugin';
import { managedNodeGroup } from './gpu-node-group';
import { installKarpenter, realiseKarpenterNodePool } from './karpenter';
import { ClusterNetwork, NatGateways } from './network';
import { nodeRole, secureLaunchTemplate } from './node-infra';
import { EKS_CORE_ADDON_VERSIONS, EKS_CORE_ADDONS, EKS_END_OF_STANDARD_SUPPORT, EKS_VERSION_DATA_DATE } from './versions';
import { parseIpv4Cidr } from '../core/cidr';
import { ConfigError } from '../core/errors';
import { KubernetesVersion } from '../core/kubernetes-version';
import { isAwsRegion, joinName, validateDnsLabel, validateEksClusterName } from '../core/naming';
import type { GpuStack } from '../kubernetes/gpu-addons';
import type { AddonSettings } from '../kubernetes/helm-addon';
import { enableMonitoring, MonitoringOptions } from '../kubernetes/observability';
import { configureKubernetesProviders } from '../kubernetes/providers';
import type { AiPlatform } from '../platform/ai-platform';
import { ClusterCapabilities, ClusterKind, iamPolicyDocument, Layer, NodePoolProvisioners, NodePoolRealisation, NodePoolSpec, PermissionStatement, WorkloadIdentity } from '../platform/cluster';
import { ClusterBase } from '../platform/cluster-base';
import { Policy } from '../policy/suppressions';

/** An existing VPC to place the cluster in. */
export interface ExistingVpcProps {
  /** The VPC id. */
  readonly vpcId: string;
  /** Private subnets (nodes, pods, control plane ENIs), at least two AZs. */
  readonly privateSubnetIds: string[];
  /**
   * The private subnet of each availability zone (`{ 'us-east-1a': 'subnet-…' }`), for pools
   * placed in one zone.
   * @default - pools cannot be pinned to a zone
   */
  readonly privateSubnetIdsByZone?: Record<string, string>;
  /**
   * Public subnets (internet-facing load balancers).
   * @default - none
   */
  readonly publicSubnetIds?: string[];
}

/**
 * What EKS does when the cluster's Kubernetes version reaches the end of standard support
 * (`aws_eks_cluster` `upgrade_policy.support_type`).
 */
export class EksUpgradePolicy {
  /**
   * Standard support only: no extended-support charge; at the end of standard support EKS
   * upgrades the control plane to the next minor version (then update add-ons and nodes).
   */
  public static readonly STANDARD = new EksUpgradePolicy('STANDARD');
  /**
   * Stay on the version for up to 12 more months of extended support, charged per cluster hour
   * on top of the standard price (AWS's own default when no policy is given).
   */
  public static readonly EXTENDED = new EksUpgradePolicy('EXTENDED');
  private constructor(public readonly supportType: string) {}
}

/** The small on-demand CPU node group that runs operators (Karpenter, KServe, Kueue...). */
export interface SystemNodeGroupProps {
  /** @default ['m6i.large'] */
  readonly instanceTypes?: string[];
  /** @default 2 */
  readonly minNodes?: number;
  /** @default 4 */
  readonly maxNodes?: number;
  /** @default 50 */
  readonly diskGiB?: number;
}

/** Props of {@link EksCluster}. */
export interface EksClusterProps {
  /** AWS region, e.g. `us-east-1`. Checked against the platform's allowed regions. */
  readonly region: string;
  /**
   * Availability zones of a new VPC (given explicitly so that the stack plans offline), two to six.
   * Required unless `existingVpc` is given.
   * @default - none
   */
  readonly availabilityZones?: string[];
  /** @default KubernetesVersion.DEFAULT (1.35) */
  readonly version?: KubernetesVersion;
  /**
   * What happens at the end of the version's standard support: `STANDARD` (EKS upgrades the
   * control plane; no extended-support charge) or `EXTENDED` (12 more months, charged per cluster
   * hour).
   * @default - EksUpgradePolicy.STANDARD for a version in standard support at this library's data
   *   date, EksUpgradePolicy.EXTENDED (with a warning) for one past it
   */
  readonly upgradePolicy?: EksUpgradePolicy;
  /**
   * EKS cluster name.
   * @default - `<platform>-<id>`
   */
  readonly clusterName?: string;
  /**
   * CIDR of a new VPC, /16 to /22: private subnets get an eighth each, public subnets a
   * sixty-fourth (a /16 gives /19 private and /22 public). Must not overlap another VPC of the
   * platform (hybrid connectivity and peering need distinct ranges).
   * @default '10.0.0.0/16'
   */
  readonly vpcCidr?: string;
  /** NAT gateways of a new VPC. @default NatGateways.ONE_PER_AZ */
  readonly natGateways?: NatGateways;
  /** Place the cluster in an existing VPC instead of creating one. @default - a new VPC */
  readonly existingVpc?: ExistingVpcProps;
  /**
   * Expose the Kubernetes API publicly, limited to `publicAccessCidrs` (the egress IPs of your CI
   * runner or office). Off by default: the endpoint is private, and the Kubernetes and Helm
   * providers of the addons and workloads stacks reach it only through `privateAccessCidrs` or
   * `privateAccessPrefixListIds`. One of the two paths is required.
   * @default false
   */
  readonly endpointPublicAccess?: boolean;
  /** CIDRs allowed to reach a public endpoint. @default - none (required when endpointPublicAccess is true) */
  readonly publicAccessCidrs?: string[];
  /**
   * Networks allowed to reach the private endpoint (HTTPS, 443) through the cluster security
   * group: a network connected to the VPC (VPN, Direct Connect, transit gateway, peering) or the
   * subnet of a runner inside the VPC. Each CIDR gets an ingress rule on 443.
   * @default - none
   */
  readonly privateAccessCidrs?: string[];
  /**
   * Managed prefix lists (`pl-…`) allowed to reach the private endpoint on 443, as for
   * `privateAccessCidrs`.
   * @default - none
   */
  readonly privateAccessPrefixListIds?: string[];
  /**
   * Allow `0.0.0.0/0` in `publicAccessCidrs`: an API endpoint open to the whole internet must be
   * asked for explicitly.
   * @default false
   */
  readonly allowPublicEndpointFromAnywhere?: boolean;
  /**
   * The IAM role (or user) that runs `cdktf deploy`, as an IAM ARN
   * (`arn:aws:iam::<account>:role/<name>`, not an `assumed-role` session ARN). It gets a
   * cluster-admin access entry: the Kubernetes and Helm providers of the addons and workloads
   * stacks authenticate as it (`aws eks get-token`). The cluster creator gets no implicit admin
   * (`bootstrap_cluster_creator_admin_permissions` is always false: changing it replaces the
   * cluster). Required unless `adminPrincipalArns` lists the deploying identity.
   * @default - none
   */
  readonly deployerPrincipalArn?: string;
  /**
   * More IAM principal ARNs (roles or users) given cluster-admin through EKS access entries.
   * @default []
   */
  readonly adminPrincipalArns?: string[];
  /** Control plane log types. @default ['api', 'audit', 'authenticator'] */
  readonly controlPlaneLogTypes?: string[];
  /** Retention of the control plane log group, days. @default 90 */
  readonly logRetentionDays?: number;
  /** System node group for operators. @default - 2 to 4 m6i.large on-demand nodes */
  readonly systemNodes?: SystemNodeGroupProps;
  /** Override EKS core add-on versions (`vpc-cni`, `coredns`, `kube-proxy`, `eks-pod-identity-agent`). @default - versions pinned in this library per Kubernetes version */
  readonly addonVersions?: Record<string, string>;
  /**
   * Install Karpenter (controller role through EKS Pod Identity, node role and access entry,
   * encrypted interruption queue fed by EventBridge, Helm releases). GPU pools then default to
   * Karpenter NodePools instead of managed node groups.
   * @default false
   */
  readonly karpenter?: boolean;
  /**
   * Settings of the add-ons this library installs when a construct needs them, by Helm release
   * name (`nvidia-device-plugin`, `cluster-autoscaler`, `kueue`, `karpenter-crd`, `karpenter`):
   * disable one the cluster already runs, or override values.
   * @default - every needed add-on installed with our values
   */
  readonly addons?: Record<string, AddonSettings>;
  /**
   * NVIDIA software for the GPU pools this program creates on the cluster.
   * @default GpuStack.DEVICE_PLUGIN
   */
  readonly gpuStack?: GpuStack;
  /**
   * Monitoring of this cluster: DCGM exporter with the Prometheus Operator CRDs, and CloudWatch
   * Container Insights with `containerInsights: true`.
   * @default - the platform's `monitoring`; none
   */
  readonly monitoring?: MonitoringOptions;
  /**
   * EKS-optimized AL2023 AMI release of the Karpenter pools (`v20260714`, the tags of
   * awslabs/amazon-eks-ami): a pinned release, so that nodes are replaced only when you change it
   * (with `al2023@latest`, every AMI release would replace every node).
   * @default - the release pinned by this library (KarpenterAmiAliases.AL2023_PINNED)
   */
  readonly nodeAmiRelease?: string;
  /**
   * Enforce Kubernetes NetworkPolicies with the VPC CNI's network policy agent (vpc-cni add-on
   * configuration `enableNetworkPolicy: "true"`). Without it the default-deny policies this
   * library writes are not enforced.
   * @default true
   */
  readonly networkPolicyEnforcement?: boolean;
  /**
   * Create the `AWSServiceRoleForEC2Spot` service-linked role (`spot.amazonaws.com`), which EC2
   * needs to launch Spot instances in an account that never used Spot. Creating it fails where it
   * exists (one per account), so it is an explicit choice: `true` in a fresh account, `false` where
   * it exists or another program manages it. Asked for on every cluster with spot capacity.
   * @default - required (true or false) when the cluster has a spot pool (managed node group or Karpenter)
   */
  readonly createSpotServiceLinkedRole?: boolean;
}

/** The cluster of each platform that creates the account's Spot service-linked role. */
const SPOT_ROLE_OWNERS = new WeakMap<AiPlatform, string>();

const LOG_RETENTION_DAYS = [0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * A new EKS cluster: VPC (or an existing one), control plane with KMS-encrypted secrets and a
 * private endpoint, access entries, pinned core add-ons, a system node group, EKS Pod Identity
 * for workloads, and Kubernetes/Helm providers for its addons and workloads stacks.
 */
export class EksCluster extends ClusterBase {
  public readonly clusterName: string;
  public readonly kind = ClusterKind.EKS;
  public readonly region: string;
  public readonly cloud = 'aws';
  public readonly cloudRegion: string;
  public readonly version: KubernetesVersion;
  public readonly kubernetesVersionField = 'version';
  public readonly capabilities: ClusterCapabilities;
  /** The `aws_eks_cluster` resource (escape hatch). */
  public readonly resource: EksClusterResource;
  /** The infra stack (always present for EKS). */
  public readonly infraStack: TerraformStack;
  public readonly vpcId: string;
  public readonly privateSubnetIds: string[];
  /** Private subnet per availability zone, where known. */
  public readonly privateSubnetIdsByZone: Record<string, string>;
  public readonly publicSubnetIds: string[];
  /** IAM role of every node group of this cluster. */
  public readonly nodeRole: IamRole;
  /** The EKS Pod Identity agent add-on: pod identity associations need it. */
  public readonly podIdentityAgent: EksAddon;
  /** Who may reach the Kubernetes API: public CIDRs, and the CIDRs and prefix lists allowed to the private endpoint. */
  public readonly endpointAccess: { readonly publicCidrs: string[]; readonly privateCidrs: string[]; readonly privatePrefixListIds: string[] };
  /** The `AWSServiceRoleForEC2Spot` role, when `createSpotServiceLinkedRole` is true. */
  public readonly spotServiceLinkedRole?: IamServiceLinkedRole;
  private readonly spotServiceLinkedRoleChoice?: boolean;
  /**
   * The cluster's AWS account id, read from its ARN at apply time (a Terraform local; no data
   * source, so the stack still plans offline): for ARNs that would otherwise say `*` as account.
   */
  public readonly accountId: string;
  /** AMI release of the AL2023 Karpenter pools, when not the library's pin. */
  public readonly nodeAmiRelease?: string;
  private readonly boundServiceAccounts = new Map<string, string>();

  /** The control plane's Kubernetes version (the compatibility table is checked against it). */
  public get kubernetesVersion(): KubernetesVersion {
    return this.version;
  }

  constructor(platform: AiPlatform, id: string, props: EksClusterProps) {
    super(platform, id, true, props.addons, props.gpuStack);
    const path = this.node.path;
    validateDnsLabel(id, path, 'id');
    this.region = props.region;
    this.cloudRegion = props.region;
    platform.checkRegion(path, 'region', props.region);
    if (!Token.isUnresolved(props.region) && !isAwsRegion(props.region)) {
      throw new ConfigError(path, 'region', props.region, 'an AWS region code such as "us-east-1"');
    }
    this.version = props.version ?? KubernetesVersion.DEFAULT;
    this.capabilities = { karpenter: props.karpenter ?? false, managedNodeGroups: true, spot: true, workloadIdentity: true };
    this.clusterName = validateEksClusterName(props.clusterName ?? `${platform.platformName}-${id}`, path, 'clusterName');
    this.infraStack = this.stacks.infra!;
    const infra = this.infraStack;

    platform._addAwsProvider(infra, props.region);

    // Network: a new VPC over explicit AZs, or an existing one.
    if (props.existingVpc) {
      if (props.availabilityZones) {
        throw new ConfigError(path, 'availabilityZones', props.availabilityZones, 'nothing when existingVpc is given (the subnets fix the zones)');
      }
      if (!Token.isUnresolved(props.existingVpc.privateSubnetIds) && props.existingVpc.privateSubnetIds.length < 2) {
        throw new ConfigError(path, 'existingVpc.privateSubnetIds', props.existingVpc.privateSubnetIds, 'at least two private subnets in different availability zones (EKS requires two AZs)');
      }
      this.vpcId = props.existingVpc.vpcId;
      this.privateSubnetIds = [...props.existingVpc.privateSubnetIds];
      this.privateSubnetIdsByZone = { ...(props.existingVpc.privateSubnetIdsByZone ?? {}) };
      this.publicSubnetIds = [...(props.existingVpc.publicSubnetIds ?? [])];
    } else {
      const azs = props.availabilityZones ?? [];
      if (Token.isUnresolved(azs)) {
        throw new ConfigError(path, 'availabilityZones', 'an unresolved token', 'a literal list of zone names: the VPC gets one subnet pair per zone, so the zones must be known at synth');
      }
      if (azs.length < 2 || azs.length > 6) {
        throw new ConfigError(path, 'availabilityZones', props.availabilityZones, `two to six availability zones of ${props.region}, e.g. ["${props.region}a", "${props.region}b"] (given explicitly so the stack plans offline)`);
      }
      for (const az of azs) {
        if (!Token.isUnresolved(az) && !Token.isUnresolved(props.region) && !az.startsWith(props.region)) {
          throw new ConfigError(path, 'availabilityZones', az, `zones of the cluster region ${props.region}, e.g. "${props.region}a"`);
        }
      }
      if (new Set(azs).size !== azs.length) {
        throw new ConfigError(path, 'availabilityZones', azs, 'distinct availability zones');
      }
      const cidr = props.vpcCidr ?? '10.0.0.0/16';
      const parsed = parseIpv4Cidr(cidr, path, 'vpcCidr', 16, 22);
      if (parsed) platform._claimVpcCidr(parsed, path);
      const network = new ClusterNetwork(infra, 'Network', {
        clusterName: this.clusterName, cidr, availabilityZones: azs, natGateways: props.natGateways ?? NatGateways.ONE_PER_AZ,
      });
      this.vpcId = network.vpcId;
      this.privateSubnetIds = network.privateSubnetIds;
      this.privateSubnetIdsByZone = Object.fromEntries(azs.map((az, i) => [az, network.privateSubnetIds[i]]));
      this.publicSubnetIds = network.publicSubnetIds;
    }

    const publicAccess = props.endpointPublicAccess ?? false;
    if (publicAccess && !(props.publicAccessCidrs?.length)) {
      throw new ConfigError(path, 'publicAccessCidrs', props.publicAccessCidrs, 'the CIDRs allowed to reach the public endpoint, e.g. ["203.0.113.0/24"] (an open 0.0.0.0/0 endpoint must be asked for explicitly)');
    }
    for (const c of props.publicAccessCidrs ?? []) {
      const parsed = parseIpv4Cidr(c, path, 'publicAccessCidrs', 0, 32);
      if (parsed && parsed.prefix === 0 && !props.allowPublicEndpointFromAnywhere) {
        throw new ConfigError(path, 'publicAccessCidrs', c, 'the CIDRs of your offices or CI runners; an API endpoint open to the internet needs allowPublicEndpointFromAnywhere: true');
      }
    }
    if (!publicAccess && props.publicAccessCidrs?.length) {
      throw new ConfigError(path, 'publicAccessCidrs', props.publicAccessCidrs, 'nothing unless endpointPublicAccess is true');
    }
    const privateCidrs = props.privateAccessCidrs ?? [];
    const prefixLists = props.privateAccessPrefixListIds ?? [];
    for (const c of privateCidrs) {
      const parsed = parseIpv4Cidr(c, path, 'privateAccessCidrs', 0, 32);
      if (parsed && parsed.prefix === 0) {
        throw new ConfigError(path, 'privateAccessCidrs', c, 'the CIDRs of networks connected to the VPC (VPN, Direct Connect, peering, a runner subnet), not 0.0.0.0/0');
      }
    }
    for (const pl of prefixLists) {
      if (!Token.isUnresolved(pl) && !/^pl-[0-9a-f]{8,17}$/.test(pl)) {
        throw new ConfigError(path, 'privateAccessPrefixListIds', pl, 'a managed prefix list id such as "pl-0123456789abcdef0"');
      }
    }
    if (!publicAccess && privateCidrs.length === 0 && prefixLists.length === 0) {
      // The addons and workloads stacks' providers call the API from wherever `cdktf deploy`
      // runs: without a path, the first deploy stops at the first addons stack.
      throw new ConfigError(path, 'privateAccessCidrs', props.privateAccessCidrs,
        'a network path from the machine that runs cdktf deploy to the Kubernetes API (the addons and workloads stacks call it): '
        + 'privateAccessCidrs / privateAccessPrefixListIds for a network connected to the VPC (VPN, Direct Connect, peering, a runner in the VPC; each gets an ingress rule on 443 of the cluster security group), '
        + 'or endpointPublicAccess: true with publicAccessCidrs (the runner\'s egress IPs)');
    }
    if (props.nodeAmiRelease !== undefined && !Token.isUnresolved(props.nodeAmiRelease) && !/^v\d{8}$/.test(props.nodeAmiRelease)) {
      throw new ConfigError(path, 'nodeAmiRelease', props.nodeAmiRelease, 'an EKS AMI release tag such as "v20260714" (awslabs/amazon-eks-ami releases); "latest" would replace every node on each release');
    }
    this.nodeAmiRelease = props.nodeAmiRelease;
    const admins = [...(props.adminPrincipalArns ?? [])];
    const deployer = props.deployerPrincipalArn;
    for (const [field, arn] of [['deployerPrincipalArn', deployer], ...admins.map((a, i) => [`adminPrincipalArns[${i}]`, a])] as Array<[string, string | undefined]>) {
      if (arn !== undefined && !Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[\w+=,.@\/-]+$/.test(arn)) {
        throw new ConfigError(path, field, arn, 'an IAM role or user ARN such as "arn:aws:iam::111122223333:role/ci-deployer" (an access entry takes the role, not an sts assumed-role session ARN)');
      }
    }
    if (!deployer && admins.length === 0) {
      throw new ConfigError(path, 'deployerPrincipalArn', undefined,
        'the IAM role (or user) ARN that runs cdktf deploy, e.g. "arn:aws:iam::111122223333:role/ci-deployer": it gets a cluster-admin access entry so that the addons and workloads stacks can reach the cluster (the creator gets no implicit admin)');
    }
    const known = EKS_END_OF_STANDARD_SUPPORT[this.version.version];
    const pastStandard = known !== undefined && known <= EKS_VERSION_DATA_DATE;
    const upgradePolicy = props.upgradePolicy ?? (pastStandard ? EksUpgradePolicy.EXTENDED : EksUpgradePolicy.STANDARD);
    if (pastStandard) {
      Annotations.of(this).addWarning(`Kubernetes ${this.version.version} left EKS standard support on ${known}: the cluster runs in paid extended support`
        + (upgradePolicy === EksUpgradePolicy.EXTENDED ? '' : ' until EKS upgrades it (upgradePolicy STANDARD)')
        + `. Use KubernetesVersion.DEFAULT (${KubernetesVersion.DEFAULT.version}).`);
    }
    const retention = props.logRetentionDays ?? 90;
    if (!LOG_RETENTION_DAYS.includes(retention)) {
      throw new ConfigError(path, 'logRetentionDays', retention, `one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(', ')} (0 = never expire)`);
    }
    const logTypes = props.controlPlaneLogTypes ?? ['api', 'audit', 'authenticator'];
    for (const t of logTypes) {
      if (!LOG_TYPES.includes(t)) throw new ConfigError(path, 'controlPlaneLogTypes', t, `one of ${LOG_TYPES.join(', ')}`);
    }

    const key = new KmsKey(infra, 'SecretsKey', {
      description: `EKS secrets encryption for ${this.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    new KmsAlias(infra, 'SecretsKeyAlias', { name: `alias/eks/${this.clusterName}`, targetKeyId: key.keyId });

    const clusterRole = new IamRole(infra, 'ClusterRole', {
      namePrefix: joinName([this.clusterName, 'cluster'], 38),
      assumeRolePolicy: trustPolicy(['eks.amazonaws.com'], ['sts:AssumeRole', 'sts:TagSession']),
    });
    const clusterPolicy = new IamRolePolicyAttachment(infra, 'ClusterRolePolicy', {
      role: clusterRole.name, policyArn: managedPolicyArn(props.region, 'AmazonEKSClusterPolicy'),
    });
    const logGroup = new CloudwatchLogGroup(infra, 'ControlPlaneLogs', {
      name: `/aws/eks/${this.clusterName}/cluster`,
      retentionInDays: retention,
    });

    this.resource = new EksClusterResource(infra, 'Resource', {
      name: this.clusterName,
      version: this.version.version,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: this.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? props.publicAccessCidrs : undefined,
      },
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: key.arn } },
      enabledClusterLogTypes: logTypes,
      // Fixed: provider 5.x replaces the cluster when this changes. The deployer gets an explicit
      // access entry instead.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      upgradePolicy: { supportType: upgradePolicy.supportType },
      dependsOn: [clusterPolicy, logGroup],
    });
    this.accountId = new TerraformLocal(infra, 'AccountId', Fn.element(Fn.split(':', this.resource.arn), 4)).asString;
    if (publicAccess) {
      // endpointPublicAccess with explicit CIDRs is the opt-in the policy check asks for.
      Policy.suppress(this.resource, 'AIP-SEC-009', `opted in with endpointPublicAccess: true, limited to ${props.publicAccessCidrs!.join(', ')}`);
    }

    const clusterAdmin = (entryId: string, principalArn: string) => {
      const entry = new EksAccessEntry(infra, entryId, { clusterName: this.resource.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(infra, `${entryId}Policy`, {
        clusterName: this.resource.name,
        principalArn,
        policyArn: `arn:${partitionOf(props.region)}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    };
    if (deployer) clusterAdmin('Deployer', deployer);
    // One access entry per principal: the deployer is not listed twice.
    admins.forEach((principalArn, i) => { if (principalArn !== deployer) clusterAdmin(`Admin${i}`, principalArn); });

    // The network path of the addons and workloads stacks' providers to a private endpoint.
    type ApiSource = { cidrIpv4?: string; prefixListId?: string };
    const apiIngress = (ruleId: string, source: ApiSource, what: string) => new VpcSecurityGroupIngressRule(infra, ruleId, {
      securityGroupId: this.resource.vpcConfig.clusterSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: `Kubernetes API from ${what}`,
      ...source,
    });
    privateCidrs.forEach((cidrIpv4, i) => apiIngress(`ApiAccess${i}`, { cidrIpv4 }, cidrIpv4));
    prefixLists.forEach((prefixListId, i) => apiIngress(`ApiAccessPrefixList${i}`, { prefixListId }, 'a managed prefix list'));
    this.endpointAccess = {
      publicCidrs: publicAccess ? [...props.publicAccessCidrs!] : [],
      privateCidrs: [...privateCidrs],
      privatePrefixListIds: [...prefixLists],
    };

    // Spot needs the account's service-linked role; creating it fails where it exists.
    this.spotServiceLinkedRoleChoice = props.createSpotServiceLinkedRole;
    if (props.createSpotServiceLinkedRole) {
      const other = SPOT_ROLE_OWNERS.get(platform);
      if (other) {
        throw new ConfigError(path, 'createSpotServiceLinkedRole', true, `false: ${other} already creates the account's AWSServiceRoleForEC2Spot (one per account)`);
      }
      SPOT_ROLE_OWNERS.set(platform, path);
      this.spotServiceLinkedRole = new IamServiceLinkedRole(infra, 'SpotServiceLinkedRole', {
        awsServiceName: 'spot.amazonaws.com',
        description: 'EC2 Spot (created by cdktf-ai-infra; one per account)',
      });
    }

    // Nodes: one role for all node groups; the system group runs operators and CoreDNS.
    this.nodeRole = nodeRole(infra, 'NodeRole', { namePrefix: joinName([this.clusterName, 'node'], 38), region: props.region });
    const sys = props.systemNodes ?? {};
    const sysMin = sys.minNodes ?? 2;
    const sysMax = sys.maxNodes ?? 4;
    if (!Number.isInteger(sysMin) || !Number.isInteger(sysMax) || sysMin < 1 || sysMax < sysMin) {
      throw new ConfigError(path, 'systemNodes.minNodes/maxNodes', { minNodes: sysMin, maxNodes: sysMax }, '1 ≤ minNodes ≤ maxNodes (operators need at least one node)');
    }
    const sysTemplate = secureLaunchTemplate(infra, 'SystemNodesLaunchTemplate', {
      namePrefix: joinName([this.clusterName, 'system'], 60), diskGiB: sys.diskGiB ?? 50, tags: platform.tags,
    });
    const systemNodes = new EksNodeGroup(infra, 'SystemNodes', {
      clusterName: this.resource.name,
      nodeGroupNamePrefix: joinName([this.clusterName, 'system'], 37) + '-',
      nodeRoleArn: this.nodeRole.arn,
      subnetIds: this.privateSubnetIds,
      amiType: 'AL2023_x86_64_STANDARD',
      capacityType: 'ON_DEMAND',
      instanceTypes: sys.instanceTypes ?? ['m6i.large'],
      launchTemplate: { id: sysTemplate.id, version: Token.asString(sysTemplate.latestVersion) },
      scalingConfig: { minSize: sysMin, maxSize: sysMax, desiredSize: sysMin },
      updateConfig: { maxUnavailable: 1 },
      labels: { 'cdktf-ai-infra/node-role': 'system' },
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'], createBeforeDestroy: true },
    });

    const versions = { ...(EKS_CORE_ADDON_VERSIONS[this.version.version] ?? {}), ...(props.addonVersions ?? {}) };
    const enforceNetworkPolicy = props.networkPolicyEnforcement ?? true;
    let podIdentityAgent: EksAddon | undefined;
    for (const name of EKS_CORE_ADDONS) {
      const version = versions[name];
      if (!version) {
        throw new ConfigError(path, `addonVersions.${name}`, undefined, `a pinned version for Kubernetes ${this.version.version} (this library pins ${Object.keys(EKS_CORE_ADDON_VERSIONS).join(', ')}); find one with: aws eks describe-addon-versions --kubernetes-version ${this.version.version} --addon-name ${name}`);
      }
      const addon = new EksAddon(infra, `Addon-${name}`, {
        clusterName: this.resource.name,
        addonName: name,
        addonVersion: version,
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
        // The VPC CNI's network policy agent enforces NetworkPolicies only when enabled (EKS user
        // guide, cni-network-policy-configure: `{"enableNetworkPolicy": "true"}`, VPC CNI ≥ 1.14).
        configurationValues: name === 'vpc-cni' && enforceNetworkPolicy ? JSON.stringify({ enableNetworkPolicy: 'true' }) : undefined,
        // CoreDNS needs nodes to become active; the others are daemon sets.
        dependsOn: name === 'coredns' ? [systemNodes] : undefined,
      });
      if (name === 'eks-pod-identity-agent') podIdentityAgent = addon;
    }
    this.podIdentityAgent = podIdentityAgent!;

    new TerraformOutput(infra, 'ClusterName', { value: this.resource.name });
    new TerraformOutput(infra, 'ClusterEndpoint', { value: this.resource.endpoint });

    const access = {
      host: this.resource.endpoint,
      clusterCaBase64: this.resource.certificateAuthority.get(0).data,
      execCommand: 'aws',
      execArgs: ['eks', 'get-token', '--cluster-name', this.clusterName, '--region', props.region, '--output', 'json'],
    };
    configureKubernetesProviders(this.stacks.addons, access);
    configureKubernetesProviders(this.stacks.workloads, access);

    if (this.capabilities.karpenter) installKarpenter(this);

    const monitoring = props.monitoring ?? platform.monitoring;
    if (monitoring) {
      enableMonitoring(this, monitoring);
      if (monitoring.containerInsights) containerInsights(this, infra, monitoring.containerInsightsAddonVersion);
    }
  }

  public grantWorkload(owner: IConstruct, namespace: string, serviceAccount: string, statements: PermissionStatement[]): WorkloadIdentity {
    const path = owner.node.path;
    validateDnsLabel(namespace, path, 'namespace');
    validateDnsLabel(serviceAccount, path, 'serviceAccount');
    if (statements.length === 0) {
      throw new ConfigError(path, 'statements', statements, 'at least one permission statement');
    }
    statements.forEach((s, i) => {
      if (s.actions.length === 0 || s.resources.length === 0) {
        throw new ConfigError(path, `statements[${i}]`, s, 'at least one action and one resource');
      }
      if (s.actions.some((a) => a === '*') && s.resources.some((r) => r === '*')) {
        throw new ConfigError(path, `statements[${i}]`, s, 'least privilege: name the actions (e.g. "s3:GetObject") and the resources (ARNs) instead of "*" on "*"');
      }
    });
    const key = `${namespace}/${serviceAccount}`;
    if (!Token.isUnresolved(key)) {
      const previous = this.boundServiceAccounts.get(key);
      if (previous) {
        throw new ConfigError(path, 'serviceAccount', key, `a service account not already bound to a role (EKS allows one pod identity association per service account; ${previous} bound it): use another service account name`);
      }
      this.boundServiceAccounts.set(key, path);
    }
    const scope = this.scopeFor(Layer.INFRA, owner);
    const idScope = new Construct(scope, `Identity-${namespace}-${serviceAccount}`);
    const role = new IamRole(idScope, 'Role', {
      namePrefix: joinName([this.clusterName, serviceAccount], 38),
      assumeRolePolicy: trustPolicy(['pods.eks.amazonaws.com'], ['sts:AssumeRole', 'sts:TagSession']),
    });
    new IamRolePolicy(idScope, 'Policy', {
      role: role.id,
      policy: iamPolicyDocument(statements),
    });
    new EksPodIdentityAssociation(idScope, 'Association', {
      clusterName: this.resource.name,
      namespace,
      serviceAccount,
      roleArn: role.arn,
      dependsOn: [this.podIdentityAgent],
    });
    return { namespace, serviceAccount, roleArn: role.arn };
  }

  public realiseNodePool(spec: NodePoolSpec): NodePoolRealisation {
    if (spec.capacityKind === 'spot' && this.spotServiceLinkedRoleChoice === undefined) {
      throw new ConfigError(this.node.path, 'createSpotServiceLinkedRole', undefined,
        `true or false: ${spec.owner.node.path} uses Spot, which needs the account's AWSServiceRoleForEC2Spot service-linked role (without it, launches fail with AuthFailure.ServiceLinkedRoleCreationNotPermitted). `
        + 'true creates it (fails if it exists: aws iam get-role --role-name AWSServiceRoleForEC2Spot); false if it exists or something else creates it');
    }
    // EFA interfaces are usable by pods only through the EFA device plugin (vpc.amazonaws.com/efa).
    if (spec.efaInterfaces > 0) EfaDevicePlugin.of(this);
    if (spec.provisioner === NodePoolProvisioners.KARPENTER) {
      if (!this.capabilities.karpenter) {
        throw new ConfigError(spec.owner.node.path, 'provisioner', spec.provisioner, `a provisioner the cluster has: enable Karpenter on ${this.node.path} (karpenter: true) or use the managed node group provisioner`);
      }
      return realiseKarpenterNodePool(this, spec);
    }
    const scope = this.scopeFor(Layer.INFRA, spec.owner) as Construct;
    let subnetIds = this.privateSubnetIds;
    if (spec.availabilityZone) {
      const subnet = this.privateSubnetIdsByZone[spec.availabilityZone];
      if (!subnet) {
        const known = Object.keys(this.privateSubnetIdsByZone);
        throw new ConfigError(spec.owner.node.path, 'availabilityZone', spec.availabilityZone, known.length
          ? `one of the cluster's zones: ${known.join(', ')}`
          : 'a zone whose private subnet the cluster knows: give existingVpc.privateSubnetIdsByZone');
      }
      subnetIds = [subnet];
    }
    const ctx = {
      clusterName: this.clusterName,
      clusterNameRef: this.resource.name,
      nodeRoleArn: this.nodeRole.arn,
      subnetIds,
      tags: this.platform.tags,
      vpcId: this.vpcId,
      clusterSecurityGroupId: this.resource.vpcConfig.clusterSecurityGroupId,
    };
    const autoscaler = ClusterAutoscaler.of(this);
    const withFallback = spec.capacityKind === 'spot' && spec.fallbackToOnDemand;
    // A managed node group has one capacity type: the fallback is a second, on-demand group with
    // the same labels and taints, and the autoscaler's priority expander prefers the spot one.
    const primaryName = withFallback ? `${spec.name}-spot` : spec.name;
    const resource = managedNodeGroup(scope, { ...spec, name: primaryName }, ctx);
    if (spec.capacityKind === 'spot' && this.spotServiceLinkedRole) resource.dependsOn = [...(resource.dependsOn ?? []), dependable(this.spotServiceLinkedRole)];
    if (withFallback) {
      autoscaler.prefer(joinName([this.clusterName, primaryName], 37) + '-');
      const fallback = new Construct(scope, 'OnDemandFallback');
      managedNodeGroup(fallback, { ...spec, name: `${spec.name}-od`, eksCapacityType: 'ON_DEMAND', minNodes: 0 }, ctx);
    }
    return { provisioner: 'eks-managed-node-group', resource };
  }
}
