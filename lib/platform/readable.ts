/**
 * Values only known at apply time: spelled as the Terraform they stand for (messages for people),
 * and where they come from (which stacks a value refers to).
 */
import { TerraformStack, Token, Tokenization } from 'cdktf';

/** A cdktf string token as it appears inside a string at construction time. */
const TOKEN = /\$\{TfToken\[TOKEN\.\d+\]\}/g;

/**
 * `text` with every unresolved token replaced by what it refers to, for annotations and error
 * messages: a resource attribute as `<aws_s3_bucket.models_1a2b.arn in stack acme-aws-us-east-1>`,
 * any other token as `<known at apply time>`. Plain text comes back unchanged.
 */
export function readableTokens(text: string): string {
  if (!Token.isUnresolved(text)) return text;
  return text.replace(TOKEN, (token) => {
    const resolvable = referenceOf(token);
    const identifier = resolvable?.identifier;
    if (typeof identifier !== 'string') return '<known at apply time>';
    const stack = resolvable?.originStack instanceof TerraformStack ? ` in stack ${resolvable.originStack.node.id}` : '';
    return `<${identifier}${stack}>`;
  });
}

/**
 * Whether every token in `text` is a reference to a resource of `stack` (so that `text` can be
 * used there without a cross-stack reference). Plain text: true.
 */
export function refersOnlyTo(text: string, stack: TerraformStack): boolean {
  if (!Token.isUnresolved(text)) return true;
  return (text.match(TOKEN) ?? []).every((token) => {
    const ref = referenceOf(token);
    return typeof ref?.identifier === 'string' && ref.originStack === stack;
  });
}

/** The cdktf reference behind one string token (its Terraform identifier and origin stack), if it is one. */
function referenceOf(token: string): { identifier?: unknown; originStack?: unknown } | undefined {
  return Tokenization.reverseString(token).firstToken as unknown as { identifier?: unknown; originStack?: unknown } | undefined;
}
