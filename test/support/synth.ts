/**
 * Synthesize a cdktf App into a temporary folder and read back what Terraform would read:
 * one parsed `cdk.tf.json` per stack, in the manifest's order, with its dependencies.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { readSynthesized, Synthesized, SynthesizedStack } from '../../lib/testing/synthesized';

export type { Synthesized, SynthesizedStack } from '../../lib/testing/synthesized';

/** A fresh App writing into its own temporary folder. */
export function testApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-ai-infra-')), stackTraces: false });
}

/** Synthesize `app` (created by {@link testApp} or any App with an outdir) and parse every stack. */
export function synthApp(app: App): Synthesized {
  app.synth();
  return readOutdir(app.outdir);
}

/** Parse an existing `cdktf.out`-style folder (manifest.json + stacks/<name>/cdk.tf.json): the public testing API's reader. */
export const readOutdir = readSynthesized;

/** All resources of a given Terraform type in a stack, keyed by logical id. */
export function resourcesOf(stack: SynthesizedStack, type: string): Record<string, any> {
  return stack.json.resource?.[type] ?? {};
}

/** The single resource of a type; fails when there are zero or several. */
export function onlyResource(stack: SynthesizedStack, type: string): any {
  const all = Object.values(resourcesOf(stack, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type} in ${stack.name}, found ${all.length}`);
  return all[0];
}

/** Every Kubernetes object emitted as `kubernetes_manifest.manifest`, across all stacks, with its `depends_on` (logical references). */
export function kubernetesObjects(synth: Synthesized): Array<{ stack: string; id: string; manifest: any; dependsOn: string[] }> {
  const out: Array<{ stack: string; id: string; manifest: any; dependsOn: string[] }> = [];
  for (const s of synth.stacks) {
    for (const [id, r] of Object.entries<any>(resourcesOf(s, 'kubernetes_manifest'))) {
      out.push({ stack: s.name, id, manifest: r.manifest, dependsOn: r.depends_on ?? [] });
    }
  }
  return out;
}

/** Count resources per type in a stack (for summaries and sanity checks). */
export function resourceCounts(stack: SynthesizedStack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [type, byId] of Object.entries<any>(stack.json.resource ?? {})) counts[type] = Object.keys(byId).length;
  return counts;
}
