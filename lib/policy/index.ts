// Policy checks as cdktf Aspects: rule catalog, severities, suppressions and the annotation
// contract intent constructs follow. No provider imports.
export { PolicySeverity, PolicyRule, PolicyRuleIds, POLICY_RULES, findPolicyRule } from './rules';
export { Policy, PolicySuppression } from './suppressions';
export { PolicyChecks, PolicyChecksProps, PolicyFinding } from './engine';
export { PolicyAnnotations, CHECKPOINT_ENV_VARS, QUEUE_REDELIVERY_CHECKPOINT } from './contract';
