import { TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import type { KubernetesVersion } from '../core/kubernetes-version';
import type { GpuStack } from '../kubernetes/gpu-addons';
import type { AddonSettings } from '../kubernetes/helm-addon';

/** Which realisation a cluster uses. */
export class ClusterKind {
  /** An EKS cluster this program creates. */
  public static readonly EKS = new ClusterKind('eks');
  /** A cluster someone else made (on-prem, edge k3s, GKE/AKS): reached through a kubeconfig. */
  public static readonly EXISTING = new ClusterKind('existing');
  private constructor(public readonly name: string) {}
  public toString(): string { return this.name; }
}

/**
 * The layer a resource belongs to. Each cluster has up to three stacks, applied in this order:
 * cloud infrastructure, operators (Helm releases and their CRDs), workload objects.
 */
export class Layer {
  /** `<platform>-<cluster>-infra`: VPC, EKS, IAM, node groups, buckets, queues. */
  public static readonly INFRA = new Layer('infra');
  /** `<platform>-<cluster>-addons`: Helm releases of the operators and their CRDs. */
  public static readonly ADDONS = new Layer('addons');
  /** `<platform>-<cluster>-workloads`: Kubernetes objects (NodePool, InferenceService, Jobs, RBAC). */
  public static readonly WORKLOADS = new Layer('workloads');
  private constructor(public readonly name: string) {}
  public toString(): string { return this.name; }
}

/** What a cluster can do; intent constructs choose their realisation from this. */
export interface ClusterCapabilities {
  /** Karpenter can provision nodes (EKS with Karpenter enabled). */
  readonly karpenter: boolean;
  /** Cloud-managed node groups can be created (EKS). */
  readonly managedNodeGroups: boolean;
  /** Spot capacity can be requested. */
  readonly spot: boolean;
  /** Pods can get cloud credentials through workload identity (EKS Pod Identity / IRSA). */
  readonly workloadIdentity: boolean;
}

/** The stacks of one cluster. `infra` is absent for an existing cluster. */
export interface ClusterStacks {
  readonly infra?: TerraformStack;
  readonly addons: TerraformStack;
  readonly workloads: TerraformStack;
}

/**
 * The seam between portable intent constructs (GpuNodePool, ServerlessInferenceEndpoint,
 * TrainingPipeline) and cloud-specific clusters. Intent constructs see only this interface.
 */
export interface ICluster extends IConstruct, IWorkloadIdentityBinder, INodePoolProvider {
  /** Name of the cluster (the EKS cluster name, or the name given to an existing cluster). */
  readonly clusterName: string;
  /** Which realisation this cluster uses. */
  readonly kind: ClusterKind;
  /** Name of the platform this cluster belongs to (stack name prefix). */
  readonly platformName: string;
  /** The cloud whose instance types the cluster's node pools use (`aws`), when it creates nodes. */
  readonly cloud?: string;
  /** Cloud region, when the cluster is in one. */
  readonly region?: string;
  /** The cluster's stacks. */
  readonly stacks: ClusterStacks;
  /** What this cluster can do. */
  readonly capabilities: ClusterCapabilities;
  /** AWS region of the cloud resources of this cluster's workloads, when there is one. */
  readonly cloudRegion?: string;
  /** NVIDIA software for the GPU pools this program creates (device plugin or GPU Operator). */
  readonly gpuStack: GpuStack;
  /**
   * The cluster's Kubernetes minor, when known (EKS: its `version`; an existing cluster: its
   * `kubernetesVersion`). Every add-on installed on the cluster is checked against the
   * compatibility table (lib/kubernetes/compatibility.ts) with it.
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /** The prop that sets {@link kubernetesVersion} (named in compatibility errors). */
  readonly kubernetesVersionField: string;
  /** Add-on settings by Helm release name (disable an add-on, override values). */
  readonly addonSettings: Record<string, AddonSettings>;
  /** Labels put on every Kubernetes object the platform emits. */
  readonly commonLabels: Record<string, string>;
  /**
   * A construct scope inside the stack of `layer` where `owner` places its resources. The scope
   * mirrors the owner's construct path below the cluster, so ids (and Terraform addresses) stay
   * stable and readable. Throws a ConfigError when the cluster has no stack for that layer.
   */
  scopeFor(layer: Layer, owner: IConstruct): IConstruct;
  /**
   * A scope for the cloud (AWS) resources a workload of this cluster needs (buckets, queues,
   * notifications, roles): the infra stack of an EKS cluster, or the platform's
   * `<platform>-aws-<region>` stack for an existing cluster with an `awsRegion`. Throws a
   * ConfigError when the cluster has neither.
   */
  cloudScopeFor(owner: IConstruct): IConstruct;
}

/** One IAM-style permission statement for a workload (least privilege: no `*` action on `*`). */
export interface PermissionStatement {
  /** Actions, e.g. `['s3:GetObject']`. */
  readonly actions: string[];
  /** Resource ARNs, e.g. `['arn:aws:s3:::models/recs/*']`. */
  readonly resources: string[];
  /**
   * IAM condition block, e.g. `{ StringEquals: { 'aws:ResourceTag/eks:cluster-name': 'prod' } }`.
   * @default - none
   */
  readonly conditions?: Record<string, Record<string, string | string[]>>;
}

/**
 * `statements` as IAM policy statements (`Effect: Allow`, `Action`, `Resource`, `Condition` when
 * given): the one rendering every identity this library writes uses.
 * @internal
 */
export function iamStatements(statements: PermissionStatement[]): Array<Record<string, unknown>> {
  return statements.map((s) => ({ Effect: 'Allow', Action: s.actions, Resource: s.resources, ...(s.conditions ? { Condition: s.conditions } : {}) }));
}

/** An IAM policy document (JSON) of `statements`. @internal */
export function iamPolicyDocument(statements: PermissionStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: iamStatements(statements) });
}

