/**
 * The "Platform diagram (generated)" section of each example README is the `platform.md` the
 * library writes at synth. `npm run readme-diagrams` rewrites the sections from fresh synths;
 * test/examples/readme-diagrams.test.ts fails when one is out of date.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ExampleInfo, exampleOutput } from './examples';

const HEADING = '## Platform diagram (generated)';
const FENCE = /```mermaid\n[\s\S]*?```\n/;

/** The Mermaid block the example's synth writes to platform.md. */
export function generatedDiagram(example: ExampleInfo): string {
  const { outdir, shared } = exampleOutput(example.name);
  try {
    const block = FENCE.exec(fs.readFileSync(path.join(outdir, 'platform.md'), 'utf8'));
    if (!block) throw new Error(`${example.name}: platform.md holds no mermaid block`);
    return block[0];
  } finally {
    if (!shared) fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** The README's diagram section, or undefined when the README has none. */
export function readmeDiagram(example: ExampleInfo): { file: string; text: string; block: string; index: number } | undefined {
  const file = path.join(example.dir, 'README.md');
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  const at = text.indexOf(HEADING);
  if (at < 0) return undefined;
  const m = FENCE.exec(text.slice(at));
  if (!m) throw new Error(`${file}: "${HEADING}" has no mermaid block`);
  return { file, text, block: m[0], index: at + m.index };
}

/** Rewrite the README's section with `diagram`; returns whether it changed. */
export function writeReadmeDiagram(example: ExampleInfo, diagram: string): boolean {
  const current = readmeDiagram(example);
  if (!current || current.block === diagram) return false;
  fs.writeFileSync(current.file, current.text.slice(0, current.index) + diagram + current.text.slice(current.index + current.block.length));
  return true;
}

if (require.main === module) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundleLibrary, listExamples } = require('./examples') as typeof import('./examples');
  bundleLibrary();
  for (const ex of listExamples()) {
    if (!readmeDiagram(ex)) continue;
    console.log(`${ex.name}: ${writeReadmeDiagram(ex, generatedDiagram(ex)) ? 'updated' : 'up to date'}`);
  }
}
