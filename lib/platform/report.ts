/**
 * The platform's guardrails at synth: the cost estimate and the budget check, the policy checks
 * (an Aspect on every platform stack), and the report written next to the stacks
 * (`cost-report.md`, `cost-report.json`, `platform.md` with the Mermaid diagram).
 *
 * Hook: each platform stack's `synthesizer` (cdktf's public `IStackSynthesizer` seam) is wrapped.
 * Before the first platform stack is synthesized the tree is complete, so the estimate is computed
 * once and the budget finding is annotated (cdktf collects annotations per stack, and only from
 * constructs inside stacks); after the last platform stack, when every policy finding is in, the
 * report is written into the App's outdir. Synchronous, no network, deterministic.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnnotationMetadataEntryType, Annotations, App, Aspects, IStackSynthesizer, ISynthesisSession, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { platformDiagram } from './diagram';
import { ConfigError } from '../core/errors';
import { AssumptionEntry, CostAssumptions, round } from '../cost/assumptions';
import { CostLine, CostLineKinds } from '../cost/cost-line';
import { estimateCost, PlatformCostEstimate } from '../cost/estimate';
import { PRICE_SOURCE } from '../cost/prices';
import { PolicyChecks, PolicyChecksProps, PolicyFinding } from '../policy/engine';
import { POLICY_RULES } from '../policy/rules';

/** What happens when the estimated upper bound exceeds the budget. */
export class BudgetAction {
  /** A warning annotation (printed by `cdktf synth`). */
  public static readonly WARN = new BudgetAction('warn');
  /** An error annotation: synth fails. */
  public static readonly FAIL = new BudgetAction('fail');
  private constructor(public readonly name: string) {}
  public toString(): string {
    return this.name;
  }
}

/** Alerts of the AWS Budgets budget (`AiPlatformProps.budgetAlerts`). */
export interface BudgetAlertOptions {
  /** Email addresses alerted. @default - none */
  readonly emails?: string[];
  /** SNS topic ARNs alerted. @default - none */
  readonly snsTopicArns?: string[];
  /** Alert when forecast spend reaches this percentage of the budget. @default 80 */
  readonly forecastedPercent?: number;
  /** Alert when actual spend reaches this percentage of the budget. @default 100 */
  readonly actualPercent?: number;
}

/** Cost-related costs the estimate leaves out, listed in every report. */
export const NOT_INCLUDED = [
  'EKS control plane fees and the system (CPU) node group: only accelerated instance types are in the price catalog',
  'NAT gateways, load balancers, EBS volumes, S3 storage and requests, data transfer, CloudWatch',
  'Savings Plans, Reserved Instances, Capacity Blocks, taxes; region price differences (prices are us-east-1)',
  'hardware and operating cost of existing (on-prem) nodes',
] as const;

/** Budget settings of the guardrails. @internal */
export interface GuardrailsProps {
  readonly assumptions?: CostAssumptions;
  readonly budgetMonthlyUsd?: number;
  readonly budgetAction?: BudgetAction;
  readonly budgetAlerts?: BudgetAlertOptions;
  readonly policy?: PolicyChecksProps;
  readonly allowedRegions?: string[];
  readonly writeReport?: boolean;
}

/** The platform's guardrails (one per AiPlatform). @internal */
export class PlatformGuardrails {
  public readonly assumptions: CostAssumptions;
  public readonly policy: PolicyChecks;
  public readonly budgetMonthlyUsd?: number;
  public readonly budgetAction: BudgetAction;
  public readonly alerts: Required<BudgetAlertOptions>;
  /** The AWS Budgets budget construct, once an AWS stack exists. */
  public budget?: IConstruct;
  private readonly stacks: TerraformStack[] = [];
  private readonly writeReport: boolean;
  private estimate?: PlatformCostEstimate;
  private prepared = false;
  private ordered?: TerraformStack[];

