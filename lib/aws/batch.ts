/**
 * The AWS side of GpuFunction: the encrypted work queue of an S3-triggered function on Kubernetes,
 * and the whole AWS Batch realisation (compute environments, job queue, job definition, roles,
 * EventBridge rule). Everything here lands in the cluster's cloud scope (`cluster.cloudScopeFor`).
 */
import { BatchComputeEnvironment } from '@cdktf/provider-aws/lib/batch-compute-environment';
import { BatchJobDefinition } from '@cdktf/provider-aws/lib/batch-job-definition';
import { BatchJobQueue } from '@cdktf/provider-aws/lib/batch-job-queue';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { accountOf, managedPolicyArn, serviceTrustPolicy, trustPolicy } from './arn';
import { BucketEvents, objectCreatedPattern, stackDefaultTags } from './bucket-events';
export { bucketDefinedInApp, objectCreatedPattern } from './bucket-events';
import type { EksCluster } from './eks-cluster';
import { serviceLogGroup } from './logs';
import { secureLaunchTemplate } from './node-infra';
import { ruleDeadLetterQueue, secureQueue } from './storage';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';
import { FunctionEnvironment } from '../functions/environment';
import { ClusterKind, iamPolicyDocument, ICluster, PermissionStatement } from '../platform/cluster';

/**
 * The ECS-optimized Amazon Linux 2023 GPU AMI (NVIDIA driver and container toolkit), the
 * `Ec2Configuration.imageType` AWS Batch added for GPU instances (AWS SDK changelog: "Added
 * ECS_AL2023_NVIDIA as an option for Ec2Configuration.imageType"). AWS Batch stops creating
 * compute environments with its Amazon Linux 2 AMIs (`ECS_AL2_NVIDIA`) on 2026-06-30.
 */
export const BATCH_GPU_IMAGE_TYPE = 'ECS_AL2023_NVIDIA';

/** Extra attempts a spot job gets for reclaims (Batch counts every attempt against one budget). */
export const SPOT_RECLAIM_ATTEMPTS = 2;

/** The VPC and private subnets of an EKS cluster, undefined for other clusters. @internal */
export function clusterNetwork(cluster: ICluster): { vpcId: string; subnetIds: string[] } | undefined {
  if (cluster.kind !== ClusterKind.EKS) return undefined;
  const eks = cluster as EksCluster;
  return { vpcId: eks.vpcId, subnetIds: eks.privateSubnetIds };
}

/**
 * The work queue of an S3-triggered function: an SSE-encrypted queue (visibility timeout = the
 * function's timeout) with a dead-letter queue after `maxReceiveCount` receives, fed by the
 * bucket's one notification configuration (shared with the program's other consumers).
 * @internal
 */
export function functionQueue(scope: Construct, owner: IConstruct, props: {
  name: string; visibilityTimeoutSeconds: number; maxReceiveCount: number; bucket: string; prefix: string; suffix?: string; region: string;
}): { url: string; arn: string } {
  const { queue } = secureQueue(scope, 'Queue', {
    name: props.name,
    visibilityTimeoutSeconds: props.visibilityTimeoutSeconds,
    deadLetterAfter: props.maxReceiveCount,
  });
  // Only reached when the function may configure the bucket's notifications (defined here, or configureNotifications).
  BucketEvents.of(TerraformStack.of(scope), props.bucket, owner.node.path, { configureNotifications: true })
    .sendNewObjectsTo(owner, queue, props.prefix, props.suffix, props.region);
  return { url: queue.url, arn: queue.arn };
}

/** What starts the jobs of a Batch function. @internal */
export type BatchTrigger =
  | { kind: 's3'; bucket: string; prefix: string; suffix?: string; configureNotifications: boolean }
  | { kind: 'schedule'; expression: string };

