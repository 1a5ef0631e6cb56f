import { App } from 'cdktf';
import { expectConfigError, FakeEndpoint, jobSetOf, objectOf, schemaErrors } from './support';
import type { EksCluster } from '../../lib/aws/eks-cluster';
import { GpuNodePool } from '../../lib/compute/gpu-node-pool';
import { Accelerator } from '../../lib/core/accelerator';
import { Capacity } from '../../lib/core/capacity';
import { Duration } from '../../lib/core/duration';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { ExistingWorkloadIdentity } from '../../lib/platform/existing-cluster';
import { Checkpointing, Gate, RetrainTrigger, TrainingPipeline, TrainingPipelineProps, TrainingQueue, TrainingStage } from '../../lib/training';
import { EKS_ACCESS } from '../support/eks-access';
import { kubernetesObjects, resourcesOf, Synthesized, synthApp, testApp } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv } from '../support/terraform';
import { argoRbacProblems } from '../support/wiring';

const tfEnv = terraformEnv();
const skipPlan = skipLoudlyUnlessCi('offline terraform plan of training pipelines', tfEnv.missing);
const planTest = skipPlan ? test.skip : test;

function eks(karpenter = true): { app: App; prod: EksCluster; h100: GpuNodePool } {
  const app = testApp();
  const platform = new AiPlatform(app, 'acme');
  const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS, karpenter });
  const h100 = new GpuNodePool(prod, 'h100', {
    accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], capacity: Capacity.spot({ fallbackToOnDemand: true }), maxNodes: 4,
  });
  return { app, prod, h100 };
}

function stages(pool: GpuNodePool | undefined, train: Partial<Parameters<typeof TrainingStage.train>[1]> = {}): TrainingStage[] {
  return [
    TrainingStage.preprocess('prep', { image: 'ghcr.io/acme/prep:1.0', cpu: '4', memory: '16Gi', expectedDuration: Duration.minutes(20) }),
    TrainingStage.train('train', {
      image: 'ghcr.io/acme/train:1.0',
      command: ['torchrun'],
      args: ['train.py'],
      pool,
      workers: 2,
      gpusPerWorker: 8,
      env: { EPOCHS: '3' },
      expectedDuration: Duration.hours(6),
      ...train,
    }),
    TrainingStage.evaluate('eval', { image: 'ghcr.io/acme/eval:1.0' }),
  ];
}

const RECS: Omit<TrainingPipelineProps, 'stages'> = {
  checkpointing: Checkpointing.s3('s3://acme-ckpt/recs/', { interval: Duration.minutes(10) }),
  triggers: [RetrainTrigger.onNewObjects({ uri: 's3://acme-data/recs/raw/', suffix: '.parquet' }), RetrainTrigger.schedule('0 3 * * 1')],
  gates: [Gate.metric('ndcg@10', '>=', 0.31)],
};