  constructor(private readonly platform: IConstruct & { readonly platformName: string }, props: GuardrailsProps) {
    const p = platform.node.path;
    this.assumptions = props.assumptions ?? CostAssumptions.defaults();
    this.writeReport = props.writeReport ?? true;
    const allowedRegions = props.policy?.allowedRegions ?? props.allowedRegions;
    this.policy = PolicyChecks._forPlatform(platform, { ...(props.policy ?? {}), allowedRegions });
    if (props.budgetMonthlyUsd !== undefined && (typeof props.budgetMonthlyUsd !== 'number' || !(props.budgetMonthlyUsd > 0) || !Number.isFinite(props.budgetMonthlyUsd))) {
      throw new ConfigError(p, 'budgetMonthlyUsd', props.budgetMonthlyUsd, 'a positive number of USD per month, e.g. 5000');
    }
    this.budgetMonthlyUsd = props.budgetMonthlyUsd;
    this.budgetAction = props.budgetAction ?? BudgetAction.WARN;
    const a = props.budgetAlerts ?? {};
    for (const [field, v] of [['forecastedPercent', a.forecastedPercent], ['actualPercent', a.actualPercent]] as const) {
      if (v !== undefined && (typeof v !== 'number' || !(v > 0 && v <= 1000))) {
        throw new ConfigError(p, `budgetAlerts.${field}`, v, 'a percentage of the budget above 0 (e.g. 80), at most 1000');
      }
    }
    for (const email of a.emails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new ConfigError(p, 'budgetAlerts.emails', email, 'an email address');
    }
    for (const arn of a.snsTopicArns ?? []) {
      if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(arn)) throw new ConfigError(p, 'budgetAlerts.snsTopicArns', arn, 'an SNS topic ARN, e.g. "arn:aws:sns:us-east-1:111122223333:budget-alerts"');
    }
    if (props.budgetAlerts && props.budgetMonthlyUsd === undefined) {
      throw new ConfigError(p, 'budgetAlerts', props.budgetAlerts, 'budgetMonthlyUsd as well (alerts are percentages of the budget)');
    }
    this.alerts = {
      emails: [...(a.emails ?? [])],
      snsTopicArns: [...(a.snsTopicArns ?? [])],
      forecastedPercent: a.forecastedPercent ?? 80,
      actualPercent: a.actualPercent ?? 100,
    };
  }

  /** Take a platform stack under the guardrails: policy aspect and synthesis hook. */
  public attach(stack: TerraformStack): void {
    this.stacks.push(stack);
    if (this.policy.enabled) Aspects.of(stack).add(this.policy);
    const inner = stack.synthesizer;
    const guardrails = this;
    const hook: IStackSynthesizer = {
      synthesize(session: ISynthesisSession): void {
        guardrails.beforeStack();
        inner.synthesize(session);
        guardrails.afterStack(stack, session);
      },
    };
    stack.synthesizer = hook;
  }

  /**
   * The platform's AWS Budgets budget goes into the first AWS stack of the platform (AWS Budgets
   * is account-wide; every platform resource carries the `ai-platform` tag it filters on).
   */
  public onAwsStack(stack: TerraformStack): void {
    if (this.budgetMonthlyUsd === undefined || this.budget) return;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { PlatformBudget } = require('../aws/budget') as typeof import('../aws/budget');
    this.budget = new PlatformBudget(stack, 'PlatformBudget', {
      platformName: this.platform.platformName,
      monthlyUsd: this.budgetMonthlyUsd,
      forecastedPercent: this.alerts.forecastedPercent,
      actualPercent: this.alerts.actualPercent,
      emails: this.alerts.emails,
      snsTopicArns: this.alerts.snsTopicArns,
    });
    if (this.alerts.emails.length + this.alerts.snsTopicArns.length === 0) {
      Annotations.of(this.budget).addInfo(`AWS Budgets budget ${this.platform.platformName}-monthly has no subscribers (budgetAlerts.emails / snsTopicArns): it tracks spend but alerts nobody`);
    }
  }

  /** The cost estimate of the platform (computed once the tree is complete). */
  public costEstimate(): PlatformCostEstimate {
    if (!this.estimate) this.estimate = estimateCost(this.platform, this.assumptions);
    return this.estimate;
  }

  /** The report as plain data (what `cost-report.json` holds). */
  public reportData(): Record<string, unknown> {
    const est = this.costEstimate();
    const findings = this.policy.findings;
    return roundNumbers({
      platform: this.platform.platformName,
      generatedBy: 'cdktf-ai-infra',
      prices: PRICE_SOURCE,
      assumptions: this.assumptions.describe(),
      totals: est.totals,
      budget: this.budgetMonthlyUsd === undefined ? null : {
        monthlyUsd: this.budgetMonthlyUsd,
        action: this.budgetAction.name,
        upperBoundUsd: est.totals.highUsd,
        exceeded: est.totals.highUsd > this.budgetMonthlyUsd,
        alerts: this.alerts,
        awsBudget: this.budget ? this.budget.node.path : null,
      },
      pools: est.pools.map((p) => ({ ...p })),
      workloads: est.lines.filter((l) => l.kind === CostLineKinds.USAGE),
      unpriced: est.unpriced,
      notIncluded: NOT_INCLUDED,
      policy: {
        enabled: this.policy.enabled,
        rules: POLICY_RULES.map((r) => ({ id: r.id, title: r.title, severity: this.policy.severityOf(r).name })),
        findings: findings.filter((f) => !f.suppressedBy),
        suppressed: findings.filter((f) => f.suppressedBy),
      },
    }) as Record<string, unknown>;
  }

  /** The Markdown report. */
  public reportMarkdown(diagramFile: string): string {
    return renderMarkdown(this, diagramFile);
  }

  /** The Mermaid diagram of the platform. */
  public diagram(): string {
    return platformDiagram(this.platform, this.stacks, this.costEstimate());
  }

  private beforeStack(): void {
    if (this.prepared) return;
    this.prepared = true;
    this.forwardIntentAnnotations();
    if (this.budgetMonthlyUsd === undefined) return;
    const est = this.costEstimate();
    const target = this.budget ?? this.orderedStacks()[0];
    if (!target) return;
    const annotations = Annotations.of(target);
    if (est.totals.highUsd > this.budgetMonthlyUsd) {
      const text = `[AIP-COST-001] Estimated upper bound ${usd(est.totals.highUsd)} USD/month (every pool at max nodes) exceeds the budget of ${usd(this.budgetMonthlyUsd)} USD/month`
        + ` (expected ${usd(est.totals.expectedUsd)}, lower bound ${usd(est.totals.lowUsd)}). Fix: lower maxNodes, constrain instanceTypes, use spot capacity, or raise budgetMonthlyUsd; see cost-report.md.`;
      if (this.budgetAction === BudgetAction.FAIL) annotations.addError(text);
      else annotations.addWarning(text);
    }
    if (!est.totals.complete) {
      annotations.addWarning(`[AIP-COST-001] The budget check leaves out lines without a price: ${est.unpriced.join('; ')}.`);
    }
  }

  /**
   * cdktf collects annotations only from constructs inside stacks, and intent constructs (the
   * platform, clusters, pools, endpoints) live beside the stacks: their warnings would never be
   * printed. Repeat them on the platform's first stack, naming where they come from.
   */
  private forwardIntentAnnotations(): void {
    const target = this.orderedStacks()[0];
    if (!target) return;
    const levels: Record<string, (a: Annotations, m: string) => void> = {
      [AnnotationMetadataEntryType.ERROR]: (a, m) => a.addError(m),
      [AnnotationMetadataEntryType.WARN]: (a, m) => a.addWarning(m),
      [AnnotationMetadataEntryType.INFO]: (a, m) => a.addInfo(m),
    };
    for (const c of this.platform.node.findAll()) {
      for (const m of c.node.metadata) {
        const add = levels[m.type];
        if (add) add(Annotations.of(target), `${String(m.data)} (from ${c.node.path})`);
      }
    }
  }

  private afterStack(stack: TerraformStack, session: ISynthesisSession): void {
    const ordered = this.orderedStacks();
    if (!this.writeReport || ordered[ordered.length - 1] !== stack) return;
    const prefix = this.filePrefix();
    const diagramFile = `${prefix}platform.md`;
    fs.writeFileSync(path.join(session.outdir, `${prefix}cost-report.json`), JSON.stringify(this.reportData(), null, 2) + '\n');
    fs.writeFileSync(path.join(session.outdir, `${prefix}cost-report.md`), this.reportMarkdown(diagramFile));
    fs.writeFileSync(path.join(session.outdir, diagramFile), `# Platform ${this.platform.platformName}\n\n\`\`\`mermaid\n${this.diagram()}\`\`\`\n`);
  }

  /** The platform's stacks in the order the App synthesizes them. */
  private orderedStacks(): TerraformStack[] {
    // Fixed once synthesis has begun (no stack is added while stacks synthesize): walk the tree once.
    if (this.prepared && this.ordered) return this.ordered;
    const ordered = App.of(this.platform).node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c) && this.stacks.includes(c));
    if (this.prepared) this.ordered = ordered;
    return ordered;
  }

  /** `''` for the only platform of the App, else `<platform>.` so that platforms do not overwrite each other. */
  private filePrefix(): string {
    const platforms = App.of(this.platform).node.findAll().filter((c) => (c as { _guardrails?: unknown })._guardrails instanceof PlatformGuardrails);
    return platforms.length > 1 ? `${this.platform.platformName}.` : '';
  }
}

