import { Construct } from 'constructs';
import { Charts } from './charts';
import { addonsScope } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import type { KubernetesObject } from './manifest';
import type { ICluster } from '../platform/cluster';

/**
 * JobSet on a cluster (one Helm release in its addons stack), created on first use.
 * @internal
 */
export class JobSetAddon extends HelmAddon {
  public static of(cluster: ICluster): JobSetAddon {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('JobSet') as JobSetAddon | undefined) ?? new JobSetAddon(scope as Construct, 'JobSet');
  }
  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'jobset', chart: Charts.JOBSET });
  }
}

/** Labels JobSet v0.12 puts on the pods it creates (sigs.k8s.io/jobset `api/jobset/v1alpha2`). */
export const JobSetPodLabels = {
  JOBSET_NAME: 'jobset.sigs.k8s.io/jobset-name',
  REPLICATED_JOB_NAME: 'jobset.sigs.k8s.io/replicatedjob-name',
} as const;

/** Annotation the Job controller puts on pods of an Indexed Job: the pod's completion index. */
export const JOB_COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** Options of {@link gangJobSetObject}. */
export interface GangJobSetSpec {
  /** `metadata.name`, or with `generateName` a prefix. */
  readonly name: string;
  /** Use `name` as `metadata.generateName` (the API server appends a suffix). */
  readonly generateName?: boolean;
  readonly namespace: string;
  /** Labels of the JobSet itself (the Kueue queue and priority labels go here, not on its pods). */
  readonly labels: Record<string, string>;
  /** Name of the one replicated job (its pods are `<jobset>-<name>-0-<index>`). */
  readonly replicatedJobName: string;
  /** Pods of the gang: all start together, all must succeed. */
  readonly workers: number;
  /** JobSet restarts (whole gang, from the last checkpoint) counted against the limit. */
  readonly maxRestarts: number;
  /** The pod template (metadata + spec) of every worker; `restartPolicy` must be `Never`. */
  readonly podTemplate: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
}

/**
 * A `jobset.x-k8s.io/v1alpha2` JobSet running a gang of `workers` pods as one Indexed Job.
 *
 * Restarts: any worker failure fails the Job (`backoffLimit: 0`) and the JobSet recreates the whole
 * gang (`Recreate`), so that every worker resumes from the same checkpoint. A failure caused by a
 * disruption (spot interruption, node drain, preemption: the pod's `DisruptionTarget` condition)
 * fails the Job through its pod failure policy with reason `PodFailurePolicy`, and the JobSet rule
 * restarts without counting it against `maxRestarts`; other failures count.
 */
export function gangJobSetObject(spec: GangJobSetSpec): KubernetesObject {
  return {
    apiVersion: 'jobset.x-k8s.io/v1alpha2',
    kind: 'JobSet',
    metadata: {
      ...(spec.generateName ? { generateName: `${spec.name}-` } : { name: spec.name }),
      namespace: spec.namespace,
      labels: spec.labels,
    } as KubernetesObject['metadata'],
    spec: {
      network: { enableDNSHostnames: true, publishNotReadyAddresses: true },
      successPolicy: { operator: 'All', targetReplicatedJobs: [spec.replicatedJobName] },
      failurePolicy: {
        maxRestarts: spec.maxRestarts,
        restartStrategy: 'Recreate',
        rules: [
          { name: 'DisruptedResumeFromCheckpoint', action: 'RestartJobSetAndIgnoreMaxRestarts', onJobFailureReasons: ['PodFailurePolicy'] },
          { name: 'FailedRestartCounted', action: 'RestartJobSet' },
        ],
      },
      replicatedJobs: [{
        name: spec.replicatedJobName,
        replicas: 1,
        template: {
          metadata: { labels: (spec.podTemplate.metadata.labels ?? {}) as Record<string, string> },
          spec: {
            parallelism: spec.workers,
            completions: spec.workers,
            completionMode: 'Indexed',
            backoffLimit: 0,
            podFailurePolicy: {
              rules: [{ action: 'FailJob', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
            },
            template: spec.podTemplate,
          },
        },
      }],
    },
  };
}
