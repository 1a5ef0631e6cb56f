// Hybrid platform (the flagship): train on an existing on-prem cluster next to the data, serve on a
// new EKS cluster that scales to zero, and keep models and checkpoints in S3 between the two.
//
//   npx cdktf synth                      (from this folder; offline, no credentials)
//   npm run example hybrid-platform      (from the repository root: synth + summary + cost report)
//
// What it builds (see README.md for the diagram):
//   - acme-ml-prod-*     a new EKS cluster: a time-sliced L4 pool for serving (scale from zero), a
//                        Karpenter spot H100 pool for weekly full retrains, the recs endpoint
//   - acme-ml-lab-*      the on-prem lab cluster: its existing A100 nodes retrain the model when
//                        new data lands, and approved versions roll out to the EKS endpoint
//   - acme-ml-aws-us-east-1  AWS resources of the lab's workloads (new-data queue, artifacts bucket)
//
// Every identity below is a placeholder: account 111122223333, example.com addresses, acme-ml-*
// buckets. Replace them with yours before `cdktf deploy`.
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, Checkpointing, Duration, ExistingWorkloadIdentity, Gate, GpuNodePool, GpuSharing, KubernetesVersion,
  ModelSource, NodeProvisioner, RetrainTrigger, ServerlessInferenceEndpoint, ServingRuntime, StateBackend, TrainingPipeline, TrainingStage,
  TrafficProfile, WarmStart,
} from 'cdktf-ai-infra';

const app = new App();

// Images are pinned; the registry is a placeholder.
const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-ml';

const platform = new AiPlatform(app, 'acme-ml', {
  // On every taggable AWS resource, and as labels on every Kubernetes object.
  tags: { 'team': 'ml-platform', 'cost-center': 'ml-123' },
  // Data residency: clusters and cloud resources only in these places ('on-prem-fra' is the lab's site).
  allowedRegions: ['us-east-1', 'on-prem-fra'],
  // Shared state in S3 with S3-native locking. The state bucket must exist before the first deploy.
  stateBackend: StateBackend.s3({ bucket: 'acme-ml-terraform-state', region: 'us-east-1', keyPrefix: 'ai-platform/' }),
  // Monthly budget: checked at synth against the estimate (cost-report.md), and an AWS Budgets
  // budget on the platform's cost tag alerts the team.
  budgetMonthlyUsd: 60_000,
  budgetAlerts: { emails: ['ml-platform@example.com'] },
});

// ---------------------------------------------------------------------------------------------
// Serving and burst capacity: a new EKS cluster.
// ---------------------------------------------------------------------------------------------
const prod = platform.addEksCluster('prod', {
  region: 'us-east-1',
  // Explicit zones: the infra stack plans without calling the AWS API.
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  version: KubernetesVersion.V1_35,
  // Private API endpoint, reached from the on-prem network over the site-to-site VPN (where the
  // CI runner lives): an ingress rule on 443 of the cluster security group. Admins and the
  // deploying role come in through EKS access entries.
  privateAccessCidrs: ['192.168.0.0/16'],
  deployerPrincipalArn: 'arn:aws:iam::111122223333:role/ci-deployer',
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/platform-admin'],
  // Spot pools need the account's AWSServiceRoleForEC2Spot: created here (set false where it exists).
  createSpotServiceLinkedRole: true,
  // Karpenter provisions the bursty training capacity; GPU pools default to it on this cluster.
  karpenter: true,
});

// Checkpoints belong to the platform: an encrypted, versioned, private bucket protected from
// destroy, in the storage stack acme-ml-storage-us-east-1, which every other stack depends on.
// (The data and model buckets already hold data and stay yours.)
const checkpoints = platform.addBucket('checkpoints', { bucketName: 'acme-ml-checkpoints', region: 'us-east-1', noncurrentVersionExpirationDays: 30 });

// Inference: on-demand L4s shared four ways by time slicing, from zero nodes. A managed node group,
// because the Cluster Autoscaler's node template counts the time-sliced units; Karpenter would not.
const l4 = prod.addGpuNodePool('l4-shared', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.onDemand(),
  minNodes: 0,
  maxNodes: 10,
  sharing: GpuSharing.timeSlicing(4),
});

// Weekly full retrains: spot H100s (p5.48xlarge, 8 GPUs each), on-demand when spot is short, in one
// zone. A Karpenter NodePool: no minimum, nodes only while a training gang is pending or running.
const h100 = prod.addGpuNodePool('h100', {
  accelerator: Accelerator.NVIDIA_H100,
  instanceTypes: ['p5.48xlarge'],
  capacity: Capacity.spot({ fallbackToOnDemand: true }),
  minNodes: 0,
  maxNodes: 2,
  availabilityZone: 'us-east-1a',
});

