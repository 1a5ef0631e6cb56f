/**
 * Typed builders of the Kubernetes objects of a GpuFunction: pure functions, JSON in, JSON out,
 * validated in tests against the Kubernetes 1.35 and KEDA v2.20.2 schemas.
 * @internal
 */
import type { Toleration } from '../compute/pool';
import { Annotations as WellKnownAnnotations } from '../core/well-known';
import type { KubernetesObject } from '../kubernetes/manifest';
import { restrictedContainerSecurityContext } from '../kubernetes/objects';

/** An environment variable in Kubernetes spelling. */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } };
}

/** Everything the pods of a function need. */
export interface FunctionPodSpec {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Labels of the function's objects and pods. */
  readonly labels: Record<string, string>;
  readonly image: string;
  readonly command: string[];
  readonly args?: string[];
  readonly env: EnvVar[];
  readonly requests: Record<string, string>;
  readonly limits: Record<string, string>;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: Toleration[];
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly runAsUser?: number;
}

/** Finished jobs kept for inspection (KEDA and CronJob history limits). */
export const JOB_HISTORY = { successful: 3, failed: 10 } as const;

/** Seconds a pod gets to stop after SIGTERM (long enough to hand its messages back or flush results). */
export const TERMINATION_GRACE_SECONDS = 120;

/**
 * The pod template of one run: the pool's node selector and tolerations, GPU requests and limits
 * in the pool's resource name, restricted security context, no service account token, and
 * annotations that keep autoscalers from removing the node under a running job.
 */
export function functionPodTemplate(spec: FunctionPodSpec): Record<string, unknown> {
  return {
    metadata: {
      labels: { ...spec.labels },
      annotations: {
        // Karpenter consolidation and the Cluster Autoscaler must not evict an hours-long run.
        [WellKnownAnnotations.KARPENTER_DO_NOT_DISRUPT]: 'true',
        'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false',
      },
    },
    spec: {
      serviceAccountName: spec.serviceAccount,
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
      securityContext: {
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
        ...(spec.runAsUser !== undefined ? { runAsUser: spec.runAsUser, runAsGroup: spec.runAsUser, fsGroup: spec.runAsUser } : {}),
      },
      nodeSelector: { ...spec.nodeSelector },
      tolerations: spec.tolerations.map((t) => ({ key: t.key, operator: t.operator, effect: t.effect })),
      containers: [{
        name: 'function',
        image: spec.image,
        command: [...spec.command],
        ...(spec.args?.length ? { args: [...spec.args] } : {}),
        env: spec.env.map((e) => ({ ...e })),
        resources: { requests: { ...spec.requests }, limits: { ...spec.limits } },
        securityContext: restrictedContainerSecurityContext(),
      }],
    },
  };
}

/**
 * The Job spec of one run: one pod, `activeDeadlineSeconds` from the timeout, `backoffLimit` from
 * the retries; a pod lost to a disruption (spot reclaim, node drain) is replaced without counting
 * as a retry.
 */
export function functionJobSpec(spec: FunctionPodSpec): Record<string, unknown> {
  return {
    parallelism: 1,
    completions: 1,
    activeDeadlineSeconds: spec.timeoutSeconds,
    backoffLimit: spec.retries,
    podFailurePolicy: {
      rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    },
    template: functionPodTemplate(spec),
  };
}

/** Scaling settings of a queue-driven function. */
export interface QueueScaling {
  /** Queue URL (or token) the scaler reads. */
  readonly queueUrl: string;
  readonly awsRegion: string;
  readonly messagesPerRun: number;
  readonly maxParallelRuns: number;
  readonly pollingIntervalSeconds: number;
  /** Name of the TriggerAuthentication in the function's namespace. */
  readonly authenticationName: string;
  /** Annotations of the ScaledJob (e.g. the policy checks' checkpoint mark). @default - none */
  readonly annotations?: Record<string, string>;
}

/**
 * A KEDA `ScaledJob` starting one Job per `messagesPerRun` messages, up to `maxParallelRuns`, and
 * none when the queue is empty.
 *
 * - `scaleOnInFlight: "true"` (KEDA's default, spelled out): the queue length counts the messages
 *   running jobs hold, and the `default` scaling strategy subtracts the running jobs, so
 *   new jobs = ceil((visible + in flight) / messagesPerRun) − running jobs.
 * - `rollout.strategy: gradual`: updating the ScaledJob does not kill runs in progress.
 * - No `triggers[].metricType`: the KEDA 2.20.2 chart's CRD has none and would prune it.
 */
export function scaledJobObject(spec: FunctionPodSpec, scaling: QueueScaling): KubernetesObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: { ...spec.labels },
      ...(scaling.annotations && Object.keys(scaling.annotations).length ? { annotations: { ...scaling.annotations } } : {}),
    },
    spec: {
      jobTargetRef: functionJobSpec(spec),
      pollingInterval: scaling.pollingIntervalSeconds,
      minReplicaCount: 0,
      maxReplicaCount: scaling.maxParallelRuns,
      successfulJobsHistoryLimit: JOB_HISTORY.successful,
      failedJobsHistoryLimit: JOB_HISTORY.failed,
      rollout: { strategy: 'gradual' },
      scalingStrategy: { strategy: 'default' },
      triggers: [{
        type: 'aws-sqs-queue',
        name: 'queue',
        metadata: {
          queueURL: scaling.queueUrl,
          queueLength: String(scaling.messagesPerRun),
          awsRegion: scaling.awsRegion,
          scaleOnInFlight: 'true',
        },
        authenticationRef: { name: scaling.authenticationName },
      }],
    },
  };
}

/** A `batch/v1` CronJob: one run per tick, never two at once, in UTC. */
export function cronJobObject(spec: FunctionPodSpec, schedule: string): KubernetesObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: spec.name, namespace: spec.namespace, labels: { ...spec.labels } },
    spec: {
      schedule,
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: JOB_HISTORY.successful,
      failedJobsHistoryLimit: JOB_HISTORY.failed,
      jobTemplate: { metadata: { labels: { ...spec.labels } }, spec: functionJobSpec(spec) },
    },
  };
}
