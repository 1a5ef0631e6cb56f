import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Annotations, dependable, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { envFromField, envVar, queueDrainScaledJob, restrictedPodSecurityContext, roleBindingObject, roleObject, RbacRule } from './k8s-objects';
import type { PipelinePlan, TrainingPipeline, TrainingPipelineProps } from './pipeline';
import { withSlash } from './pipeline';
import { rolloutOnServingCluster } from './promotion';
import { cpuMillis, memoryBytes } from './quantity';
import { TrainingQueue } from './queue';
import { DELETE_SCRIPT, DRAIN_SCRIPT, GATE_SCRIPT, PUBLISH_SCRIPT } from './scripts';
import { StageKinds, TrainingStage } from './vocabulary';
import { partitionOf } from '../aws/arn';
import { BucketEvents } from '../aws/bucket-events';
import { SecureBucket, secureQueue } from '../aws/storage';
import type { IGpuNodePool } from '../compute/pool';
import { Duration } from '../core/duration';
import { ConfigError } from '../core/errors';
import { joinName, validateDnsLabel } from '../core/naming';
import { parseS3Uri } from '../core/s3-uri';
import { Annotations as K8sAnnotations, Labels, ResourceNames } from '../core/well-known';
import { ArgoWorkflows, cronWorkflowObject, executorTokenSecretObject, workflowTemplateObject } from '../kubernetes/argo';
import { gangJobSetObject, JOB_COMPLETION_INDEX_ANNOTATION, JobSetAddon, JobSetPodLabels } from '../kubernetes/jobset';
import { Keda } from '../kubernetes/keda';
import { Kueue, localQueueObject, workloadPriorityClassObject } from '../kubernetes/kueue';
import { emitManifest, KubernetesObject } from '../kubernetes/manifest';
import { allowEgress, allowIngressFromNamespaces, defaultDenyNetworkPolicy, namespaceObject, restrictedContainerSecurityContext, serviceAccountObject } from '../kubernetes/objects';
import { ClusterKind, ICluster, Layer, PermissionStatement, WorkloadIdentity } from '../platform/cluster';

/** Label on every pod and object of a pipeline. */
export const PIPELINE_LABEL = 'cdktf-ai-infra/pipeline';
/** Label on the pods of a pipeline's stage. */
export const STAGE_LABEL = 'cdktf-ai-infra/stage';
/** Label on a run's JobSet and its pods: the workflow's name. */
export const RUN_LABEL = 'cdktf-ai-infra/run';
/** UID the helper containers (AWS CLI, kubectl, Python) run as: `nobody`. */
export const TOOL_UID = 65534;
/** Names of the built-in templates; stages cannot take them. */
const RESERVED = ['pipeline', 'gate', 'publish-model', 'roll-endpoint', 'on-exit', 'delete-gang'];
const REPLICATED_JOB = 'workers';
const RENDEZVOUS_PORT = 29500;

/** An S3 location a workload may read or write; `bucketArn` may be a token. */
interface S3Grant { readonly bucketArn: string; readonly prefix: string; readonly write: boolean }

/** What the Kubernetes realisation created. @internal */
export interface KubernetesRealisation {
  readonly resource: IConstruct;
  readonly namespace: string;
  readonly artifactsUri: string;
}

/**
 * Realise a pipeline on a cluster: namespace, identities, RBAC, NetworkPolicies, Kueue queues,
 * the Argo WorkflowTemplate (with the JobSet gang), CronWorkflows, the KEDA new-data trigger and
 * the promotion steps.
 * @internal
 */