describe('spot H100 gang training on EKS, retrained on new data and weekly, promoted to a KServe endpoint on the same cluster', () => {
  let synth: Synthesized;
  let pipeline: TrainingPipeline;
  let wt: any;
  let jobSet: any;
  beforeAll(() => {
    const { app, prod, h100 } = eks();
    const endpoint = new FakeEndpoint(prod, 'recs', { cluster: prod });
    pipeline = new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, promoteTo: endpoint, priority: 500 });
    synth = synthApp(app);
    wt = objectOf(synth, 'WorkflowTemplate', 'recs-train');
    jobSet = jobSetOf(wt);
  });

  test('every Kubernetes object (and the JobSet the workflow creates) validates against the upstream schemas', () => {
    const kinds = new Set(kubernetesObjects(synth).map((o) => o.manifest.kind));
    for (const k of ['ClusterQueue', 'LocalQueue', 'ResourceFlavor', 'WorkloadPriorityClass', 'WorkflowTemplate', 'CronWorkflow', 'ScaledJob', 'TriggerAuthentication', 'NetworkPolicy', 'Role', 'RoleBinding']) {
      expect(kinds).toContain(k);
    }
    expect(schemaErrors(synth)).toEqual([]);
  });

  test('add-ons: Kueue with all-or-nothing admission (v1beta2 waitForPodsReady, default integrations kept), JobSet, Argo Workflows, KEDA', () => {
    const releases = Object.values<any>(resourcesOf(synth.stack('acme-prod-addons'), 'helm_release'));
    const byName = Object.fromEntries(releases.map((r) => [r.name, r]));
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['kueue', 'jobset', 'argo-workflows', 'keda']));
    expect([byName.jobset.chart, byName.jobset.version]).toEqual(['jobset', '0.12.0']);
    const config = JSON.parse(JSON.parse(byName.kueue.values[0]).managerConfig.controllerManagerConfigYaml);
    expect(config.apiVersion).toBe('config.kueue.x-k8s.io/v1beta2');
    expect(config.waitForPodsReady).toEqual({
      timeout: '900s',
      recoveryTimeout: '600s',
      blockAdmission: true,
      requeuingStrategy: { timestamp: 'Eviction', backoffBaseSeconds: 60, backoffMaxSeconds: 3600 },
    });
    expect(config.waitForPodsReady.enable).toBeUndefined();
    expect(config.integrations.frameworks).toEqual(expect.arrayContaining(['batch/job', 'jobset.x-k8s.io/jobset', 'pod', 'ray.io/rayjob']));
    const argo = JSON.parse(byName['argo-workflows'].values[0]);
    expect(argo.executor.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // No CRD download from GitHub at install (air-gapped sites): the chart's minified CRDs.
    expect(argo.crds).toEqual({ install: true, full: false });
  });

  test('Kueue: a ClusterQueue with one gang of quota on the pool flavor, admitting only the namespace; LocalQueue; priority class', () => {
    const cq = objectOf(synth, 'ClusterQueue');
    expect(cq.spec.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['recs-train'] }] });
    expect(cq.spec.resourceGroups).toEqual([{
      coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'],
      flavors: [{ name: 'h100-spot', resources: [{ name: 'cpu', nominalQuota: '16' }, { name: 'memory', nominalQuota: '128Gi' }, { name: 'nvidia.com/gpu', nominalQuota: '16' }] }],
    }]);
    expect(cq.spec.cohortName).toBeUndefined();
    expect(objectOf(synth, 'LocalQueue').spec).toEqual({ clusterQueue: cq.metadata.name });
    expect(objectOf(synth, 'WorkloadPriorityClass')).toMatchObject({ metadata: { name: 'recs-train-recs-train' }, value: 500 });
    expect(objectOf(synth, 'ResourceFlavor').spec.nodeLabels).toEqual({ 'cdktf-ai-infra/pool': 'h100' });
  });

  test('JobSet: queue and priority labels, a gang of 2 × 8 GPUs that restarts whole from the last checkpoint', () => {
    expect(jobSet.apiVersion).toBe('jobset.x-k8s.io/v1alpha2');
    expect(jobSet.metadata.generateName).toBe('{{workflow.name}}-');
    expect(jobSet.metadata.labels).toMatchObject({ 'kueue.x-k8s.io/queue-name': 'recs-train', 'kueue.x-k8s.io/priority-class': 'recs-train-recs-train' });
    expect(jobSet.spec.failurePolicy).toEqual({
      maxRestarts: 3,
      restartStrategy: 'Recreate',
      rules: [
        { name: 'DisruptedResumeFromCheckpoint', action: 'RestartJobSetAndIgnoreMaxRestarts', onJobFailureReasons: ['PodFailurePolicy'] },
        { name: 'FailedRestartCounted', action: 'RestartJobSet' },
      ],
    });
    const job = jobSet.spec.replicatedJobs[0].template.spec;
    expect(job).toMatchObject({ parallelism: 2, completions: 2, completionMode: 'Indexed', backoffLimit: 0 });
    expect(job.podFailurePolicy.rules).toEqual([{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }]);
    expect(jobSet.spec.replicatedJobs[0].template.metadata.labels['kueue.x-k8s.io/queue-name']).toBeUndefined();
    const pod = job.template;
    expect(pod.metadata.annotations).toEqual({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(pod.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(120);
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', serviceAccountName: 'recs-train-trainer', automountServiceAccountToken: false, nodeSelector: { 'cdktf-ai-infra/pool': 'h100' } });
    expect(pod.spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    const c = pod.spec.containers[0];
    expect(c.resources).toEqual({ requests: { 'cpu': '8', 'memory': '64Gi', 'nvidia.com/gpu': '8' }, limits: { 'memory': '64Gi', 'nvidia.com/gpu': '8' } });
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
    expect(env).toMatchObject({
      CHECKPOINT_DIR: 's3://acme-ckpt/recs/{{workflow.name}}/',
      RESUME_FROM_CHECKPOINT: 'latest',
      CHECKPOINT_INTERVAL_SECONDS: '600',
      NNODES: '2',
      NPROC_PER_NODE: '8',
      WORLD_SIZE: '16',
      MASTER_PORT: '29500',
      EPOCHS: '3',
      NODE_RANK: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      MASTER_ADDR: '$(JOBSET_NAME)-workers-0-0.$(JOBSET_NAME)',
      AWS_REGION: 'us-east-1',
    });
    // torchrun reads PET_* (torch/distributed/argparse_util.py): a real multi-node rendezvous.
    expect(env).toMatchObject({
      PET_NNODES: '2',
      PET_NPROC_PER_NODE: '8',
      PET_MASTER_PORT: '29500',
      PET_MASTER_ADDR: '$(MASTER_ADDR)',
      PET_NODE_RANK: "metadata.annotations['batch.kubernetes.io/job-completion-index']",
    });
    // Kubernetes expands $(VAR) only from variables defined earlier in the list.
    const names = c.env.map((e: any) => e.name);
    expect(names.indexOf('JOBSET_NAME')).toBeLessThan(names.indexOf('MASTER_ADDR'));
    expect(names.indexOf('MASTER_ADDR')).toBeLessThan(names.indexOf('PET_MASTER_ADDR'));
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory' } }]);
  });

  test('WorkflowTemplate: preprocess → train (creates the JobSet, waits for its terminal state) → evaluate → gate → publish → roll', () => {
    const dag = wt.spec.templates.find((t: any) => t.name === 'pipeline').dag.tasks;
    expect(dag.map((t: any) => [t.name, t.depends, t.when])).toEqual([
      ['prep', undefined, "'{{workflow.parameters.new-objects}}' != '0'"],
      ['train', 'prep.Succeeded', undefined],
      ['eval', 'train.Succeeded', undefined],
      ['gate', 'eval.Succeeded', undefined],
      ['publish-model', 'gate.Succeeded', "'{{tasks.gate.outputs.result}}' == 'pass'"],
      ['roll-endpoint', 'publish-model.Succeeded', undefined],
    ]);
    const train = wt.spec.templates.find((t: any) => t.name === 'train');
    expect(train.resource).toMatchObject({ action: 'create', setOwnerReference: true, successCondition: 'status.terminalState == Completed', failureCondition: 'status.terminalState == Failed' });
    expect(train).toMatchObject({
      serviceAccountName: 'recs-train-launcher', automountServiceAccountToken: false, executor: { serviceAccountName: 'recs-train-launcher' }, activeDeadlineSeconds: 172800,
    });
    expect(wt.spec).toMatchObject({
      serviceAccountName: 'recs-train-steps',
      automountServiceAccountToken: false,
      executor: { serviceAccountName: 'recs-train-executor' },
      synchronization: { mutexes: [{ name: 'recs-train' }] },
      podMetadata: { labels: { 'cdktf-ai-infra/pipeline': 'recs-train' } },
    });
    const evaluate = wt.spec.templates.find((t: any) => t.name === 'eval');
    expect(evaluate.outputs.parameters).toEqual([{ name: 'metrics', valueFrom: { path: '/tmp/outputs/metrics.json', default: '{}' } }]);
    const gate = wt.spec.templates.find((t: any) => t.name === 'gate');
    expect(gate.script.env.find((e: any) => e.name === 'GATES').value).toBe('[{"metric":"ndcg@10","operator":">=","threshold":0.31}]');
    const roll = wt.spec.templates.find((t: any) => t.name === 'roll-endpoint');
    expect(roll).toMatchObject({ serviceAccountName: 'recs-train-roller', automountServiceAccountToken: false, executor: { serviceAccountName: 'recs-train-roller' } });
    expect(roll.resource).toMatchObject({ action: 'patch', mergeStrategy: 'merge' });
    expect(JSON.parse(roll.resource.manifest)).toEqual({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'recs', namespace: 'serving' },
      spec: { predictor: { canaryTrafficPercent: 10, model: { storageUri: '{{inputs.parameters.version-uri}}' } } },
    });
    const publish = wt.spec.templates.find((t: any) => t.name === 'publish-model');
    expect(publish.container.env).toEqual(expect.arrayContaining([{ name: 'VERSIONS_URI', value: 's3://acme-models/recs/' }]));
  });

  test('a failed or timed-out run deletes its JobSet (exit handler run by the launcher), so its GPU nodes do not wait for the TTL', () => {
    expect(wt.spec.onExit).toBe('on-exit');
    const onExit = wt.spec.templates.find((t: any) => t.name === 'on-exit');
    expect(onExit.steps).toEqual([[{ name: 'delete-gang', template: 'delete-gang', when: '{{workflow.status}} != Succeeded' }]]);
    const del = wt.spec.templates.find((t: any) => t.name === 'delete-gang');
    expect(del).toMatchObject({ executor: { serviceAccountName: 'recs-train-launcher' }, automountServiceAccountToken: false });
    expect(del.resource).toEqual({ action: 'delete', flags: ['jobsets.jobset.x-k8s.io', '--namespace', 'recs-train', '--selector', 'cdktf-ai-infra/run={{workflow.name}}'] });
    // The JobSet carries the selector's label.
    expect(jobSet.metadata.labels['cdktf-ai-infra/run']).toBe('{{workflow.name}}');
    expect(argoRbacProblems(synth)).toEqual([]);
  });

  test('triggers: a CronWorkflow with a schedules list; new objects → encrypted SQS with DLQ → KEDA ScaledJob submitting one run', () => {
    const cron = objectOf(synth, 'CronWorkflow');
    expect(cron.spec).toMatchObject({ schedules: ['0 3 * * 1'], timezone: 'UTC', concurrencyPolicy: 'Forbid', workflowSpec: { workflowTemplateRef: { name: 'recs-train' } } });
    const sj = objectOf(synth, 'ScaledJob');
    expect(sj.spec.maxReplicaCount).toBe(1);
    expect(sj.spec.triggers).toEqual([{
      type: 'aws-sqs-queue',
      authenticationRef: { name: 'aws-keda' },
      metadata: { queueURL: expect.stringMatching(/^\$\{data\.terraform_remote_state\..*url/), queueLength: '1', awsRegion: 'us-east-1', scaleOnInFlight: 'false' },
    }]);
    const pod = sj.spec.jobTargetRef.template.spec;
    expect(pod.initContainers.map((c: any) => c.name)).toEqual(['drain-queue', 'create-run']);
    expect(pod.initContainers[1].command).toEqual(['kubectl', 'create', '--filename', '/work/workflow.json']);
    const workflow = JSON.parse(pod.initContainers[0].env.find((e: any) => e.name === 'WORKFLOW_JSON').value);
    expect(workflow.spec).toEqual({ workflowTemplateRef: { name: 'recs-train' }, arguments: { parameters: [{ name: 'new-objects', value: '__NEW_OBJECTS__' }, { name: 'trigger', value: 'new-objects' }] } });
    const infra = synth.stack('acme-prod-infra');
    const queues = Object.values<any>(resourcesOf(infra, 'aws_sqs_queue')).filter((q) => String(q.name).startsWith('acme-recs-train-retrain'));
    expect(queues.map((q) => [q.name, q.sqs_managed_sse_enabled])).toEqual([['acme-recs-train-retrain-dlq', true], ['acme-recs-train-retrain-new-objects-events-dlq', true], ['acme-recs-train-retrain', true]]);
    // acme-data is not defined here: its owner's notification configuration stays; an EventBridge rule feeds the queue.
    expect(resourcesOf(infra, 'aws_s3_bucket_notification')).toEqual({});
    const rule = Object.values<any>(resourcesOf(infra, 'aws_cloudwatch_event_rule')).find((r) => r.name === 'acme-recs-train-retrain-new-objects');
    expect(JSON.parse(rule.event_pattern).detail).toEqual({ bucket: { name: ['acme-data'] }, object: { key: [{ wildcard: 'recs/raw/*.parquet' }] } });
  });

  test('Argo executors: each executor service account has its token Secret (Argo v4 mounts <sa>.service-account-token), created after the account', () => {
    const wtExecutors = new Set<string>([wt.spec.executor.serviceAccountName,
      ...wt.spec.templates.flatMap((t: any) => (t.executor?.serviceAccountName ? [t.executor.serviceAccountName] : []))]);
    expect([...wtExecutors].sort()).toEqual(['recs-train-executor', 'recs-train-launcher', 'recs-train-roller']);
    const secrets = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'Secret');
    for (const name of wtExecutors) {
      const secret = secrets.find((o) => o.manifest.metadata.name === `${name}.service-account-token`);
      expect(secret?.manifest).toMatchObject({
        type: 'kubernetes.io/service-account-token', metadata: { namespace: 'recs-train', annotations: { 'kubernetes.io/service-account.name': name } },
      });
      expect(secret!.dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`ServiceAccount-${name.replace('recs-train-', '')}`))]));
    }
  });

  test('Argo executors: the identity that runs each step may do what the step does (train creates and polls its JobSet; roll patches the InferenceService)', () => {
    const bound = (sa: string) => kubernetesObjects(synth).filter((o) => o.manifest.kind === 'RoleBinding' && o.manifest.subjects.some((s: any) => s.name === sa))
      .map((o) => kubernetesObjects(synth).find((r) => r.manifest.kind === 'Role' && r.manifest.metadata.name === o.manifest.roleRef.name
        && r.manifest.metadata.namespace === o.manifest.metadata.namespace)!.manifest);
    const can = (sa: string, group: string, resource: string, verb: string) => bound(sa)
      .some((r) => r.rules.some((x: any) => x.apiGroups.includes(group) && x.resources.includes(resource) && x.verbs.includes(verb)));
    for (const verb of ['create', 'get']) expect(can('recs-train-launcher', 'jobset.x-k8s.io', 'jobsets', verb)).toBe(true);
    for (const sa of ['recs-train-executor', 'recs-train-launcher', 'recs-train-roller']) {
      expect(can(sa, 'argoproj.io', 'workflowtaskresults', 'create')).toBe(true);
    }
    expect(can('recs-train-roller', 'serving.kserve.io', 'inferenceservices', 'patch')).toBe(true);
    // Nobody needs what the old launcher-as-pod identity or the promoter's task results grants gave.
    expect(can('recs-train-promoter', 'argoproj.io', 'workflowtaskresults', 'create')).toBe(false);
    expect(can('recs-train-executor', 'jobset.x-k8s.io', 'jobsets', 'create')).toBe(false);
  });

  test('every namespaced object of the pipeline depends on its Namespace of the same stack (first apply)', () => {
    const objects = kubernetesObjects(synth);
    const nsId = (stack: string, ns: string) => objects.find((o) => o.stack === stack && o.manifest.kind === 'Namespace' && o.manifest.metadata.name === ns)?.id;
    const inPipeline = objects.filter((o) => o.manifest.metadata.namespace === 'recs-train');
    expect(inPipeline.length).toBeGreaterThan(10);
    for (const o of inPipeline) expect([o.manifest.kind, o.dependsOn]).toEqual([o.manifest.kind, expect.arrayContaining([`kubernetes_manifest.${nsId(o.stack, 'recs-train')}`])]);
  });

  test('least privilege: RBAC roles create only Workflows / JobSets, patch only the one InferenceService; IAM scoped to the prefixes', () => {
    expect(objectOf(synth, 'Role', 'recs-train-trigger').rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]);
    const promote = objectOf(synth, 'Role', 'recs-train-promote');
    expect(promote.metadata.namespace).toBe('serving');
    expect(promote.rules).toEqual([{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['recs'], verbs: ['get', 'patch'] }]);
    expect(objectOf(synth, 'RoleBinding', 'recs-train-promote').subjects).toEqual([{ kind: 'ServiceAccount', name: 'recs-train-roller', namespace: 'recs-train' }]);
    const infra = synth.stack('acme-prod-infra');
    const policies = Object.values<any>(resourcesOf(infra, 'aws_iam_role_policy')).filter((p) => p['//'].metadata.path.includes('/recs-train/'));
    const statementsOf = (sa: string) => JSON.parse(policies.find((p) => p['//'].metadata.path.includes(`Identity-recs-train-${sa}/`)).policy).Statement;
    const trainer = statementsOf('recs-train-trainer');
    expect(trainer).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], Resource: ['arn:aws:s3:::acme-ckpt/recs/*'] },
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::acme-data/recs/raw/*'] },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::acme-data'], Condition: { StringLike: { 's3:prefix': ['recs/raw/', 'recs/raw/*'] } } },
    ]));
    // The data prefix is read-only for every identity.
    for (const p of policies) {
      for (const s of JSON.parse(p.policy).Statement) {
        if (s.Action.includes('s3:PutObject')) expect(s.Resource.join()).not.toMatch(/acme-data/);
        expect(s.Action).not.toContain('*');
      }
    }
    expect(statementsOf('recs-train-trigger')).toEqual([{ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [expect.stringMatching(/aws_sqs_queue\..*RetrainQueue.*\.arn/)] }]);
  });

  test('network: default deny, egress for pipeline pods, ingress between workers of the gang only', () => {
    const gang = objectOf(synth, 'NetworkPolicy', 'recs-train-gang');
    expect(gang.spec.podSelector.matchLabels).toEqual({ 'cdktf-ai-infra/pipeline': 'recs-train', 'cdktf-ai-infra/stage': 'train' });
    expect(gang.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'recs-train' } } }] }]);
    expect(objectOf(synth, 'NetworkPolicy', 'default-deny').spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(objectOf(synth, 'Namespace', 'recs-train').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('cost profile: runs per month from the schedule, gang size, spot capacity, durations', () => {
    expect(pipeline.runsPerMonth).toBeUndefined(); // the new-data trigger has no expectation
    const train = pipeline.costProfile.stages.find((s) => s.kind === 'train')!;
    expect(train).toMatchObject({ workers: 2, gpusPerWorker: 8, totalGpus: 16, accelerator: 'nvidia-h100', capacity: 'spot' });
    expect(train.expectedDuration?.toHours()).toBe(6);
    expect(pipeline.costProfile.stages.map((s) => s.capacity)).toEqual(['on-demand', 'spot', 'on-demand']);
    expect(pipeline.artifactsUri).toMatch(/^s3:\/\/\$\{TfToken/);
  });

  planTest('the infra stack (buckets, queues, identities, notifications) plans offline', () => {
    const result = planOffline(synth.stack('acme-prod-infra').json, { validate: false });
    if (!result.ok) throw new Error(result.output.slice(-4000));
    const types = new Set(result.plannedResources.map((r) => r.type));
    for (const t of ['aws_sqs_queue', 'aws_cloudwatch_event_rule', 'aws_sqs_queue_policy', 'aws_eks_pod_identity_association', 'aws_s3_bucket']) expect(types).toContain(t);
  }, 180_000);
});

describe('hybrid: on-prem A100s near the data train, the EKS endpoint rolls out', () => {
  let synth: Synthesized;
  let pipeline: TrainingPipeline;
  beforeAll(() => {
    const app = testApp();
    const platform = new AiPlatform(app, 'acme');
    const prod = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
    const lab = platform.addExistingCluster('lab', { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws-training') });
    const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { 'acme.example/gpu': 'a100' }, gpus: 32 });
    const endpoint = new FakeEndpoint(prod, 'recs', { cluster: prod, canaryPercent: 20 });
    pipeline = new TrainingPipeline(lab, 'recs-train', {
      stages: stages(a100 as GpuNodePool, { workers: 4, gpusPerWorker: 4 }),
      checkpointing: Checkpointing.pvc('ckpt'),
      dataUri: 's3://acme-data/recs/raw/',
      artifactsUri: 's3://acme-artifacts/recs/',
      triggers: [RetrainTrigger.schedule('@daily')],
      gates: [Gate.metric('ndcg@10', '>=', 0.31)],
      promoteTo: endpoint,
    });
    synth = synthApp(app);
  });

  test('all objects validate; the lab stacks hold the pipeline, the prod stacks its rollout', () => {
    expect(schemaErrors(synth)).toEqual([]);
    const objects = kubernetesObjects(synth);
    expect(objects.find((o) => o.manifest.kind === 'WorkflowTemplate')!.stack).toBe('acme-lab-workloads');
    const rollout = objects.filter((o) => o.manifest.kind === 'ScaledJob');
    expect(rollout.map((o) => [o.stack, o.manifest.metadata.namespace, o.manifest.metadata.name])).toEqual([['acme-prod-workloads', 'serving', 'recs-rollout']]);
  });

  test('pods on the existing cluster read AWS credentials from the secret; checkpoints on the claim', () => {
    const wt = objectOf(synth, 'WorkflowTemplate');
    const pod = jobSetOf(wt).spec.replicatedJobs[0].template.spec.template.spec;
    expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: 'aws-training' } }]);
    expect(pod.volumes).toContainEqual({ name: 'checkpoints', persistentVolumeClaim: { claimName: 'ckpt' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'checkpoints', mountPath: '/checkpoints' });
    expect(pod.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints/{{workflow.name}}' });
    expect(objectOf(synth, 'ResourceFlavor').metadata.name).toBe('a100-on-demand');
    // No direct patch across clusters: the roll happens on prod.
    expect(wt.spec.templates.map((t: any) => t.name)).not.toContain('roll-endpoint');
  });

  test('rollout on prod: new _APPROVED.json markers → EventBridge rule → queue → ScaledJob patching only that InferenceService', () => {
    const sj = objectOf(synth, 'ScaledJob');
    const pod = sj.spec.jobTargetRef.template.spec;
    expect(pod.initContainers[1].command).toEqual(['kubectl', 'patch', 'inferenceservice', 'recs', '--namespace', 'serving', '--type', 'merge', '--patch-file', '/work/patch.json']);
    expect(pod.initContainers[0].env).toContainEqual({ name: 'PATCH_TEMPLATE', value: '{"spec":{"predictor":{"canaryTrafficPercent":20,"model":{"storageUri":"__MODEL_URI__"}}}}' });
    expect(objectOf(synth, 'Role', 'recs-rollout').rules).toEqual([{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: ['recs'], verbs: ['get', 'patch'] }]);
    const infra = synth.stack('acme-prod-infra');
    expect(resourcesOf(infra, 'aws_s3_bucket_notification')).toEqual({});
    const rule = Object.values<any>(resourcesOf(infra, 'aws_cloudwatch_event_rule')).find((r) => r.name === 'acme-recs-train-recs-rollout');
    expect(JSON.parse(rule.event_pattern)).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: ['acme-models'] }, object: { key: [{ wildcard: 'recs/*/_APPROVED.json' }] } },
    });
    const queues = Object.entries<any>(resourcesOf(infra, 'aws_sqs_queue'));
    const [queueId] = queues.find(([, q]) => q.name === 'acme-recs-train-recs-rollout')!;
    const target = Object.values<any>(resourcesOf(infra, 'aws_cloudwatch_event_target')).find((t) => t.arn === `\${aws_sqs_queue.${queueId}.arn}`);
    expect(target).toMatchObject({ target_id: 'Queue', dead_letter_config: { arn: expect.stringMatching(/^\$\{aws_sqs_queue\..*\.arn\}$/) } });
    // One owner per queue: the rule's dead-letter queue is not the queue's own (…-rollout-dlq).
    const names = queues.map(([, q]) => q.name);
    expect(names.filter((n) => n === 'acme-recs-train-recs-rollout-dlq')).toHaveLength(1);
    expect(names).toContain('acme-recs-train-recs-rollout-events-dlq');
    // TLS only, and only this rule may send to the queue.
    const policy = Object.values<any>(resourcesOf(infra, 'aws_sqs_queue_policy')).find((p) => p.queue_url === `\${aws_sqs_queue.${queueId}.url}`);
    expect(JSON.parse(policy.policy).Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Condition: { ArnEquals: { 'aws:SourceArn': expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\..*\.arn\}$/) } },
      }),
    ]);
  });

  test('cost profile: a daily schedule runs 365/12 times a month on on-demand A100s', () => {
    expect(pipeline.runsPerMonth).toBeCloseTo(365 / 12, 2);
    expect(pipeline.costProfile.stages.find((s) => s.kind === 'train')).toMatchObject({ workers: 4, gpusPerWorker: 4, totalGpus: 16, accelerator: 'nvidia-a100-80gb', capacity: 'on-demand' });
  });

  planTest('the prod infra stack with the rollout queue plans offline', () => {
    const result = planOffline(synth.stack('acme-prod-infra').json, { validate: false });
    if (!result.ok) throw new Error(result.output.slice(-4000));
    expect(result.plannedResources.map((r) => r.type)).toEqual(expect.arrayContaining(['aws_sqs_queue_policy', 'aws_cloudwatch_event_rule', 'aws_cloudwatch_event_target']));
  }, 180_000);
});

