/**
 * The IAM managed policy of the AWS identity (a credentials secret's keys, or a role the user
 * manages) of workloads on a cluster this program does not create: this program cannot bind that
 * identity itself, so it writes exactly the permissions the workloads need as a managed policy,
 * with its ARN as a Terraform output, for the user to attach to the identity.
 */
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { Annotations, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { iamPolicyDocument, PermissionStatement } from '../platform/cluster';

/** Largest IAM managed policy document, in characters (IAM quotas). */
const MAX_POLICY_CHARS = 6144;

/** An identity's managed policy; statements granted later are added to it. @internal */
export class WorkloadPolicy extends Construct {
  public readonly policyName: string;
  /** Id of the Terraform output with the policy's ARN (in the policy's stack). */
  public readonly outputId: string;
  private readonly statements: PermissionStatement[] = [];
  private warned = false;

  constructor(scope: Construct, id: string, props: { readonly policyName: string; readonly description: string; readonly outputId: string }) {
    super(scope, id);
    this.policyName = props.policyName;
    this.outputId = props.outputId;
    const policy = new IamPolicy(this, 'Resource', {
      name: props.policyName,
      description: props.description,
      policy: Lazy.stringValue({ produce: () => iamPolicyDocument(this.statements) }),
    });
    new TerraformOutput(TerraformStack.of(this), props.outputId, { value: policy.arn, description: props.description });
  }

  /** Add statements to the policy (a statement it already has is not repeated). */
  public grant(statements: PermissionStatement[]): void {
    const seen = new Set(this.statements.map((s) => JSON.stringify(s)));
    for (const s of statements) {
      const key = JSON.stringify(s);
      if (!seen.has(key)) this.statements.push(s);
      seen.add(key);
    }
    // IAM managed policies hold at most 6,144 characters (whitespace not counted); a token counts
    // here as its placeholder, about the length of the ARN it stands for.
    const size = iamPolicyDocument(this.statements).length;
    if (size > MAX_POLICY_CHARS && !this.warned) {
      this.warned = true;
      Annotations.of(this).addWarning(`IAM policy ${this.policyName} needs about ${size} characters, more than the ${MAX_POLICY_CHARS} IAM allows in a managed policy: give the workloads separate identities (another credentials secret or role)`);
    }
  }
}
