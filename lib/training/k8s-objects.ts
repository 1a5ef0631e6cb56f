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