export function realiseOnKubernetes(p: TrainingPipeline, cluster: ICluster, plan: PipelinePlan, props: TrainingPipelineProps): KubernetesRealisation {
  const path = p.node.path;
  const name = plan.name;
  const ns = validateDnsLabel(props.namespace ?? name, path, 'namespace');
  for (const s of plan.stages) {
    if (RESERVED.includes(s.name) || /^roll-endpoint-\d+$/.test(s.name)) throw new ConfigError(path, `stages.${s.name}`, s.name, `a stage name other than ${RESERVED.join(', ')} (names of built-in steps)`);
    const pool = s.options.pool;
    if (pool && pool.cluster !== cluster) {
      throw new ConfigError(path, `stages.${s.name}.pool`, pool.node.path, `a pool of cluster ${cluster.node.path}, where the pipeline runs`);
    }
    if (s.options.capacity && !pool) {
      throw new ConfigError(path, `stages.${s.name}.capacity`, s.options.capacity.toString(), 'nothing on Kubernetes without a pool: capacity comes from the pool the stage runs on');
    }
  }
  const train = plan.train;
  const pool = train.options.pool;
  if (train.gpusPerWorker === 0) {
    throw new ConfigError(path, `stages.${train.name}.gpusPerWorker`, 0,
      'at least 1 on a cluster: the training gang runs on an accelerator pool, with Kueue quota per pool flavor. Train CPU-only models in a SageMaker pipeline (SageMakerTarget), or as a TrainingStage.custom step of this pipeline');
  }
  if (!pool) {
    throw new ConfigError(path, `stages.${train.name}.pool`, undefined, 'the accelerator pool to train on (GpuNodePool or GpuNodePool.fromExistingNodes): Kueue gives quota per pool flavor');
  }
  const gang = train.workers * train.gpusPerWorker;
  const partition = partitionOf(cluster.cloudRegion ?? cluster.region ?? 'us-east-1');
  const workloads = cluster.scopeFor(Layer.WORKLOADS, p);
  const emit = (id: string, object: KubernetesObject) => emitManifest(workloads, id, object, cluster.commonLabels);
  const labels = { [PIPELINE_LABEL]: name };

  // Queue: the team's, or one of the pipeline's own sized to one gang.
  const queue = props.queue ?? new TrainingQueue(p, 'Queue', {
    queueName: joinName([ns, name], 63), cohort: props.cohort, quotas: [{ pool, gpus: gang }],
  });
  if (queue.cluster !== cluster) throw new ConfigError(path, 'queue', queue.node.path, `a TrainingQueue of cluster ${cluster.node.path}`);
  if (!queue.quotaFor(pool)) {
    throw new ConfigError(path, 'queue', queue.queueName, `a queue with a quota for pool ${pool.node.path} (it has ${queue.quotas.map((q) => q.pool.node.path).join(', ')})`);
  }
  const capacity = queue.capacityFor(pool);
  if (capacity !== undefined && gang > capacity) {
    throw new ConfigError(path, `stages.${train.name}.workers × gpusPerWorker`, gang, `at most what queue ${queue.queueName} can admit on ${pool.poolName}: ${capacity} ${pool.resourceName} (nominal quota${queue.cohort ? ' + borrowing limit' : ''}); a larger gang waits forever`);
  }
  const trainCpu = cpuMillis(train.options.cpu ?? '8', path, `stages.${train.name}.cpu`);
  const trainMemory = memoryBytes(train.options.memory ?? '64Gi', path, `stages.${train.name}.memory`);
  queue._use(ns, pool, trainCpu / train.gpusPerWorker, trainMemory / train.gpusPerWorker);
  const timeout = props.allOrNothingTimeout ?? Duration.minutes(15);
  Kueue.of(cluster).requireAllOrNothing({ timeoutSeconds: timeout.toSeconds({ integral: true }), recoveryTimeoutSeconds: 600 });
  JobSetAddon.of(cluster);
  ArgoWorkflows.of(cluster);

  // Where runs write: the given prefix, or a new secure bucket next to the cluster's cloud resources.
  let artifacts: { uri: string; bucketArn: string; prefix: string };
  if (plan.artifactsUri) {
    const loc = parseS3Uri(plan.artifactsUri, path, 'artifactsUri');
    artifacts = { uri: plan.artifactsUri, bucketArn: `arn:${partition}:s3:::${loc.bucket}`, prefix: loc.prefix };
  } else {
    const bucket = new SecureBucket(cluster.cloudScopeFor(p) as Construct, 'Artifacts', { namePrefix: joinName([cluster.platformName, name], 36) + '-' });
    artifacts = { uri: `s3://${bucket.bucketName}/`, bucketArn: bucket.arn, prefix: '' };
  }
  const runUri = `${artifacts.uri}runs/{{workflow.name}}/`;
  const modelUri = `${runUri}model/`;
  const data = parseS3Uri(plan.dataUri, path, 'dataUri');
  const dataGrant: S3Grant = { bucketArn: `arn:${partition}:s3:::${data.bucket}`, prefix: data.prefix, write: false };
  const artifactsGrant: S3Grant = { bucketArn: artifacts.bucketArn, prefix: artifacts.prefix, write: true };
  const ckpt = plan.checkpointing;
  const ckptLoc = ckpt?.kind === 's3' ? parseS3Uri(ckpt.uri!, path, 'checkpointing.uri') : undefined;
  const ckptGrant: S3Grant[] = ckptLoc ? [{ bucketArn: `arn:${partition}:s3:::${ckptLoc.bucket}`, prefix: ckptLoc.prefix, write: true }] : [];
  const checkpointDir = ckpt ? (ckpt.kind === 's3' ? `${withSlash(ckpt.uri!)}{{workflow.name}}/` : `${ckpt.mountPath}/{{workflow.name}}`) : undefined;

  // Namespace, identities, RBAC, network.
  emit('Namespace', namespaceObject(ns, 'restricted', labels));
  const sa = {
    executor: `${name}-executor`,
    steps: `${name}-steps`,
    launcher: `${name}-launcher`,
    trainer: `${name}-trainer`,
    promoter: `${name}-promoter`,
    roller: `${name}-roller`,
    trigger: `${name}-trigger`,
  };
  const identities: Record<string, WorkloadIdentity | undefined> = {};
  const accounts: Partial<Record<keyof typeof sa, Manifest>> = {};
  const bind = (key: keyof typeof sa, statements: PermissionStatement[]) => {
    identities[key] = statements.length ? cluster.grantWorkload(p, ns, sa[key], statements) : undefined;
    accounts[key] = emit(`ServiceAccount-${key}`, serviceAccountObject(sa[key], ns, {
      roleArn: cluster.kind === ClusterKind.EXISTING ? identities[key]?.roleArn : undefined,
    }));
  };
  const taskResults: RbacRule = { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] };
  const role = (id: string, roleName: string, rules: RbacRule[], subjects: string[], inNamespace = ns) => {
    emit(`Role-${id}`, roleObject(roleName, inNamespace, rules));
    emit(`RoleBinding-${id}`, roleBindingObject(roleName, inNamespace, roleName, subjects.map((s) => ({ name: s, namespace: ns }))));
  };
  // Argo executors (the init and wait containers of every workflow pod, and the `argoexec resource`
  // main container of resource templates) use the token of the executor service account, mounted
  // from the Secret `<sa>.service-account-token` (Argo v4.0.6 workflowpod.go setupServiceAccount,
  // newExecContainer; operator.go executeResource). Each executor account gets its token Secret
  // (created after the account) and the RBAC of what its steps do:
  // - `executor`: every container step (writes its task results only);
  // - `launcher`: the train step (creates the run's JobSet and polls it to a terminal state);
  // - `roller`: the roll-endpoint steps (merge-patch of one InferenceService).
  const executors: Array<keyof typeof sa> = [];
  const executor = (key: keyof typeof sa) => {
    bind(key, []);
    const secret = emit(`ExecutorToken-${key}`, executorTokenSecretObject(sa[key], ns));
    secret.dependsOn = [dependable(accounts[key]!)];
    executors.push(key);
  };
  executor('executor');
  executor('launcher');
  bind('steps', s3Statements([dataGrant, artifactsGrant]));
  bind('trainer', s3Statements([dataGrant, artifactsGrant, ...ckptGrant]));
  // `setOwnerReference` makes the workflow the JobSet's controller owner (blockOwnerDeletion), which
  // clusters with the OwnerReferencesPermissionEnforcement admission plugin allow only to a
  // creator that may update the owner's finalizers.
  role('launcher', `${name}-launcher`, [
    { apiGroups: ['jobset.x-k8s.io'], resources: ['jobsets'], verbs: ['create', 'get', 'list', 'delete'] },
    { apiGroups: ['argoproj.io'], resources: ['workflows/finalizers'], verbs: ['update'] },
  ], [sa.launcher]);

  emit('DefaultDeny', defaultDenyNetworkPolicy(ns));
  emit('AllowEgress', allowEgress(`${name}-egress`, ns, labels));
  emit('AllowGang', allowIngressFromNamespaces(`${name}-gang`, ns, { ...labels, [STAGE_LABEL]: train.name }, [ns]));

  // Kueue: the namespace's LocalQueue and the pipeline's priority.
  const localQueue = name;
  const priorityClass = joinName([ns, name], 63);
  emit('LocalQueue', localQueueObject(localQueue, ns, queue.queueName));
  emit('WorkloadPriorityClass', workloadPriorityClassObject(priorityClass, props.priority ?? 100, `Training workloads of ${ns}/${name}`));

  // Containers.
  const credentials = (key: keyof typeof sa) => {
    const secret = identities[key]?.credentialsSecret;
    return secret ? { envFrom: [{ secretRef: { name: secret } }] } : {};
  };
  const region = cluster.cloudRegion ? [envVar('AWS_REGION', cluster.cloudRegion)] : [];
  const commonEnv = [
    envVar('PIPELINE_NAME', name), envVar('RUN_ID', '{{workflow.name}}'), envVar('DATA_URI', plan.dataUri),
    envVar('ARTIFACTS_URI', runUri), envVar('MODEL_URI', modelUri), envVar('NEW_OBJECTS', '{{workflow.parameters.new-objects}}'), ...region,
  ];
  const userEnv = (s: TrainingStage) => Object.entries(s.options.env ?? {}).map(([k, v]) => envVar(k, v));
  const resources = (s: TrainingStage, cpu: string, memory: string) => {
    const units = s.gpusPerWorker;
    const res = s.options.pool?.resourceName;
    // On an EFA pool each worker requests its share of the node's EFA interfaces (all of them for
    // a whole node): without the request NCCL finds no EFA device and falls back to TCP.
    const efa = efaShare(s.options.pool, units);
    const device = { ...(units && res ? { [res]: String(units) } : {}), ...(efa ? { [ResourceNames.EFA]: String(efa) } : {}) };
    return {
      requests: { cpu, memory, ...device },
      limits: { memory, ...device },
    };
  };
  const placement = (s: TrainingStage) => (s.options.pool
    ? { nodeSelector: s.options.pool.nodeSelector, tolerations: s.options.pool.tolerations.map((t) => ({ ...t })) }
    : {});
  const stageContainer = (s: TrainingStage, env: Array<Record<string, unknown>>, identity: keyof typeof sa, extra: Record<string, unknown> = {}) => ({
    name: 'main',
    image: s.options.image,
    ...(s.options.command ? { command: s.options.command } : {}),
    ...(s.options.args ? { args: s.options.args } : {}),
    env: [...env, ...userEnv(s)],
    ...credentials(identity),
    resources: s.kind === StageKinds.TRAIN
      ? resources(s, s.options.cpu ?? '8', s.options.memory ?? '64Gi')
      : resources(s, s.options.cpu ?? '2', s.options.memory ?? '8Gi'),
    securityContext: restrictedContainerSecurityContext(),
    ...extra,
  });
  const tool = (
    image: string, containerName: string, command: string[], env: Array<Record<string, unknown>>,
    identity?: keyof typeof sa, extra: Record<string, unknown> = {},
  ) => ({
    name: containerName,
    image,
    command,
    env: [envVar('HOME', '/tmp'), ...env],
    ...(identity ? credentials(identity) : {}),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: restrictedContainerSecurityContext({ runAsUser: TOOL_UID }),
    ...extra,
  });

  // The gang: one JobSet per run, created by the train step and queued by Kueue.
  const trainEnv = [
    ...commonEnv,
    envFromField('JOBSET_NAME', `metadata.labels['${JobSetPodLabels.JOBSET_NAME}']`),
    envFromField('NODE_RANK', `metadata.annotations['${JOB_COMPLETION_INDEX_ANNOTATION}']`),
    envVar('NNODES', String(train.workers)),
    envVar('NPROC_PER_NODE', String(train.gpusPerWorker)),
    envVar('WORLD_SIZE', String(gang)),
    envVar('MASTER_ADDR', `$(JOBSET_NAME)-${REPLICATED_JOB}-0-0.$(JOBSET_NAME)`),
    envVar('MASTER_PORT', String(RENDEZVOUS_PORT)),
    // torchrun reads its flags from PET_<FLAG> (pytorch torch/distributed/argparse_util.py `env`):
    // without them every worker would start a one-node job of its own. The first pod of the gang
    // is the rendezvous host: JobSet v0.12.0 names pods <jobset>-<job>-<jobIndex>-<podIndex> under
    // the subdomain <jobset> (pkg/controllers/jobset_controller.go GetSubdomain).
    envVar('PET_NNODES', String(train.workers)),
    envVar('PET_NPROC_PER_NODE', String(train.gpusPerWorker)),
    envFromField('PET_NODE_RANK', `metadata.annotations['${JOB_COMPLETION_INDEX_ANNOTATION}']`),
    envVar('PET_MASTER_ADDR', '$(MASTER_ADDR)'),
    envVar('PET_MASTER_PORT', String(RENDEZVOUS_PORT)),
    ...(checkpointDir ? [envVar('CHECKPOINT_DIR', checkpointDir), envVar('RESUME_FROM_CHECKPOINT', 'latest')] : []),
    ...(ckpt?.interval ? [envVar('CHECKPOINT_INTERVAL_SECONDS', String(Math.max(1, Math.round(ckpt.interval.toSeconds()))))] : []),
  ];
  const volumes: Array<Record<string, unknown>> = [{ name: 'dshm', emptyDir: { medium: 'Memory' } }];
  const mounts: Array<Record<string, unknown>> = [{ name: 'dshm', mountPath: '/dev/shm' }];
  if (ckpt?.kind === 'pvc') {
    volumes.push({ name: 'checkpoints', persistentVolumeClaim: { claimName: ckpt.claimName } });
    mounts.push({ name: 'checkpoints', mountPath: ckpt.mountPath });
  }
  const grace = train.options.terminationGracePeriod ?? Duration.seconds(120);
  const podLabels = { ...labels, [STAGE_LABEL]: train.name, [RUN_LABEL]: '{{workflow.name}}' };
  const jobSet = gangJobSetObject({
    name: '{{workflow.name}}',
    generateName: true,
    namespace: ns,
    labels: { ...cluster.commonLabels, ...podLabels, [Labels.KUEUE_QUEUE_NAME]: localQueue, [Labels.KUEUE_PRIORITY_CLASS]: priorityClass },
    replicatedJobName: REPLICATED_JOB,
    workers: train.workers,
    maxRestarts: train.options.maxRestarts ?? 3,
    podTemplate: {
      metadata: { labels: podLabels, annotations: { [K8sAnnotations.KARPENTER_DO_NOT_DISRUPT]: 'true' } },
      spec: {
        restartPolicy: 'Never',
        serviceAccountName: sa.trainer,
        automountServiceAccountToken: false,
        terminationGracePeriodSeconds: Math.ceil(grace.toSeconds()),
        securityContext: restrictedPodSecurityContext(train.options.runAsUser),
        ...placement(train),
        containers: [stageContainer(train, trainEnv, 'trainer', {
          name: 'trainer',
          ports: [{ name: 'rendezvous', containerPort: RENDEZVOUS_PORT, protocol: 'TCP' }],
          volumeMounts: mounts,
        })],
        volumes,
      },
    },
  });

  // Workflow templates: one per stage, plus gate and promotion steps.
  const deadline = (d: Duration) => Math.ceil(d.toSeconds());
  const templates: Array<Record<string, unknown>> = [];
  const tasks: Array<Record<string, unknown>> = [];
  const depends = (deps: string[]) => (deps.length ? { depends: deps.map((d) => `${d}.Succeeded`).join(' && ') } : {});
  for (const s of plan.stages) {
    const deps = plan.dependencies[s.name];
    tasks.push({
      name: s.name,
      template: s.name,
      ...depends(deps),
      // A run started for new data that found none (a duplicate trigger) skips everything.
      ...(deps.length ? {} : { when: "'{{workflow.parameters.new-objects}}' != '0'" }),
    });
    if (s === train) {
      templates.push({
        name: s.name,
        serviceAccountName: sa.launcher,
        automountServiceAccountToken: false,
        executor: { serviceAccountName: sa.launcher },
        activeDeadlineSeconds: deadline(train.options.maxWait ?? Duration.seconds(train.maxRuntime.toSeconds() * 2)),
        resource: {
          action: 'create',
          setOwnerReference: true,
          successCondition: 'status.terminalState == Completed',
          failureCondition: 'status.terminalState == Failed',
          manifest: JSON.stringify(jobSet),
        },
      });
      continue;
    }
    const isEval = s === plan.evaluate;
    templates.push({
      name: s.name,
      activeDeadlineSeconds: deadline(s.maxRuntime),
      metadata: { labels: { [STAGE_LABEL]: s.name } },
      ...(s.options.runAsUser !== undefined ? { securityContext: restrictedPodSecurityContext(s.options.runAsUser) } : {}),
      ...placement(s),
      container: stageContainer(s, [...commonEnv, ...(isEval ? [envVar('METRICS_PATH', '/tmp/outputs/metrics.json')] : [])], 'steps'),
      ...(isEval ? {
        volumes: [{ name: 'outputs', emptyDir: {} }],
        outputs: { parameters: [{ name: 'metrics', valueFrom: { path: '/tmp/outputs/metrics.json', default: '{}' } }] },
      } : {}),
    });
    if (isEval) {
      const c = templates[templates.length - 1].container as Record<string, unknown>;
      c.volumeMounts = [{ name: 'outputs', mountPath: '/tmp/outputs' }];
    }
  }

  // Gate and promotion.
  const promotion = plan.promoteTo?.promotion;
  let last = plan.evaluate?.name ?? train.name;
  if (plan.gates.length) {
    templates.push({
      name: 'gate',
      metadata: { labels: { [STAGE_LABEL]: 'gate' } },
      inputs: { parameters: [{ name: 'metrics' }] },
      script: {
        ...tool(plan.images.python, 'main', ['python3'], [
          envVar('METRICS', '{{inputs.parameters.metrics}}'),
          envVar('GATES', JSON.stringify(plan.gates.map((g) => ({ metric: g.metricName, operator: g.operator, threshold: g.threshold })))),
        ]),
        source: GATE_SCRIPT,
      },
    });
    tasks.push({
      name: 'gate',
      template: 'gate',
      depends: `${plan.evaluate!.name}.Succeeded`,
      arguments: { parameters: [{ name: 'metrics', value: `{{tasks.${plan.evaluate!.name}.outputs.parameters.metrics}}` }] },
    });
    last = 'gate';
  }
  if (promotion) {
    const versions = parseS3Uri(promotion.modelVersionsUri, path, 'promoteTo.promotion.modelVersionsUri');
    bind('promoter', s3Statements([artifactsGrant, { bucketArn: `arn:${partition}:s3:::${versions.bucket}`, prefix: versions.prefix, write: true }]));
    const metricsRef = plan.evaluate ? `{{tasks.${plan.evaluate.name}.outputs.parameters.metrics}}` : '{}';
    templates.push({
      name: 'publish-model',
      serviceAccountName: sa.promoter,
      metadata: { labels: { [STAGE_LABEL]: 'publish-model' } },
      inputs: { parameters: [{ name: 'metrics' }] },
      container: tool(plan.images.awsCli, 'main', ['/bin/sh', '-c', PUBLISH_SCRIPT], [
        envVar('PIPELINE', name), envVar('VERSION', '{{workflow.name}}'), envVar('MODEL_URI', modelUri),
        envVar('VERSIONS_URI', withSlash(promotion.modelVersionsUri)), envVar('METRICS', '{{inputs.parameters.metrics}}'), ...region,
      ], 'promoter'),
      outputs: { parameters: [{ name: 'version-uri', valueFrom: { path: '/tmp/version-uri' } }] },
    });
    tasks.push({
      name: 'publish-model',
      template: 'publish-model',
      depends: `${last}.Succeeded`,
      ...(plan.gates.length ? { when: "'{{tasks.gate.outputs.result}}' == 'pass'" } : {}),
      arguments: { parameters: [{ name: 'metrics', value: metricsRef }] },
    });
    let inCluster = 0;
    for (const target of plan.promotionTargets) {
      const tp = target.promotion;
      if (!(tp.kind === 'kserve' && tp.cluster === cluster)) {
        rolloutOnServingCluster(p, cluster, plan, target);
        continue;
      }
      // Roll the InferenceService here: a merge patch of its model URI and canary, by a role that
      // may get and patch only that InferenceService.
      inCluster++;
      if (inCluster === 1) executor('roller');
      const suffix = inCluster === 1 ? '' : `-${inCluster}`;
      const step = `roll-endpoint${suffix}`;
      const isvc = tp.inferenceServiceName!;
      const isvcNs = tp.namespace!;
      tp._acceptModelRollouts?.(); // the next terraform apply keeps what this step rolls
      role(`promote${suffix}`, `${name}-promote${suffix}`, [{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: [isvc], verbs: ['get', 'patch'] }], [sa.roller], isvcNs);
      // A resource template: `argoexec resource patch` runs with the roller's token (Argo ignores a
      // template's `automountServiceAccountToken: true`, so a kubectl container would have none).
      templates.push({
        name: step,
        serviceAccountName: sa.roller,
        automountServiceAccountToken: false,
        executor: { serviceAccountName: sa.roller },
        metadata: { labels: { [STAGE_LABEL]: step } },
        inputs: { parameters: [{ name: 'version-uri' }] },
        resource: {
          action: 'patch',
          mergeStrategy: 'merge',
          manifest: JSON.stringify(kservePatchObject(isvc, isvcNs, tp.canaryPercent, '{{inputs.parameters.version-uri}}')),
        },
      });
      tasks.push({
        name: step,
        template: step,
        depends: 'publish-model.Succeeded',
        arguments: { parameters: [{ name: 'version-uri', value: '{{tasks.publish-model.outputs.parameters.version-uri}}' }] },
      });
    }
  }

  role('executor', `${name}-executor`, [taskResults], executors.map((k) => sa[k]));

  // Exit handler: a run that fails, errors or times out deletes its JobSet (and so frees its GPU
  // nodes) instead of leaving it to the 14-day TTL of the failed workflow. `argoexec resource
  // delete` with a label selector and no manifest (Argo v4.0.6 examples/resource-delete-with-flags.yaml;
  // workflow/executor/resource.go adds --ignore-not-found), run by the launcher (list + delete).
  templates.push({
    name: 'on-exit',
    steps: [[{ name: 'delete-gang', template: 'delete-gang', when: '{{workflow.status}} != Succeeded' }]],
  }, {
    name: 'delete-gang',
    serviceAccountName: sa.launcher,
    automountServiceAccountToken: false,
    executor: { serviceAccountName: sa.launcher },
    metadata: { labels: { [STAGE_LABEL]: 'delete-gang' } },
    resource: {
      action: 'delete',
      flags: ['jobsets.jobset.x-k8s.io', '--namespace', ns, '--selector', `${RUN_LABEL}={{workflow.name}}`],
    },
  });

  const resource = emit('WorkflowTemplate', workflowTemplateObject(name, ns, {
    entrypoint: 'pipeline',
    onExit: 'on-exit',
    serviceAccountName: sa.steps,
    automountServiceAccountToken: false,
    executor: { serviceAccountName: sa.executor },
    arguments: { parameters: [{ name: 'new-objects', value: 'unknown' }, { name: 'trigger', value: 'manual' }] },
    // One run at a time per pipeline: a new trigger waits for the running one.
    synchronization: { mutexes: [{ name }] },
    podMetadata: { labels },
    securityContext: restrictedPodSecurityContext(),
    podGC: { strategy: 'OnPodSuccess' },
    ttlStrategy: { secondsAfterSuccess: 7 * 86400, secondsAfterFailure: 14 * 86400 },
    templates: [{ name: 'pipeline', dag: { tasks } }, ...templates],
  }, labels));

  // Triggers.
  const schedules = plan.triggers.filter((t) => t.kind === 'schedule');
  const byZone = new Map<string, string[]>();
  for (const t of schedules) byZone.set(t.timezone!, [...(byZone.get(t.timezone!) ?? []), t.cron!]);
  [...byZone.entries()].forEach(([zone, crons], i) => {
    emit(`CronWorkflow${i === 0 ? '' : i}`, cronWorkflowObject(i === 0 ? name : `${name}-${i}`, ns, {
      schedules: crons, timezone: zone, workflowTemplate: name, labels, parameters: { 'new-objects': 'scheduled', 'trigger': 'schedule' },
    }));
  });
  const onNew = plan.triggers.find((t) => t.kind === 'new-objects');
  if (onNew) newDataTrigger(p, cluster, { name, ns, sa: sa.trigger, labels, uri: onNew.uri!, suffix: onNew.suffix, images: plan.images, emit, bind: (st) => bind('trigger', st), credentials: () => credentials('trigger'), partition });
  else bind('trigger', []);
  const secrets = Object.values(identities).some((i) => i?.credentialsSecret);
  if (cluster.kind === ClusterKind.EXISTING && !cluster.capabilities.workloadIdentity && secrets) {
    Annotations.of(p).addInfo(`${name}: create the credentials secret in namespace ${ns} before the first run (its pods read AWS credentials from it)`);
  }
  return { resource, namespace: ns, artifactsUri: artifacts.uri };
}

