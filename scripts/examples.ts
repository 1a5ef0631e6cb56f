/** Shared by `npm run example` and `npm run bench`: where the examples are and how to run them. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The example `npm run example` synthesizes by default. */
export const FLAGSHIP = 'hybrid-platform';

export interface ExampleInfo {
  readonly name: string;
  readonly dir: string;
  /** The `app` command of its cdktf.json (what `cdktf synth` runs). */
  readonly app: string;
}

/**
 * The environment an example's app command runs in: like `npx cdktf synth` or `npm run`, with the
 * project's `node_modules/.bin` (esbuild) on PATH.
 */
export function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = path.join(ROOT, 'node_modules', '.bin');
  return { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, CHECKPOINT_DISABLE: '1', ...extra };
}

/**
 * Build the library bundles (dist/index.js, dist/testing.js, dist/cli.js and the packed schemas) the
 * examples' app commands and the package tests load: inside this repository
 * the examples import `cdktf-ai-infra` by name and Node resolves it to the package itself
 * (package.json `exports`), as it would in a project that installed it.
 */
export function bundleLibrary(): void {
  // The commands are the projen task's (one place: .projenrc.ts), run without npm's start-up.
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8'));
  for (const step of tasks.tasks.bundle.steps as Array<{ exec?: string }>) {
    if (!step.exec) continue;
    const r = spawnSync(step.exec, { cwd: ROOT, shell: true, encoding: 'utf8', env: appEnv() });
    if (r.status !== 0) throw new Error(`"${step.exec}" failed:\n${r.stdout}\n${r.stderr}`);
  }
}

export function listExamples(): ExampleInfo[] {
  return fs.readdirSync(EXAMPLES_DIR)
    .filter((n) => fs.existsSync(path.join(EXAMPLES_DIR, n, 'cdktf.json')))
    .sort()
    .map((name) => exampleInfo(name));
}

export function exampleInfo(name: string): ExampleInfo {
  const dir = path.join(EXAMPLES_DIR, name);
  const file = path.join(dir, 'cdktf.json');
  if (!fs.existsSync(file)) {
    const known = fs.readdirSync(EXAMPLES_DIR).join(', ');
    throw new Error(`no example "${name}" (no ${file}); examples: ${known}`);
  }
  return { name, dir, app: JSON.parse(fs.readFileSync(file, 'utf8')).app };
}

/** Environment variable naming a folder holding one synthesized output per example (test/support/global-setup.ts). */
export const EXAMPLES_OUT_ENV = 'CDKTF_AI_INFRA_EXAMPLES_OUT';

/** Run an example's cdktf.json app command (what `cdktf synth` runs) writing into `outdir`. */
export function synthesizeExample(example: ExampleInfo, outdir: string): void {
  const r = spawnSync(example.app, { cwd: example.dir, shell: true, encoding: 'utf8', env: appEnv({ CDKTF_OUTDIR: outdir }) });
  if (r.status !== 0) throw new Error(`"${example.app}" failed in ${example.dir}:\n${r.stdout}\n${r.stderr}`);
}

/**
 * The folder holding the example's synthesized output: the one the test run's global setup wrote
 * (every example synthesized once per run, read by every suite; never to be modified), or, outside
 * a test run, a fresh synth in a new temporary folder.
 */
export function exampleOutput(name: string): { outdir: string; shared: boolean } {
  const root = process.env[EXAMPLES_OUT_ENV];
  if (root && fs.existsSync(path.join(root, name, 'manifest.json'))) return { outdir: path.join(root, name), shared: true };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  synthesizeExample(exampleInfo(name), outdir);
  return { outdir, shared: false };
}
