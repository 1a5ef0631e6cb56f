/**
 * AI platform rules over what intent constructs emit: GPU node groups and Karpenter NodePools,
 * batch workloads, InferenceServices, Kueue queues, providers and state backends. A rule whose
 * subjects are absent does nothing. @internal
 */
import { CHECKPOINT_ENV_VARS, PolicyAnnotations } from './contract';
import { isAcceleratorResource, isObject, parseQuantity, PodSpecView, podSpecs } from './k8s';
import { PolicyRuleIds as R } from './rules';
import type { Check, Violation } from './security-rules';
import { isExpression, list, ManifestElement, StackView } from './view';
import { findAwsInstanceType } from '../core/aws-instance-types';

const GPU_AMI = /NVIDIA/;
const NEURON_AMI = /NEURON/;
const ACCELERATOR_LABELS = [
  'karpenter.k8s.aws/instance-gpu-name', 'karpenter.k8s.aws/instance-gpu-count', 'karpenter.k8s.aws/instance-gpu-manufacturer',
  'karpenter.k8s.aws/instance-accelerator-name', 'karpenter.k8s.aws/instance-accelerator-count',
];

/** AIP-AI-001: accelerator node groups and Karpenter NodePools carry the accelerator taint. */
export const gpuPoolTaint: Check = (el) => {
  if (el.kind !== 'resource') return [];
  if (el.type === 'aws_eks_node_group') {
    const ami = String(el.attrs.ami_type ?? '');
    const key = GPU_AMI.test(ami) ? 'nvidia.com/gpu' : NEURON_AMI.test(ami) ? 'aws.amazon.com/neuron' : undefined;
    if (!key) return [];
    const tainted = list(el.attrs.taint).some((t) => t?.key === key && t?.effect === 'NO_SCHEDULE');
    return tainted ? [] : [{ ruleId: R.GPU_POOL_TAINT, message: `Node group ${el.attrs.node_group_name ?? el.attrs.node_group_name_prefix ?? el.id} (${ami}) has no ${key}:NoSchedule taint: any pod may land on its accelerator nodes.` }];
  }
  if (el.type === 'kubernetes_manifest' && isObject(el.attrs.manifest)) {
    const m = el.attrs.manifest;
    if (m.kind !== 'NodePool' || !String(m.apiVersion).startsWith('karpenter.sh/')) return [];
    const reqs = list(m.spec?.template?.spec?.requirements);
    // Accelerated: an accelerator requirement, accelerated instance types of the catalog, or an
    // accelerator resource in the pool's limits.
    const types = reqs.filter((r) => r?.key === 'node.kubernetes.io/instance-type' && r?.operator === 'In')
      .flatMap((r) => list(r.values)).map((t) => findAwsInstanceType(String(t))).filter((t) => t !== undefined);
    const limitKeys = Object.keys(m.spec?.limits ?? {}).filter(isAcceleratorResource);
    const accelerated = types.length > 0 || limitKeys.length > 0 || reqs.some((r) => ACCELERATOR_LABELS.includes(r?.key) && r?.operator !== 'DoesNotExist');
    if (!accelerated) return [];
    const neuron = reqs.some((r) => String(r?.key).includes('instance-accelerator'))
      || limitKeys.some((k) => k.startsWith('aws.amazon.com/neuron')) || types.some((t) => t!.acceleratorName.startsWith('aws-'));
    const key = neuron ? 'aws.amazon.com/neuron' : 'nvidia.com/gpu';
    const tainted = list(m.spec?.template?.spec?.taints).some((t) => t?.key === key && t?.effect === 'NoSchedule');
    return tainted ? [] : [{ ruleId: R.GPU_POOL_TAINT, message: `Karpenter NodePool ${m.metadata?.name} selects accelerator instances but has no ${key}:NoSchedule taint.` }];
  }
  return [];
};

