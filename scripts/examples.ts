/** Shared by `npm run example` and `npm run bench`: where the examples are and how to run them. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
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