/** Everything the AWS Batch realisation needs, computed and validated by GpuFunction. @internal */
export interface BatchFunctionSpec {
  readonly owner: Construct;
  readonly cluster: ICluster;
  /** `<platform>-<cluster>-<function>`: the name of the queue, definition and rule. */
  readonly baseName: string;
  readonly region: string;
  readonly image: string;
  readonly command: string[];
  readonly environment: Array<{ name: string; value: string }>;
  readonly gpus: number;
  readonly vcpus: number;
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly runAsUser?: number;
  readonly instanceTypes: string[];
  readonly spot: boolean;
  readonly fallbackToOnDemand: boolean;
  readonly maxVcpus: number;
  readonly diskGiB: number;
  readonly jobStatements: PermissionStatement[];
  readonly trigger: BatchTrigger;
  readonly subnetIds?: string[];
  readonly securityGroupIds?: string[];
  readonly vpcId?: string;
  readonly tags: Record<string, string>;
}

/** What the AWS Batch realisation created. @internal */
export interface BatchFunctionRealisation {
  readonly jobQueue: BatchJobQueue;
  readonly jobDefinition: BatchJobDefinition;
  readonly computeEnvironments: BatchComputeEnvironment[];
  readonly rule: CloudwatchEventRule;
}

/**
 * Realise a GpuFunction on AWS Batch in `scope` (the cluster's cloud scope):
 *
 * - managed EC2 compute environments with minimum 0 vCPUs and the GPU AMI: spot
 *   (`SPOT_PRICE_CAPACITY_OPTIMIZED`) when the pool is spot, then on-demand
 *   (`BEST_FIT_PROGRESSIVE`) when the pool allows the fallback or is on-demand; the job queue
 *   tries them in that order. Batch moves a job to the next environment only when the first one is
 *   at its maximum vCPUs or cannot launch, not while it waits for spot capacity.
 * - a launch template with IMDSv2 (hop limit 1) and an encrypted gp3 root volume;
 * - an instance role and profile (`AmazonEC2ContainerServiceforEC2Role`: ECS agent, ECR pulls,
 *   CloudWatch logs); no service role: Batch uses its service-linked role
 *   `AWSServiceRoleForBatch` (created by AWS on first use);
 * - a job role with exactly the function's statements;
 * - a job definition with GPU, VCPU and MEMORY requirements, the timeout and a retry strategy
 *   that retries reclaimed hosts;
 * - an EventBridge rule (S3 "Object Created" or schedule) targeting the job queue through a role
 *   allowed only `batch:SubmitJob` on that queue and definition, with an encrypted dead-letter
 *   queue for events it could not submit.
 * @internal
 */
