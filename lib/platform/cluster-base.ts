import { TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ClusterCapabilities, ClusterKind, ClusterStacks, ICluster, Layer, NodePoolRealisation, NodePoolSpec, PermissionStatement, WorkloadIdentity } from './cluster';
import { ConfigError } from '../core/errors';
import type { AiPlatform } from './ai-platform';
import { GpuNodePool, GpuNodePoolProps } from '../compute/gpu-node-pool';

/** Common code of every cluster: its stacks (at the App root, named `<platform>-<cluster>-<layer>`) and scopes. */
export abstract class ClusterBase extends Construct implements ICluster {
  public abstract readonly clusterName: string;
  public abstract readonly kind: ClusterKind;
  public abstract readonly capabilities: ClusterCapabilities;
  public abstract readonly region?: string;
  public readonly platformName: string;
  public readonly stacks: ClusterStacks;
  public readonly platform: AiPlatform;

  protected constructor(platform: AiPlatform, id: string, withInfra: boolean) {
    super(platform, id);
    this.platform = platform;
    this.platformName = platform.platformName;
    const stackName = (layer: Layer) => `${platform.platformName}-${this.node.id}-${layer.name}`;
    const infra = withInfra ? platform._createStack(stackName(Layer.INFRA)) : undefined;
    const addons = platform._createStack(stackName(Layer.ADDONS));
    const workloads = platform._createStack(stackName(Layer.WORKLOADS));
    if (infra) addons.addDependency(infra);
    workloads.addDependency(addons);
    this.stacks = { infra, addons, workloads };
  }

  public abstract grantWorkload(owner: IConstruct, namespace: string, serviceAccount: string, statements: PermissionStatement[]): WorkloadIdentity;
  public abstract realiseNodePool(spec: NodePoolSpec): NodePoolRealisation;

  /** Add a GPU node pool: the same as `new GpuNodePool(this, id, props)`. */
  public addGpuNodePool(id: string, props: GpuNodePoolProps): GpuNodePool {
    return new GpuNodePool(this, id, props);
  }

  public get commonLabels(): Record<string, string> {
    return this.platform.commonLabels;
  }

  public scopeFor(layer: Layer, owner: IConstruct): IConstruct {
    const stack = this.stackOf(layer, owner);
    // Mirror the owner's path below this cluster inside the layer's stack.
    const rel = owner.node.scopes.slice(this.node.scopes.length).map((s) => s.node.id);
    let scope: IConstruct = stack;
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
