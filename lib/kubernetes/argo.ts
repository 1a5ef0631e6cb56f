import { Construct } from 'constructs';
import { Charts } from './charts';
import { addonsScope } from './gpu-addons';
import { HelmAddon } from './helm-addon';
import type { KubernetesObject } from './manifest';
import type { ICluster } from '../platform/cluster';

/** UID of the `argoexec` image's non-root user (argoproj/argo-workflows Dockerfile, `USER 8737`). */
export const ARGOEXEC_UID = 8737;

/**
 * Argo Workflows on a cluster (one Helm release in its addons stack), created on first use.
 *
 * The chart version is UNVERIFIED for v4.1.2 (see {@link Charts.ARGO_WORKFLOWS}); the objects we
 * emit use only fields present in both v4.0 and v4.1 (`schedules` list of CronWorkflow: v3.6+).
 * The executor's init and wait containers get the restricted security context, so that workflow
 * pods run in namespaces enforcing the `restricted` Pod Security Standard.
 * @internal
 */
export class ArgoWorkflows extends HelmAddon {
  public static of(cluster: ICluster): ArgoWorkflows {
    const scope = addonsScope(cluster);
    return (scope.node.tryFindChild('ArgoWorkflows') as ArgoWorkflows | undefined) ?? new ArgoWorkflows(scope as Construct, 'ArgoWorkflows');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id, { releaseName: 'argo-workflows', chart: Charts.ARGO_WORKFLOWS });
    this.addValues(() => ({
      // Minified CRDs from the chart itself: `full: true` installs them through a hook Job that
      // downloads the CRD files from GitHub (values.yaml `crds.upgradeJob.crdBaseURL`), which
      // fails on air-gapped sites. The controller validates workflows either way, and this
      // library's objects are checked against the full schemas in its tests. Override with
      // addons: { 'argo-workflows': { values: { crds: { full: true } } } }.
      crds: { install: true, full: false },
      executor: {
        securityContext: {
          runAsNonRoot: true,
          runAsUser: ARGOEXEC_UID,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        },
      },
      // Workflows use their own service accounts (least privilege per pipeline), not the chart's.
      workflow: { serviceAccount: { create: false }, rbac: { create: false } },
    }));
  }
}

/**
 * The long-lived token Secret Argo mounts into a workflow pod's executor containers (init, wait,
 * and the main container of resource templates) when a workflow or template names an
 * `executor.serviceAccountName`.
 *
 * Argo v4.0.6 (argoproj/argo-workflows `workflow/controller/workflowpod.go` `setupServiceAccount`,
 * `util/secrets/secret_name.go` `TokenName`) mounts the Secret `<sa>.service-account-token` (unless
 * the ServiceAccount names another); since Kubernetes 1.24 nothing creates it
 * (`docs/service-account-secrets.md`: "You must create a secret manually"). Without it every pod of
 * the workflow waits in ContainerCreating. The token controller fills the Secret once the
 * ServiceAccount exists (create it first: it deletes a token Secret whose account is missing).
 */
export function executorTokenSecretObject(serviceAccount: string, namespace: string): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: executorTokenSecretName(serviceAccount), namespace, annotations: { 'kubernetes.io/service-account.name': serviceAccount } },
    type: 'kubernetes.io/service-account-token',
  };
}

/** Name of the executor token Secret Argo looks up by name (`util/secrets/secret_name.go` at v4.0.6). */
export function executorTokenSecretName(serviceAccount: string): string {
  return `${serviceAccount}.service-account-token`;
}

/** An `argoproj.io/v1alpha1` WorkflowTemplate. */
export function workflowTemplateObject(
  name: string, namespace: string, spec: Record<string, unknown>, labels: Record<string, string> = {},
): KubernetesObject {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name, namespace, labels }, spec };
}

/**
 * An `argoproj.io/v1alpha1` CronWorkflow running a WorkflowTemplate on cron schedules (v3.6+
 * `schedules` list; the singular `schedule` is gone in v4), never two runs at once.
 */
export function cronWorkflowObject(name: string, namespace: string, options: {
  schedules: string[]; timezone?: string; workflowTemplate: string; parameters?: Record<string, string>; labels?: Record<string, string>;
}): KubernetesObject {
  const params = Object.entries(options.parameters ?? {});
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'CronWorkflow',
    metadata: { name, namespace, labels: options.labels ?? {} },
    spec: {
      schedules: options.schedules,
      ...(options.timezone ? { timezone: options.timezone } : {}),
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      workflowSpec: {
        workflowTemplateRef: { name: options.workflowTemplate },
        ...(params.length ? { arguments: { parameters: params.map(([n, value]) => ({ name: n, value })) } } : {}),
      },
    },
  };
}
