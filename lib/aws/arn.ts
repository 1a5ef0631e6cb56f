import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';

/** The AWS partition of a region, derived offline (no data source): aws, aws-cn or aws-us-gov. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** ARN of an AWS-managed IAM policy. */
export function managedPolicyArn(region: string, name: string): string {
  return `arn:${partitionOf(region)}:iam::aws:policy/${name}`;
}

/** A JSON trust policy letting the given service principals assume a role. */
export function trustPolicy(services: string[], actions: string[] = ['sts:AssumeRole']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: services }, Action: actions }],
  });
}

/**
 * The account of an ARN that Terraform knows at apply, as a Terraform local in `scope` (id `id`):
 * `element(split(":", arn), 4)`. It is the deploying account, offline and without the
 * `aws_caller_identity` data source (which needs the AWS API at plan). Take the ARN of a resource
 * of the same stack that does not depend on what uses the account. The local keeps the
 * expression's quotes out of the JSON documents that reference it.
 * @internal
 */
export function accountOf(scope: Construct, id: string, arn: string): string {
  return new TerraformLocal(scope, id, Fn.element(Fn.split(':', arn), 4)).asString;
}

/** Who may make a service assume a role (confused-deputy protection). @internal */
export interface TrustConditions {
  /** `aws:SourceAccount`: the account whose resources act through the service. */
  readonly sourceAccount: string;
  /** `aws:SourceArn`: the resources (exact ARNs) that act through the service. @default - any of the account */
  readonly sourceArns?: string[];
}

/**
 * A JSON trust policy letting one service principal assume a role only on behalf of this
 * account (`aws:SourceAccount`) and, when given, only for these resources (`aws:SourceArn`): the
 * cross-service confused-deputy protection the IAM user guide recommends for service roles.
 * @internal
 */
export function serviceTrustPolicy(service: string, conditions: TrustConditions, actions: string[] = ['sts:AssumeRole']): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: [service] },
      Action: actions,
      Condition: {
        StringEquals: { 'aws:SourceAccount': conditions.sourceAccount },
        ...(conditions.sourceArns?.length ? { ArnEquals: { 'aws:SourceArn': conditions.sourceArns.length === 1 ? conditions.sourceArns[0] : conditions.sourceArns } } : {}),
      },
    }],
  });
}

/**
 * The trust policy of an EKS Pod Identity role, for one service account of one cluster: the
 * `pods.eks.amazonaws.com` principal with `sts:AssumeRole` and `sts:TagSession` (Pod Identity tags
 * the session), and conditions on the session tags Pod Identity sets (`eks-cluster-arn`,
 * `kubernetes-namespace`, `kubernetes-service-account`; EKS user guide, "Create IAM role with
 * trust policy required by EKS Pod Identity" and "Grant pods access to AWS resources based on
 * tags"), so that no other cluster, namespace or service account can use the role.
 * @internal
 */
export function podIdentityTrustPolicy(clusterArn: string, namespace: string, serviceAccount: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow',
      Principal: { Service: ['pods.eks.amazonaws.com'] },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': serviceAccount,
        },
      },
    }],
  });
}
