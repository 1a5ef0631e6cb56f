import { Annotations, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { envVar, queueDrainScaledJob, roleBindingObject, roleObject } from './k8s-objects';
import type { PipelinePlan } from './pipeline';
import { ROLLOUT_RECEIVE_SCRIPT, DELETE_SCRIPT } from './scripts';
import { approvedMarkerPattern, BucketEvents } from '../aws/bucket-events';
import { secureQueue } from '../aws/storage';
import { ConfigError } from '../core/errors';
import { joinName } from '../core/naming';
import { parseS3Uri } from '../core/s3-uri';
import { Keda } from '../kubernetes/keda';
import { emitManifest, KubernetesObject } from '../kubernetes/manifest';
import { allowEgress, restrictedContainerSecurityContext, serviceAccountObject } from '../kubernetes/objects';
import { ClusterKind, ICluster, Layer } from '../platform/cluster';
import type { EndpointPromotion, IInferenceEndpoint } from '../serving/endpoint';

/** UID of the helper containers (`nobody`). */
const TOOL_UID = 65534;

/** Whether `cluster` can hold cloud resources (an infra stack, or an AWS region for the platform AWS stack). */
function hasCloud(cluster: ICluster): boolean {
  return Boolean(cluster.stacks.infra || cluster.cloudRegion);
}

/**
 * How an approved version reaches an endpoint the training side cannot patch directly: the
 * version is published under `modelVersionsUri` (the shared model store) with an `_APPROVED.json`
 * marker written last; then
 * - KServe on another cluster: in the serving cluster's AWS scope, an EventBridge rule on new
 *   markers (the bucket's events go to EventBridge, so any number of endpoints can follow one
 *   versions prefix) → encrypted SQS queue → on the serving cluster, a KEDA ScaledJob that patches
 *   the InferenceService's model URI and canary share (RBAC: get and patch of that one
 *   InferenceService);
 * - SageMaker endpoint realised by this library (a ServerlessInferenceEndpoint with a SageMaker
 *   target): in the endpoint's AWS stack, once per endpoint however many pipelines promote to it,
 *   the bucket sends its events to EventBridge; a rule on new `_APPROVED.json` markers starts a Step
 *   Functions state machine that creates a model (the endpoint's image, environment and execution
 *   role; the version's `model.tar.gz`, else its uncompressed files) and an endpoint configuration
 *   (the endpoint's settings), then calls `UpdateEndpoint`: a blue/green canary where SageMaker's
 *   deployment guardrails apply (asynchronous endpoints with `canaryPercent` 1–99, at most 50 % of
 *   capacity first), all at once elsewhere (serverless endpoints, Inf1 instances). From then on
 *   Terraform ignores the endpoint's `endpoint_config_name`: promotions own which configuration it
 *   serves (lib/aws/sagemaker-rollout.ts);
 * - another SageMaker endpoint (an {@link EndpointPromotion} without the rollout hook): nothing is
 *   created here; its own rollout must read the versions under `modelVersionsUri`.
 *
 * `owner` is the pipeline; `trainingCluster` is undefined for SageMaker pipelines; `endpoint` is
 * one of the plan's promotion targets.
 * @throws ConfigError when there is no model store both sides reach
 * @internal
 */
export function rolloutOnServingCluster(
  owner: Construct, trainingCluster: ICluster | undefined, plan: PipelinePlan, endpoint: IInferenceEndpoint,
): void {
  const path = owner.node.path;
  const promotion = endpoint.promotion;
  const primary = endpoint === plan.promoteTo;
  const field = primary ? 'promoteTo' : `promoteAlsoTo[${plan.promotionTargets.indexOf(endpoint) - 1}]`;
  const versions = parseS3Uri(promotion.modelVersionsUri, path, `${field}.promotion.modelVersionsUri`);
  if (promotion.kind === 'sagemaker') {
    const published = `${plan.name}: approved versions are published under ${promotion.modelVersionsUri}<run>/ (marker _APPROVED.json, written last)`;
    const name = promotion.sagemakerEndpointName ?? endpoint.endpointName;
    const rollout = promotion._enableSageMakerRollout?.();
    Annotations.of(owner).addInfo(rollout
      ? `${published}; each marker starts the Step Functions rollout of SageMaker endpoint ${name}: ${rollout}`
      : `${published}; nothing here updates SageMaker endpoint ${name}: its own rollout must read the versions from there`);
    return;
  }
  if (promotion.kind !== 'kserve') {
    throw new ConfigError(path, `${field}.promotion.kind`, promotion.kind, '"kserve" or "sagemaker"');
  }
  const serving = promotion.cluster;
  if (!serving || !promotion.inferenceServiceName || !promotion.namespace) {
    throw new ConfigError(path, `${field}.promotion`, { cluster: serving?.node.path, namespace: promotion.namespace, inferenceServiceName: promotion.inferenceServiceName }, 'a KServe promotion naming its cluster, namespace and InferenceService');
  }
  const where = trainingCluster ? `cluster ${trainingCluster.node.path}` : 'SageMaker';
  const samePlatform = trainingCluster ? trainingCluster.platformName === serving.platformName : true;
  if (!hasCloud(serving)) {
    throw new ConfigError(path, field, endpoint.endpointName,
      `a promotion target that shares a model store with the pipeline: the pipeline runs on ${where}${samePlatform ? '' : ` (platform ${trainingCluster!.platformName})`} and endpoint ${endpoint.endpointName} on cluster ${serving.node.path}${samePlatform ? '' : ` (platform ${serving.platformName})`}, which has no AWS region to receive new versions of ${promotion.modelVersionsUri} from; give that cluster an awsRegion (addExistingCluster(..., { awsRegion })) or promote to an endpoint on ${where}`);
  }
  const base = `Rollout-${serving.node.id}`;
  const id = owner.node.tryFindChild(base) ? `${base}-${promotion.namespace}-${promotion.inferenceServiceName}` : base;
  // The first target keeps the shorter queue name; the others (several sites may serve an
  // endpoint of the same name) carry their cluster's id.
  const queueName = joinName([serving.platformName, plan.name, ...(primary ? [] : [serving.node.id]), promotion.inferenceServiceName, 'rollout'], 76);
  new ModelRollout(owner, id, serving, promotion, versions.bucket, versions.prefix, plan, queueName);
}

/**
 * On the serving cluster: S3 "new approved version" events → encrypted SQS queue → KEDA ScaledJob
 * in the InferenceService's namespace that patches the InferenceService's `storageUri` and
 * `canaryTrafficPercent`.
 * @internal
 */
class ModelRollout extends Construct {
  constructor(
    scope: Construct, id: string, serving: ICluster, promotion: EndpointPromotion,
    bucket: string, prefix: string, plan: PipelinePlan, queueName: string,
  ) {
    super(scope, id);
    const path = this.node.path;
    const ns = promotion.namespace!;
    const isvc = promotion.inferenceServiceName!;
    promotion._acceptModelRollouts?.(); // the next terraform apply keeps what this job rolls
    const name = joinName([isvc, 'rollout'], 50);
    const region = serving.cloudRegion!;
    const cloud = serving.cloudScopeFor(this) as Construct;
    const { queue } = secureQueue(cloud, 'Queue', { name: queueName, visibilityTimeoutSeconds: 300, deadLetterAfter: 5 });
    const versionsPrefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const description = `New approved versions under s3://${bucket}/${versionsPrefix} roll InferenceService ${ns}/${isvc} on ${serving.node.path}`;
    const pattern = approvedMarkerPattern(bucket, versionsPrefix);
    BucketEvents.of(TerraformStack.of(cloud), bucket, path).routeToQueue(cloud, queue, pattern, joinName([queueName], 64), description);
    const identity = serving.grantWorkload(this, ns, name, [{ actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], resources: [queue.arn] }]);
    const workloads = serving.scopeFor(Layer.WORKLOADS, this);
    const emit = (eid: string, o: KubernetesObject) => emitManifest(workloads, eid, o, serving.commonLabels);
    const labels = { 'cdktf-ai-infra/rollout': name };
    emit('ServiceAccount', serviceAccountObject(name, ns, { roleArn: serving.kind === ClusterKind.EXISTING ? identity.roleArn : undefined }));
    emit('Role', roleObject(name, ns, [{ apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], resourceNames: [isvc], verbs: ['get', 'patch'] }]));
    emit('RoleBinding', roleBindingObject(name, ns, name, [{ name, namespace: ns }]));
    emit('AllowEgress', allowEgress(name, ns, labels));
    const auth = Keda.of(serving).awsTriggerAuthentication(ns, this);
    const creds = identity.credentialsSecret ? { envFrom: [{ secretRef: { name: identity.credentialsSecret } }] } : {};
    const canary = promotion.canaryPercent > 0 && promotion.canaryPercent < 100 ? promotion.canaryPercent : 100;
    const patch = JSON.stringify({ spec: { predictor: { canaryTrafficPercent: canary, model: { storageUri: '__MODEL_URI__' } } } });
    const container = (cname: string, image: string, command: string[], env: Array<Record<string, unknown>>, aws: boolean) => ({
      name: cname,
      image,
      command,
      env: aws ? [envVar('HOME', '/tmp'), envVar('QUEUE_URL', queue.url), envVar('AWS_REGION', region), ...env] : env,
      ...(aws ? creds : {}),
      volumeMounts: [{ name: 'work', mountPath: '/work' }],
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      securityContext: restrictedContainerSecurityContext({ runAsUser: TOOL_UID }),
    });
    emit('ScaledJob', queueDrainScaledJob({
      name,
      namespace: ns,
      labels,
      serviceAccountName: name,
      steps: [
        container('receive', plan.images.awsCli, ['/bin/sh', '-c', ROLLOUT_RECEIVE_SCRIPT], [envVar('PATCH_TEMPLATE', patch)], true),
        container('patch', plan.images.kubectl, ['kubectl', 'patch', 'inferenceservice', isvc, '--namespace', ns, '--type', 'merge', '--patch-file', '/work/patch.json'], [], false),
      ],
      last: container('delete-message', plan.images.awsCli, ['/bin/sh', '-c', DELETE_SCRIPT], [], true),
      queueUrl: queue.url,
      region,
      authentication: auth,
    }));
  }
}
