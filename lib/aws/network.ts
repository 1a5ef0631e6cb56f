import { Eip } from '@cdktf/provider-aws/lib/eip';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';

/** NAT layout of a new VPC. */
export class NatGateways {
  /** One NAT gateway per availability zone: no cross-AZ dependency (recommended for production). */
  public static readonly ONE_PER_AZ = new NatGateways('one-per-az');
  /** A single NAT gateway: cheaper, but egress of every AZ depends on one AZ. */
  public static readonly SINGLE = new NatGateways('single');
  private constructor(public readonly mode: string) {}
}

/** @internal */
export interface ClusterNetworkProps {
  readonly clusterName: string;
  readonly cidr: string;
  readonly availabilityZones: string[];
  readonly natGateways: NatGateways;
}

/**
 * A VPC for an EKS cluster: per AZ one private subnet (/19 of a /16: nodes and pods) and one public
 * subnet (/22: load balancers, NAT), tagged for load balancer and Karpenter discovery.
 * @internal
 */
export class ClusterNetwork extends Construct {
  public readonly vpcId: string;
  public readonly privateSubnetIds: string[];
  public readonly publicSubnetIds: string[];

  constructor(scope: Construct, id: string, props: ClusterNetworkProps) {
    super(scope, id);
    const vpc = new Vpc(this, 'Vpc', {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.clusterName },
    });
    const igw = new InternetGateway(this, 'InternetGateway', { vpcId: vpc.id, tags: { Name: props.clusterName } });
    const publicRoutes = new RouteTable(this, 'PublicRoutes', { vpcId: vpc.id, tags: { Name: `${props.clusterName}-public` } });
    new Route(this, 'PublicDefaultRoute', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });

    const clusterTag = { [`kubernetes.io/cluster/${props.clusterName}`]: 'shared' };
    const publicSubnets: Subnet[] = [];
    const privateSubnets: Subnet[] = [];
    const nats: NatGateway[] = [];
    props.availabilityZones.forEach((az, i) => {
      const pub = new Subnet(this, `Public${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        // The last eighth of the VPC range, split into /22s (for a /16).
        cidrBlock: Fn.cidrsubnet(props.cidr, 6, 56 + i),
        mapPublicIpOnLaunch: false,
        tags: { 'Name': `${props.clusterName}-public-${az}`, 'kubernetes.io/role/elb': '1', ...clusterTag },
      });
      new RouteTableAssociation(this, `PublicRoutes${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      publicSubnets.push(pub);

      const priv = new Subnet(this, `Private${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(props.cidr, 3, i),
        tags: {
          'Name': `${props.clusterName}-private-${az}`,
          'kubernetes.io/role/internal-elb': '1',
          'karpenter.sh/discovery': props.clusterName,
          ...clusterTag,
        },
      });
      privateSubnets.push(priv);

      if (i === 0 || props.natGateways === NatGateways.ONE_PER_AZ) {
        const eip = new Eip(this, `NatIp${i}`, { domain: 'vpc', tags: { Name: `${props.clusterName}-nat-${az}` } });
        nats.push(new NatGateway(this, `Nat${i}`, {
          allocationId: eip.id,
          subnetId: pub.id,
          tags: { Name: `${props.clusterName}-${az}` },
          dependsOn: [igw],
        }));
      }
      const routes = new RouteTable(this, `PrivateRoutes${i}`, { vpcId: vpc.id, tags: { Name: `${props.clusterName}-private-${az}` } });
      new Route(this, `PrivateDefaultRoute${i}`, {
        routeTableId: routes.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: nats[Math.min(i, nats.length - 1)].id,
      });
      new RouteTableAssociation(this, `PrivateRoutes${i}Association`, { subnetId: priv.id, routeTableId: routes.id });
    });
    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
  }
}
