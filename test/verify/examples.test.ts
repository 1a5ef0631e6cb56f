/**
 * The real checks over every example: synthesized by its own cdktf.json app command in a fresh
 * process (what `cdktf synth` runs), every Kubernetes object validated against the upstream
 * schemas, every stack whose providers are mirrored planned offline with the real Terraform CLI.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appEnv, listExamples } from '../../scripts/examples';
import { defaultRegistry, findSchemasDir } from '../support/schemas';
import { kubernetesObjects, readOutdir, Synthesized } from '../support/synth';
import { planOffline, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';

const examples = listExamples();
const tfEnv = terraformEnv();
const skipTerraform = skipLoudlyUnlessCi('offline terraform plan of the examples', tfEnv.missing);
const schemasDir = findSchemasDir();
const skipSchemas = skipLoudlyUnlessCi('schema validation of the examples', schemasDir ? [] : ['../shared/schemas']);

function synthExample(dir: string, app: string): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  const r = spawnSync(app, { cwd: dir, shell: true, encoding: 'utf8', env: appEnv({ CDKTF_OUTDIR: outdir }) });
  if (r.status !== 0) throw new Error(`"${app}" failed in ${dir}:\n${r.stdout}\n${r.stderr}`);
  return readOutdir(outdir);
}

test('there are examples to verify', () => {
  expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['quickstart', 'hybrid-platform']));
});

const objectCounts: Record<string, number> = {};
afterAll(() => {
  // Schema validation must not pass vacuously: the examples together emit Kubernetes objects.
  if (!skipSchemas && Object.keys(objectCounts).length === examples.length) {
    expect(Object.values(objectCounts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }
});

describe.each(examples.map((e) => [e.name, e] as const))('example %s', (_name, example) => {
  let synth: Synthesized;
  beforeAll(() => {
    synth = synthExample(example.dir, example.app);
  }, 60_000);

  test('synthesizes stacks in dependency order', () => {
    expect(synth.stacks.length).toBeGreaterThan(0);
    const names = synth.stacks.map((s) => s.name);
    for (const s of synth.stacks) {
      for (const dep of s.dependencies) expect(names).toContain(dep);
    }
  });

  (skipSchemas ? test.skip : test)('every Kubernetes object validates against the upstream schemas', () => {
    const registry = defaultRegistry();
    objectCounts[_name] = kubernetesObjects(synth).length;
    const errors = kubernetesObjects(synth).flatMap((o) => registry.validate(o.manifest).map((e) => `${o.stack}/${o.id}: ${e}`));
    expect(errors).toEqual([]);
  });

  (skipTerraform ? test.skip : test)('every stack with mirrored providers plans offline; the others are named', () => {
    const planned: string[] = [];
    for (const stack of synth.stacks) {
      const reason = unplannableReason(stack.json, tfEnv);
      if (reason) {
        // Kubernetes/Helm stacks need a live API server; say so rather than pretend.
        console.warn(`not planned: ${stack.name}: ${reason}`);
        expect(reason).toMatch(/no local mirror/);
        continue;
      }
      const result = planOffline(stack.json);
      if (!result.ok) throw new Error(`${stack.name}: terraform ${result.failedStep} failed:\n${result.output.slice(-6000)}`);
      expect(result.plannedResources.length).toBeGreaterThan(0);
      planned.push(stack.name);
    }
    // Every example has at least one AWS stack or none at all; infra stacks must never be skipped.
    for (const s of synth.stacks.filter((x) => x.name.endsWith('-infra'))) expect(planned).toContain(s.name);
  }, 300_000);
});

test('`npx cdktf synth` (the real CLI) synthesizes the flagship example', () => {
  const quickstart = examples.find((e) => e.name === 'quickstart')!;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-cli-'));
  const r = spawnSync('npx', ['cdktf', 'synth', '--output', outdir], {
    cwd: quickstart.dir, encoding: 'utf8', env: { ...process.env, CI: 'true', CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' },
  });
  expect(`${r.stdout}${r.stderr}`).toContain('Generated Terraform code for the stacks');
  expect(r.status).toBe(0);
  expect(readOutdir(outdir).stacks.map((s) => s.name).sort()).toEqual(['quickstart-prod-addons', 'quickstart-prod-infra', 'quickstart-prod-workloads']);
}, 120_000);
