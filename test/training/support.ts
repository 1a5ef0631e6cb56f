import { Construct } from 'constructs';
import type { ICluster } from '../../lib/platform/cluster';
import type { EndpointPromotion, IInferenceEndpoint } from '../../lib/serving/endpoint';
import { expectConfigError } from '../support/errors';
import { defaultRegistry } from '../support/schemas';
import { kubernetesObjects, Synthesized } from '../support/synth';

export { expectConfigError };

/** A small serving endpoint implementing the promotion seam (the real ones live in lib/serving). */
export class FakeEndpoint extends Construct implements IInferenceEndpoint {
  public readonly endpointName: string;
  public readonly promotion: EndpointPromotion;
  constructor(scope: Construct, id: string, promotion: Partial<EndpointPromotion> & { cluster?: ICluster }) {
    super(scope, id);
    this.endpointName = id;
    this.promotion = {
      kind: 'kserve', modelVersionsUri: 's3://acme-models/recs/', namespace: 'serving', inferenceServiceName: id, canaryPercent: 10, ...promotion,
    };
  }
}

/** Run `fn`, expect a ConfigError naming the construct path, the field and (optionally) the value received. */

/** The single emitted object of a kind (and name). */
export function objectOf(synth: Synthesized, kind: string, name?: string): any {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && (name === undefined || o.manifest.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0].manifest;
}

/** The JobSet a WorkflowTemplate's train step creates, parsed from its resource manifest. */
export function jobSetOf(workflowTemplate: any): any {
  const t = workflowTemplate.spec.templates.find((x: any) => x.resource);
  return JSON.parse(t.resource.manifest);
}

/**
 * Schema errors of every emitted Kubernetes object, and of the JobSets embedded in WorkflowTemplates
 * (their generateName replaced by a name, as the API server does).
 */
export function schemaErrors(synth: Synthesized): string[] {
  const registry = defaultRegistry();
  const errors: string[] = [];
  for (const o of kubernetesObjects(synth)) {
    errors.push(...registry.validate(o.manifest).map((e) => `${o.stack}/${o.id}: ${e}`));
    if (o.manifest.kind === 'WorkflowTemplate') {
      const js = jobSetOf(o.manifest);
      const named = { ...js, metadata: { ...js.metadata, name: `${js.metadata.generateName}abcde` } };
      delete named.metadata.generateName;
      errors.push(...registry.validate(named).map((e) => `${o.stack}/${o.id} (embedded JobSet): ${e}`));
    }
  }
  return errors;
}
