import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate, LaunchTemplateNetworkInterfaces } from '@cdktf/provider-aws/lib/launch-template';
import { Construct } from 'constructs';
import { managedPolicyArn, trustPolicy } from './arn';

/**
 * A launch template with the defaults every node we create gets: IMDSv2 required with a hop
 * limit of 1 (pods cannot reach node credentials; they use workload identity), an encrypted gp3
 * root volume, and detailed tags on instances and volumes.
 * @internal
 */
/** @internal */
export interface SecureLaunchTemplateProps {
  readonly namePrefix: string;
  readonly diskGiB: number;
  readonly deviceName?: string;
  readonly tags?: Record<string, string>;
  /** Cluster placement group to launch into. */
  readonly placementGroupName?: string;
  /** Network interfaces (EFA). */
  readonly networkInterfaces?: LaunchTemplateNetworkInterfaces[];
}

export function secureLaunchTemplate(scope: Construct, id: string, props: SecureLaunchTemplateProps): LaunchTemplate {
  return new LaunchTemplate(scope, id, {
    namePrefix: `${props.namePrefix}-`,
    updateDefaultVersion: true,
    metadataOptions: {
      httpEndpoint: 'enabled',
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
    },
    blockDeviceMappings: [{
      deviceName: props.deviceName ?? '/dev/xvda',
      ebs: { volumeSize: props.diskGiB, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' },
    }],
    placement: props.placementGroupName ? { groupName: props.placementGroupName } : undefined,
    networkInterfaces: props.networkInterfaces,
    tagSpecifications: ['instance', 'volume'].map((resourceType) => ({ resourceType, tags: props.tags ?? {} })),
  });
}

/**
 * The IAM role of EKS nodes: the three AWS-managed node policies, nothing else. Image pulls need
 * only AmazonEC2ContainerRegistryPullOnly (ECR; the EKS Auto Mode node role uses it), not
 * ReadOnly, which also lists and describes every repository.
 * @internal
 */
export function nodeRole(scope: Construct, id: string, props: { namePrefix: string; region: string }): IamRole {
  const role = new IamRole(scope, id, {
    namePrefix: props.namePrefix.slice(0, 38),
    assumeRolePolicy: trustPolicy(['ec2.amazonaws.com']),
  });
  for (const name of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly', 'AmazonEKS_CNI_Policy']) {
    new IamRolePolicyAttachment(scope, `${id}${name}`, { role: role.name, policyArn: managedPolicyArn(props.region, name) });
  }
  return role;
}