export function realiseBatchFunction(scope: Construct, spec: BatchFunctionSpec): BatchFunctionRealisation {
  const path = spec.owner.node.path;
  const network = clusterNetwork(spec.cluster);
  const subnetIds = spec.subnetIds ?? network?.subnetIds;
  if (!subnetIds || (!Token.isUnresolved(subnetIds) && subnetIds.length === 0)) {
    throw new ConfigError(path, 'target.subnetIds', spec.subnetIds,
      `subnets for the Batch instances: FunctionTarget.awsBatch({ subnetIds, vpcId }) (${spec.cluster.node.path} is not an EKS cluster whose private subnets could be used)`);
  }
  let securityGroupIds = spec.securityGroupIds;
  if (!securityGroupIds) {
    const vpcId = spec.vpcId ?? network?.vpcId;
    if (!vpcId) {
      throw new ConfigError(path, 'target.vpcId', undefined,
        'the VPC of the subnets, for a security group of the Batch instances (or give securityGroupIds)');
    }
    const sg = new SecurityGroup(scope, 'SecurityGroup', {
      namePrefix: `${joinName([spec.baseName, 'batch'], 100)}-`,
      description: `AWS Batch instances of ${spec.baseName}: no inbound traffic`,
      vpcId,
      revokeRulesOnDelete: true,
    });
    new VpcSecurityGroupEgressRule(scope, 'SecurityGroupEgress', {
      securityGroupId: sg.id,
      ipProtocol: '-1',
      cidrIpv4: '0.0.0.0/0',
      description: 'Image pulls, S3, logs and the ECS agent (through NAT or VPC endpoints)',
    });
    securityGroupIds = [sg.id];
  }

  // Instances: role + profile, launch template.
  const instanceRole = new IamRole(scope, 'InstanceRole', {
    namePrefix: joinName([spec.baseName, 'batch-node'], 38),
    assumeRolePolicy: trustPolicy(['ec2.amazonaws.com']),
  });
  const instancePolicy = new IamRolePolicyAttachment(scope, 'InstanceRoleEcsPolicy', {
    role: instanceRole.name,
    policyArn: managedPolicyArn(spec.region, 'service-role/AmazonEC2ContainerServiceforEC2Role'),
  });
  const instanceProfile = new IamInstanceProfile(scope, 'InstanceProfile', {
    namePrefix: joinName([spec.baseName, 'batch-node'], 38),
    role: instanceRole.name,
  });
  // Provider default_tags do not reach what Batch launches: the instances and their volumes get
  // the platform tags (for the budget's cost-tag filter) from compute_resources.tags and the
  // launch template; the function's own tags win.
  const tags = { ...stackDefaultTags(scope), ...spec.tags };
  const launchTemplate = secureLaunchTemplate(scope, 'LaunchTemplate', {
    namePrefix: joinName([spec.baseName, 'batch'], 100),
    diskGiB: spec.diskGiB,
    tags,
  });

  const environment = (id: string, suffix: string, type: string, allocationStrategy: string) => new BatchComputeEnvironment(scope, id, {
    // A prefix + create_before_destroy: a changed environment is replaced without a gap in the queue.
    computeEnvironmentNamePrefix: `${joinName([spec.baseName, suffix], 90)}-`,
    type: 'MANAGED',
    state: 'ENABLED',
    computeResources: {
      type,
      allocationStrategy,
      minVcpus: 0,
      maxVcpus: spec.maxVcpus,
      instanceType: spec.instanceTypes,
      instanceRole: instanceProfile.arn,
      subnets: subnetIds,
      securityGroupIds,
      launchTemplate: { launchTemplateId: launchTemplate.id, version: Token.asString(launchTemplate.latestVersion) },
      ec2Configuration: [{ imageType: BATCH_GPU_IMAGE_TYPE }],
      tags,
    },
    // An infrastructure update waits for running jobs (up to Batch's 6-hour maximum) instead of
    // the default 30 minutes, and never terminates them.
    updatePolicy: { terminateJobsOnUpdate: false, jobExecutionTimeoutMinutes: Math.min(360, Math.ceil(spec.timeoutSeconds / 60)) },
    lifecycle: { createBeforeDestroy: true, ignoreChanges: ['compute_resources[0].desired_vcpus'] },
    dependsOn: [instancePolicy],
  });
  const environments: BatchComputeEnvironment[] = [];
  if (spec.spot) environments.push(environment('SpotEnvironment', 'spot', 'SPOT', 'SPOT_PRICE_CAPACITY_OPTIMIZED'));
  if (!spec.spot || spec.fallbackToOnDemand) environments.push(environment('OnDemandEnvironment', 'od', 'EC2', 'BEST_FIT_PROGRESSIVE'));

  const jobQueue = new BatchJobQueue(scope, 'JobQueue', {
    name: spec.baseName,
    state: 'ENABLED',
    priority: 1,
    computeEnvironmentOrder: environments.map((e, order) => ({ order, computeEnvironment: e.arn })),
  });

  // The job: its role, resources, timeout and retries.
  const jobRole = new IamRole(scope, 'JobRole', {
    namePrefix: joinName([spec.baseName, 'job'], 38),
    assumeRolePolicy: trustPolicy(['ecs-tasks.amazonaws.com']),
  });
  new IamRolePolicy(scope, 'JobRolePolicy', { role: jobRole.id, policy: iamPolicyDocument(spec.jobStatements) });
  // The jobs' logs in a group of their own with a retention (the default /aws/batch/job never
  // expires); the instance role (AmazonEC2ContainerServiceforEC2Role) may write log streams.
  const logGroup = serviceLogGroup(scope, 'Logs', `/aws/batch/${spec.baseName}`);
  const attempts = Math.min(10, spec.retries + 1 + (spec.spot ? SPOT_RECLAIM_ATTEMPTS : 0));
  const jobDefinition = new BatchJobDefinition(scope, 'JobDefinition', {
    name: spec.baseName,
    type: 'container',
    platformCapabilities: ['EC2'],
    propagateTags: true,
    containerProperties: JSON.stringify({
      image: spec.image,
      command: spec.command,
      jobRoleArn: jobRole.arn,
      resourceRequirements: [
        { type: 'GPU', value: String(spec.gpus) },
        { type: 'VCPU', value: String(spec.vcpus) },
        { type: 'MEMORY', value: String(spec.memoryMiB) },
      ],
      environment: spec.environment,
      privileged: false,
      readonlyRootFilesystem: false,
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': logGroup.name, 'awslogs-region': spec.region, 'awslogs-stream-prefix': 'job' } },
      ...(spec.runAsUser !== undefined ? { user: String(spec.runAsUser) } : {}),
    }),
    timeout: { attemptDurationSeconds: spec.timeoutSeconds },
    retryStrategy: {
      attempts,
      evaluateOnExit: [
        // The host went away (spot reclaim, instance failure): always worth another attempt.
        { onStatusReason: 'Host EC2*', action: 'RETRY' },
        // Anything else: retry only when the function allows retries.
        { onReason: '*', action: spec.retries > 0 ? 'RETRY' : 'EXIT' },
      ],
    },
  });

  // What submits jobs.
  const rule = new CloudwatchEventRule(scope, 'Rule', {
    name: joinName([spec.baseName], 64),
    description: spec.trigger.kind === 's3'
      ? `New objects in s3://${spec.trigger.bucket}/${spec.trigger.prefix} submit ${spec.baseName} jobs`
      : `Submit ${spec.baseName} jobs on schedule ${spec.trigger.expression}`,
    ...(spec.trigger.kind === 's3'
      ? { eventPattern: JSON.stringify(objectCreatedPattern(spec.trigger.bucket, spec.trigger.prefix, spec.trigger.suffix)) }
      : { scheduleExpression: spec.trigger.expression }),
  });
  if (spec.trigger.kind === 's3' && spec.trigger.configureNotifications) {
    BucketEvents.of(TerraformStack.of(scope), spec.trigger.bucket, path, { configureNotifications: true }).enableEventBridge(spec.owner);
  }
  const eventsRole = new IamRole(scope, 'EventsRole', {
    namePrefix: joinName([spec.baseName, 'submit'], 38),
    // EventBridge assumes it for this rule only (cross-service confused deputy prevention).
    assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', { sourceAccount: accountOf(scope, 'Account', rule.arn), sourceArns: [rule.arn] }),
  });
  new IamRolePolicy(scope, 'EventsRolePolicy', {
    role: eventsRole.id,
    policy: iamPolicyDocument([{
      actions: ['batch:SubmitJob'],
      resources: [jobQueue.arn, jobDefinition.arnPrefix, `${jobDefinition.arnPrefix}:*`],
    }]),
  });
  const deadLetter = ruleDeadLetterQueue(scope, joinName([spec.baseName, 'events-dlq'], 80), rule.arn);
  new CloudwatchEventTarget(scope, 'RuleTarget', {
    rule: rule.name,
    targetId: 'SubmitBatchJob',
    arn: jobQueue.arn,
    roleArn: eventsRole.arn,
    batchTarget: { jobDefinition: jobDefinition.arn, jobName: spec.baseName },
    ...(spec.trigger.kind === 's3' ? { inputTransformer: OBJECT_INPUT } : {}),
    deadLetterConfig: { arn: deadLetter.arn },
    retryPolicy: { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 },
  });
  return { jobQueue, jobDefinition, computeEnvironments: environments, rule };
}

/**
 * The object of the event, passed to the job twice: as job parameters `inputBucket` and
 * `inputKey` (usable as `Ref::inputBucket` in the command) and as environment variables
 * (container overrides; member names are capitalised in EventBridge input).
 */
const OBJECT_INPUT = {
  inputPaths: { bucket: '$.detail.bucket.name', key: '$.detail.object.key' },
  inputTemplate: '{"Parameters":{"inputBucket":<bucket>,"inputKey":<key>},'
    + `"ContainerOverrides":{"Environment":[{"Name":"${FunctionEnvironment.INPUT_BUCKET}","Value":<bucket>},{"Name":"${FunctionEnvironment.INPUT_KEY}","Value":<key>}]}}`,
};

