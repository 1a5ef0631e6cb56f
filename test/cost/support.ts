/** Pools on a synthesizable platform, for cost tests. */
import { App } from 'cdktf';
import { Construct } from 'constructs';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool, GpuNodePoolProps } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { KubernetesVersion } from '../../lib/core/kubernetes-version';
import type { CostAssumptions } from '../../lib/cost/assumptions';
import type { CostLine, ICostSource } from '../../lib/cost/cost-line';
import { AiPlatform, AiPlatformProps } from '../../lib/platform/ai-platform';
import { testApp } from '../support/synth';

// Kubernetes 1.34: Knative Serving 1.23 needs it (the compatibility table).
export const PROD = { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], version: KubernetesVersion.V1_34 };

export interface Fixture {
  readonly app: App;
  readonly platform: AiPlatform;
  readonly cluster: EksCluster;
  pool(id: string, props: Partial<GpuNodePoolProps>): GpuNodePool;
}

/** A platform with one EKS cluster; `pool` adds GPU pools (g6.xlarge unless told otherwise). */
export function fixture(props: AiPlatformProps = {}, clusterProps: Record<string, unknown> = {}): Fixture {
  const app = testApp();
  const platform = new AiPlatform(app, 'acme', props);
  const cluster = platform.addEksCluster('prod', { ...PROD, ...clusterProps });
  return {
    app,
    platform,
    cluster,
    pool: (id, p) => new GpuNodePool(cluster, id, { accelerator: Accelerator.NVIDIA_L4, instanceTypes: ['g6.xlarge'], maxNodes: 4, ...p }),
  };
}

/** A stand-in for ServerlessInferenceEndpoint / TrainingPipeline: any construct with `costEstimate`. */
export class FakeWorkload extends Construct implements ICostSource {
  constructor(scope: Construct, id: string, private readonly lines: (assumptions: CostAssumptions, path: string) => CostLine[]) {
    super(scope, id);
  }
  public costEstimate(assumptions: CostAssumptions): CostLine[] {
    return this.lines(assumptions, this.node.path);
  }
}
