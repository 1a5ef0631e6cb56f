/**
 * CloudWatch log groups with a retention for the AWS-managed services the platform drives
 * (SageMaker endpoints, AWS Batch jobs, Step Functions state machines): without one, a service
 * creates its group on first use with "never expire", and the logs grow and bill forever.
 *
 * Log groups are encrypted by CloudWatch Logs (service-managed keys), as the EKS control plane
 * group of this library is; no customer-managed key.
 *
 * Sources (checked 2026-12): Step Functions developer guide, "Using CloudWatch Logs to log
 * execution history" (the role's `logs:*LogDelivery*`, `PutResourcePolicy`,
 * `DescribeResourcePolicies`, `DescribeLogGroups` permissions, which take no resource ARN; the
 * `/aws/vendedlogs/` prefix; `log_destination` ends with `:*` in the Terraform provider); SageMaker
 * endpoints log to `/aws/sagemaker/Endpoints/<endpoint>`; AWS Batch jobs to `/aws/batch/job`
 * unless the job definition names a group (`logConfiguration`, `awslogs-group`).
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { SfnStateMachineLoggingConfiguration } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';

/** Days of retention of the service log groups the platform creates. */
export const SERVICE_LOG_RETENTION_DAYS = 90;

/** A log group with {@link SERVICE_LOG_RETENTION_DAYS} of retention. @internal */
export function serviceLogGroup(scope: Construct, id: string, name: string): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, id, { name, retentionInDays: SERVICE_LOG_RETENTION_DAYS });
}

/**
 * The log group (`/aws/vendedlogs/states/<name>`, id `Logs`) and logging configuration of a state
 * machine (errors only, without execution data: inputs may carry object keys), and the statements
 * its role needs to deliver them.
 * @internal
 */
export function stateMachineLogging(scope: Construct, name: string): {
  configuration: SfnStateMachineLoggingConfiguration; statements: Array<Record<string, unknown>>; logGroup: CloudwatchLogGroup;
} {
  const logGroup = serviceLogGroup(scope, 'Logs', `/aws/vendedlogs/states/${name}`);
  return {
    logGroup,
    configuration: { logDestination: `${logGroup.arn}:*`, includeExecutionData: false, level: 'ERROR' },
    statements: [{
      Sid: 'DeliverLogs',
      Effect: 'Allow',
      // CloudWatch Logs vended-log delivery: these actions take no resource ARN (Step Functions developer guide).
      Action: [
        'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
      ],
      Resource: ['*'],
    }],
  };
}
