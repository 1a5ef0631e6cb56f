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
  version: KubernetesVersion.V1_35,
  // The identity that runs `cdktf deploy` (cluster admin through an access entry), and its path
  // to the API: a public endpoint open only to the runner's egress IPs (replace the example range).
  deployerPrincipalArn: 'arn:aws:iam::111122223333:role/ci-deployer',
  endpointPublicAccess: true,
  publicAccessCidrs: ['203.0.113.0/24'],
  // A fresh account has no Spot service-linked role yet (set false where it exists).
  createSpotServiceLinkedRole: true,
});

// g6.xlarge (one L4 GPU: a managed node group takes one instance shape), spot first with on-demand
// fallback, zero nodes when idle.
new GpuNodePool(cluster, 'l4', {
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.spot({ fallbackToOnDemand: true }),
  minNodes: 0,
  maxNodes: 4,
});

app.synth();
