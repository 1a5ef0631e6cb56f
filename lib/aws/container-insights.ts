import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { managedPolicyArn, podIdentityTrustPolicy } from './arn';
import type { EksCluster } from './eks-cluster';
import { joinName } from '../core/naming';

/** Namespace and service account of the CloudWatch agent the add-on installs. @internal */
export const CLOUDWATCH_AGENT = { namespace: 'amazon-cloudwatch', serviceAccount: 'cloudwatch-agent' } as const;

/**
 * CloudWatch Container Insights on an EKS cluster: the `amazon-cloudwatch-observability` EKS add-on
 * (CloudWatch agent and Fluent Bit), whose agent gets an IAM role with the AWS-managed
 * `CloudWatchAgentServerPolicy` through EKS Pod Identity (the add-on's pod identity association).
 * @internal
 */
export function containerInsights(cluster: EksCluster, scope: Construct, addonVersion?: string): EksAddon {
  const root = new Construct(scope, 'ContainerInsights');
  const role = new IamRole(root, 'AgentRole', {
    namePrefix: joinName([cluster.clusterName, 'cw-agent'], 38),
    // Only the agent's service account of this cluster (Pod Identity session tags).
    assumeRolePolicy: podIdentityTrustPolicy(cluster.resource.arn, CLOUDWATCH_AGENT.namespace, CLOUDWATCH_AGENT.serviceAccount),
  });
  new IamRolePolicyAttachment(root, 'AgentPolicy', { role: role.name, policyArn: managedPolicyArn(cluster.region, 'CloudWatchAgentServerPolicy') });
  return new EksAddon(root, 'Addon', {
    clusterName: cluster.resource.name,
    addonName: 'amazon-cloudwatch-observability',
    addonVersion,
    resolveConflictsOnCreate: 'OVERWRITE',
    resolveConflictsOnUpdate: 'PRESERVE',
    podIdentityAssociation: [{ roleArn: role.arn, serviceAccount: CLOUDWATCH_AGENT.serviceAccount }],
    dependsOn: [cluster.podIdentityAgent],
  });
}