describe('promotion to several endpoints (promoteAlsoTo)', () => {
  test('on the training cluster: one roll step per InferenceService, each with a role for that one InferenceService', () => {
    const { app, prod, h100 } = eks();
    const a = new FakeEndpoint(prod, 'recs', { cluster: prod });
    const b = new FakeEndpoint(prod, 'recs-eu', { cluster: prod, namespace: 'serving-eu', canaryPercent: 100 });
    new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, promoteTo: a, promoteAlsoTo: [b] });
    const synth = synthApp(app);
    const wt = objectOf(synth, 'WorkflowTemplate', 'recs-train');
    const rolls = wt.spec.templates.filter((t: any) => String(t.name).startsWith('roll-endpoint'));
    expect(rolls.map((t: any) => [t.name, JSON.parse(t.resource.manifest).metadata])).toEqual([
      ['roll-endpoint', { name: 'recs', namespace: 'serving' }],
      ['roll-endpoint-2', { name: 'recs-eu', namespace: 'serving-eu' }],
    ]);
    const dag = wt.spec.templates.find((t: any) => t.name === 'pipeline').dag.tasks;
    expect(dag.filter((t: any) => String(t.name).startsWith('roll-endpoint')).map((t: any) => t.depends)).toEqual(['publish-model.Succeeded', 'publish-model.Succeeded']);
    expect(objectOf(synth, 'Role', 'recs-train-promote-2')).toMatchObject({ metadata: { namespace: 'serving-eu' }, rules: [{ resourceNames: ['recs-eu'], verbs: ['get', 'patch'] }] });
    expect(schemaErrors(synth)).toEqual([]);
  });

  test('on other clusters: a rule, a queue and a ScaledJob per endpoint, all following the one versions prefix', () => {
    const { app, prod, h100 } = eks();
    const platform = prod.node.scope as AiPlatform;
    const sites = ['muc', 'ber'].map((site) => platform.addExistingCluster(`edge-${site}`, { awsRegion: 'us-east-1', workloadIdentity: ExistingWorkloadIdentity.credentialsSecret('aws') }));
    const [m, b] = sites.map((c) => new FakeEndpoint(c, 'detector', { cluster: c }));
    new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, promoteTo: m, promoteAlsoTo: [b] });
    const synth = synthApp(app);
    const aws = synth.stack('acme-aws-us-east-1');
    const rules = Object.values<any>(resourcesOf(aws, 'aws_cloudwatch_event_rule'));
    expect(rules.map((r) => r.name).sort()).toEqual(['acme-recs-train-detector-rollout', 'acme-recs-train-edge-ber-detector-rollout']);
    for (const r of rules) expect(JSON.parse(r.event_pattern).detail.object.key).toEqual([{ wildcard: 'recs/*/_APPROVED.json' }]);
    expect(resourcesOf(aws, 'aws_s3_bucket_notification')).toEqual({});
    const jobs = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ScaledJob' && o.manifest.metadata.name === 'detector-rollout');
    expect(jobs.map((o) => o.stack).sort()).toEqual(['acme-edge-ber-workloads', 'acme-edge-muc-workloads']);
    expect(new Set(jobs.map((o) => o.manifest.spec.triggers[0].metadata.queueURL)).size).toBe(2);
    expect(schemaErrors(synth)).toEqual([]);
  });

  test('a SageMaker endpoint and a KServe endpoint can follow the same versions', () => {
    const { app, prod, h100 } = eks();
    const k = new FakeEndpoint(prod, 'recs', { cluster: prod });
    let rollouts = 0;
    const sm = new FakeEndpoint(prod, 'recs-sm', { kind: 'sagemaker', sagemakerEndpointName: 'recs-sm', namespace: undefined, inferenceServiceName: undefined, _enableSageMakerRollout: () => `rollout ${++rollouts}` });
    const pipeline = new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, promoteTo: k, promoteAlsoTo: [sm] });
    expect(pipeline.promotionTargets.map((t) => t.endpointName)).toEqual(['recs', 'recs-sm']);
    expect(rollouts).toBe(1);
    expect(pipeline.node.metadata.map((x) => String(x.data))).toContainEqual(expect.stringMatching(/Step Functions rollout of SageMaker endpoint recs-sm: rollout 1/));
    synthApp(app);
  });

  test('throws when promoteAlsoTo comes without promoteTo, names an endpoint twice, or reads another versions prefix', () => {
    const { prod, h100 } = eks();
    const a = new FakeEndpoint(prod, 'a', { cluster: prod });
    const b = new FakeEndpoint(prod, 'b', { cluster: prod, modelVersionsUri: 's3://acme-models/other/' });
    const sameIsvc = new FakeEndpoint(prod, 'a2', { cluster: prod, inferenceServiceName: 'a' });
    const p = (id: string, x: Partial<TrainingPipelineProps>) => () => new TrainingPipeline(prod, id, { stages: stages(h100), ...RECS, ...x });
    expectConfigError(p('p1', { promoteAlsoTo: [a] }), { path: 'acme/prod/p1', field: 'promoteAlsoTo', received: ['a'], expected: /as well/ });
    expectConfigError(p('p2', { promoteTo: a, promoteAlsoTo: [b] }), { field: 'promoteAlsoTo[0].promotion.modelVersionsUri', received: 's3://acme-models/other/', expected: /s3:\/\/acme-models\/recs\/, the modelVersionsUri of promoteTo \(a\)/ });
    expectConfigError(p('p3', { promoteTo: a, promoteAlsoTo: [a] }), { field: 'promoteAlsoTo[0]', expected: /not already among the promotion targets/ });
    expectConfigError(p('p4', { promoteTo: a, promoteAlsoTo: [sameIsvc] }), { field: 'promoteAlsoTo[0]', received: 'acme/prod/a2', expected: /acme\/prod\/a is/ });
  });

  test('CPU-only training (gpusPerWorker 0) is for SageMaker: on a cluster it fails, naming the alternatives; with a pool it fails everywhere', () => {
    const { prod, h100 } = eks();
    expectConfigError(() => new TrainingPipeline(prod, 'cpu', { stages: stages(undefined, { gpusPerWorker: 0 }), ...RECS }),
      { path: 'acme/prod/cpu', field: 'stages.train.gpusPerWorker', received: 0, expected: /SageMaker pipeline.*TrainingStage\.custom/ });
    expectConfigError(() => new TrainingPipeline(prod, 'cpu2', { stages: stages(h100, { gpusPerWorker: 0 }), ...RECS }),
      { field: 'stages[1].pool', received: 'acme/prod/h100', expected: /no pool for CPU-only training/ });
  });

  test('a stage cannot take the name of a roll step', () => {
    const { prod, h100 } = eks();
    const s = [...stages(h100), TrainingStage.custom('roll-endpoint-2', { image: 'i:1' })];
    expectConfigError(() => new TrainingPipeline(prod, 'x', { stages: s, ...RECS }), { field: 'stages.roll-endpoint-2' });
  });
});

