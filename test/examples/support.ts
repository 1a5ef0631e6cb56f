/**
 * Shared by the example tests: synthesize an example ONCE the way `cdktf synth` does (its cdktf.json
 * app command in a fresh process, output redirected with CDKTF_OUTDIR), and a stable projection of
 * the result for snapshots.
 */
import * as fs from 'node:fs';
import { exampleOutput } from '../../scripts/examples';
import { kubernetesObjects, resourcesOf, Synthesized, SynthesizedStack } from '../support/synth';
import { readSynthesized, snapshotProjection } from 'cdktf-ai-infra/testing';

/**
 * `examples/<name>` synthesized with its own app command: the test run's shared output (one synth
 * per example per run, test/support/global-setup.ts), or a fresh one outside a jest run. Read only.
 */
export function synthExample(name: string): Synthesized {
  const { outdir, shared } = exampleOutput(name);
  const synth = readSynthesized(outdir);
  if (!shared) fresh.add(synth.outdir);
  return synth;
}

const fresh = new Set<string>();

/** Remove the output of {@link synthExample} when it was synthesized for this file alone. */
export function cleanUp(synth: Synthesized | undefined): void {
  if (synth && fresh.delete(synth.outdir)) fs.rmSync(synth.outdir, { recursive: true, force: true });
}

/**
 * What an example's snapshot pins: the public testing API's stable projection
 * (`snapshotProjection` of `cdktf-ai-infra/testing`), as a user's CI would snapshot it.
 */
export const projection = (synth: Synthesized): Record<string, unknown> => snapshotProjection(synth);

/** The single Kubernetes object of a kind and name (and namespace) across all stacks, with its stack. */
export function objectOf(synth: Synthesized, kind: string, name: string, namespace?: string): any {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name
    && (namespace === undefined || o.manifest.metadata.namespace === namespace));
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0].manifest;
}

/** The stack an object of that kind and name is in. */
export function stackOf(synth: Synthesized, kind: string, name: string): string {
  const found = kubernetesObjects(synth).filter((o) => o.manifest.kind === kind && o.manifest.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
  return found[0].stack;
}

/** The JobSet a WorkflowTemplate's train step creates (embedded as a resource manifest). */
export function jobSetOf(workflowTemplate: any): any {
  const t = workflowTemplate.spec.templates.find((x: any) => x.resource);
  return JSON.parse(t.resource.manifest);
}

/** Every resource of a type across all stacks, with the stack name. */
export function allResources(synth: Synthesized, type: string): Array<{ stack: string; resource: any }> {
  return synth.stacks.flatMap((s: SynthesizedStack) => Object.values<any>(resourcesOf(s, type)).map((resource) => ({ stack: s.name, resource })));
}

/** Environment variables of a container as name → value (valueFrom entries as their JSON). */
export function envOf(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? JSON.stringify(e.valueFrom)]));
}

/**
 * Every S3 bucket the example creates is versioned, encrypted, private and protected from destroy:
 * returns one line per bucket so that a failure names the bucket.
 */
export function bucketProtections(synth: Synthesized): string[] {
  return synth.stacks.flatMap((s) => {
    const buckets = Object.keys(resourcesOf(s, 'aws_s3_bucket'));
    const refers = (type: string, id: string, check: (r: any) => boolean) => Object.values<any>(resourcesOf(s, type))
      .some((r) => String(r.bucket).includes(`aws_s3_bucket.${id}.`) && check(r));
    return buckets.map((id) => {
      const b = resourcesOf(s, 'aws_s3_bucket')[id];
      return [
        `${s.name}/${id}:`,
        `prevent_destroy=${b.lifecycle?.prevent_destroy === true}`,
        `force_destroy=${b.force_destroy === true}`,
        `versioned=${refers('aws_s3_bucket_versioning', id, (v) => v.versioning_configuration.status === 'Enabled')}`,
        `encrypted=${refers('aws_s3_bucket_server_side_encryption_configuration', id, (e) => e.rule[0].apply_server_side_encryption_by_default.sse_algorithm === 'aws:kms')}`,
        `private=${refers('aws_s3_bucket_public_access_block', id, (p) => p.block_public_acls && p.block_public_policy && p.ignore_public_acls && p.restrict_public_buckets)}`,
      ].join(' ');
    });
  });
}

/** The line {@link bucketProtections} gives a well-protected bucket, minus its name. */
export const PROTECTED_BUCKET = 'prevent_destroy=true force_destroy=false versioned=true encrypted=true private=true';

/** Files of the platform report written next to the stacks (cost report and diagram). */
export function reportFiles(synth: Synthesized): string[] {
  return fs.readdirSync(synth.outdir).filter((f) => /(^|\.)(cost-report\.(md|json)|platform\.md)$/.test(f)).sort();
}
