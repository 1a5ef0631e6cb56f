import {
  allowEgress, allowIngressFromNamespaces, defaultDenyNetworkPolicy, namespaceObject, podDisruptionBudgetObject,
  restrictedContainerSecurityContext, serviceAccountObject,
} from '../../lib/kubernetes/objects';
import { defaultRegistry } from '../support/schemas';

describe('Kubernetes object builders', () => {
  const objects = [
    namespaceObject('serving'),
    serviceAccountObject('model-reader', 'serving', { roleArn: 'arn:aws:iam::111122223333:role/reader' }),
    defaultDenyNetworkPolicy('serving'),
    allowIngressFromNamespaces('from-gateway', 'serving', { app: 'recs' }, ['kourier-system'], [8080]),
    allowEgress('egress', 'serving', { app: 'recs' }),
    podDisruptionBudgetObject('recs', 'serving', { app: 'recs' }, 1),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'serving' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.37', securityContext: restrictedContainerSecurityContext({ runAsUser: 1000 }) }] },
    },
  ];

  test.each(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))('%s validates against the Kubernetes 1.35 schema', (_n, o) => {
    expect(defaultRegistry().validate(o)).toEqual([]);
  });

  test('namespaces enforce the restricted Pod Security Standard by default', () => {
    expect(namespaceObject('x').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('service accounts do not automount tokens unless asked', () => {
    expect(serviceAccountObject('a', 'b').automountServiceAccountToken).toBe(false);
    expect(serviceAccountObject('a', 'b', { automountToken: true }).automountServiceAccountToken).toBe(true);
  });

  test('default deny blocks ingress and egress but DNS', () => {
    const np = defaultDenyNetworkPolicy('x') as any;
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.ingress).toBeUndefined();
    expect(np.spec.egress[0].ports.map((p: any) => p.port)).toEqual([53, 53]);
  });

  test('containers run without privilege escalation, capabilities or root', () => {
    expect(restrictedContainerSecurityContext()).toEqual({
      allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true,
    });
    expect(restrictedContainerSecurityContext({ runAsNonRoot: false })).not.toHaveProperty('runAsNonRoot');
  });
});
