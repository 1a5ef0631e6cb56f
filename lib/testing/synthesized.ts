/**
 * A synthesized cdktf output folder read back as Terraform reads it, and stable views of it for
 * snapshot tests and pull-request diffs.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { App } from 'cdktf';

/** One stack of a synthesized app. */
export interface SynthesizedStack {
  readonly name: string;
  /** Folder holding `cdk.tf.json` (where `terraform` runs). */
  readonly dir: string;
  /** Parsed `cdk.tf.json`. */
  readonly json: any;
  /** Names of the stacks this one depends on. */
  readonly dependencies: string[];
}

/** A synthesized app: its output folder and its stacks in the manifest's order. */
export interface Synthesized {
  readonly outdir: string;
  readonly stacks: SynthesizedStack[];
  /** The stack of that name; throws listing the names when absent. */
  stack(name: string): SynthesizedStack;
}

/**
 * Read a synthesized output folder: what `app.synth()`, `cdktf synth` or cdktf's
 * `Testing.fullSynth(stack)` wrote (`manifest.json` and `stacks/<name>/cdk.tf.json`).
 */
export function readSynthesized(outdir: string): Synthesized {
  const manifestFile = path.join(outdir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`${outdir} is not a synthesized cdktf output folder: it has no manifest.json (run cdktf synth first)`);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  const stacks: SynthesizedStack[] = Object.values<any>(manifest.stacks).map((s) => {
    const file = path.join(outdir, s.synthesizedStackPath);
    return { name: s.name, dir: path.dirname(file), json: JSON.parse(fs.readFileSync(file, 'utf8')), dependencies: s.dependencies ?? [] };
  });
  return {
    outdir,
    stacks,
    stack(name: string) {
      const found = stacks.find((s) => s.name === name);
      if (!found) throw new Error(`no stack ${name}; stacks: ${stacks.map((s) => s.name).join(', ')}`);
      return found;
    },
  };
}

/**
 * Synthesize an App and read the result back: use it with cdktf's `Testing.app()` (a fresh temporary
 * output folder, stubbed versions), e.g. `synthesize(buildPlatform(Testing.app()))`.
 */
export function synthesize(app: App): Synthesized {
  app.synth();
  return readSynthesized(app.outdir);
}

/** Every Kubernetes object emitted as `kubernetes_manifest.manifest`, with its stack and logical id. */
export function kubernetesObjectsOf(synth: Synthesized): Array<{ stack: string; id: string; manifest: any }> {
  return synth.stacks.flatMap((s) => Object.entries<any>(s.json.resource?.kubernetes_manifest ?? {})
    .map(([id, r]) => ({ stack: s.name, id, manifest: r.manifest })));
}

/** Resource counts per Terraform type of one stack. */
export function resourceCountsOf(stack: SynthesizedStack): Record<string, number> {
  return Object.fromEntries(Object.entries<any>(stack.json.resource ?? {}).map(([type, byId]) => [type, Object.keys(byId).length]));
}

/**
 * A stable per-stack summary for `toMatchSnapshot()`: the stacks it depends on, how many resources of
 * each type, its Helm releases (`release chart@version -n namespace`) and its Kubernetes objects
 * (`apiVersion kind namespace/name`), all sorted. No paths, logical ids or `//` metadata (they
 * carry hashes of construct paths), no attribute values (assert the ones that matter), so it
 * changes only when the shape of the platform changes.
 */
export function snapshotProjection(synth: Synthesized | string): Record<string, unknown> {
  const s = typeof synth === 'string' ? readSynthesized(synth) : synth;
  return Object.fromEntries(s.stacks.map((stack) => [stack.name, {
    dependsOn: [...stack.dependencies].sort(),
    resources: sortKeys(resourceCountsOf(stack)),
    helmReleases: Object.values<any>(stack.json.resource?.helm_release ?? {}).map((r) => `${r.name} ${r.chart}@${r.version} -n ${r.namespace}`).sort(),
    kubernetesObjects: Object.values<any>(stack.json.resource?.kubernetes_manifest ?? {})
      .map(({ manifest: m }) => `${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`).sort(),
  }]));
}

/**
 * Every resource and data source of an app, by address (`<stack> <type>.<name>`, Kubernetes objects by
 * `<stack> <apiVersion> <kind> <namespace>/<name>`), with a digest of its configuration (without
 * `//` metadata). Two of them give {@link diffResources}.
 */
export function resourceIndex(synth: Synthesized | string): Record<string, string> {
  const s = typeof synth === 'string' ? readSynthesized(synth) : synth;
  const index: Record<string, string> = {};
  for (const stack of s.stacks) {
    for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
      for (const [type, byName] of Object.entries<any>(stack.json[kind] ?? {})) {
        for (const [name, body] of Object.entries<any>(byName)) {
          const m = type === 'kubernetes_manifest' ? body.manifest : undefined;
          const address = m ? `${stack.name} ${m.apiVersion} ${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}` : `${stack.name} ${prefix}${type}.${name}`;
          index[address] = digest(body);
        }
      }
    }
  }
  return sortKeys(index);
}

/** What changed between two {@link resourceIndex}es. */
export interface ResourceDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly changed: string[];
}

/** Resources added, removed and changed between two indexes (addresses, sorted). */
export function diffResources(before: Record<string, string>, after: Record<string, string>): ResourceDiff {
  return {
    added: Object.keys(after).filter((a) => !(a in before)).sort(),
    removed: Object.keys(before).filter((a) => !(a in after)).sort(),
    changed: Object.keys(after).filter((a) => a in before && before[a] !== after[a]).sort(),
  };
}

/** A diff as lines a reviewer reads: `+ added`, `- removed`, `~ changed`. */
export function formatDiff(diff: ResourceDiff): string {
  const lines = [...diff.added.map((a) => `+ ${a}`), ...diff.removed.map((a) => `- ${a}`), ...diff.changed.map((a) => `~ ${a}`)];
  return lines.length ? lines.join('\n') : 'no changes';
}

function digest(body: unknown): string {
  return crypto.createHash('sha256').update(stableJson(body)).digest('hex').slice(0, 16);
}

/** JSON with sorted keys and without cdktf's `//` metadata. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `{${Object.keys(value).filter((k) => k !== '//').sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as any)[k])}`).join(',')}}`;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
