/**
 * Typed builders of the plain Kubernetes objects every intent construct needs. Pure functions:
 * JSON in, JSON out, validated in tests against the Kubernetes 1.35 OpenAPI schemas.
 */
import type { KubernetesObject } from './manifest';

/** Pod Security Standards level enforced on a namespace. */
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** A namespace with Pod Security Admission labels (enforce, audit and warn at the same level). */
export function namespaceObject(name: string, level: PodSecurityLevel = 'restricted', labels: Record<string, string> = {}): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...labels,
        'pod-security.kubernetes.io/enforce': level,
        'pod-security.kubernetes.io/audit': level,
        'pod-security.kubernetes.io/warn': level,
      },
    },
  };
}

/** A service account; `roleArn` adds the IRSA annotation (EKS Pod Identity needs none). Tokens are not automounted unless asked. */
export function serviceAccountObject(
  name: string, namespace: string, options: { roleArn?: string; automountToken?: boolean } = {},
): KubernetesObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace,
      ...(options.roleArn ? { annotations: { 'eks.amazonaws.com/role-arn': options.roleArn } } : {}),
    },
    automountServiceAccountToken: options.automountToken ?? false,
  };
}

/** Deny all ingress and egress to every pod of a namespace, except DNS egress. */
export function defaultDenyNetworkPolicy(namespace: string): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny', namespace },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    },
  };
}

/** Allow ingress to pods matching `podSelector` from the namespaces with these names. */
export function allowIngressFromNamespaces(
  name: string, namespace: string, podSelector: Record<string, string>, fromNamespaces: string[], ports?: number[],
): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: ['Ingress'],
      ingress: [{
        from: fromNamespaces.map((ns) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } })),
        ...(ports?.length ? { ports: ports.map((port) => ({ protocol: 'TCP', port })) } : {}),
      }],
    },
  };
}

/**
 * Allow egress from pods matching `podSelector` (model downloads, object storage, APIs): to the
 * given TCP ports only (e.g. `[443]`), plus the EKS Pod Identity agent (the pods' AWS
 * credentials), or anywhere when none are given.
 */
export function allowEgress(name: string, namespace: string, podSelector: Record<string, string>, tcpPorts: number[] = []): KubernetesObject {
  const agent = EKS_POD_IDENTITY_AGENT;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchLabels: podSelector },
      policyTypes: ['Egress'],
      egress: tcpPorts.length
        ? [
          { ports: tcpPorts.map((port) => ({ protocol: 'TCP', port })) },
          { to: agent.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: agent.port }] },
        ]
        : [{}],
    },
  };
}

/**
 * The EKS Pod Identity agent: host network, link-local address, port 80 (EKS user guide,
 * service-accounts.adoc: "169.254.170.23 for IPv4 and [fd00:ec2::23] for IPv6"). Pods that get
 * AWS credentials through EKS Pod Identity must be allowed to reach it once NetworkPolicies are
 * enforced.
 */
export const EKS_POD_IDENTITY_AGENT = { cidrs: ['169.254.170.23/32', 'fd00:ec2::23/128'], port: 80 } as const;

/** A PodDisruptionBudget keeping at least `minAvailable` pods of a selector. */
export function podDisruptionBudgetObject(name: string, namespace: string, selector: Record<string, string>, minAvailable: number): KubernetesObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace },
    spec: { minAvailable, selector: { matchLabels: selector } },
  };
}

/**
 * The container security context every workload container gets: no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, non-root (unless the runtime image needs root:
 * then `runAsNonRoot` is left out, and the policy checks warn).
 */
export function restrictedContainerSecurityContext(
  options: { runAsNonRoot?: boolean; runAsUser?: number; readOnlyRootFilesystem?: boolean } = {},
): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
    ...(options.runAsNonRoot ?? true ? { runAsNonRoot: true } : {}),
    ...(options.runAsUser !== undefined ? { runAsUser: options.runAsUser } : {}),
    ...(options.readOnlyRootFilesystem ? { readOnlyRootFilesystem: true } : {}),
  };
}
