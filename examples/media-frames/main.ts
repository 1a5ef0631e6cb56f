// Media frames: bursty GPU functions for video frames beside a steady serving layer.
//
//   npx cdktf synth                      (from this folder; offline, no credentials)
//   npm run example media-frames         (from the repository root: synth + summary + cost report)
//
// One EKS cluster, two GPU pools with opposite shapes:
//   - frames-l4  time-sliced L4s (four runs per GPU) on spot, from zero nodes: frame embedding
//                runs start when frames land in S3 and the pool is empty again when they are done
//   - serve-l4   on-demand L4s that never go below two nodes: the caption endpoint keeps two
//                replicas warm and more during business hours
//
// Every identity below is a placeholder: account 111122223333, example.com addresses, acme-media-*
// buckets. Replace them with yours before `cdktf deploy`.
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Capacity, Duration, FunctionTrigger, GpuFunction, GpuNodePool, GpuRequest, GpuSharing, KubernetesVersion,
  ModelSource, NodeProvisioner, ServerlessInferenceEndpoint, ServingRuntime, WarmStart,
} from 'cdktf-ai-infra';

const app = new App();
const REGISTRY = '111122223333.dkr.ecr.us-east-1.amazonaws.com/acme-media';

const platform = new AiPlatform(app, 'acme-media', {
  tags: { 'team': 'media-ml', 'cost-center': 'media-7' },
  allowedRegions: ['us-east-1'],
  budgetMonthlyUsd: 25_000,
  budgetAlerts: { emails: ['media-ml@example.com'] },
});

// Managed node groups only (no Karpenter): the Cluster Autoscaler's node template counts the
// time-sliced units, so a burst of runs scales the shared pool to the right number of nodes.
const cluster = platform.addEksCluster('prod', {
  region: 'us-east-1',
  availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  version: KubernetesVersion.V1_34,
  adminPrincipalArns: ['arn:aws:iam::111122223333:role/media-platform-admin'],
});

// ---------------------------------------------------------------------------------------------
// Bursty: GPU functions on a shared, spot, scale-to-zero pool.
// ---------------------------------------------------------------------------------------------
const frames = new GpuNodePool(cluster, 'frames-l4', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  // g6.xlarge and g6.2xlarge: one L4 each, four runs per node.
  instanceTypes: ['g6.xlarge', 'g6.2xlarge'],
  // Runs are short and retried: spot first, on-demand when spot is short.
  capacity: Capacity.spot({ fallbackToOnDemand: true }),
  minNodes: 0,
  maxNodes: 10,
  sharing: GpuSharing.timeSlicing(4),
});

// Every new frame under s3://acme-media-ingest/frames/ becomes a work item: S3 notification →
// encrypted SQS queue (with a dead-letter queue) → KEDA ScaledJob, one run per ten frames, up to
// forty runs at once (10 nodes × 4 shares). Nothing runs, and no node is billed, without frames.
new GpuFunction(cluster, 'frame-embed', {
  image: `${REGISTRY}/frame-embed:1.8.0`,
  command: ['python', '-m', 'frames.embed'],
  resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 },
  pool: frames,
  trigger: FunctionTrigger.s3({
    bucket: 'acme-media-ingest',
    prefix: 'frames/',
    suffix: '.jpg',
    // The ingest bucket is not defined in this program: let it write the bucket's notification
    // configuration (S3 keeps one per bucket; this program then owns it).
    configureNotifications: true,
  }),
  messagesPerRun: 10,
  maxParallelRuns: 40,
  timeout: Duration.minutes(30),
  retries: 2,
  results: 's3://acme-media-derived/embeddings/',
  // NVIDIA's CUDA images run as root; pods here run as non-root.
  runAsUser: 1000,
});

// Nightly: rebuild the similarity index from the day's embeddings, one run at 03:00 UTC.
new GpuFunction(cluster, 'nightly-index', {
  image: `${REGISTRY}/index-builder:1.8.0`,
  command: ['python', '-m', 'frames.build_index'],
  resources: { gpu: GpuRequest.shared(), cpu: 0.5, memoryGiB: 3 },
  pool: frames,
  trigger: FunctionTrigger.schedule('0 3 * * *'),
  timeout: Duration.hours(2),
  input: 's3://acme-media-derived/embeddings/',
  results: 's3://acme-media-derived/index/',
  // The pool is spot: the builder writes its partial shards here and resumes from them after a
  // reclaim (runs may write only under `results`).
  env: { CHECKPOINT_DIR: 's3://acme-media-derived/index/_checkpoints/' },
  runAsUser: 1000,
});

// ---------------------------------------------------------------------------------------------
// Steady: a captioning endpoint on on-demand GPUs that never scales to zero.
// ---------------------------------------------------------------------------------------------
const serve = new GpuNodePool(cluster, 'serve-l4', {
  provisioner: NodeProvisioner.MANAGED_NODE_GROUP,
  accelerator: Accelerator.NVIDIA_L4,
  instanceTypes: ['g6.2xlarge'],
  capacity: Capacity.onDemand(),
  minNodes: 2,
  maxNodes: 6,
});

// Two replicas always (KServe Standard mode with a KEDA ScaledObject: no cold start on a request),
// four during the editors' working hours, up to six under load; replicas stay fifteen minutes
// after load drops. The weights are cached on the nodes' disks and vLLM's image is pre-pulled.
new ServerlessInferenceEndpoint(cluster, 'captions', {
  pool: serve,
  model: ModelSource.s3('s3://acme-media-models/captioner/v3/', { sizeGiB: 7.5 }),
  runtime: ServingRuntime.VLLM,
  minReplicas: 2,
  maxReplicas: 6,
  targetConcurrency: 16,
  // KEDA reads vLLM's queue depth from your Prometheus (this library does not install one).
  prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
  scaleToZeroAfter: Duration.minutes(15),
  warmStart: WarmStart.of({
    keepWarm: [{ replicas: 4, start: '0 8 * * 1-5', end: '0 19 * * 1-5', timezone: 'America/New_York' }],
  }),
});

app.synth();