describe('team queue with cohort borrowing over spot and on-demand pools', () => {
  test('quotas per flavor in preference order, borrowing limits, namespaces of the pipelines using it', () => {
    const { app, prod, h100 } = eks();
    const od = new GpuNodePool(prod, 'h100-od', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], maxNodes: 2 });
    const team = new TrainingQueue(prod, 'recs-team', { cohort: 'ml', quotas: [{ pool: h100, gpus: 16, borrowingLimit: 16 }, { pool: od, gpus: 8, lendingLimit: 8 }] });
    new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, queue: team, namespace: 'recs' });
    new TrainingPipeline(prod, 'ads-train', { stages: stages(od, { workers: 1 }), dataUri: 's3://acme-data/ads/', queue: team, namespace: 'ads' });
    const synth = synthApp(app);
    expect(schemaErrors(synth)).toEqual([]);
    const cq = objectOf(synth, 'ClusterQueue', 'recs-team');
    expect(cq.spec.cohortName).toBe('ml');
    expect(cq.spec.preemption).toEqual({ reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' });
    expect(cq.spec.namespaceSelector.matchExpressions[0].values).toEqual(['ads', 'recs']);
    expect(cq.spec.resourceGroups[0].flavors).toEqual([
      { name: 'h100-spot', resources: [{ name: 'cpu', nominalQuota: '16', borrowingLimit: '16' }, { name: 'memory', nominalQuota: '128Gi', borrowingLimit: '128Gi' }, { name: 'nvidia.com/gpu', nominalQuota: '16', borrowingLimit: '16' }] },
      { name: 'h100-od-on-demand', resources: [{ name: 'cpu', nominalQuota: '8' }, { name: 'memory', nominalQuota: '64Gi' }, { name: 'nvidia.com/gpu', nominalQuota: '8', lendingLimit: '8' }] },
    ]);
    const lqs = kubernetesObjects(synth).filter((o) => o.manifest.kind === 'LocalQueue').map((o) => [o.manifest.metadata.namespace, o.manifest.spec.clusterQueue]);
    expect(lqs.sort()).toEqual([['ads', 'recs-team'], ['recs', 'recs-team']]);
    expect(kubernetesObjects(synth).filter((o) => o.manifest.kind === 'ClusterQueue')).toHaveLength(1);
  });
});

