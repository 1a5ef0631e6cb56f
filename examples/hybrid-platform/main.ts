// Hybrid platform: one new EKS cluster for elastic GPU capacity, and an existing on-prem cluster
// (reached through a kubeconfig) whose A100 nodes sit next to the training data, in one program.
//
//   npx cdktf synth        (from this folder; offline, no credentials)
//
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, ExistingWorkloadIdentity, GpuNodePool, GpuSharing, KubernetesVersion, NodeProvisioner, StateBackend,
} from 'cdktf-ai-infra';

const app = new App();

const platform = new AiPlatform(app, 'acme-ml', {
  tags: { team: 'ml-platform' },
  // Data residency: nothing may land outside these regions.
  allowedRegions: ['us-east-1', 'on-prem-fra'],
  stateBackend: StateBackend.s3({ bucket: 'acme-terraform-state', region: 'us-east-1', keyPrefix: 'ai-platform/' }),
});

// Elastic GPUs on AWS: private API endpoint, admins through EKS access entries.
const prod = platform.addEksCluster('prod', {
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  version: KubernetesVersion.V1_33,
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/platform-admin'],
  // Karpenter provisions bursty training capacity; pools default to it on this cluster.
  karpenter: true,
});

// Inference: on-demand L4s shared four ways by time slicing, scaled from zero. A managed node
// group: the Cluster Autoscaler's node template counts the time-sliced units, Karpenter would not.
const l4 = prod.addGpuNodePool('l4-shared', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.onDemand(),
  minNodes: 0,
  maxNodes: 10,
  sharing: GpuSharing.timeSlicing(4),
});

// Training bursts: spot H100s (p5.48xlarge, 8 GPUs each), on-demand when spot is short, in one
// zone near the data. Karpenter NodePool: no minimum, nodes only for pending pods.
const h100 = prod.addGpuNodePool('h100', {
  accelerator: Accelerator.NVIDIA_H100,
  instanceTypes: ['p5.48xlarge'],
  capacity: Capacity.spot({ fallbackToOnDemand: true }),
  minNodes: 0,
  maxNodes: 2,
  availabilityZone: 'us-east-1a',
});

// The on-prem lab cluster, next to the proprietary data: its A100 nodes already exist.
const lab = platform.addExistingCluster('lab', {
  kubeconfigPath: '~/.kube/config',
  context: 'lab',
  region: 'on-prem-fra',
  workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-training-credentials'),
});
const labA100 = GpuNodePool.fromExistingNodes(lab, 'a100', {
  accelerator: Accelerator.NVIDIA_A100_80GB,
  nodeSelector: { 'acme.example/gpu': 'a100-80gb' },
  gpus: 32,
});

// Kueue flavors, so training queues can give quotas per pool and capacity type.
for (const pool of [l4, h100, labA100]) pool.resourceFlavor();

app.synth();
