/**
 * What the policy rules see of a stack: its Terraform elements, resolved to the JSON Terraform
 * reads (cached), its Kubernetes objects, and the intent constructs around it (the cluster the
 * stack belongs to, its GPU pools). @internal
 */
import {
  DefaultTokenResolver, StringConcat, TerraformBackend, TerraformDataSource, TerraformElement,
  TerraformProvider, TerraformResource, TerraformStack, Token, Tokenization,
} from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { isObject } from './k8s';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** A Terraform element of a stack with its synthesized attributes. */
export interface ResolvedElement {
  readonly construct: IConstruct;
  /** `resource`, `data`, `provider` or `backend`. */
  readonly kind: string;
  /** Resource or data source type (`aws_s3_bucket`), provider name (`aws`) or backend type (`s3`). */
  readonly type: string;
  /** Logical id (the name in `<type>.<name>`). */
  readonly id: string;
  /** Attributes as written to cdk.tf.json (tokens rendered as `${...}` expressions). */
  readonly attrs: Record<string, any>;
}

/** A Kubernetes object emitted as `kubernetes_manifest`. */
export interface ManifestElement extends ResolvedElement {
  readonly manifest: Record<string, any>;
}

/** A GPU pool of the stack's cluster, as the rules need it. */
export interface PoolFacts {
  readonly construct: IConstruct;
  readonly poolName: string;
  readonly resourceName: string;
  readonly nodeSelector: Record<string, string>;
  readonly capacityKind: string;
  /** Units of `resourceName` per node, when known (pools this program creates). */
  readonly unitsPerNode?: number;
}

/** One stack as the rules see it. */
export class StackView {
  private readonly cache = new Map<IConstruct, ResolvedElement | null>();
  private all?: ResolvedElement[];
  private byType?: Map<string, ResolvedElement[]>;
  private allManifests?: ManifestElement[];

  constructor(
    public readonly stack: TerraformStack,
    /** The cluster construct whose stack this is, when a platform owns it. */
    public readonly cluster: IConstruct | undefined,
    /** The platform construct, when a platform owns the stack. */
    public readonly platform: IConstruct | undefined,
  ) {}

  /**
   * The resolved element of `node`, or undefined when it is not a Terraform element some rule
   * reads. Resolving is the cost of the checks (synth resolves everything once more), so resources
   * no rule reads are skipped before they are resolved: see {@link isReadByRules}.
   */
  public element(node: IConstruct): ResolvedElement | undefined {
    if (!this.cache.has(node)) this.cache.set(node, isReadByRules(node) ? resolveElement(this.stack, node) ?? null : null);
    return this.cache.get(node) ?? undefined;
  }

  /** Every element of the stack (resolved once). */
  public elements(): ResolvedElement[] {
    if (!this.all) {
      this.all = this.stack.node.findAll().map((n) => this.element(n)).filter((e): e is ResolvedElement => e !== undefined);
    }
    return this.all;
  }