describe('validation', () => {
  const build = (props: Partial<TrainingPipelineProps> & { trainOptions?: any } = {}, opts: { karpenter?: boolean } = {}) => {
    const { prod, h100 } = eks(opts.karpenter ?? true);
    const { trainOptions, ...rest } = props;
    return () => new TrainingPipeline(prod, 'recs-train', { stages: stages(h100, trainOptions), ...RECS, ...rest });
  };

  test('throws when spot training has no checkpointing', () => {
    expectConfigError(build({ checkpointing: undefined }), { path: 'acme/prod/recs-train', field: 'checkpointing', received: undefined, message: /spot/ });
  });

  test('throws when maxWait < maxRuntime', () => {
    expectConfigError(build({ trainOptions: { maxRuntime: Duration.hours(10), maxWait: Duration.hours(5) } }), { field: 'stages[1].maxWait', received: '5 hours' });
  });

  test('throws when the gang is larger than the pool', () => {
    expectConfigError(build({ trainOptions: { workers: 5, gpusPerWorker: 8 } }), { field: 'stages[1].workers × gpusPerWorker', received: 40, message: /32 nvidia.com\/gpu/ });
  });

  test('throws when the gang is larger than what the queue can admit', () => {
    const { prod, h100 } = eks();
    const team = new TrainingQueue(prod, 'team', { quotas: [{ pool: h100, gpus: 8 }] });
    expectConfigError(() => new TrainingPipeline(prod, 'recs-train', { stages: stages(h100), ...RECS, queue: team }), { field: 'stages.train.workers × gpusPerWorker', received: 16, message: /queue team can admit.*8 nvidia.com\/gpu/ });
    const cohort = new TrainingQueue(prod, 'cohort', { cohort: 'ml', quotas: [{ pool: h100, gpus: 8, borrowingLimit: 4 }] });
    expectConfigError(() => new TrainingPipeline(prod, 'other', { stages: stages(h100), ...RECS, queue: cohort }), { field: 'stages.train.workers × gpusPerWorker', message: /12 nvidia.com\/gpu \(nominal quota \+ borrowing limit\)/ });
  });

  test('throws when stage dependencies are circular or unknown', () => {
    const { prod, h100 } = eks();
    const cyclic = [
      TrainingStage.preprocess('prep', { image: 'i:1', dependsOn: ['eval'] }),
      TrainingStage.train('train', { image: 'i:1', pool: h100 }),
      TrainingStage.evaluate('eval', { image: 'i:1' }),
    ];
    expectConfigError(() => new TrainingPipeline(prod, 'a', { stages: cyclic, ...RECS }), { field: 'stages[0].dependsOn', received: 'prep → eval → train → prep' });
    const unknown = [TrainingStage.train('train', { image: 'i:1', pool: h100, dependsOn: ['nope'] })];
    expectConfigError(() => new TrainingPipeline(prod, 'b', { stages: unknown, ...RECS, gates: [] }), { field: 'stages[0].dependsOn', received: 'nope' });
  });

  test('throws when the promotion target is on another platform without a shared model store', () => {
    const app = testApp();
    const training = new AiPlatform(app, 'acme');
    const serving = new AiPlatform(app, 'edge');
    const { h100 } = (() => {
      const prod = training.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], ...EKS_ACCESS });
      return { h100: new GpuNodePool(prod, 'h100', { accelerator: Accelerator.NVIDIA_H100, instanceTypes: ['p5.48xlarge'], capacity: Capacity.spot(), maxNodes: 4 }) };
    })();
    const store = serving.addExistingCluster('store'); // no awsRegion: cannot receive new versions from S3
    const endpoint = new FakeEndpoint(store, 'recs', { cluster: store });
    expectConfigError(() => new TrainingPipeline(h100.cluster, 'recs-train', { stages: stages(h100), ...RECS, promoteTo: endpoint }),
      { path: 'acme/prod/recs-train', field: 'promoteTo', received: 'recs', message: /shares a model store.*platform edge.*awsRegion/ });
  });

  test('throws on other invalid input: stage structure, names, pools, grace period, capacity, queue quotas', () => {
    const { prod, h100 } = eks();
    const lab = (prod.node.scope as AiPlatform).addExistingCluster('lab');
    const a100 = GpuNodePool.fromExistingNodes(lab, 'a100', { accelerator: Accelerator.NVIDIA_A100_80GB, nodeSelector: { gpu: 'a100' }, gpus: 8 });
    const p = (id: string, s: TrainingStage[], extra: Partial<TrainingPipelineProps> = {}) =>
      () => new TrainingPipeline(prod, id, { stages: s, ...RECS, ...extra });
    const train = (o: any = {}) => TrainingStage.train('train', { image: 'i:1', pool: h100, ...o });
    expectConfigError(p('a', [train(), TrainingStage.train('train2', { image: 'i:1', pool: h100 })]), { field: 'stages', message: /exactly one/ });
    expectConfigError(p('b', [train()]), { field: 'gates', message: /evaluate stage/ });
    expectConfigError(p('Bad_Name', [train()], { gates: [] }), { field: 'pipelineName' });
    expectConfigError(p('c', [TrainingStage.train('train', { image: 'i:1' })], { gates: [] }), { field: 'stages.train.pool' });
    expectConfigError(p('d', [TrainingStage.train('train', { image: 'i:1', pool: a100 as GpuNodePool })], { gates: [] }), { field: 'stages.train.pool', message: /acme\/prod/ });
    expectConfigError(p('e', [train(), TrainingStage.custom('gate', { image: 'i:1' })], { gates: [] }), { field: 'stages.gate' });
    expectConfigError(p('f', [train({ terminationGracePeriod: Duration.seconds(30) })], { gates: [] }), { field: 'stages[0].terminationGracePeriod' });
    expectConfigError(p('g', [train({ capacity: Capacity.onDemand() })], { gates: [] }), { field: 'stages[0].capacity' });
    expectConfigError(p('h', [train({ image: 'has space' })], { gates: [] }), { field: 'stages[0].image' });
    expectConfigError(p('i', [train({ cpu: 'lots' })], { gates: [] }), { field: 'stages[0].cpu' });
    expectConfigError(p('j', [TrainingStage.evaluate('eval', { image: 'i:1' }), train()]), { field: 'stages[0].dependsOn', message: /train stage/ });
    expectConfigError(p('k', [train()], { gates: [], dataUri: undefined, triggers: [] }), { field: 'dataUri' });
    expectConfigError(() => new TrainingQueue(prod, 'q1', { quotas: [{ pool: h100, gpus: 64 }] }), { field: 'quotas[0].gpus', received: 64 });
    expectConfigError(() => new TrainingQueue(prod, 'q2', { quotas: [{ pool: h100, gpus: 8, borrowingLimit: 8 }] }), { field: 'quotas[0].borrowingLimit/lendingLimit' });
    expectConfigError(() => new TrainingQueue(prod, 'q3', { quotas: [{ pool: a100, gpus: 8 }] }), { field: 'quotas[0].pool' });
    const q4 = new TrainingQueue(prod, 'q4', { quotas: [{ pool: new GpuNodePool(prod, 'l4', { accelerator: Accelerator.NVIDIA_L4, maxNodes: 2 }), gpus: 2 }] });
    expectConfigError(p('l', [train()], { gates: [], queue: q4 }), { field: 'queue', message: /quota for pool acme\/prod\/h100/ });
    expectConfigError(() => new TrainingPipeline(prod.platform, 'm', { stages: [train()], ...RECS, gates: [] }), { field: 'scope' });
  });
});
