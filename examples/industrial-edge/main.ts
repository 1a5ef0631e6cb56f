// Industrial edge: train on-prem next to proprietary production data, push lightweight inference to
// several existing edge clusters on the factory floors.
//
//   npx cdktf synth                      (from this folder; offline, no credentials)
//   npm run example industrial-edge      (from the repository root: synth + summary + cost report)
//
// Nothing here creates a Kubernetes cluster: the data-centre cluster and the edge clusters exist
// already and are reached through kubeconfig contexts. The program adds what runs on them (add-ons
// and workloads stacks per cluster) and the few AWS resources they share in eu-central-1 (the
// artifacts bucket of the training runs, the queues that announce approved model versions).
//
//   - dc        on-prem data-centre cluster with A100 nodes: a weekly defect-detection retrain
//               (gang of 2 × 4 GPUs, checkpoints on an on-prem NFS claim), gated on recall
//   - edge-*    one cluster per plant: the defect detector on Triton, on the plant's small GPU
//               when it has one, else on CPU; it always keeps a replica (the line cannot wait),
//               as a plain Deployment scaled by KEDA (no Knative on the edge)
//
// Every identity below is a placeholder: account 111122223333, example.com addresses, acme-factory-*
// buckets, kubeconfig contexts. Replace them with yours before `cdktf deploy`.
import { App } from 'cdktf';
import {
  Accelerator, AiPlatform, Checkpointing, ClusterAccess, DeploymentMode, Duration, ExistingWorkloadIdentity, Gate, GpuNodePool, IGpuNodePool,
  KubernetesVersion, ModelSource, RetrainTrigger, ServerlessInferenceEndpoint, ServingRuntime, TrainingPipeline, TrainingStage,
} from 'cdktf-ai-infra';

const app = new App();
const REGISTRY = 'registry.example.com/acme-factory';
const AWS_REGION = 'eu-central-1';

// The plants; `gpus` counts small GPUs (NVIDIA T4) a plant's edge cluster already has.
const PLANTS: Array<{ site: string; gpus: number }> = [
  { site: 'stuttgart', gpus: 2 },
  { site: 'leipzig', gpus: 0 },
  { site: 'linz', gpus: 0 },
];

const platform = new AiPlatform(app, 'acme-factory', {
  tags: { 'team': 'quality-ml', 'cost-center': 'plant-ops' },
  // Data residency: production data and models stay in the EU; sites are listed by name.
  allowedRegions: [AWS_REGION, 'dc-munich', ...PLANTS.map((p) => `plant-${p.site}`)],
  budgetMonthlyUsd: 500,
  budgetAlerts: { emails: ['quality-ml@example.com'] },
});

// ---------------------------------------------------------------------------------------------
// Training in the data centre, next to the data.
// ---------------------------------------------------------------------------------------------
const dc = platform.addExistingCluster('dc', {
  access: ClusterAccess.kubeconfig('~/.kube/config', 'dc-munich'),
  region: 'dc-munich',
  // AWS resources of its workloads (artifacts bucket) go into the platform's eu-central-1 stack.
  awsRegion: AWS_REGION,
  // Credentials for S3 from a secret kept fresh outside this program (e.g. IAM Roles Anywhere).
  workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-s3-credentials'),
  // Its version (kubectl version): every add-on installed on it is checked against it at synth.
  kubernetesVersion: KubernetesVersion.V1_34,
});
const a100 = GpuNodePool.fromExistingNodes(dc, 'a100', {
  accelerator: Accelerator.NVIDIA_A100_40GB,
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-40GB' },
  gpus: 16,
});

// ---------------------------------------------------------------------------------------------
// Inference at the edge: the same endpoint on every plant's cluster.
// ---------------------------------------------------------------------------------------------
const detectors = PLANTS.map(({ site, gpus }) => {
  const edge = platform.addExistingCluster(`edge-${site}`, {
    access: ClusterAccess.kubeconfig('~/.kube/edge.yaml', `edge-${site}`),
    region: `plant-${site}`,
    // New model versions are announced from S3 (eu-central-1) to each plant.
    awsRegion: AWS_REGION,
    workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-model-reader'),
    kubernetesVersion: KubernetesVersion.V1_34,
  });
  // A plant with GPUs serves on them; the others on CPU.
  const pool: IGpuNodePool | undefined = gpus > 0
    ? GpuNodePool.fromExistingNodes(edge, 't4', { accelerator: Accelerator.NVIDIA_T4, nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' }, gpus })
    : undefined;
  return new ServerlessInferenceEndpoint(edge, 'defect-detector', {
    pool,
    model: ModelSource.s3('s3://acme-factory-models/defect-detector/v12/', { sizeGiB: 0.3 }),
    modelVersionsUri: 's3://acme-factory-models/defect-detector/',
    runtime: ServingRuntime.TRITON,
    // KServe Standard mode (a Deployment scaled by KEDA): no Knative on small edge clusters.
    deploymentMode: DeploymentMode.STANDARD,
    // Always one replica at the line; a second one under load.
    minReplicas: 1,
    maxReplicas: 2,
    targetConcurrency: 4,
    // KEDA scales on Triton's queue from the plant's Prometheus (not installed by this library).
    prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
    resources: { cpu: '2', memory: '4Gi' },
  });
});

// Weekly retrain on the A100s from the labelled images of all plants; promoted when recall holds.
new TrainingPipeline(dc, 'defect-train', {
  stages: [
    TrainingStage.preprocess('curate', { image: `${REGISTRY}/curate:4.0.2`, cpu: '8', memory: '32Gi', expectedDuration: Duration.hours(1) }),
    TrainingStage.train('train', {
      image: `${REGISTRY}/defect-train:4.0.2`,
      command: ['torchrun'],
      args: ['-m', 'defects.train'],
      pool: a100,
      workers: 2,
      gpusPerWorker: 4,
      expectedDuration: Duration.hours(4),
      maxRuntime: Duration.hours(10),
    }),
    TrainingStage.evaluate('evaluate', { image: `${REGISTRY}/defect-eval:4.0.2`, expectedDuration: Duration.minutes(30) }),
  ],
  dataUri: 's3://acme-factory-images/labelled/',
  // The data centre's NFS share (a ReadWriteMany claim in the pipeline's namespace).
  checkpointing: Checkpointing.pvc('training-checkpoints', { interval: Duration.minutes(20) }),
  trigger: RetrainTrigger.schedule('0 22 * * 5', { timezone: 'Europe/Berlin' }),
  gates: [Gate.metric('recall', '>=', 0.97), Gate.metric('false_positive_rate', '<=', 0.02)],
  // Every approved version rolls out to every plant: published once under modelVersionsUri, then
  // each plant's ScaledJob (fed by its own EventBridge rule and queue) points its detector at it.
  promoteTo: detectors[0],
  promoteAlsoTo: detectors.slice(1),
});

app.synth();