/**
 * The InferenceService merge patch of a roll step as an object `kubectl patch -f` identifies
 * (Argo's resource `patch` action: `kubectl patch --type merge --patch-file <m> -f <m>`).
 */
export function kservePatchObject(name: string, namespace: string, canaryPercent: number, modelUri: string): Record<string, unknown> {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name, namespace },
    ...JSON.parse(kservePatch(canaryPercent, modelUri)),
  };
}

/** The InferenceService merge patch: new model URI, traffic share of the new revision. */
export function kservePatch(canaryPercent: number, modelUri: string): string {
  const canary = canaryPercent > 0 && canaryPercent < 100 ? canaryPercent : 100;
  return JSON.stringify({ spec: { predictor: { canaryTrafficPercent: canary, model: { storageUri: modelUri } } } });
}

/** IAM statements for S3 grants: list only under the prefixes, read objects, write where allowed. */
export function s3Statements(grants: S3Grant[]): PermissionStatement[] {
  const out: PermissionStatement[] = [];
  const byBucket = new Map<string, S3Grant[]>();
  for (const g of grants) byBucket.set(g.bucketArn, [...(byBucket.get(g.bucketArn) ?? []), g]);
  for (const [bucketArn, gs] of byBucket) {
    const prefixes = [...new Set(gs.map((g) => g.prefix))];
    out.push({
      actions: ['s3:ListBucket'],
      resources: [bucketArn],
      ...(prefixes.includes('') ? {} : { conditions: { StringLike: { 's3:prefix': prefixes.flatMap((x) => [x, `${x}*`]) } } }),
    });
    out.push({ actions: ['s3:GetObject'], resources: [...new Set(gs.map((g) => `${bucketArn}/${g.prefix}*`))] });
    const writable = gs.filter((g) => g.write);
    if (writable.length) {
      out.push({ actions: ['s3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'], resources: [...new Set(writable.map((g) => `${bucketArn}/${g.prefix}*`))] });
    }
  }
  return out;
}