  /** Resources (and data sources) of one type (computed once per type: the rules ask often). */
  public ofType(type: string): ResolvedElement[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const e of this.elements()) {
        if (e.kind !== 'resource' && e.kind !== 'data') continue;
        const same = this.byType.get(e.type);
        if (same) same.push(e);
        else this.byType.set(e.type, [e]);
      }
    }
    return [...(this.byType.get(type) ?? [])];
  }

  /** Every Kubernetes object of the stack (computed once). */
  public manifests(): ManifestElement[] {
    this.allManifests ??= this.ofType('kubernetes_manifest')
      .filter((e) => isObject(e.attrs.manifest))
      .map((e) => ({ ...e, manifest: e.attrs.manifest as Record<string, any> }));
    return [...this.allManifests];
  }

  /** Objects of one apiVersion group and kind (`kind` only when group is undefined). */
  public objects(kind: string, group?: string): ManifestElement[] {
    return this.manifests().filter((m) => m.manifest.kind === kind && (group === undefined || String(m.manifest.apiVersion).startsWith(`${group}/`)));
  }

  /** The GPU pools of the stack's cluster. */
  public pools(): PoolFacts[] {
    if (!this.cluster) return [];
    return this.cluster.node.findAll().filter(isPoolLike).map((p: any) => ({
      construct: p,
      poolName: p.poolName,
      resourceName: p.resourceName,
      nodeSelector: { ...p.nodeSelector },
      capacityKind: String(p.capacity?.kind ?? 'on-demand'),
      unitsPerNode: typeof p.unitsPerNode === 'number' ? p.unitsPerNode : undefined,
    }));
  }

  /**
   * The intent construct that emitted `node`: the construct below the cluster whose path the
   * node's scope mirrors (cluster stacks mirror the owner's path below the cluster), else the
   * cluster, else undefined.
   */
  public ownerOf(node: IConstruct): IConstruct | undefined {
    if (!this.platform) return undefined;
    const rel = node.node.scopes.slice(this.stack.node.scopes.length).map((s) => s.node.id);
    let cursor: IConstruct | undefined = this.cluster;
    if (!cursor) {
      // The platform's own cloud stack: its first level is the cluster id.
      const clusterId = rel.shift();
      const candidate = clusterId ? this.platform.node.tryFindChild(clusterId) : undefined;
      cursor = candidate && isClusterLike(candidate) ? candidate : this.platform;
    }
    let owner: IConstruct = cursor;
    for (const segment of rel) {
      const child: IConstruct | undefined = owner.node.tryFindChild(segment);
      if (!child) break;
      owner = child;
    }
    return owner;
  }
}

/** The cluster (child of `platform`) whose stacks include `stack`, if any. */
export function clusterOfStack(platform: IConstruct, stack: TerraformStack): IConstruct | undefined {
  return platform.node.children.find((c) => {
    if (!isClusterLike(c)) return false;
    const stacks = (c as any).stacks as Record<string, TerraformStack | undefined>;
    return Object.values(stacks).includes(stack);
  });
}

function isClusterLike(c: IConstruct): boolean {
  const x = c as any;
  return typeof x.clusterName === 'string' && isObject(x.stacks);
}

function isPoolLike(c: IConstruct): boolean {
  const x = c as any;
  return typeof x.poolName === 'string' && typeof x.resourceName === 'string' && isObject(x.nodeSelector) && x.accelerator !== undefined;
}

/**
 * Resource types the rules read (the S3 companions of a bucket, nodes and volumes, queues, EKS,
 * node groups, Kubernetes objects). Any other AWS resource is read only when its unresolved
 * attributes carry an IAM policy (a `Statement`, a policy ARN), for the IAM wildcard rule.
 */
const TYPES_READ = new Set([
  'aws_s3_bucket', 'aws_s3_bucket_public_access_block', 'aws_s3_account_public_access_block', 'aws_s3_bucket_versioning',
  'aws_s3_bucket_server_side_encryption_configuration', 'aws_launch_template', 'aws_instance', 'aws_ebs_volume', 'aws_sqs_queue',
  'aws_eks_cluster', 'aws_eks_node_group', 'aws_iam_policy_document', 'kubernetes_manifest',
]);

/** Whether some rule reads `node` (providers and backends always; resources per {@link TYPES_READ}). */
export function isReadByRules(node: IConstruct): boolean {
  if (node instanceof TerraformProvider || node instanceof TerraformBackend) return true;
  if (!(node instanceof TerraformResource || node instanceof TerraformDataSource)) return false;
  const type = node.terraformResourceType;
  if (TYPES_READ.has(type)) return true;
  if (!type.startsWith('aws_')) return false;
  const raw = JSON.stringify((node as unknown as { synthesizeAttributes(): unknown }).synthesizeAttributes())
    + JSON.stringify((node as unknown as { rawOverrides?: unknown }).rawOverrides ?? {});
  return /Statement|policy_arn|PolicyArn|policyArn|AdministratorAccess/.test(raw);
}

