/**
 * The budget guardrail: the estimated upper bound against `budgetMonthlyUsd` at synth (warning or
 * error), and an AWS Budgets budget with alert thresholds where an AWS account is in play.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, PROD } from './support';
import { ConfigError } from '../../lib/core/errors';
import { AiPlatform, AiPlatformProps } from '../../lib/platform/ai-platform';
import { BudgetAction } from '../../lib/platform/report';
import { onlyResource, resourcesOf, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';

const env = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of the budget', env.missing);

/** Annotations of every stack, from manifest.json. */
function annotations(outdir: string): Array<{ constructPath: string; level: string; message: string }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  return Object.values<any>(manifest.stacks).flatMap((s) => s.annotations);
}

// One pool of 0–4 g6.xlarge on-demand: upper bound 4 × 730 × 0.8048 = 2,350.02 USD/month.
function platformWith(props: AiPlatformProps) {
  const f = fixture(props);
  f.pool('l4', { maxNodes: 4 });
  return f;
}

describe('budget guardrail', () => {
  test('an upper bound above the budget warns (default), naming both numbers and the fix', () => {
    const f = platformWith({ budgetMonthlyUsd: 1000 });
    const synth = synthApp(f.app);
    const found = annotations(synth.outdir).filter((a) => a.message.includes('AIP-COST-001'));
    expect(found).toEqual([expect.objectContaining({ level: '@cdktf/warn', constructPath: 'acme-prod-infra/PlatformBudget' })]);
    expect(found[0].message).toMatch(/Estimated upper bound 2,350\.02 USD\/month \(every pool at max nodes\) exceeds the budget of 1,000\.00 USD\/month/);
    expect(found[0].message).toMatch(/Fix: lower maxNodes/);
    const report = JSON.parse(fs.readFileSync(path.join(synth.outdir, 'cost-report.json'), 'utf8'));
    expect(report.budget).toMatchObject({ monthlyUsd: 1000, action: 'warn', exceeded: true, upperBoundUsd: 2350.016, awsBudget: 'acme-prod-infra/PlatformBudget' });
  });

  test('BudgetAction.FAIL fails synth when the upper bound exceeds the budget', () => {
    const f = platformWith({ budgetMonthlyUsd: 1000, budgetAction: BudgetAction.FAIL });
    expect(() => f.app.synth()).toThrow(/\[AIP-COST-001\] Estimated upper bound 2,350\.02 USD\/month/);
  });

  test('within the budget: no finding', () => {
    const synth = synthApp(platformWith({ budgetMonthlyUsd: 5000, budgetAction: BudgetAction.FAIL }).app);
    expect(annotations(synth.outdir).filter((a) => a.message.includes('AIP-COST-001'))).toEqual([]);
  });

  test('an unpriced pool makes the check say what it leaves out', () => {
    const f = fixture({ budgetMonthlyUsd: 5000 });
    f.pool('h200', { accelerator: undefined, instanceTypes: ['p5e.48xlarge'], maxNodes: 1 });
    const synth = synthApp(f.app);
    expect(annotations(synth.outdir).map((a) => a.message)).toContainEqual(expect.stringMatching(/The budget check leaves out lines without a price: acme\/prod\/h200: nodes \(p5e\.48xlarge, on-demand\)/));
  });

  test('an AWS Budgets budget in the first AWS stack only, on the platform cost tag, with forecast and actual alerts', () => {
    const f = platformWith({ budgetMonthlyUsd: 2500.5, budgetAlerts: { emails: ['ml-platform@example.com'], snsTopicArns: ['arn:aws:sns:us-east-1:111122223333:budget'], forecastedPercent: 90 } });
    f.platform.addEksCluster('second', { ...PROD, vpcCidr: '10.1.0.0/16' });
    const synth = synthApp(f.app);
    expect(Object.keys(resourcesOf(synth.stack('acme-second-infra'), 'aws_budgets_budget'))).toEqual([]);
    const budget = onlyResource(synth.stack('acme-prod-infra'), 'aws_budgets_budget');
    expect(budget).toMatchObject({
      name: 'acme-monthly',
      budget_type: 'COST',
      limit_amount: '2500.50',
      limit_unit: 'USD',
      time_unit: 'MONTHLY',
      cost_filter: [{ name: 'TagKeyValue', values: ['user:ai-platform$acme'] }],
    });
    const subscribers = { subscriber_email_addresses: ['ml-platform@example.com'], subscriber_sns_topic_arns: ['arn:aws:sns:us-east-1:111122223333:budget'] };
    expect(budget.notification).toEqual([
      { comparison_operator: 'GREATER_THAN', threshold: 90, threshold_type: 'PERCENTAGE', notification_type: 'FORECASTED', ...subscribers },
      { comparison_operator: 'GREATER_THAN', threshold: 100, threshold_type: 'PERCENTAGE', notification_type: 'ACTUAL', ...subscribers },
    ]);
  });

  test('without subscribers the budget tracks spend and alerts nobody (info annotation)', () => {
    const synth = synthApp(platformWith({ budgetMonthlyUsd: 5000 }).app);
    expect(onlyResource(synth.stack('acme-prod-infra'), 'aws_budgets_budget').notification).toBeUndefined();
    expect(annotations(synth.outdir)).toContainEqual(expect.objectContaining({ level: '@cdktf/info', message: expect.stringMatching(/has no subscribers/) }));
  });

  test('no AWS account in play (existing clusters only): no budget resource, and the report says so', () => {
    const app = testApp();
    new AiPlatform(app, 'lab', { budgetMonthlyUsd: 100 }).addExistingCluster('lab');
    const synth = synthApp(app);
    expect(synth.stacks.flatMap((s) => Object.keys(resourcesOf(s, 'aws_budgets_budget')))).toEqual([]);
    expect(fs.readFileSync(path.join(synth.outdir, 'cost-report.md'), 'utf8')).toContain('No AWS account is in play: no AWS Budgets budget was created.');
  });

  test('the platform\'s own AWS stack gets the budget when it is the first AWS stack', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'lab', { budgetMonthlyUsd: 100 });
    platform.addExistingCluster('lab', { awsRegion: 'us-east-1' });
    platform._awsStack('us-east-1');
    expect(onlyResource(synthApp(app).stack('lab-aws-us-east-1'), 'aws_budgets_budget').name).toBe('lab-monthly');
  });

  (skipPlan ? test.skip : test)('plans offline with the real Terraform CLI and the mirrored AWS provider', () => {
    const app = testApp();
    const platform = new AiPlatform(app, 'lab', { budgetMonthlyUsd: 1234, budgetAlerts: { emails: ['ml@example.com'] } });
    platform._awsStack('us-east-1');
    const result = planOffline(synthApp(app).stack('lab-aws-us-east-1').json, { validate: false });
    if (!result.ok) throw new Error(`terraform ${result.failedStep} failed:\n${result.output.slice(-4000)}`);
    expect(result.plannedResources).toEqual([{ address: expect.stringMatching(/^aws_budgets_budget\.PlatformBudget_[0-9A-F]{8}$/), type: 'aws_budgets_budget', actions: ['create'] }]);
  }, 180_000);

  test.each([
    ['budgetMonthlyUsd', { budgetMonthlyUsd: 0 }],
    ['budgetMonthlyUsd', { budgetMonthlyUsd: Number.POSITIVE_INFINITY }],
    ['budgetAlerts', { budgetAlerts: { emails: ['a@example.com'] } }],
    ['budgetAlerts.forecastedPercent', { budgetMonthlyUsd: 10, budgetAlerts: { forecastedPercent: 0 } }],
    ['budgetAlerts.actualPercent', { budgetMonthlyUsd: 10, budgetAlerts: { actualPercent: 5000 } }],
    ['budgetAlerts.emails', { budgetMonthlyUsd: 10, budgetAlerts: { emails: ['not-an-email'] } }],
    ['budgetAlerts.snsTopicArns', { budgetMonthlyUsd: 10, budgetAlerts: { snsTopicArns: ['arn:aws:sqs:us-east-1:111122223333:q'] } }],
  ])('throws when %s is invalid (%j)', (field, props) => {
    const act = () => new AiPlatform(testApp(), 'acme', props as AiPlatformProps);
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(new RegExp(`^acme: invalid ${field.replace('.', '\\.')}:`));
  });
});
