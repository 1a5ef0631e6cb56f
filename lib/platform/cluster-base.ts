import { Aspects, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import type { AiPlatform } from './ai-platform';
import { ClusterCapabilities, ClusterKind, ClusterStacks, ICluster, Layer, NodePoolRealisation, NodePoolSpec, PermissionStatement, WorkloadIdentity } from './cluster';
import { GpuNodePool, GpuNodePoolProps } from '../compute/gpu-node-pool';
import { ConfigError } from '../core/errors';
import type { KubernetesVersion } from '../core/kubernetes-version';
import { validateDnsLabel } from '../core/naming';
import { addonsScope, GpuStack } from '../kubernetes/gpu-addons';
import { AddonSettings, HelmAddon, KNOWN_ADDONS } from '../kubernetes/helm-addon';
import { NamespaceOrdering } from '../kubernetes/manifest';

/** Common code of every cluster: its stacks (at the App root, named `<platform>-<cluster>-<layer>`) and scopes. */
export abstract class ClusterBase extends Construct implements ICluster {
  public abstract readonly clusterName: string;
  public abstract readonly kind: ClusterKind;
  public abstract readonly capabilities: ClusterCapabilities;
  public abstract readonly region?: string;
  public abstract readonly cloudRegion?: string;
  public readonly cloud?: string;
  public readonly platformName: string;
  public readonly stacks: ClusterStacks;
  public readonly platform: AiPlatform;

  public readonly addonSettings: Record<string, AddonSettings>;
  public abstract readonly kubernetesVersion?: KubernetesVersion;
  public abstract readonly kubernetesVersionField: string;
  public readonly gpuStack: GpuStack;

  protected constructor(
    platform: AiPlatform, id: string, withInfra: boolean,
    addonSettings: Record<string, AddonSettings> = {}, gpuStack: GpuStack = GpuStack.DEVICE_PLUGIN,
  ) {
    super(platform, id);
    this.gpuStack = gpuStack;
    for (const name of Object.keys(addonSettings)) {
      if (!(KNOWN_ADDONS as readonly string[]).includes(name)) {
        throw new ConfigError(this.node.path, `addons.${name}`, name, `one of the add-ons this library installs: ${KNOWN_ADDONS.join(', ')} (add any other chart with addHelmChart)`);
      }
    }
    this.addonSettings = { ...addonSettings };
    this.platform = platform;
    this.platformName = platform.platformName;
    const stackName = (layer: Layer) => `${platform.platformName}-${this.node.id}-${layer.name}`;
    const infra = withInfra ? platform._createStack(stackName(Layer.INFRA)) : undefined;
    const addons = platform._createStack(stackName(Layer.ADDONS));
    const workloads = platform._createStack(stackName(Layer.WORKLOADS));
    if (infra) addons.addDependency(infra);
    workloads.addDependency(addons);
    // Namespaced objects wait for their Namespace (same stack) at apply.
    for (const stack of [addons, workloads]) Aspects.of(stack).add(new NamespaceOrdering());
    this.stacks = { infra, addons, workloads };
  }

  public abstract grantWorkload(owner: IConstruct, namespace: string, serviceAccount: string, statements: PermissionStatement[]): WorkloadIdentity;
  public abstract realiseNodePool(spec: NodePoolSpec): NodePoolRealisation;

  /**
   * Install any Helm chart in this cluster's addons stack (pin its version). Returns the
   * `helm_release` construct. Values you give are rendered as one values document.
   */
  public addHelmChart(id: string, options: HelmChartOptions): IConstruct {
    const path = `${this.node.path}/${id}`;
    if (!/^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/.test(options.version)) {
      throw new ConfigError(path, 'version', options.version, 'an exact chart version such as "1.2.3" (ranges and "latest" make deploys unrepeatable)');
    }
    validateDnsLabel(options.releaseName ?? id, path, 'releaseName');
    validateDnsLabel(options.namespace, path, 'namespace');
    const addon = new HelmAddon(addonsScope(this) as Construct, id, {
      releaseName: options.releaseName ?? id,
      chart: { repository: options.repository, chart: options.chart, version: options.version, namespace: options.namespace },
    });
    if (options.values) addon.addValues(() => options.values!);
    return addon;
  }

  /** Add a GPU node pool: the same as `new GpuNodePool(this, id, props)`. */
  public addGpuNodePool(id: string, props: GpuNodePoolProps): GpuNodePool {
    return new GpuNodePool(this, id, props);
  }

  public get commonLabels(): Record<string, string> {
    return this.platform.commonLabels;
  }

  public scopeFor(layer: Layer, owner: IConstruct): IConstruct {
    return this.mirror(this.stackOf(layer, owner), owner);
  }

  public cloudScopeFor(owner: IConstruct): IConstruct {
    if (this.stacks.infra) return this.scopeFor(Layer.INFRA, owner);
    if (!this.cloudRegion) {
      throw new ConfigError(owner.node.path, 'awsRegion', undefined,
        `an AWS region on ${this.kind.name} cluster ${this.node.path} (awsRegion: 'us-east-1'): ${owner.node.id} needs AWS resources, which go into the platform's ${this.platformName}-aws-<region> stack`);
    }
    const stack = this.platform._awsStack(this.cloudRegion);
    const clusterScope = stack.node.tryFindChild(this.node.id) ?? new Construct(stack, this.node.id);
    return this.mirror(clusterScope, owner);
  }

  /** Mirror the owner's path below this cluster inside `root`. */
  private mirror(root: IConstruct, owner: IConstruct): IConstruct {
    const rel = owner.node.scopes.slice(this.node.scopes.length).map((s) => s.node.id);
    let scope: IConstruct = root;
    for (const segment of rel) {
      scope = scope.node.tryFindChild(segment) ?? new Construct(scope, segment);
    }
    return scope;
  }

  private stackOf(layer: Layer, owner: IConstruct): TerraformStack {
    const stack = layer === Layer.INFRA ? this.stacks.infra : layer === Layer.ADDONS ? this.stacks.addons : this.stacks.workloads;
    if (!stack) {
      throw new ConfigError(owner.node.path, 'cluster', `${this.kind.name} cluster ${this.node.path}`,
        `a cluster with a ${layer.name} stack: ${this.kind.name} clusters have no cloud infrastructure stack; use an EKS cluster for cloud resources`);
    }
    return stack;
  }
}

/** Options of {@link ClusterBase.addHelmChart}. */
export interface HelmChartOptions {
  /** Chart repository URL or `oci://` registry. */
  readonly repository: string;
  readonly chart: string;
  /** Exact chart version (pinned: no ranges). */
  readonly version: string;
  readonly namespace: string;
  /** @default - the construct id */
  readonly releaseName?: string;
  /** @default - chart defaults */
  readonly values?: Record<string, unknown>;
}
