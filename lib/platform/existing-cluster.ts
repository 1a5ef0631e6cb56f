import { Annotations, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import type { AiPlatform } from './ai-platform';
import { ClusterCapabilities, ClusterKind, iamStatements, NodePoolRealisation, NodePoolSpec, PermissionStatement, WorkloadIdentity } from './cluster';
import { ClusterBase } from './cluster-base';
import { readableTokens, refersOnlyTo } from './readable';
import { ConfigError } from '../core/errors';
import type { KubernetesVersion } from '../core/kubernetes-version';
import { isAwsRegion, joinName, validateDnsLabel } from '../core/naming';
import type { GpuStack } from '../kubernetes/gpu-addons';
import type { AddonSettings } from '../kubernetes/helm-addon';
import { configureKubernetesProviders } from '../kubernetes/providers';

/** How Terraform reaches an existing cluster. No credential is ever written into the synthesized JSON. */
export class ClusterAccess {
  /**
   * A kubeconfig file and context on the machine that runs `cdktf deploy`.
   * @param path kubeconfig path, e.g. `~/.kube/config`
   * @param context context name; @default - the kubeconfig's current context
   */
  public static kubeconfig(path: string, context?: string): ClusterAccess {
    return new ClusterAccess({ kubeconfigPath: path, kubeconfigContext: context });
  }
  /**
   * Host, CA and token supplied at apply time through the environment the Kubernetes and Helm
   * providers read: `KUBE_HOST`, `KUBE_CLUSTER_CA_CERT_DATA`, `KUBE_TOKEN` (or `KUBE_CONFIG_PATH`).
   */
  public static fromEnvironment(): ClusterAccess {
    return new ClusterAccess({});
  }
  /**
   * An API server URL with an exec credential plugin run at apply time (for example
   * `gcloud`-, `kubelogin`- or `aws eks get-token`-style helpers).
   */
  public static exec(host: string, command: string, args: string[] = [], clusterCaBase64?: string): ClusterAccess {
    return new ClusterAccess({ host, execCommand: command, execArgs: args, clusterCaBase64 });
  }
  /** @internal */
  public readonly _access: Parameters<typeof configureKubernetesProviders>[1];
  private constructor(access: Parameters<typeof configureKubernetesProviders>[1]) {
    this._access = access;
  }
}

/** How workloads on an existing cluster get cloud permissions (it has no EKS Pod Identity of ours). */
export class ExistingWorkloadIdentity {
  /**
   * Pods read AWS credentials from a Kubernetes Secret you create out of band (keys
   * `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optionally `AWS_SESSION_TOKEN`), for example
   * one refreshed by IAM Roles Anywhere. Intent constructs mount it as environment.
   */
  public static credentialsSecret(secretName: string): ExistingWorkloadIdentity {
    return new ExistingWorkloadIdentity(secretName, undefined);
  }
  /**
   * Cloud bindings you manage (IRSA against the cluster's own OIDC issuer, EKS Anywhere, ...):
   * `namespace/serviceAccount` → role ARN. The service accounts are annotated with the role.
   */
  public static roles(roleArns: Record<string, string>): ExistingWorkloadIdentity {
    return new ExistingWorkloadIdentity(undefined, { ...roleArns });
  }
  private constructor(public readonly secretName: string | undefined, public readonly roleArns: Record<string, string> | undefined) {}
}

/** Props of {@link ExistingCluster}. */
export interface ExistingClusterProps {
  /** How Terraform reaches the cluster. @default ClusterAccess.kubeconfig('~/.kube/config') */
  readonly access?: ClusterAccess;
  /** Shorthand for `access: ClusterAccess.kubeconfig(kubeconfigPath, context)`. @default - see access */
  readonly kubeconfigPath?: string;
  /** Context of `kubeconfigPath`. @default - the current context */
  readonly context?: string;
  /** Name of the cluster in reports and labels. @default - the construct id */
  readonly clusterName?: string;
  /**
   * Where the cluster is, checked against the platform's allowed regions (data residency), e.g.
   * `eu-central-1` for a cluster in that region, or a site name listed in allowedRegions.
   * @default - not checked
   */
  readonly region?: string;
  /**
   * AWS region for the cloud resources this cluster's workloads need (buckets, queues, event
   * rules); they go into the platform's `<platform>-aws-<region>` stack.
   * @default - none: a construct that needs AWS resources fails at synth, naming this option
   */
  readonly awsRegion?: string;
  /** How workloads get cloud permissions. @default - none: a construct that needs them fails at synth, naming these options */
  readonly workloadIdentity?: ExistingWorkloadIdentity;
  /**
   * Settings of the add-ons this library installs when a construct needs them, by Helm release
   * name (`nvidia-device-plugin`, `cluster-autoscaler`, `kueue`, `karpenter-crd`, `karpenter`):
   * disable one the cluster already runs, or override values.
   * @default - every needed add-on installed with our values
   */
  readonly addons?: Record<string, AddonSettings>;
  /**
   * NVIDIA software for the GPU pools this program creates on the cluster.
   * @default GpuStack.DEVICE_PLUGIN
   */
  readonly gpuStack?: GpuStack;
  /**
   * The cluster's Kubernetes minor (`kubectl version`: Server Version), e.g.
   * `KubernetesVersion.of('1.34')`. Every add-on a construct installs on the cluster is checked
   * against the compatibility table (lib/kubernetes/compatibility.ts): a component that cannot
   * run on it (Knative Serving 1.23 below 1.34, ...) fails at synth, one that is only untested
   * there warns.
   * @default - not checked: each add-on says, as info, the Kubernetes versions it needs
   */
  readonly kubernetesVersion?: KubernetesVersion;
}

/**
 * A conformant Kubernetes cluster this program does not create (on-prem, edge k3s, a GKE or AKS
 * cluster someone else made): no infra stack; addons and workloads stacks through its API.
 */
export class ExistingCluster extends ClusterBase {
  public readonly clusterName: string;
  public readonly kind = ClusterKind.EXISTING;
  public readonly region?: string;
  public readonly capabilities: ClusterCapabilities = { karpenter: false, managedNodeGroups: false, spot: false, workloadIdentity: false };
  public readonly workloadIdentity?: ExistingWorkloadIdentity;
  public readonly cloudRegion?: string;
  public readonly kubernetesVersion?: KubernetesVersion;
  public readonly kubernetesVersionField = 'kubernetesVersion';

  constructor(platform: AiPlatform, id: string, props: ExistingClusterProps = {}) {
    super(platform, id, false, props.addons, props.gpuStack);
    this.kubernetesVersion = props.kubernetesVersion;
    const path = this.node.path;
    validateDnsLabel(id, path, 'id');
    this.clusterName = validateDnsLabel(props.clusterName ?? id, path, 'clusterName');
    this.region = props.region;
    if (props.region) platform.checkRegion(path, 'region', props.region);
    if (props.access && (props.kubeconfigPath || props.context)) {
      throw new ConfigError(path, 'access', 'access together with kubeconfigPath/context', 'either access or kubeconfigPath (+ context), not both');
    }
    if (props.kubeconfigPath !== undefined && !Token.isUnresolved(props.kubeconfigPath) && props.kubeconfigPath.trim() === '') {
      throw new ConfigError(path, 'kubeconfigPath', props.kubeconfigPath, 'a kubeconfig file path such as "~/.kube/config"');
    }
    const access = props.access ?? ClusterAccess.kubeconfig(props.kubeconfigPath ?? '~/.kube/config', props.context);
    configureKubernetesProviders(this.stacks.addons, access._access);
    configureKubernetesProviders(this.stacks.workloads, access._access);
    this.workloadIdentity = props.workloadIdentity;
    if (props.awsRegion !== undefined && !Token.isUnresolved(props.awsRegion) && !isAwsRegion(props.awsRegion)) {
      throw new ConfigError(path, 'awsRegion', props.awsRegion, 'an AWS region code such as "us-east-1"');
    }
    if (props.awsRegion) platform.checkRegion(path, 'awsRegion', props.awsRegion);
    this.cloudRegion = props.awsRegion;
  }

  public grantWorkload(owner: IConstruct, namespace: string, serviceAccount: string, statements: PermissionStatement[]): WorkloadIdentity {
    const path = owner.node.path;
    const id = this.workloadIdentity;
    const needed = readableTokens(JSON.stringify(iamStatements(statements)));
    if (!id) {
      throw new ConfigError(path, 'workloadIdentity', undefined,
        `a way for ${namespace}/${serviceAccount} on existing cluster ${this.node.path} to get cloud permissions: set workloadIdentity on the cluster to ExistingWorkloadIdentity.credentialsSecret(name) or ExistingWorkloadIdentity.roles({ "${namespace}/${serviceAccount}": roleArn }); the role needs: ${needed}`);
    }
    if (id.roleArns) {
      const roleArn = id.roleArns[`${namespace}/${serviceAccount}`];
      if (!roleArn) {
        throw new ConfigError(path, 'workloadIdentity.roles', Object.keys(id.roleArns), `a role for "${namespace}/${serviceAccount}" (its policy needs: ${needed})`);
      }
      const roleName = Token.isUnresolved(roleArn) ? serviceAccount : roleArn.split('/').pop()!;
      const policy = this.workloadPolicy(['role', roleName], statements, `role ${roleArn}`);
      Annotations.of(owner).addInfo(policy
        ? `${namespace}/${serviceAccount} uses ${roleArn}; attach IAM policy ${policy} to it (it allows ${needed})`
        : `${namespace}/${serviceAccount} uses ${roleArn}; make sure it allows ${needed}`);
      return { namespace, serviceAccount, roleArn };
    }
    const policy = this.workloadPolicy([namespace, id.secretName!], statements, `the identity whose keys secret ${namespace}/${id.secretName} holds`);
    Annotations.of(owner).addInfo(policy
      ? `${namespace}/${serviceAccount} reads AWS credentials from secret ${id.secretName}; attach IAM policy ${policy} to the identity whose keys it holds (it allows ${needed})`
      : `${namespace}/${serviceAccount} reads AWS credentials from secret ${id.secretName}; they need ${needed}`);
    return { namespace, serviceAccount, credentialsSecret: id.secretName };
  }

  /**
   * The managed policy of one AWS identity (the keys of a credentials secret in a namespace, or a
   * role), named after `key`, in the platform's AWS stack of this cluster's `awsRegion`, with
   * `statements` added: every service account using that identity adds what it needs. Returns how
   * to find the policy, for the message. Undefined when the cluster has no `awsRegion`, or a
   * statement refers to another stack's resources (a policy there would make that stack a
   * dependency of this one).
   */
  private workloadPolicy(key: string[], statements: PermissionStatement[], attachTo: string): string | undefined {
    if (!this.cloudRegion) return undefined;
    const text = JSON.stringify(statements.map((s) => [s.resources, s.conditions ?? {}]));
    // Values known only at apply time must come from that stack: it exists already then.
    const existing = this.platform._findAwsStack(this.cloudRegion);
    if (Token.isUnresolved(text) && !(existing && refersOnlyTo(text, existing))) return undefined;
    const stack = existing ?? this.platform._awsStack(this.cloudRegion);
    const root = (stack.node.tryFindChild(this.node.id) ?? new Construct(stack, this.node.id)) as Construct;
    const id = `WorkloadPolicy-${key.join('-')}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WorkloadPolicy } = require('../aws/workload-policy') as typeof import('../aws/workload-policy');
    const found = root.node.tryFindChild(id);
    const policy = found instanceof WorkloadPolicy ? found : new WorkloadPolicy(root, id, {
      policyName: joinName([this.platformName, this.clusterName, ...key], 128),
      description: `What the workloads on cluster ${this.clusterName} (platform ${this.platformName}) that use ${attachTo} need; attach it to that identity`.slice(0, 1000),
      outputId: joinName(['workload-policy', this.node.id, ...key], 200),
    });
    policy.grant(statements);
    return `${policy.policyName} (Terraform output ${policy.outputId} of stack ${stack.node.id})`;
  }

  public realiseNodePool(spec: NodePoolSpec): NodePoolRealisation {
    throw new ConfigError(spec.owner.node.path, 'provisioner', spec.provisioner,
      `nodes that already exist: ${this.node.path} is an existing cluster, where this program creates no nodes; describe them with GpuNodePool.fromExistingNodes(cluster, id, { accelerator, nodeSelector, gpus })`);
  }
}
