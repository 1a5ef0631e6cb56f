import { Annotations, IAspect, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { AI_CHECKS } from './ai-rules';
import { findPolicyRule, POLICY_RULES, PolicyRule, PolicySeverity } from './rules';
import { Check, CheckContext, SECURITY_CHECKS } from './security-rules';
import { Policy, PolicySuppression } from './suppressions';
import { clusterOfStack, StackView } from './view';
import { ConfigError } from '../core/errors';

/** Options of the policy checks (`AiPlatformProps.policy`, or `new PolicyChecks(...)` on your own stacks). */
export interface PolicyChecksProps {
  /**
   * Turn the checks off altogether.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Severity per rule id: `PolicySeverity.OFF` turns a rule off, `ERROR` / `WARNING` change how it
   * is reported, e.g. `{ 'AIP-AI-002': PolicySeverity.ERROR, 'AIP-SEC-012': PolicySeverity.OFF }`.
   * @default - each rule's own severity (see POLICY_RULES)
   */
  readonly rules?: Record<string, PolicySeverity>;
  /**
   * Regions providers and state backends may use (AIP-AI-006).
   * @default - the platform's allowedRegions; without them the rule does nothing
   */
  readonly allowedRegions?: string[];
  /**
   * Model size from which a scale-to-zero endpoint needs a warm start (AIP-AI-003), GiB.
   * @default 10
   */
  readonly largeModelGiB?: number;
}

/** One policy finding, as the report lists it. */
export interface PolicyFinding {
  readonly ruleId: string;
  /** `error`, `warning`, or the severity the rule would have had when suppressed. */
  readonly severity: string;
  readonly title: string;
  readonly message: string;
  readonly fix: string;
  /** Path of the construct annotated (inside a stack). */
  readonly path: string;
  /**
   * Path of the intent construct that emitted it (pool, endpoint, cluster...).
   * @default - none found
   */
  readonly ownerPath?: string;
  /**
   * The suppression that accepted it.
   * @default - not suppressed
   */
  readonly suppressedBy?: PolicySuppression;
}

/**
 * The policy checks as a cdktf Aspect: security baseline (`AIP-SEC-*`) and AI platform rules
 * (`AIP-AI-*`) over the synthesized Terraform resources and Kubernetes objects of every stack it
 * is added to. Errors fail synth (cdktf error annotations), warnings annotate; suppressed findings
 * are kept as info annotations and in the platform report. An AiPlatform adds it to each of its
 * stacks; add it to your own stacks with `Aspects.of(stack).add(new PolicyChecks())`.
 */
export class PolicyChecks implements IAspect {
  /** @internal The platform's checks: owner lookup and pools come from the platform tree. */
  public static _forPlatform(platform: IConstruct, props: PolicyChecksProps): PolicyChecks {
    const checks = new PolicyChecks(props);
    checks.platform = platform;
    return checks;
  }

  /** Every finding so far (filled as stacks are synthesized). */
  public readonly findings: PolicyFinding[] = [];
  /** Whether the checks run. */
  public readonly enabled: boolean;
  private platform?: IConstruct;
  private readonly severities = new Map<string, PolicySeverity>();
  private readonly context: CheckContext;
  private readonly views = new Map<TerraformStack, StackView>();
  private readonly seen = new Set<string>();

  constructor(props: PolicyChecksProps = {}) {
    this.enabled = props.enabled ?? true;
    for (const [id, severity] of Object.entries(props.rules ?? {})) {
      if (!findPolicyRule(id)) {
        throw new ConfigError('PolicyChecks', `rules.${id}`, id, `a policy rule id: ${POLICY_RULES.map((r) => r.id).join(', ')}`);
      }
      if (!(severity instanceof PolicySeverity)) {
        throw new ConfigError('PolicyChecks', `rules.${id}`, severity, 'PolicySeverity.ERROR, PolicySeverity.WARNING or PolicySeverity.OFF');
      }
      this.severities.set(id, severity);
    }
    const large = props.largeModelGiB ?? 10;
    if (typeof large !== 'number' || !(large > 0)) {
      throw new ConfigError('PolicyChecks', 'largeModelGiB', props.largeModelGiB, 'a positive number of GiB');
    }
    this.context = { allowedRegions: props.allowedRegions, largeModelGiB: large };
  }

  /** The severity rule `rule` is reported with. */
  public severityOf(rule: PolicyRule): PolicySeverity {
    return this.severities.get(rule.id) ?? rule.severity;
  }

  public visit(node: IConstruct): void {
    if (!this.enabled) return;
    let stack: TerraformStack;
    try {
      stack = TerraformStack.of(node);
    } catch {
      return;
    }
    const view = this.viewOf(stack);
    const el = view.element(node);
    if (!el) return;
    for (const check of CHECKS) {
      for (const v of check(el, view, this.context)) {
        const rule = findPolicyRule(v.ruleId)!;
        const severity = this.severityOf(rule);
        if (severity === PolicySeverity.OFF) continue;
        this.report(rule, severity, v.message, v.construct ?? el.construct, view);
      }
    }
  }

  private report(rule: PolicyRule, severity: PolicySeverity, message: string, target: IConstruct, view: StackView): void {
    const key = `${rule.id}|${target.node.path}|${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const owner = view.ownerOf(target);
    const suppressedBy = Policy.findSuppression(owner ? [target, owner] : [target], rule.id);
    this.findings.push({
      ruleId: rule.id,
      severity: severity.name,
      title: rule.title,
      message,
      fix: rule.fix,
      path: target.node.path,
      ownerPath: owner?.node.path,
      suppressedBy,
    });
    const annotations = Annotations.of(target);
    if (suppressedBy) {
      annotations.addInfo(`[${rule.id}] suppressed on ${suppressedBy.path}: ${suppressedBy.reason} (${message})`);
      return;
    }
    const text = `[${rule.id}] ${message} Fix: ${rule.fix}. To accept the risk: Policy.suppress(<${owner?.node.path ?? target.node.path}>, '${rule.id}', '<reason>').`;
    if (severity === PolicySeverity.ERROR) annotations.addError(text);
    else annotations.addWarning(text);
  }

  private viewOf(stack: TerraformStack): StackView {
    let view = this.views.get(stack);
    if (!view) {
      view = new StackView(stack, this.platform ? clusterOfStack(this.platform, stack) : undefined, this.platform);
      this.views.set(stack, view);
    }
    return view;
  }
}

const CHECKS: Check[] = [...SECURITY_CHECKS, ...AI_CHECKS];