/** What {@link IWorkloadIdentityBinder.grantWorkload} created. */
export interface WorkloadIdentity {
  /** The Kubernetes namespace of the service account. */
  readonly namespace: string;
  /** The Kubernetes service account name. */
  readonly serviceAccount: string;
  /** The cloud role the service account assumes, when the cluster has one. */
  readonly roleArn?: string;
  /** A Kubernetes Secret holding cloud credentials to mount instead (existing clusters). */
  readonly credentialsSecret?: string;
}

/** Binds a Kubernetes service account to cloud permissions (EKS Pod Identity on EKS). */
export interface IWorkloadIdentityBinder {
  /**
   * Give pods running as `namespace/serviceAccount` exactly `statements`. `owner` scopes the
   * created resources (their ids mirror its path).
   */
  grantWorkload(owner: IConstruct, namespace: string, serviceAccount: string, statements: PermissionStatement[]): WorkloadIdentity;
}

/**
 * What a cluster needs to realise a node pool: the portable description GpuNodePool computes.
 * Plain data, so that every cluster kind (EKS, existing, later GKE/AKS) can realise it.
 */
export interface NodePoolSpec {
  /** The construct asking (ids of created resources mirror its path). */
  readonly owner: IConstruct;
  /** Which provisioner realises the pool: one of {@link NodePoolProvisioners}. */
  readonly provisioner: string;
  /** DNS-label name of the pool (node group name, Karpenter NodePool name). */
  readonly name: string;
  /** Instance types, most preferred first. */
  readonly instanceTypes: string[];
  /** `on-demand`, `spot` or `reserved`. */
  readonly capacityKind: string;
  /** Spot pools may fall back to on-demand. */
  readonly fallbackToOnDemand: boolean;
  /** EKS capacity type (`ON_DEMAND`, `SPOT`, `CAPACITY_BLOCK`). */
  readonly eksCapacityType: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  /** Node labels. */
  readonly labels: Record<string, string>;
  /** Node taints (Kubernetes spelling). */
  readonly taints: Array<{ key: string; value?: string; effect: string }>;
  /** Root volume size, GiB. */
  readonly diskGiB: number;
  /** `AL2023_NVIDIA`, `BOTTLEROCKET_NVIDIA`, `AL2023_NEURON` or `AL2023_STANDARD`. */
  readonly os: string;
  /** Accelerator devices per node on the smallest and the largest instance type of the pool. */
  readonly minDevicesPerNode: number;
  readonly maxDevicesPerNode: number;
  /** Place every node in this availability zone (close to the data). @default - all zones of the cluster */
  readonly availabilityZone?: string;
  /** Launch nodes into a cluster placement group (low-latency interconnect). */
  readonly placementGroup: boolean;
  /** EFA interfaces per node (0 = none). */
  readonly efaInterfaces: number;
  /** Extended resources each node advertises (for scale-from-zero templates), e.g. `{ 'nvidia.com/gpu': '4' }`. */
  readonly extendedResources: Record<string, string>;
}

/** Provisioner names of {@link NodePoolSpec.provisioner}. */
export const NodePoolProvisioners = {
  /** EKS managed node groups scaled by the Cluster Autoscaler. */
  MANAGED_NODE_GROUP: 'eks-managed-node-group',
  /** Karpenter NodePool + EC2NodeClass. */
  KARPENTER: 'karpenter',
  /** Nodes that already exist (on-prem, edge): nothing is created. */
  EXISTING_NODES: 'existing-nodes',
} as const;

/** What the cluster created for a node pool. */
export interface NodePoolRealisation {
  /** How the pool was realised: `eks-managed-node-group`, `karpenter`, `existing-nodes`. */
  readonly provisioner: string;
  /** The main resource (escape hatch), when one was created. */
  readonly resource?: IConstruct;
}

/** A cluster that can create node pools. */
export interface INodePoolProvider {
  /** Create (or describe) the nodes of a pool. */
  realiseNodePool(spec: NodePoolSpec): NodePoolRealisation;
}
