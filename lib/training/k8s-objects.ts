/**
 * Small builders of the RBAC objects and container pieces the training realisation emits.
 * Pure functions: JSON in, JSON out; validated in tests against the Kubernetes 1.35 schemas.
 */
import type { KubernetesObject } from '../kubernetes/manifest';

/** One RBAC rule. */
export interface RbacRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

/** A namespaced `rbac.authorization.k8s.io/v1` Role. */
export function roleObject(name: string, namespace: string, rules: RbacRule[]): KubernetesObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace }, rules: rules.map((r) => ({ ...r })) };
}

/** A RoleBinding of `role` (in `namespace`) to service accounts, possibly of other namespaces. */
export function roleBindingObject(
  name: string, namespace: string, role: string, subjects: Array<{ name: string; namespace: string }>,
): KubernetesObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
    subjects: subjects.map((s) => ({ kind: 'ServiceAccount', name: s.name, namespace: s.namespace })),
  };
}

/** Pod-level security context of every pipeline pod (restricted Pod Security Standard). */
export function restrictedPodSecurityContext(runAsUser?: number): Record<string, unknown> {
  return { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, ...(runAsUser !== undefined ? { runAsUser } : {}) };
}

/** An environment variable. */
export function envVar(name: string, value: string): Record<string, unknown> {
  return { name, value };
}

/** An environment variable from a pod field (downward API). */
export function envFromField(name: string, fieldPath: string): Record<string, unknown> {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** Options of {@link queueDrainScaledJob}. */
export interface QueueDrainScaledJobOptions {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the ScaledJob. */
  readonly labels: Record<string, string>;
  /** Labels of its pods. @default - the ScaledJob's labels */
  readonly podLabels?: Record<string, string>;
  readonly serviceAccountName: string;
  /** Steps that run in order before `finally` (init containers), sharing `/work`. */
  readonly steps: Array<Record<string, unknown>>;
  /** The last container (runs only when every step succeeded). */
  readonly last: Record<string, unknown>;
  readonly queueUrl: string;
  readonly region: string;
  /** Name of the KEDA TriggerAuthentication for SQS. */
  readonly authentication: string;
}

/**
 * A KEDA ScaledJob that runs ONE job at a time while an SQS queue has messages: a burst of
 * messages becomes one run, whose steps share an emptyDir at `/work`.
 */
export function queueDrainScaledJob(o: QueueDrainScaledJobOptions): KubernetesObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: {
      pollingInterval: 30,
      maxReplicaCount: 1,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 5,
      jobTargetRef: {
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels: o.podLabels ?? o.labels },
          spec: {
            serviceAccountName: o.serviceAccountName,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            securityContext: restrictedPodSecurityContext(),
            volumes: [{ name: 'work', emptyDir: {} }],
            initContainers: o.steps,
            containers: [o.last],
          },
        },
      },
      triggers: [{
        type: 'aws-sqs-queue',
        authenticationRef: { name: o.authentication },
        metadata: { queueURL: o.queueUrl, queueLength: '1', awsRegion: o.region, scaleOnInFlight: 'false' },
      }],
    },
  };
}
