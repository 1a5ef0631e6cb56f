import { TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ConfigError } from '../core/errors';
import { isAwsRegion, validateDnsLabel } from '../core/naming';
import type { AiPlatform } from '../platform/ai-platform';

/** Props of {@link SageMakerTarget}. */
export interface SageMakerTargetProps {
  /** AWS region of the SageMaker pipelines, e.g. `us-east-1` (checked against the platform's allowed regions). */
  readonly region: string;
}

/**
 * Amazon SageMaker as a place to run training pipelines: `new TrainingPipeline(target, id, props)`
 * realises the pipeline as an `aws_sagemaker_pipeline` (with its role, model package group,
 * buckets and EventBridge rules) in the platform's `<platform>-aws-<region>` stack.
 */
export class SageMakerTarget extends Construct {
  /** Marks the target for {@link TrainingPipeline} (duck-typed to avoid loading AWS bindings). */
  public readonly isSageMakerTarget = true;
  /** AWS region. */
  public readonly region: string;
  /** Name of the platform (stack and resource name prefix). */
  public readonly platformName: string;
  /** The stack the pipelines go into. */
  public readonly stack: TerraformStack;

  constructor(platform: AiPlatform, id: string, props: SageMakerTargetProps) {
    super(platform, id);
    const path = this.node.path;
    validateDnsLabel(id, path, 'id');
    if (!Token.isUnresolved(props.region) && !isAwsRegion(props.region)) {
      throw new ConfigError(path, 'region', props.region, 'an AWS region code such as "us-east-1"');
    }
    this.region = props.region;
    this.platformName = platform.platformName;
    this.stack = platform._awsStack(props.region);
  }

  /** @internal A scope in the target's stack mirroring `owner`'s path below this target. */
  public _scopeFor(owner: IConstruct): Construct {
    const rel = owner.node.scopes.slice(this.node.scopes.length - 1).map((s) => s.node.id);
    let scope: IConstruct = this.stack;
    for (const segment of rel) scope = scope.node.tryFindChild(segment) ?? new Construct(scope, segment);
    return scope as Construct;
  }
}