/**
 * `Tokenization.resolve(value)` in `stack`, with the same result, but plain data is copied as it
 * is and only the parts that may hold a token go through cdktf's resolver. cdktf resolves every
 * string, key and number of a value through fresh resolution contexts and several regular
 * expressions; most of what the rules read (Kubernetes objects, above all) is plain data, and the
 * checks resolved it for the third time in a synth (after cdktf's prepare and before its write).
 * A subtree is handed to cdktf as soon as it may hold a token: an IResolvable, a string with `{`
 * (string, list and map token markers) or with the text of an encoded number, an encoded number,
 * a key that may be a token. test/policy/view.test.ts checks the equivalence on every element of
 * the examples. @internal
 */
export function resolveForRules(stack: TerraformStack, value: unknown): any {
  const cdktf = (x: unknown) => Tokenization.resolve(x, { scope: stack, resolver: RESOLVER });
  const mayHoldToken = (str: string) => str.includes('{') || /e\+\d/.test(str);
  const walk = (x: unknown): unknown => {
    if (x === null || x === undefined) return x;
    if (typeof x === 'string') return mayHoldToken(x) ? cdktf(x) : x;
    if (typeof x === 'number') return Token.isUnresolved(x) ? cdktf(x) : x;
    if (typeof x !== 'object' || x instanceof Date) return typeof x === 'function' ? cdktf(x) : x;
    if (Array.isArray(x)) {
      if (x.some((e) => (typeof e === 'string' && mayHoldToken(e)) || (typeof e === 'number' && Token.isUnresolved(e)))) return cdktf(x);
      return x.map(walk).filter((e) => e !== undefined);
    }
    if (Tokenization.isResolvable(x) || Construct.isConstruct(x)) return cdktf(x); // a construct: cdktf's error
    const keys = Object.keys(x);
    if (keys.some(mayHoldToken)) return cdktf(x);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = walk((x as Record<string, unknown>)[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  };
  return walk(value);
}

function resolveElement(stack: TerraformStack, node: IConstruct): ResolvedElement | undefined {
  const readable = node instanceof TerraformResource || node instanceof TerraformDataSource
    || node instanceof TerraformProvider || node instanceof TerraformBackend;
  if (!readable) return undefined;
  let tf: any;
  try {
    tf = resolveForRules(stack, (node as TerraformElement).toTerraform());
  } catch {
    return undefined; // an element that cannot render now fails synth on its own, with a better message
  }
  if (node instanceof TerraformResource || node instanceof TerraformDataSource) {
    const block = node instanceof TerraformResource ? tf?.resource : tf?.data;
    const byId = block?.[node.terraformResourceType];
    const id = byId ? Object.keys(byId)[0] : undefined;
    if (!id) return undefined;
    return { construct: node, kind: node instanceof TerraformResource ? 'resource' : 'data', type: node.terraformResourceType, id, attrs: byId[id] ?? {} };
  }
  if (node instanceof TerraformProvider) {
    const blocks = tf?.provider?.[node.terraformResourceType];
    const attrs = Array.isArray(blocks) ? blocks[0] : blocks;
    return { construct: node, kind: 'provider', type: node.terraformResourceType, id: node.terraformResourceType, attrs: attrs ?? {} };
  }
  if (node instanceof TerraformBackend) {
    const backend = tf?.terraform?.backend ?? {};
    const type = Object.keys(backend)[0];
    return type ? { construct: node, kind: 'backend', type, id: type, attrs: backend[type] ?? {} } : undefined;
  }
  return undefined;
}

/** `x` as a list (Terraform JSON renders single blocks as objects or one-element lists). */
export function list(x: unknown): any[] {
  if (x === undefined || x === null) return [];
  return Array.isArray(x) ? x : [x];
}

/** The first block of `x`. */
export function first(x: unknown): any {
  return list(x)[0];
}

/** Whether a rendered value is true (`true` or `"true"`). */
export function isTrue(x: unknown): boolean {
  return x === true || x === 'true';
}

/** Whether a rendered value is an unresolved Terraform expression. */
export function isExpression(x: unknown): boolean {
  return typeof x === 'string' && x.includes('${');
}
