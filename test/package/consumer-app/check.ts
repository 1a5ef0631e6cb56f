// A user's CI check, as the README shows it: read what `cdktf synth` wrote, snapshot the stable
// projection, and verify it offline with the package's testing entry point. Compiled with the same
// strict settings as main.ts. Prints one JSON summary per output folder given; exits 1 when any fails.
import { diffResources, KubernetesSchemas, findSchemaSet, readSynthesized, resourceIndex, snapshotProjection, verifyOffline } from 'cdktf-ai-infra/testing';

const [first, ...others] = process.argv.slice(2);
const baseline = resourceIndex(first);
// One registry for every folder: each schema is compiled once.
const schemas = new KubernetesSchemas(findSchemaSet()!);
const summaries = [first, ...others].map((outdir) => {
  const synth = readSynthesized(outdir);
  const result = verifyOffline(synth, { plan: false, schemas });
  const diff = diffResources(baseline, resourceIndex(synth));
  return {
    stacks: Object.keys(snapshotProjection(synth)).sort(),
    ok: result.ok,
    objects: result.stacks.reduce((n, s) => n + s.kubernetes.objects, 0),
    errors: result.stacks.flatMap((s) => [...s.kubernetes.errors, ...s.providerSchemas.errors]),
    changes: diff.added.length + diff.removed.length + diff.changed.length,
  };
});
console.log(JSON.stringify(summaries));
process.exitCode = summaries.every((s) => s.ok) ? 0 : 1;