const BATCH_KINDS = new Set(['Job', 'CronJob', 'JobSet', 'RayJob', 'PyTorchJob', 'TFJob', 'MPIJob', 'Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);

/** A KEDA ScaledJob: Jobs started per queue depth, from `spec.jobTargetRef.template`. */
function isScaledJob(m: Record<string, any>): boolean {
  return m.kind === 'ScaledJob' && String(m.apiVersion).startsWith('keda.sh/');
}

/**
 * AIP-AI-002: batch and training workloads (KEDA ScaledJobs included) that may run on spot
 * capacity show checkpointing: a checkpoint env var or annotation; for a queue-fed ScaledJob the
 * annotation may say `queue-redelivery` (the queue keeps the progress, see contract.ts).
 */
export const spotCheckpoint: Check = (el, view) => {
  const m = manifestOf(el);
  if (!m || !(BATCH_KINDS.has(m.kind) || isScaledJob(m))) return [];
  const specs = podSpecs(m);
  const spotSpecs = specs.filter((p) => onSpot(p, m, view));
  if (spotSpecs.length === 0) return [];
  const marked = (annotations: Record<string, string>) => annotations[PolicyAnnotations.CHECKPOINT] !== undefined;
  const checkpoints = marked(m.metadata?.annotations ?? {})
    || specs.some((p) => marked(p.annotations) || [...p.containers, ...p.initContainers].some((c) => c.env.some(isCheckpointEnv)));
  if (checkpoints) return [];
  return [{ ruleId: R.SPOT_CHECKPOINT, message: `${m.kind} ${m.metadata?.name} can run on spot capacity (reclaimed with two minutes' notice) but shows no checkpointing.` }];
};

/** Whether a pod spec lands on spot: node selector, required affinity, a spot pool, or a Kueue flavor. */
function onSpot(p: PodSpecView, m: Record<string, any>, view: StackView): boolean {
  if (selectsSpot(p.nodeSelector)) return true;
  if (p.requiredAffinity.some((e) => isCapacityKey(e.key) && e.operator === 'In' && e.values.some(isSpotValue))) return true;
  if (view.pools().some((pool) => pool.capacityKind === 'spot' && selects(p.nodeSelector, pool.nodeSelector))) return true;
  return flavorsOf(m, view).some((f) => {
    const labels = f.manifest.spec?.nodeLabels ?? {};
    return selectsSpot(labels) || view.pools().some((pool) => pool.capacityKind === 'spot' && selects(labels, pool.nodeSelector));
  });
}

function isCheckpointEnv(name: string): boolean {
  return (CHECKPOINT_ENV_VARS as readonly string[]).includes(name);
}

function isCapacityKey(k: string): boolean {
  return k === 'karpenter.sh/capacity-type' || k === 'eks.amazonaws.com/capacityType';
}
function isSpotValue(v: string): boolean {
  return v === 'spot' || v === 'SPOT';
}
function selectsSpot(labels: Record<string, string>): boolean {
  return Object.entries(labels).some(([k, v]) => isCapacityKey(k) && isSpotValue(String(v)));
}
/** Whether `labels` include every entry of `selector`. */
function selects(labels: Record<string, string>, selector: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/** The Kueue queue chain of a workload: its LocalQueue, ClusterQueue and their ResourceFlavors. */
function queueOf(m: Record<string, any>, view: StackView): { clusterQueue?: ManifestElement; queueName?: string } {
  const queueName = m.metadata?.labels?.['kueue.x-k8s.io/queue-name'];
  if (typeof queueName !== 'string') return {};
  const ns = m.metadata?.namespace;
  const local = view.objects('LocalQueue', 'kueue.x-k8s.io').find((q) => q.manifest.metadata?.name === queueName && q.manifest.metadata?.namespace === ns);
  const cqName = local?.manifest.spec?.clusterQueue;
  const clusterQueue = cqName ? view.objects('ClusterQueue', 'kueue.x-k8s.io').find((q) => q.manifest.metadata?.name === cqName) : undefined;
  return { clusterQueue, queueName };
}

function flavorsOf(m: Record<string, any>, view: StackView): ManifestElement[] {
  const { clusterQueue } = queueOf(m, view);
  if (!clusterQueue) return [];
  const names = list(clusterQueue.manifest.spec?.resourceGroups).flatMap((g) => list(g?.flavors).map((f) => f?.name));
  return view.objects('ResourceFlavor', 'kueue.x-k8s.io').filter((f) => names.includes(f.manifest.metadata?.name));
}

/** AIP-AI-003: a scale-to-zero InferenceService with a large model has a warm start. */
export const warmStart: Check = (el, view, ctx) => {
  const m = manifestOf(el);
  if (!m || m.kind !== 'InferenceService' || !String(m.apiVersion).startsWith('serving.kserve.io/')) return [];
  const annotations: Record<string, string> = { ...(m.metadata?.annotations ?? {}), ...(m.spec?.predictor?.annotations ?? {}) };
  const minReplicas = m.spec?.predictor?.minReplicas;
  const scalesToZero = minReplicas === 0 || annotations['autoscaling.knative.dev/min-scale'] === '0';
  const size = Number(annotations[PolicyAnnotations.MODEL_SIZE_GIB]);
  if (!scalesToZero || !(size >= ctx.largeModelGiB)) return [];
  if (annotations[PolicyAnnotations.WARM_START] !== undefined) return [];
  const uri = annotations[PolicyAnnotations.DECLARED_STORAGE_URI] ?? m.spec?.predictor?.model?.storageUri ?? m.spec?.predictor?.storageUri;
  const cached = typeof uri === 'string' && view.objects('LocalModelCache', 'serving.kserve.io').some((c) => c.manifest.spec?.sourceModelUri === uri);
  if (cached) return [];
  return [{ ruleId: R.WARM_START, message: `InferenceService ${m.metadata?.name} scales to zero with a ${size} GiB model (≥ ${ctx.largeModelGiB} GiB) and no warm start: every scale-up from zero downloads and loads the weights.` }];
};

/** AIP-AI-004: pods on a pool request the pool's resource, at most one node's units. */
export const gpuResourceMatch: Check = (el, view) => {
  const m = manifestOf(el);
  if (!m) return [];
  const pools = view.pools();
  if (pools.length === 0) return [];
  const out: Violation[] = [];
  for (const p of podSpecs(m)) {
    const pool = pools.find((x) => selects(p.nodeSelector, x.nodeSelector));
    if (!pool) continue;
    const asked = Object.keys(p.podRequests).filter(isAcceleratorResource);
    const wrong = asked.filter((r) => r !== pool.resourceName);
    if (wrong.length > 0) {
      out.push({ ruleId: R.GPU_RESOURCE_MATCH, message: `${m.kind} ${m.metadata?.name} (${p.path}) targets pool ${pool.poolName}, which advertises ${pool.resourceName}, but requests ${wrong.join(', ')}: it can never be scheduled there.` });
      continue;
    }
    const units = p.podRequests[pool.resourceName];
    if (units !== undefined && pool.unitsPerNode !== undefined && units > pool.unitsPerNode) {
      out.push({ ruleId: R.GPU_RESOURCE_MATCH, message: `${m.kind} ${m.metadata?.name} (${p.path}) requests ${units} × ${pool.resourceName} per pod; a node of pool ${pool.poolName} has ${pool.unitsPerNode}.` });
    }
  }
  return out;
};

/** AIP-AI-005: the whole gang of a queued workload fits in its ClusterQueue's quota. */
export const gangFitsQuota: Check = (el, view) => {
  const m = manifestOf(el);
  if (!m || !BATCH_KINDS.has(m.kind)) return [];
  const { clusterQueue, queueName } = queueOf(m, view);
  if (!clusterQueue) return [];
  const cq = clusterQueue.manifest;
  const inCohort = typeof cq.spec?.cohortName === 'string' || typeof cq.spec?.cohort === 'string';
  // Per resource: quota of each flavor (nominal + borrowing limit in a cohort; unlimited borrowing: no bound).
  const quota = new Map<string, number[]>();
  for (const g of list(cq.spec?.resourceGroups)) {
    for (const f of list(g?.flavors)) {
      for (const r of list(f?.resources)) {
        const nominal = parseQuantity(r?.nominalQuota);
        if (nominal === undefined) continue;
        let limit = nominal;
        if (inCohort) {
          const borrow = parseQuantity(r?.borrowingLimit);
          limit = borrow === undefined ? Infinity : nominal + borrow;
        }
        quota.set(r.name, [...(quota.get(r.name) ?? []), limit]);
      }
    }
  }
  const specs = podSpecs(m);
  const total: Record<string, number> = {};
  const out: Violation[] = [];
  for (const p of specs) {
    for (const [res, q] of Object.entries(p.podRequests)) {
      const podSet = q * p.replicas;
      total[res] = (total[res] ?? 0) + podSet;
      const limits = quota.get(res);
      // A pod set is admitted in one flavor: it must fit the largest.
      if (limits && podSet > Math.max(...limits)) {
        out.push({ ruleId: R.GANG_FITS_QUOTA, message: `${m.kind} ${m.metadata?.name} (${p.path}) needs ${fmt(podSet)} ${res} at once (${p.replicas} pods × ${fmt(q)}), more than any flavor of ClusterQueue ${cq.metadata?.name} (queue ${queueName}) can admit (${fmt(Math.max(...limits))}): it would wait forever.` });
      }
    }
  }
  for (const [res, t] of Object.entries(total)) {
    const limits = quota.get(res);
    const sum = limits?.reduce((a, b) => a + b, 0);
    if (sum !== undefined && t > sum && !out.some((v) => v.message.includes(` ${res} at once`))) {
      out.push({ ruleId: R.GANG_FITS_QUOTA, message: `${m.kind} ${m.metadata?.name} needs ${fmt(t)} ${res} for its whole gang, more than ClusterQueue ${cq.metadata?.name} (queue ${queueName}) has (${fmt(sum)}): it would wait forever.` });
    }
  }
  return out;
};

/** AIP-AI-006: providers and state backends stay in the allowed regions. */
export const dataResidency: Check = (el, _view, ctx) => {
  if (!ctx.allowedRegions || ctx.allowedRegions.length === 0) return [];
  let region: unknown;
  let what: string;
  if (el.kind === 'provider' && (el.type === 'aws' || el.type === 'google' || el.type === 'google-beta')) {
    region = el.attrs.region;
    what = `${el.type} provider${el.attrs.alias ? ` "${el.attrs.alias}"` : ''}`;
  } else if (el.kind === 'backend' && el.type === 's3') {
    region = el.attrs.region;
    what = 'S3 state backend';
  } else {
    return [];
  }
  if (typeof region !== 'string' || isExpression(region) || ctx.allowedRegions.includes(region)) return [];
  return [{ ruleId: R.DATA_RESIDENCY, message: `${what} uses region ${region}, outside the allowed regions (${ctx.allowedRegions.join(', ')}).` }];
};

function manifestOf(el: { type: string; kind: string; attrs: Record<string, any> }): Record<string, any> | undefined {
  return el.type === 'kubernetes_manifest' && el.kind === 'resource' && isObject(el.attrs.manifest) ? el.attrs.manifest : undefined;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Math.round(x * 1000) / 1000);
}

/** Every AI rule. */
export const AI_CHECKS: Check[] = [gpuPoolTaint, spotCheckpoint, warmStart, gpuResourceMatch, gangFitsQuota, dataResidency];
