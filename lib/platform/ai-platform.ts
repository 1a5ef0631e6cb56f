import { Annotations, App, LocalBackend, S3Backend, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { PlatformBucket, PlatformBucketProps } from './bucket';
import { ExistingCluster, ExistingClusterProps } from './existing-cluster';
import { BudgetAction, BudgetAlertOptions, PlatformGuardrails } from './report';
import type { EksCluster, EksClusterProps } from '../aws/eks-cluster';
import { cidrsOverlap, Ipv4Cidr } from '../core/cidr';
import { ConfigError } from '../core/errors';
import { isAwsRegion, validateDnsLabel } from '../core/naming';
import { Labels } from '../core/well-known';
import type { CostAssumptions } from '../cost/assumptions';
import type { PlatformCostEstimate } from '../cost/estimate';
import { enableMonitoring, MonitoringOptions } from '../kubernetes/observability';
import type { PolicyChecks, PolicyChecksProps } from '../policy/engine';

/** Where Terraform keeps the state of every stack of the platform. */
export class StateBackend {
  /**
   * Local state files, `terraform.<stack>.tfstate` in the folder that holds the cdktf output
   * folder (where cdktf puts them by default), written as a path relative to the stack folder so
   * that the synthesized JSON holds no machine path and cross-stack reads find the same file.
   */
  public static local(): StateBackend {
    return new StateBackend('local', undefined);
  }
  /**
   * An S3 bucket, one key per stack (`<keyPrefix><stack>.tfstate`), server-side encrypted, with
   * S3-native locking (`use_lockfile`, Terraform ≥ 1.10).
   */
  public static s3(options: S3StateBackendOptions): StateBackend {
    return new StateBackend('s3', options);
  }
  private constructor(public readonly kind: string, public readonly s3Options: S3StateBackendOptions | undefined) {}

  /** @internal */
  public _applyTo(stack: TerraformStack): void {
    if (!this.s3Options) {
      // Stack folders are <outdir>/stacks/<name>: three levels up is the project folder.
      new LocalBackend(stack, { path: `../../../terraform.${stack.node.id}.tfstate` });
      return;
    }
    const o = this.s3Options;
    const backend = new S3Backend(stack, {
      bucket: o.bucket,
      key: `${o.keyPrefix ?? ''}${stack.node.id}.tfstate`,
      region: o.region,
      encrypt: true,
      kmsKeyId: o.kmsKeyId,
    });
    // cdktf 0.21 has no typed `use_lockfile` (S3-native locking); the override is what Terraform reads.
    backend.addOverride('use_lockfile', true);
    // Terraform before 1.10 rejects `use_lockfile` (or, with it unknown, would run without a lock):
    // say which Terraform the stack needs.
    stack.addOverride('terraform.required_version', '>= 1.10.0');
  }
}

/** Options of {@link StateBackend.s3}. */
export interface S3StateBackendOptions {
  /** The state bucket (must exist; versioning on is recommended). */
  readonly bucket: string;
  /** Region of the state bucket. */
  readonly region: string;
  /**
   * Prefix of every state key.
   * @default - no prefix: `<stack>.tfstate`
   */
  readonly keyPrefix?: string;
  /**
   * KMS key for state encryption.
   * @default - SSE-S3 (encrypt = true)
   */
  readonly kmsKeyId?: string;
}

/** Props of {@link AiPlatform}. */
export interface AiPlatformProps {
  /**
   * Name of the platform: the prefix of every stack (`<platform>-<cluster>-<layer>`).
   * A DNS-1123 label.
   * @default - the construct id
   */
  readonly platformName?: string;
  /**
   * Tags put on every taggable AWS resource (the `default_tags` of the platform's AWS providers,
   * so resources you add to the platform's stacks get them too; a tag set on a resource wins), and,
   * where they are valid label keys and values, as labels on every Kubernetes object the platform
   * emits.
   * @default - only `managed-by: cdktf-ai-infra` and `ai-platform: <platformName>`
   */
  readonly tags?: Record<string, string>;
  /**
   * Regions where this platform may place cloud resources (data residency). A cluster in any
   * other region is rejected at synth.
   * @default - any region
   */
  readonly allowedRegions?: string[];
  /**
   * Where Terraform state lives.
   * @default StateBackend.local()
   */
  readonly stateBackend?: StateBackend;
  /**
   * Monthly budget, USD. At synth, the estimated upper bound (every pool at max nodes, see
   * `cost-report.md`) is checked against it (`budgetAction`), and an AWS Budgets budget with alert
   * thresholds is created in the platform's first AWS stack (on the `ai-platform` cost tag).
   * @default - no budget
   */
  readonly budgetMonthlyUsd?: number;
  /**
   * What an upper bound above `budgetMonthlyUsd` does at synth.
   * @default BudgetAction.WARN
   */
  readonly budgetAction?: BudgetAction;
  /**
   * Alert thresholds and subscribers of the AWS Budgets budget.
   * @default - 80 % forecast and 100 % actual, no subscribers (the budget tracks, nobody is alerted)
   */
  readonly budgetAlerts?: BudgetAlertOptions;
  /**
   * Assumptions of the cost estimate (Spot discount, hours per month, autoscaling delays...).
   * @default CostAssumptions.defaults() (every value stated in the report)
   */
  readonly costAssumptions?: CostAssumptions;
  /**
   * Policy checks (security baseline and AI rules) on every stack of the platform: turn them off,
   * or change the severity of single rules. Suppress per construct with `Policy.suppress`.
   * @default - every rule on with its own severity
   */
  readonly policy?: PolicyChecksProps;
  /**
   * Monitoring of every cluster added with `addEksCluster` / `addExistingCluster` (DCGM exporter,
   * Prometheus Operator CRDs, optional CloudWatch Container Insights on EKS). A cluster's own
   * `monitoring` prop wins.
   * @default - no monitoring
   */
  readonly monitoring?: MonitoringOptions;
  /**
   * Write `cost-report.md`, `cost-report.json` and `platform.md` (Mermaid diagram) into the App's
   * output folder at synth.
   * @default true
   */
  readonly report?: boolean;
}

/**
 * The root of a cdktf-ai-infra program: one platform, any number of clusters (new EKS clusters
 * and existing on-prem or edge clusters), each with its three layered stacks.
 */
export class AiPlatform extends Construct {
  /** The platform name (stack name prefix). */
  public readonly platformName: string;
  /** Tags applied to every taggable AWS resource (the AWS providers' `default_tags`). */
  public readonly tags: Record<string, string>;
  /** Labels applied to every Kubernetes object. */
  public readonly commonLabels: Record<string, string>;
  /** Allowed regions, or undefined for any. */
  public readonly allowedRegions?: string[];
  /** Monitoring applied to the clusters of the platform, if any. */
  public readonly monitoring?: MonitoringOptions;
  /** @internal Cost estimate, budget, policy checks and report. */
  public readonly _guardrails: PlatformGuardrails;
  private readonly app: App;
  private readonly backend: StateBackend;
  private readonly vpcCidrs: Array<{ cidr: Ipv4Cidr; path: string }> = [];
  /** Every stack of the platform, and the storage stacks among them (the others depend on those). */
  private readonly platformStacks: TerraformStack[] = [];
  private readonly storageStacks: TerraformStack[] = [];
  private readonly buckets = new Map<string, PlatformBucket>();

  constructor(scope: Construct, id: string, props: AiPlatformProps = {}) {
    super(scope, id);
    this.platformName = validateDnsLabel(props.platformName ?? id, this.node.path, 'platformName');
    this.app = App.of(this);
    this.backend = props.stateBackend ?? StateBackend.local();
    this.tags = { 'managed-by': 'cdktf-ai-infra', 'ai-platform': this.platformName, ...(props.tags ?? {}) };
    this.commonLabels = {
      [Labels.APP_PART_OF]: this.platformName,
      [Labels.APP_MANAGED_BY]: 'cdktf-ai-infra',
      ...labelsFromTags(this, props.tags ?? {}),
    };
    if (props.allowedRegions !== undefined) {
      if (props.allowedRegions.length === 0) {
        throw new ConfigError(this.node.path, 'allowedRegions', props.allowedRegions, 'at least one region, e.g. ["eu-central-1"], or leave it unset to allow any');
      }
      this.allowedRegions = [...props.allowedRegions];
    }
    this.monitoring = props.monitoring;
    this._guardrails = new PlatformGuardrails(this, {
      assumptions: props.costAssumptions,
      budgetMonthlyUsd: props.budgetMonthlyUsd,
      budgetAction: props.budgetAction,
      budgetAlerts: props.budgetAlerts,
      policy: props.policy,
      allowedRegions: this.allowedRegions,
      writeReport: props.report,
    });
  }

  /** The policy checks run on every stack of the platform (their findings fill in at synth). */
  public get policyChecks(): PolicyChecks {
    return this._guardrails.policy;
  }

  /**
   * The platform's cost estimate: every cost source of the construct tree (pools, endpoints,
   * pipelines...) under the platform's assumptions. Call it once the program is complete.
   */
  public platformCostEstimate(): PlatformCostEstimate {
    return this._guardrails.costEstimate();
  }

  /**
   * Add a new EKS cluster (its VPC or an existing one, EKS, system nodes, identity) with its
   * infra, addons and workloads stacks.
   */
  public addEksCluster(id: string, props: EksClusterProps): EksCluster {
    // Loaded on first use: a program without EKS never loads the AWS bindings.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { EksCluster: Eks } = require('../aws/eks-cluster') as typeof import('../aws/eks-cluster');
    this.checkNewClusterId(id);
    return new Eks(this, id, props);
  }

  /**
   * Add a cluster this program does not create (on-prem, edge, another cloud's): addons and
   * workloads stacks only, reached through a kubeconfig or credentials supplied at apply time.
   */
  public addExistingCluster(id: string, props: ExistingClusterProps = {}): ExistingCluster {
    this.checkNewClusterId(id);
    const cluster = new ExistingCluster(this, id, props);
    if (this.monitoring) enableMonitoring(cluster, this.monitoring);
    return cluster;
  }

  /**
   * Add an S3 bucket for models, training data or checkpoints, with the library's safe defaults
   * (see {@link PlatformBucket}), in the storage stack `<platform>-storage-<region>`: created
   * before and kept apart from every cluster's stacks.
   */
  public addBucket(id: string, props: PlatformBucketProps): PlatformBucket {
    const path = `${this.node.path}/${id}`;
    if (props.region === undefined || Token.isUnresolved(props.region) || !isAwsRegion(props.region)) {
      throw new ConfigError(path, 'region', props.region, 'an AWS region code such as "us-east-1"');
    }
    this.checkRegion(path, 'region', props.region);
    if (this.buckets.has(id)) {
      throw new ConfigError(path, 'id', id, `a bucket id not used yet in platform ${this.platformName} (taken: ${[...this.buckets.keys()].join(', ')})`);
    }
    const sameName = [...this.buckets.values()].find((b) => b.bucketName === props.bucketName);
    if (sameName) {
      throw new ConfigError(path, 'bucketName', props.bucketName, `a bucket name not used by another bucket of the platform (${sameName.node.path} has it)`);
    }
    const name = `${this.platformName}-storage-${props.region}`;
    const stack = this.storageStacks.find((s) => s.node.id === name) ?? this.createAwsStack(name, props.region, true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { partitionOf } = require('../aws/arn') as typeof import('../aws/arn');
    const bucket = new PlatformBucket(stack, id, props, partitionOf(props.region));
    this.buckets.set(id, bucket);
    return bucket;
  }

  /** The buckets added with {@link addBucket}. */
  public get platformBuckets(): PlatformBucket[] {
    return [...this.buckets.values()];
  }

  /** A cluster id must be new within the platform (ids name the stacks). */
  private checkNewClusterId(id: string): void {
    if (this.node.tryFindChild(id)) {
      const taken = this.node.children.map((c) => c.node.id).join(', ');
      throw new ConfigError(`${this.node.path}/${id}`, 'id', id, `a cluster id not used yet in platform ${this.platformName} (taken: ${taken}); it names the cluster's stacks`);
    }
  }

  /** Checks `region` against {@link AiPlatformProps.allowedRegions}. */
  public checkRegion(path: string, field: string, region: string): void {
    if (!this.allowedRegions || Token.isUnresolved(region)) return;
    if (!this.allowedRegions.includes(region)) {
      throw new ConfigError(path, field, region, `one of the platform's allowed regions (data residency): ${this.allowedRegions.join(', ')}`);
    }
  }

  /** @internal The platform's `<platform>-aws-<region>` stack, if it exists already. */
  public _findAwsStack(region: string): TerraformStack | undefined {
    return this.app.node.tryFindChild(`${this.platformName}-aws-${region}`) as TerraformStack | undefined;
  }

  /**
   * @internal The platform's stack for AWS resources not owned by a cluster (used by workloads of
   * existing clusters): `<platform>-aws-<region>`, created on first use with its AWS provider.
   */
  public _awsStack(region: string): TerraformStack {
    this.checkRegion(this.node.path, 'awsRegion', region);
    const existing = this._findAwsStack(region);
    if (existing) return existing;
    return this.createAwsStack(`${this.platformName}-aws-${region}`, region);
  }

  /** A platform stack with its AWS provider (the platform tags as `default_tags`). */
  private createAwsStack(name: string, region: string, storage: boolean = false): TerraformStack {
    const stack = this._createStack(name, storage);
    this._addAwsProvider(stack, region);
    return stack;
  }

  /**
   * @internal The AWS provider of a platform stack: `region`, the platform tags as `default_tags`.
   * The stack then counts as an AWS stack of the platform (the budget goes into the first).
   */
  public _addAwsProvider(stack: TerraformStack, region: string): void {
    // Loaded on first use: a program without AWS never loads the AWS bindings.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AwsProvider } = require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider');
    new AwsProvider(stack, 'aws', { region, defaultTags: [{ tags: { ...this.tags } }] });
    this._guardrails.onAwsStack(stack);
  }

  /** @internal Record a new VPC's range; throws when it overlaps another VPC of the platform. */
  public _claimVpcCidr(cidr: Ipv4Cidr, path: string): void {
    const other = this.vpcCidrs.find((c) => cidrsOverlap(c.cidr, cidr));
    if (other) {
      throw new ConfigError(path, 'vpcCidr', cidr.cidr, `a range that does not overlap ${other.cidr.cidr} of ${other.path} (clusters of one platform get distinct ranges so that they can be connected), e.g. "10.${(Math.floor(cidr.first / 65536) % 256) + 1}.0.0/16"`);
    }
    this.vpcCidrs.push({ cidr, path });
  }

  /**
   * @internal Create a stack at the App root with the platform's backend and guardrails. Storage
   * stacks come first: every other stack of the platform depends on each of them.
   */
  public _createStack(name: string, storage: boolean = false): TerraformStack {
    if (this.app.node.tryFindChild(name)) {
      throw new ConfigError(this.node.path, 'id', name, 'a cluster id unique within the app (a stack of that name already exists)');
    }
    const stack = new TerraformStack(this.app, name);
    this.backend._applyTo(stack);
    this._guardrails.attach(stack);
    if (storage) {
      for (const other of this.platformStacks) other.addDependency(stack);
      this.storageStacks.push(stack);
    } else {
      for (const store of this.storageStacks) stack.addDependency(store);
    }
    this.platformStacks.push(stack);
    return stack;
  }
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
function labelsFromTags(scope: Construct, tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) {
    const name = k.includes('/') ? k.split('/').pop()! : k;
    if (LABEL_NAME.test(name) && (v === '' || LABEL_NAME.test(v))) out[k] = v;
    else Annotations.of(scope).addWarning(`tag ${k}=${v} is not a valid Kubernetes label; it is applied to AWS resources only`);
  }
  return out;
}
