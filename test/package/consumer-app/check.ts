// A user's CI check, as the README shows it: read what `cdktf synth` wrote, snapshot the stable
// projection, and verify it offline with the package's testing entry point. Compiled with the same
// strict settings as main.ts; prints a JSON summary the consumer test reads.
import { diffResources, readSynthesized, resourceIndex, snapshotProjection, verifyOffline } from 'cdktf-ai-infra/testing';

const outdir = process.argv[2];
const synth = readSynthesized(outdir);
const projection = snapshotProjection(synth);
const result = verifyOffline(synth, { plan: false });
const unchanged = diffResources(resourceIndex(synth), resourceIndex(outdir));
console.log(JSON.stringify({
  stacks: Object.keys(projection).sort(),
  ok: result.ok,
  objects: result.stacks.reduce((n, s) => n + s.kubernetes.objects, 0),
  errors: result.stacks.flatMap((s) => [...s.kubernetes.errors, ...s.providerSchemas.errors]),
  changes: unchanged.added.length + unchanged.removed.length + unchanged.changed.length,
}));
process.exitCode = result.ok ? 0 : 1;