interface TriggerContext {
  readonly name: string;
  readonly ns: string;
  readonly sa: string;
  readonly labels: Record<string, string>;
  readonly uri: string;
  readonly suffix?: string;
  readonly images: PipelinePlan['images'];
  readonly partition: string;
  readonly emit: (id: string, object: KubernetesObject) => unknown;
  readonly bind: (statements: PermissionStatement[]) => void;
  readonly credentials: () => Record<string, unknown>;
}

/**
 * New objects under the data prefix start a run: S3 notification → encrypted SQS queue (DLQ after
 * 5 receives) → KEDA ScaledJob (one job at a time) that drains the queue, creates one Workflow from
 * the template with the number of new objects, then deletes the messages it read. Its role may
 * receive and delete on that queue only; its RBAC role may create Workflows only.
 */
function newDataTrigger(p: TrainingPipeline, cluster: ICluster, c: TriggerContext): void {
  const path = p.node.path;
  const region = cluster.cloudRegion;
  const cloud = cluster.cloudScopeFor(p) as Construct;
  if (!region) throw new ConfigError(path, 'awsRegion', undefined, `an AWS region for cluster ${cluster.node.path}`);
  const loc = parseS3Uri(c.uri, path, 'trigger.uri');
  const queueName = joinName([cluster.platformName, c.name, 'retrain'], 76);
  const { queue } = secureQueue(cloud, 'RetrainQueue', { name: queueName, visibilityTimeoutSeconds: 300, deadLetterAfter: 5 });
  BucketEvents.of(TerraformStack.of(cloud), loc.bucket, path).sendNewObjectsTo(p, queue, loc.prefix, c.suffix, region);
  c.bind([{ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], resources: [queue.arn] }]);
  c.emit('Role-trigger', roleObject(`${c.name}-trigger`, c.ns, [{ apiGroups: ['argoproj.io'], resources: ['workflows'], verbs: ['create'] }]));
  c.emit('RoleBinding-trigger', roleBindingObject(`${c.name}-trigger`, c.ns, `${c.name}-trigger`, [{ name: c.sa, namespace: c.ns }]));
  const auth = Keda.of(cluster).awsTriggerAuthentication(c.ns, p);
  const workflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: `${c.name}-`, namespace: c.ns, labels: { ...c.labels, 'cdktf-ai-infra/trigger': 'new-objects' } },
    spec: {
      workflowTemplateRef: { name: c.name },
      arguments: { parameters: [{ name: 'new-objects', value: '__NEW_OBJECTS__' }, { name: 'trigger', value: 'new-objects' }] },
    },
  };
  const env = [envVar('HOME', '/tmp'), envVar('QUEUE_URL', queue.url), envVar('AWS_REGION', region)];
  const toolContainer = (containerName: string, image: string, command: string[], extraEnv: Array<Record<string, unknown>> = [], aws = true) => ({
    name: containerName,
    image,
    command,
    env: aws ? [...env, ...extraEnv] : extraEnv,
    ...(aws ? c.credentials() : {}),
    volumeMounts: [{ name: 'work', mountPath: '/work' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    securityContext: restrictedContainerSecurityContext({ runAsUser: TOOL_UID }),
  });
  // One drain at a time: a burst of new files becomes one run, not one run per file.
  c.emit('ScaledJob', queueDrainScaledJob({
    name: `${c.name}-on-new-data`,
    namespace: c.ns,
    labels: c.labels,
    podLabels: { ...c.labels, [STAGE_LABEL]: 'trigger' },
    serviceAccountName: c.sa,
    steps: [
      toolContainer('drain-queue', c.images.awsCli, ['/bin/sh', '-c', DRAIN_SCRIPT], [envVar('WORKFLOW_JSON', JSON.stringify(workflow))]),
      toolContainer('create-run', c.images.kubectl, ['kubectl', 'create', '--filename', '/work/workflow.json'], [], false),
    ],
    last: toolContainer('delete-messages', c.images.awsCli, ['/bin/sh', '-c', DELETE_SCRIPT]),
    queueUrl: queue.url,
    region,
    authentication: auth,
  }));
}

/**
 * EFA interfaces a worker of `units` accelerator units requests on an EFA pool: its share of the
 * node's interfaces (all of them for a whole node, at least one), or 0 off EFA pools.
 */
function efaShare(pool: IGpuNodePool | undefined, units: number): number {
  const efa = pool?.efaInterfacesPerNode ?? 0;
  if (!efa || !units) return 0;
  const perNode = pool?.unitsPerNode ?? units;
  return Math.max(1, Math.floor((efa * Math.min(units, perNode)) / perNode));
}
