// Retail personalization: distributed training on spot GPUs in containers, gang scheduled, and
// real-time personalization endpoints that scale to zero overnight and out for traffic spikes.
//
//   npx cdktf synth                              (from this folder; offline, no credentials)
//   npm run example retail-personalization       (from the repository root: synth + summary + cost report)
//
// One EKS cluster, three GPU pools:
//   - l40s / l40s-od       Karpenter pools of g6e.12xlarge (4 × L40S each) for training, spot and
//                          on-demand, both flavors of one Kueue team queue
//   - l4                   a managed node group of time-sliced L4s for serving, from zero nodes
// Two pipelines share the team queue: a nightly two-tower retrain (gang of 4 × 4 GPUs on spot, with
// S3 checkpoints) and a session ranker retrained on new clickstream data (on-demand). Both promote
// to their endpoint when their evaluation gate holds.
//
// Every identity below is a placeholder: account 111122223333, example.com addresses, acme-retail-*
// buckets. Replace them with yours before `cdktf deploy`. The checkpoint bucket is created here (the
// platform's storage stack, applied first); the data and model buckets already hold data and stay
// yours.
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, Checkpointing, Duration, Gate, GpuNodePool, GpuSharing, KubernetesVersion, ModelSource, NodeProvisioner,
  RetrainTrigger, ServerlessInferenceEndpoint, ServingRuntime, TrainingPipeline, TrainingQueue, TrainingStage, WarmStart,
} from 'cdktf-ai-infra';

const app = new App();
const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-retail';

const platform = new AiPlatform(app, 'acme-retail', {
  tags: { 'team': 'personalization', 'cost-center': 'retail-42' },
  allowedRegions: ['us-east-1'],
  // Checked at synth against the cost estimate; an AWS Budgets budget alerts the team.
  budgetMonthlyUsd: 45_000,
  budgetAlerts: { emails: ['personalization@example.com'] },
});

const cluster = platform.addEksCluster('prod', {
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  version: KubernetesVersion.V1_34,
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/personalization-admin'],
  karpenter: true,
});

// Checkpoints belong to the platform: encrypted, versioned, private, protected from destroy, in
// acme-retail-storage-us-east-1, which every other stack depends on.
const checkpoints = platform.addBucket('checkpoints', { bucketName: 'acme-retail-checkpoints', region: 'us-east-1', noncurrentVersionExpirationDays: 14 });

// ---------------------------------------------------------------------------------------------
// Training capacity: the same instance type bought two ways. Spot is the cheap default, on-demand
// is for the pipeline that must finish on time. Karpenter creates nodes only for pending gangs.
// ---------------------------------------------------------------------------------------------
const spot = new GpuNodePool(cluster, 'l40s', {
  accelerator: Accelerator.NVIDIA_L40S,
  // 4 GPUs per node: a gang of 4 workers × 4 GPUs fits on 4 nodes.
  instanceTypes: ['g6e.12xlarge'],
  capacity: Capacity.spot(),
  minNodes: 0,
  maxNodes: 4,
});
const onDemand = new GpuNodePool(cluster, 'l40s-od', {
  accelerator: Accelerator.NVIDIA_L40S,
  instanceTypes: ['g6e.12xlarge'],
  capacity: Capacity.onDemand(),
  minNodes: 0,
  maxNodes: 2,
});

// The team's Kueue ClusterQueue: GPU quota per flavor (spot first), in a cohort so that other
// teams' queues can borrow what this one leaves idle. Gangs are admitted all-or-nothing.
const queue = new TrainingQueue(cluster, 'personalization', {
  cohort: 'retail',
  quotas: [
    { pool: spot, gpus: 16 },
    { pool: onDemand, gpus: 8 },
  ],
});

// ---------------------------------------------------------------------------------------------
// Serving: L4s shared two ways, scaled from zero nodes by the Cluster Autoscaler (a managed node
// group, whose node template counts time-sliced units; Karpenter would not).
// ---------------------------------------------------------------------------------------------
const l4 = new GpuNodePool(cluster, 'l4', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  capacity: Capacity.onDemand(),
  minNodes: 0,
  maxNodes: 16,
  sharing: GpuSharing.timeSlicing(2),
});

