import type { IConstruct } from 'constructs';
import { findPolicyRule, POLICY_RULES } from './rules';
import { ConfigError } from '../core/errors';

/** Metadata type under which suppressions are recorded on a construct node. */
export const SUPPRESSION_METADATA = 'cdktf-ai-infra/policy-suppression';

/** One suppression: a rule accepted for a construct and everything below it, with a reason. */
export interface PolicySuppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Path of the construct the suppression was recorded on. */
  readonly path: string;
}

/** Per-construct suppression of policy rules. */
export class Policy {
  /**
   * Accept rule `ruleId` for `scope` and everything below it, with a reason that the platform
   * report lists. Intent constructs count as the scope of what they emit: suppressing on a
   * GpuNodePool covers its node group, suppressing on a cluster covers its stacks.
   *
   * ```ts
   * Policy.suppress(bucket, 'AIP-SEC-002', 'scratch data, recreated every run');
   * ```
   * @throws ConfigError for an unknown rule id or an empty reason
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    if (!findPolicyRule(ruleId)) {
      throw new ConfigError(scope.node.path, 'ruleId', ruleId, `a policy rule id: ${POLICY_RULES.map((r) => r.id).join(', ')}`);
    }
    if (typeof reason !== 'string' || reason.trim().length < 3) {
      throw new ConfigError(scope.node.path, 'reason', reason, 'why the risk is accepted (a few words at least): it is printed in the platform report');
    }
    scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: reason.trim() }, { stackTrace: false });
  }

  /** Suppressions recorded on `scope` itself (not its ancestors). */
  public static suppressionsOf(scope: IConstruct): PolicySuppression[] {
    return scope.node.metadata
      .filter((m) => m.type === SUPPRESSION_METADATA)
      .map((m) => ({ ...(m.data as { ruleId: string; reason: string }), path: scope.node.path }));
  }

  /** The suppression of `ruleId` on any of `scopes` or their ancestors, nearest first. */
  public static findSuppression(scopes: IConstruct[], ruleId: string): PolicySuppression | undefined {
    for (const scope of scopes) {
      for (const s of [...scope.node.scopes].reverse()) {
        const found = Policy.suppressionsOf(s).find((x) => x.ruleId === ruleId);
        if (found) return found;
      }
    }
    return undefined;
  }
}