// The recommendation model, served by Triton from S3, scaled to zero after ten idle minutes.
// Knative mode (minReplicas 0): the activator holds the first request while a replica starts.
const recs = new ServerlessInferenceEndpoint(prod, 'recs', {
  pool: l4,
  model: ModelSource.s3('s3://acme-ml-models/recs/current/', { sizeGiB: 4 }),
  // Where training pipelines publish approved versions; the replicas may read it.
  modelVersionsUri: 's3://acme-ml-models/recs/versions/',
  runtime: ServingRuntime.TRITON,
  minReplicas: 0,
  maxReplicas: 20,
  targetConcurrency: 8,
  scaleToZeroAfter: Duration.minutes(10),
  // Warm start: the model is cached on the pool's node disks and Triton's image is pre-pulled, so a
  // replica on a running node skips the download; a new revision deploys without starting a replica.
  warmStart: WarmStart.of({ initialScale: 0 }),
  // For the cost report: a weekday of requests per second by hour (UTC), quiet at night, peaks at
  // lunch and in the evening; with ~200 ms per request, 8 in flight is ~40 rps per replica. The
  // report compares scale to zero with fixed provisioning at peak and a warm minimum of one.
  traffic: TrafficProfile.hourly([0, 0, 0, 0, 0, 0, 2, 10, 25, 30, 35, 60, 120, 80, 40, 35, 40, 60, 150, 180, 120, 60, 15, 2]),
  requestLatency: Duration.millis(200),
});

// ---------------------------------------------------------------------------------------------
// Training next to the data: the on-prem lab cluster, reached through a kubeconfig.
// ---------------------------------------------------------------------------------------------
const lab = platform.addExistingCluster('lab', {
  kubeconfigPath: '~/.kube/config',
  context: 'lab',
  region: 'on-prem-fra',
  // The queue that announces new data and the artifacts bucket live in this AWS region.
  awsRegion: 'us-east-1',
  // Pods read AWS credentials from this secret (for example refreshed by IAM Roles Anywhere).
  workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-training-credentials'),
  // Its version (kubectl version): every add-on installed on it is checked against it at synth.
  kubernetesVersion: KubernetesVersion.V1_34,
});

// The lab's A100 nodes already exist: describe them, nothing is created.
const labA100 = GpuNodePool.fromExistingNodes(lab, 'a100', {
  accelerator: Accelerator.NVIDIA_A100_80GB,
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
  gpus: 32,
});

// Incremental retrain whenever new Parquet files land: preprocess on CPU, train a gang of 2 × 8
// A100s (all-or-nothing through Kueue), evaluate, and promote to the EKS endpoint only when the
// gate holds. Checkpoints go to S3, so a restarted gang resumes instead of starting over.
new TrainingPipeline(lab, 'recs-train', {
  stages: [
    TrainingStage.preprocess('prep', { image: `${REGISTRY}/recs-prep:2.3.1`, cpu: '4', memory: '16Gi', expectedDuration: Duration.minutes(30) }),
    TrainingStage.train('train', {
      image: `${REGISTRY}/recs-train:2.3.1`,
      command: ['torchrun'],
      args: ['-m', 'recs.train', '--incremental'],
      pool: labA100,
      workers: 2,
      gpusPerWorker: 8,
      expectedDuration: Duration.hours(3),
      maxRuntime: Duration.hours(8),
    }),
    TrainingStage.evaluate('eval', { image: `${REGISTRY}/recs-eval:2.3.1`, expectedDuration: Duration.minutes(20) }),
  ],
  checkpointing: Checkpointing.s3(checkpoints.uri('recs/lab/'), { interval: Duration.minutes(15) }),
  trigger: RetrainTrigger.onNewObjects({ uri: 's3://acme-ml-data/recs/events/', suffix: '.parquet', expectedRunsPerMonth: 30 }),
  gates: [Gate.metric('ndcg@10', '>=', 0.31)],
  promoteTo: recs,
});

// Weekly full retrain from the whole history on the spot H100s, gated and promoted the same way.
new TrainingPipeline(prod, 'recs-full', {
  stages: [
    TrainingStage.train('train', {
      image: `${REGISTRY}/recs-train:2.3.1`,
      command: ['torchrun'],
      args: ['-m', 'recs.train', '--full'],
      pool: h100,
      workers: 2,
      gpusPerWorker: 8,
      expectedDuration: Duration.hours(6),
      maxRuntime: Duration.hours(12),
    }),
    TrainingStage.evaluate('eval', { image: `${REGISTRY}/recs-eval:2.3.1`, expectedDuration: Duration.minutes(20) }),
  ],
  dataUri: 's3://acme-ml-data/recs/history/',
  // Spot is reclaimed with two minutes' notice: checkpoint every ten minutes.
  checkpointing: Checkpointing.s3(checkpoints.uri('recs/full/'), { interval: Duration.minutes(10) }),
  trigger: RetrainTrigger.schedule('0 2 * * 0', { timezone: 'Europe/Berlin' }),
  gates: [Gate.metric('ndcg@10', '>=', 0.31)],
  promoteTo: recs,
});

app.synth();