// Home-page recommendations (two-tower retrieval on Triton). Scales to zero overnight; a short
// stable window reacts to a flash sale within seconds; a new version starts as a 10 % canary.
const homeRecs = new ServerlessInferenceEndpoint(cluster, 'home-recs', {
  pool: l4,
  model: ModelSource.s3('s3://acme-retail-models/two-tower/v42/', { sizeGiB: 2 }),
  previousModel: ModelSource.s3('s3://acme-retail-models/two-tower/v41/', { sizeGiB: 2 }),
  canaryPercent: 10,
  modelVersionsUri: 's3://acme-retail-models/two-tower/',
  runtime: ServingRuntime.TRITON,
  minReplicas: 0,
  maxReplicas: 32,
  targetConcurrency: 8,
  scalingWindow: Duration.seconds(30),
  scaleToZeroAfter: Duration.minutes(15),
  // Triton's image is pre-pulled on the L4 nodes and a new revision starts one replica right away.
  // (No node-local model cache while a canary runs: the cache holds one version. Drop
  // previousModel/canaryPercent once the canary is done and the cache comes back.)
  warmStart: WarmStart.of({ initialScale: 1 }),
});

// Session re-ranking (a gradient-boosted model): CPU only, scaled on requests per second.
const sessionRanker = new ServerlessInferenceEndpoint(cluster, 'session-ranker', {
  model: ModelSource.s3('s3://acme-retail-models/session-ranker/v17/', { sizeGiB: 0.2 }),
  modelVersionsUri: 's3://acme-retail-models/session-ranker/',
  runtime: ServingRuntime.SKLEARN,
  minReplicas: 0,
  maxReplicas: 24,
  targetRequestsPerSecond: 50,
  scaleToZeroAfter: Duration.minutes(15),
  resources: { cpu: '2', memory: '2Gi' },
});

// ---------------------------------------------------------------------------------------------
// Training pipelines.
// ---------------------------------------------------------------------------------------------

// Nightly two-tower retrain: a gang of 4 workers × 4 L40S on spot (JobSet, all-or-nothing through
// Kueue). Spot nodes are reclaimed with two minutes' notice: checkpoints every ten minutes to S3,
// and a reclaimed gang restarts whole from the last one.
new TrainingPipeline(cluster, 'two-tower', {
  stages: [
    TrainingStage.preprocess('features', {
      image: `${REGISTRY}/features:5.2.0`, cpu: '8', memory: '32Gi', expectedDuration: Duration.minutes(40),
    }),
    TrainingStage.train('train', {
      image: `${REGISTRY}/two-tower:5.2.0`,
      command: ['torchrun'],
      args: ['-m', 'twotower.train'],
      pool: spot,
      workers: 4,
      gpusPerWorker: 4,
      cpu: '32',
      memory: '256Gi',
      expectedDuration: Duration.hours(3),
      maxRuntime: Duration.hours(6),
    }),
    TrainingStage.evaluate('evaluate', { image: `${REGISTRY}/two-tower-eval:5.2.0`, expectedDuration: Duration.minutes(15) }),
  ],
  dataUri: 's3://acme-retail-data/orders/',
  checkpointing: Checkpointing.s3(checkpoints.uri('two-tower/'), { interval: Duration.minutes(10) }),
  trigger: RetrainTrigger.schedule('0 1 * * *', { timezone: 'America/New_York' }),
  queue,
  priority: 100,
  gates: [Gate.metric('recall@50', '>=', 0.42)],
  promoteTo: homeRecs,
});

// Session ranker: retrained on on-demand GPUs whenever an hour of clickstream lands, at a higher
// priority than the nightly job (it preempts it within the queue if both wait).
new TrainingPipeline(cluster, 'session-ranker-train', {
  stages: [
    TrainingStage.train('train', {
      image: `${REGISTRY}/session-ranker:3.1.4`,
      command: ['python', '-m', 'ranker.train'],
      pool: onDemand,
      workers: 1,
      gpusPerWorker: 4,
      cpu: '16',
      memory: '128Gi',
      expectedDuration: Duration.minutes(25),
      maxRuntime: Duration.hours(1),
    }),
    TrainingStage.evaluate('evaluate', { image: `${REGISTRY}/session-ranker-eval:3.1.4`, expectedDuration: Duration.minutes(5) }),
  ],
  trigger: RetrainTrigger.onNewObjects({ uri: 's3://acme-retail-data/clickstream/hourly/', suffix: '.parquet', expectedRunsPerMonth: 720 }),
  queue,
  priority: 500,
  gates: [Gate.metric('auc', '>=', 0.78)],
  promoteTo: sessionRanker,
});

app.synth();
