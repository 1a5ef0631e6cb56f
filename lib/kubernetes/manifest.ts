import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { Construct, IConstruct } from 'constructs';

/** A Kubernetes object as plain JSON (what `kubectl apply` would take). */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly [key: string]: unknown;
}

/**
 * Emit a Kubernetes object as a `kubernetes_manifest` in `scope` (a scope of the workloads stack),
 * with the platform's common labels merged under its own. The one path every object takes, so that
 * tests validate exactly what Terraform applies.
 * @internal
 */
export function emitManifest(scope: IConstruct, id: string, object: KubernetesObject, commonLabels: Record<string, string>): Manifest {
  const manifest = {
    ...object,
    metadata: { ...object.metadata, labels: { ...commonLabels, ...(object.metadata.labels ?? {}) } },
  };
  return new Manifest(scope as Construct, id, { manifest });
}
