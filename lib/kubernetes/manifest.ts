import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { DefaultTokenResolver, dependable, IAspect, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
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

/**
 * Orders every namespaced `kubernetes_manifest` of a stack after the Namespace object of the same
 * stack that it lives in (`depends_on`): Terraform otherwise creates them in parallel and the first
 * apply fails with "namespaces ... not found". Runs at synth over the whole stack, so that objects
 * added by any construct (pipelines, rollouts, endpoints, functions) get it.
 * @internal
 */
export class NamespaceOrdering implements IAspect {
  public visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack)) return;
    const stack = node;
    const resolver = new DefaultTokenResolver(new StringConcat());
    const resolve = (v: string): unknown => Tokenization.resolve(v, { scope: stack, resolver, preparing: false });
    const manifests = stack.node.findAll().filter((c): c is Manifest => c instanceof Manifest);
    const namespaces = new Map<string, Manifest>();
    for (const m of manifests) {
      const o = m.manifestInput as Record<string, any> | undefined;
      const name = o?.metadata?.name;
      if (o?.apiVersion === 'v1' && o.kind === 'Namespace' && typeof name === 'string' && !Token.isUnresolved(name)) namespaces.set(name, m);
    }
    for (const m of manifests) {
      const ns = (m.manifestInput as Record<string, any> | undefined)?.metadata?.namespace;
      const owner = typeof ns === 'string' ? namespaces.get(ns) : undefined;
      if (!owner || owner === m) continue;
      const own = m.dependsOn ?? [];
      const fqn = resolve(owner.fqn);
      if (own.some((d) => resolve(d) === fqn)) continue;
      m.dependsOn = [...own, dependable(owner)];
    }
  }
}
