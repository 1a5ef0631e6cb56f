import { BudgetsBudget } from '@cdktf/provider-aws/lib/budgets-budget';
import { Construct } from 'constructs';

/** Props of {@link PlatformBudget}. @internal */
export interface PlatformBudgetProps {
  readonly platformName: string;
  /** Monthly limit, USD. */
  readonly monthlyUsd: number;
  /** Alert when the forecast reaches this percentage of the limit. */
  readonly forecastedPercent: number;
  /** Alert when actual spend reaches this percentage of the limit. */
  readonly actualPercent: number;
  readonly emails: string[];
  readonly snsTopicArns: string[];
}

/**
 * An AWS Budgets cost budget for the platform's spend: everything tagged `ai-platform=<platform>`
 * (every taggable resource of the platform carries the tag), monthly, with a forecast alert and an
 * actual-spend alert when subscribers are given. The tag must be activated as a cost allocation tag
 * in the Billing console (AWS applies it to cost data from then on).
 * @internal
 */
export class PlatformBudget extends Construct {
  /** The `aws_budgets_budget` (escape hatch). */
  public readonly resource: BudgetsBudget;

  constructor(scope: Construct, id: string, props: PlatformBudgetProps) {
    super(scope, id);
    const subscribers = {
      subscriberEmailAddresses: props.emails.length ? props.emails : undefined,
      subscriberSnsTopicArns: props.snsTopicArns.length ? props.snsTopicArns : undefined,
    };
    const notify = props.emails.length + props.snsTopicArns.length > 0;
    this.resource = new BudgetsBudget(this, 'Resource', {
      name: `${props.platformName}-monthly`,
      budgetType: 'COST',
      limitAmount: props.monthlyUsd.toFixed(2),
      limitUnit: 'USD',
      timeUnit: 'MONTHLY',
      costFilter: [{ name: 'TagKeyValue', values: [`user:ai-platform$${props.platformName}`] }],
      notification: notify ? [
        { comparisonOperator: 'GREATER_THAN', threshold: props.forecastedPercent, thresholdType: 'PERCENTAGE', notificationType: 'FORECASTED', ...subscribers },
        { comparisonOperator: 'GREATER_THAN', threshold: props.actualPercent, thresholdType: 'PERCENTAGE', notificationType: 'ACTUAL', ...subscribers },
      ] : undefined,
    });
  }
}
