// SageMaker native: the AWS-managed path, no Kubernetes cluster at all.
//
//   npx cdktf synth                      (from this folder; offline, no credentials)
//   npm run example sagemaker-native     (from the repository root: synth + summary + cost report)
//
// One stack, acme-sm-aws-us-east-1, with:
//   - churn       a SageMaker serverless endpoint (scikit-learn on CPU): no instance while idle
//   - summarize   a SageMaker asynchronous endpoint (TGI on ml.g5.2xlarge): requests queue in S3,
//                 instances scale from zero when requests wait and back to zero when none do
//   - summarizer-finetune  a SageMaker pipeline: managed spot training with S3 checkpoints,
//                 an evaluation gate, registration in a model package group (the registry), and
//                 publication of approved versions where the summarize endpoint rolls out from;
//                 started when new labelled data lands and on the first of every month
//   - churn-train a SageMaker pipeline on CPU (XGBoost on managed spot ml.m5 instances), weekly,
//                 gated on AUC, promoted to the churn endpoint
//
// Every identity below is a placeholder: account 111122223333, example.com addresses, acme-sm-*
// buckets. The serving images are AWS's own SageMaker containers (their accounts are AWS's).
import { App } from 'cdktf';
import {
  AiPlatform, Capacity, Checkpointing, Duration, Gate, ModelSource, RetrainTrigger, SageMakerTarget, ServerlessInferenceEndpoint,
  ServingRuntime, ServingTarget, TrainingPipeline, TrainingStage,
} from 'cdktf-ai-infra';

const app = new App();
const REGION = 'us-east-1';
const REGISTRY = `111122223333.dkr.ecr.${REGION}.amazonaws.com/acme-sm`;
// SageMaker's scikit-learn and Hugging Face TGI containers for us-east-1 (see the SageMaker docs for other regions).
const SKLEARN_IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3';
const TGI_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04';

const platform = new AiPlatform(app, 'acme-sm', {
  tags: { 'team': 'support-ml', 'cost-center': 'cx-11' },
  allowedRegions: [REGION],
  budgetMonthlyUsd: 5_000,
  budgetAlerts: { emails: ['support-ml@example.com'] },
});

// Churn scoring behind the customer portal: a few requests a minute, none at night. Serverless:
// billed per request and memory-second, zero while idle.
const churn = new ServerlessInferenceEndpoint(platform, 'churn', {
  model: ModelSource.s3('s3://acme-sm-models/churn/v9/model.tar.gz', { sizeGiB: 0.05 }),
  modelVersionsUri: 's3://acme-sm-models/churn/',
  runtime: ServingRuntime.SKLEARN,
  target: ServingTarget.sagemakerServerless({ image: SKLEARN_IMAGE, region: REGION, memorySizeMiB: 2048, maxConcurrency: 20 }),
});

// Ticket summarization: minutes of latency are fine, GPUs are not free. Asynchronous inference:
// requests wait in the endpoint's queue, results land in a new encrypted, versioned bucket, and the
// GPU instances scale to zero after fifteen idle minutes.
const summarize = new ServerlessInferenceEndpoint(platform, 'summarize', {
  model: ModelSource.s3('s3://acme-sm-models/summarize/v3/', { sizeGiB: 15 }),
  modelVersionsUri: 's3://acme-sm-models/summarize/',
  runtime: ServingRuntime.TGI,
  minReplicas: 0,
  maxReplicas: 4,
  scaleToZeroAfter: Duration.minutes(15),
  coldStartDeadline: Duration.minutes(20),
  target: ServingTarget.sagemakerAsync({
    image: TGI_IMAGE,
    region: REGION,
    instanceType: 'ml.g5.2xlarge',
    // Success and error notifications on two encrypted SNS topics.
    notifications: true,
    targetBacklogPerInstance: 3,
    maxConcurrentInvocationsPerInstance: 4,
    environment: { HF_MODEL_ID: '/opt/ml/model' },
  }),
});

// Where SageMaker pipelines run.
const sagemaker = new SageMakerTarget(platform, 'sagemaker', { region: REGION });

// Fine-tune the summarizer on managed spot instances (up to 90 % cheaper, interrupted with notice):
// checkpoints go to S3 per execution and an interrupted job resumes from the last one.
new TrainingPipeline(sagemaker, 'summarizer-finetune', {
  stages: [
    TrainingStage.preprocess('prepare', { image: `${REGISTRY}/summarizer-prep:1.6.0`, command: ['python', 'prepare.py'], expectedDuration: Duration.minutes(20) }),
    TrainingStage.train('train', {
      image: `${REGISTRY}/summarizer-train:1.6.0`,
      sagemakerInstanceType: 'ml.g5.12xlarge',
      gpusPerWorker: 4,
      capacity: Capacity.spot(),
      expectedDuration: Duration.hours(5),
      maxRuntime: Duration.hours(10),
      // Time allowed waiting for spot capacity, training included.
      maxWait: Duration.hours(24),
    }),
    TrainingStage.evaluate('evaluate', { image: `${REGISTRY}/summarizer-eval:1.6.0`, expectedDuration: Duration.minutes(30) }),
  ],
  checkpointing: Checkpointing.s3('s3://acme-sm-checkpoints/summarizer/'),
  triggers: [
    RetrainTrigger.onNewObjects({ uri: 's3://acme-sm-data/tickets/labelled/', suffix: '.jsonl', expectedRunsPerMonth: 4 }),
    RetrainTrigger.schedule('0 4 1 * *'),
  ],
  gates: [Gate.metric('rougeL', '>=', 0.41)],
  promoteTo: summarize,
});

// Retrain the churn model every Monday on CPU (gpusPerWorker: 0): XGBoost on two managed spot
// ml.m5.2xlarge instances, checkpointing to S3, promoted to the serverless churn endpoint when its
// AUC holds.
new TrainingPipeline(sagemaker, 'churn-train', {
  stages: [
    TrainingStage.preprocess('features', { image: `${REGISTRY}/churn-features:3.1.0`, command: ['python', 'features.py'], expectedDuration: Duration.minutes(15) }),
    TrainingStage.train('train', {
      image: `${REGISTRY}/churn-xgboost:3.1.0`,
      sagemakerInstanceType: 'ml.m5.2xlarge',
      gpusPerWorker: 0,
      workers: 2,
      capacity: Capacity.spot(),
      expectedDuration: Duration.minutes(40),
      maxRuntime: Duration.hours(2),
      maxWait: Duration.hours(6),
    }),
    TrainingStage.evaluate('evaluate', { image: `${REGISTRY}/churn-eval:3.1.0`, expectedDuration: Duration.minutes(10) }),
  ],
  dataUri: 's3://acme-sm-data/crm/snapshots/',
  checkpointing: Checkpointing.s3('s3://acme-sm-checkpoints/churn/'),
  triggers: [RetrainTrigger.schedule('0 5 * * 1')],
  gates: [Gate.metric('auc', '>=', 0.83)],
  promoteTo: churn,
});

app.synth();
