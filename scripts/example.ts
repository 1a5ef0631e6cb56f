/**
 * `npm run example [name]`: synthesize an example (default: the flagship) offline into its
 * `cdktf.out`, exactly as `cdktf synth` would run its app command, then print a summary.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appEnv, bundleLibrary, exampleInfo, FLAGSHIP } from './examples';
import { readOutdir, resourceCounts } from '../test/support/synth';

bundleLibrary(); // the example loads the library from dist/
const name = process.argv[2] ?? FLAGSHIP;
const example = exampleInfo(name);
const outdir = path.join(example.dir, 'cdktf.out');
const started = Date.now();
const run = spawnSync(example.app, {
  cwd: example.dir,
  shell: true,
  stdio: 'inherit',
  env: appEnv({ CDKTF_OUTDIR: outdir }),
});
if (run.status !== 0) {
  console.error(`example ${name}: "${example.app}" failed (exit ${run.status})`);
  process.exit(run.status ?? 1);
}
const synth = readOutdir(outdir);
console.log(`\nexample ${name}: synthesized ${synth.stacks.length} stacks in ${Date.now() - started} ms into ${path.relative(process.cwd(), outdir)}\n`);
const rows: Array<Record<string, string | number>> = [];
for (const stack of synth.stacks) {
  const counts = resourceCounts(stack);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`${stack.name}: ${total} resources${stack.dependencies.length ? ` (after ${stack.dependencies.join(', ')})` : ''}`);
  for (const [type, n] of Object.entries(counts).sort()) rows.push({ stack: stack.name, type, count: n });
}
console.log('');
console.table(rows);

// The platform report written at synth (cost estimate, budget, policy findings) and the diagram.
for (const file of fs.readdirSync(outdir).filter((f) => /(^|\.)cost-report\.md$/.test(f)).sort()) {
  console.log(`\n${'='.repeat(100)}\n${path.relative(process.cwd(), path.join(outdir, file))}\n${'='.repeat(100)}\n`);
  console.log(fs.readFileSync(path.join(outdir, file), 'utf8'));
}
for (const file of fs.readdirSync(outdir).filter((f) => /(^|\.)platform\.md$/.test(f)).sort()) {
  console.log(`diagram: ${path.relative(process.cwd(), path.join(outdir, file))} (Mermaid)`);
}
