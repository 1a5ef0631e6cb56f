// Quickstart: one EKS cluster with one elastic, spot-backed NVIDIA L4 node pool that scales to zero.
//
//   npx cdktf synth        (from this folder; offline, no credentials)
//
import { App } from 'cdktf';
import { Accelerator, AiPlatform, Capacity, GpuNodePool, KubernetesVersion } from 'cdktf-ai-infra';

const app = new App();

const platform = new AiPlatform(app, 'quickstart', {
  tags: { 'team': 'ml-platform', 'cost-center': 'ml-123' },
});

// Availability zones are given explicitly, so the infra stack plans without AWS API calls.
const cluster = platform.addEksCluster('prod', {
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  version: KubernetesVersion.V1_34,
});

// g6 instances (1 to 8 L4 GPUs each), spot first with on-demand fallback, zero nodes when idle.
new GpuNodePool(cluster, 'l4', {
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.spot({ fallbackToOnDemand: true }),
  minNodes: 0,
  maxNodes: 4,
});

app.synth();
