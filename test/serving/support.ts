import { AnnotationMetadataEntryType } from 'cdktf';
import { IConstruct } from 'constructs';
import { expectConfigError } from '../support/errors';
import { kubernetesObjects, Synthesized } from '../support/synth';

export { expectConfigError };

/** Run `fn`, expect a ConfigError naming the construct path, the field and the value received; returns it. */

/** The single Kubernetes object of a kind and name (namespace optional) across all stacks. */
export function objectOf(synth: Synthesized, kind: string, name: string, namespace?: string): any {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name
    && (namespace === undefined || o.manifest.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0].manifest;
}

/** The `kubernetes_manifest` resource (with depends_on, wait...) of an object. */
export function manifestResource(synth: Synthesized, kind: string, name: string, namespace?: string): { id: string; stack: string; resource: any } {
  for (const s of synth.stacks) {
    for (const [id, r] of Object.entries<any>(s.json.resource?.kubernetes_manifest ?? {})) {
      const m = r.manifest;
      const matches = m.kind === kind && m.metadata.name === name && (namespace === undefined || m.metadata.namespace === namespace);
      if (matches) return { id, stack: s.name, resource: r };
    }
  }
  throw new Error(`no ${kind}/${name}`);
}

/** Messages of the warnings (or infos) attached to a construct. */
export function messages(c: IConstruct, type: 'warn' | 'info' = 'warn'): string[] {
  const t = type === 'warn' ? AnnotationMetadataEntryType.WARN : AnnotationMetadataEntryType.INFO;
  return c.node.metadata.filter((m) => m.type === t).map((m) => String(m.data));
}