function renderMarkdown(g: PlatformGuardrails, diagramFile: string): string {
  const est = g.costEstimate();
  const t = est.totals;
  const data = g.reportData() as any;
  const lines: string[] = [];
  lines.push(`# Cost report: platform ${data.platform}`, '');
  lines.push('Estimated monthly cost from the program as written (list prices and the assumptions below): a guardrail, not a quote.', '');
  lines.push('| Estimate | USD / month |', '|---|---:|');
  lines.push(`| Lower bound: every pool at min nodes | ${usd(t.lowUsd)} |`);
  lines.push(`| Expected: declared workloads within each pool's bounds | ${usd(t.expectedUsd)} |`);
  lines.push(`| Upper bound: every pool at max nodes | ${usd(t.highUsd)} |`);
  lines.push(`| Worst case: max nodes, most expensive allowed types, On-Demand | ${t.worstCaseUsd === undefined ? 'unknown' : usd(t.worstCaseUsd)} |`);
  lines.push('');
  if (!t.complete) lines.push(`**Incomplete:** ${est.unpriced.length} line(s) without a price are left out of the totals (see below).`, '');
  if (data.budget) {
    const b = data.budget;
    const state = b.exceeded ? `**exceeds it** (${b.action === 'fail' ? 'synth fails' : 'warning'})` : 'is within it';
    const subscribers = [...b.alerts.emails, ...b.alerts.snsTopicArns];
    lines.push(`Budget: ${usd(b.monthlyUsd)} USD/month; the upper bound ${state}. `
      + (b.awsBudget
        ? `AWS Budgets budget \`${data.platform}-monthly\` (\`${b.awsBudget}\`): alerts at ${b.alerts.forecastedPercent} % forecast and ${b.alerts.actualPercent} % actual`
          + `${subscribers.length ? ` to ${subscribers.join(', ')}` : ', no subscribers'}; it filters on the cost allocation tag \`ai-platform=${data.platform}\` (activate it in the Billing console).`
        : 'No AWS account is in play: no AWS Budgets budget was created.'), '');
  }
  lines.push(`Diagram: [${diagramFile}](${diagramFile}).`, '');

  lines.push('## GPU pools', '');
  if (est.pools.length === 0) {lines.push('None.', '');} else {
    lines.push('| Pool | Nodes | Capacity | USD / node-hour (as bought) | Low | Expected | High | Worst case | Spot vs On-Demand at max |', '|---|---|---|---:|---:|---:|---:|---:|---|');
    for (const p of est.pools) {
      const main = p.capacity[0];
      const scen = main.scenarios.map((s) => `${s.name}${s.configured ? ' (configured)' : ''}: ${s.monthlyUsd === undefined ? 'unknown' : usd(s.monthlyUsd)}`).join('; ');
      const nodes = main.instanceType ? `${main.inputs.minNodes}–${main.inputs.maxNodes} × ${main.instanceType}` : main.description;
      lines.push(`| \`${p.poolPath}\` | ${nodes} | ${main.inputs.capacity ?? main.purchase} | `
        + `${main.usdPerNodeHour === undefined ? 'unknown' : usd(main.usdPerNodeHour, 4)} | ${money(p.monthlyUsd?.low)} | ${money(p.monthlyUsd?.expected)} | ${money(p.monthlyUsd?.high)} | `
        + `${money(p.worstCaseMonthlyUsd)} | ${scen || '–'} |`);
    }
    lines.push('');
    for (const p of est.pools) {
      for (const c of p.capacity) for (const n of c.notes) lines.push(`- \`${p.poolPath}\`, ${c.description}: ${n}`);
    }
    lines.push('');
  }

  lines.push('## Workloads', '');
  const usage = est.lines.filter((l) => l.kind === CostLineKinds.USAGE);
  if (usage.length === 0) lines.push('No endpoint, pipeline or function declares its cost yet: pools are reported at their bounds.', '');
  for (const l of usage) lines.push(...renderUsage(l));

  lines.push('## Assumptions', '', '| Assumption | Value | Basis |', '|---|---|---|');
  for (const a of data.assumptions as AssumptionEntry[]) lines.push(`| ${a.name} | ${a.value} | ${a.basis} |`);
  lines.push('');
  lines.push('## Prices', '');
  lines.push(`${PRICE_SOURCE.description}: ${PRICE_SOURCE.region}, retrieved ${PRICE_SOURCE.retrievedAt}, read ${PRICE_SOURCE.readOn}. Excludes ${PRICE_SOURCE.excludes}. Refresh before trusting a number in a quote.`, '');
  if (est.unpriced.length) {
    lines.push('Lines without a price (left out of the totals):', '');
    for (const u of est.unpriced) lines.push(`- ${u}`);
    lines.push('');
  }
  lines.push('## Not included', '');
  for (const n of NOT_INCLUDED) lines.push(`- ${n}`);
  lines.push('');

  lines.push('## Policy', '');
  const findings = data.policy.findings as PolicyFinding[];
  const suppressed = data.policy.suppressed as PolicyFinding[];
  if (!data.policy.enabled) {lines.push('Policy checks are off for this platform.', '');} else {
    const errors = findings.filter((f) => f.severity === 'error').length;
    lines.push(`${errors} error(s), ${findings.length - errors} warning(s), ${suppressed.length} suppressed.`, '');
    if (findings.length) {
      lines.push('| Rule | Severity | Where | Finding |', '|---|---|---|---|');
      for (const f of findings) lines.push(`| ${f.ruleId} | ${f.severity} | \`${f.ownerPath ?? f.path}\` | ${cell(f.message)} |`);
      lines.push('');
    }
    if (suppressed.length) {
      lines.push('Suppressed:', '', '| Rule | Where | Reason | Finding |', '|---|---|---|---|');
      for (const f of suppressed) lines.push(`| ${f.ruleId} | \`${f.suppressedBy!.path}\` | ${cell(f.suppressedBy!.reason)} | ${cell(f.message)} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

function renderUsage(l: CostLine): string[] {
  const out = [`### \`${l.source}\` (${l.category}): ${l.description}`, ''];
  out.push(Object.entries(l.inputs).map(([k, v]) => `${k}: ${v}`).join(' · '), '');
  out.push(`Node-hours / month: ${round(l.nodeHours.low, 1)} (min) · **${round(l.nodeHours.expected, 1)} (expected)** · ${round(l.nodeHours.high, 1)} (max); `
    + `USD / month: ${l.monthlyUsd ? `${usd(l.monthlyUsd.low)} · **${usd(l.monthlyUsd.expected)}** · ${usd(l.monthlyUsd.high)}` : 'unknown price'}.`, '');
  if (l.scenarios.length) {
    out.push('| Scenario | Node-hours / month | USD / month | Notes |', '|---|---:|---:|---|');
    for (const s of l.scenarios) {
      out.push(`| ${s.name}${s.configured ? ' **(configured)**' : ''} | ${round(s.nodeHours, 1)} | ${money(s.monthlyUsd)} | ${cell(s.notes.join('; '))} |`);
    }
    out.push('');
  }
  for (const n of l.notes) out.push(`- ${n}`);
  if (l.notes.length) out.push('');
  return out;
}

function money(x: number | undefined): string {
  return x === undefined ? 'unknown' : usd(x);
}

/** `12,345.67` (en-US grouping, fixed decimals, no locale data needed). */
function usd(x: number, digits = 2): string {
  const [int, frac] = Math.abs(x).toFixed(digits).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${x < 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Numbers rounded to 4 decimals (no floating-point noise in the JSON). */
function roundNumbers(x: unknown): unknown {
  if (typeof x === 'number') return Number.isFinite(x) ? round(x, 4) : String(x);
  if (Array.isArray(x)) return x.map(roundNumbers);
  if (typeof x === 'object' && x !== null) {
    return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).map(([k, v]) => [k, roundNumbers(v)]));
  }
  return x;
}
