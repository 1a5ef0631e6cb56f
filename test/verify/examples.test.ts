/**
 * The real checks over every example: synthesized by its own cdktf.json app command in a fresh
 * process (what `cdktf synth` runs), every Kubernetes object validated against the upstream
 * schemas, every stack whose providers are mirrored planned offline with the real Terraform CLI
 * (all examples' stacks in one Terraform run, each stack a module with its own provider).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appEnv, listExamples } from '../../scripts/examples';
import { chartValuesProblems } from '../support/chart-values';
import { defaultRegistry, findSchemasDir } from '../support/schemas';
import { kubernetesObjects, readOutdir, Synthesized } from '../support/synth';
import { planManyOffline, PlanResult, skipLoudlyUnlessCi, terraformEnv, unplannableReason } from '../support/terraform';
import { argoRbacProblems, duplicateObjectProblems, gpuTolerationProblems, namespaceOrderProblems } from '../support/wiring';

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

const synths = new Map<string, Synthesized>();
let plan: (PlanResult & { byStack: Record<string, PlanResult['plannedResources']> }) | undefined;
const unplanned = new Map<string, string>();

beforeAll(() => {
  for (const e of examples) synths.set(e.name, synthExample(e.dir, e.app));
  if (skipTerraform) return;
  const plannable: Array<{ name: string; json: any }> = [];
  for (const synth of synths.values()) {
    for (const stack of synth.stacks) {
      const reason = unplannableReason(stack.json, tfEnv);
      if (reason) unplanned.set(stack.name, reason);
      else plannable.push({ name: stack.name, json: stack.json });
    }
  }
  plan = planManyOffline(plannable);
}, 600_000);

test('there are examples to verify', () => {
  expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['quickstart', 'hybrid-platform']));
});

(skipTerraform ? test.skip : test)('all AWS stacks of all examples plan offline in one Terraform run', () => {
  if (!plan!.ok) throw new Error(`terraform ${plan!.failedStep} failed:\n${plan!.output.slice(-8000)}`);
  expect(plan!.plannedResources.length).toBeGreaterThan(0);
});

(skipSchemas ? test.skip : test)('the examples together emit Kubernetes objects (schema validation is not vacuous)', () => {
  const total = [...synths.values()].reduce((n, s) => n + kubernetesObjects(s).length, 0);
  expect(total).toBeGreaterThan(0);
});

describe.each(examples.map((e) => [e.name] as const))('example %s', (name) => {
  test('synthesizes stacks in dependency order', () => {
    const synth = synths.get(name)!;
    expect(synth.stacks.length).toBeGreaterThan(0);
    const names = synth.stacks.map((s) => s.name);
    for (const s of synth.stacks) {
      for (const dep of s.dependencies) expect(names).toContain(dep);
    }
  });

  (skipSchemas ? test.skip : test)('every Kubernetes object validates against the upstream schemas', () => {
    const registry = defaultRegistry();
    const errors = kubernetesObjects(synths.get(name)!).flatMap((o) => registry.validate(o.manifest).map((e) => `${o.stack}/${o.id}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('chart values: every Helm value path the library sets is a key of the pinned chart\'s values.yaml and validates against its values.schema.json', () => {
    expect(chartValuesProblems(synths.get(name)!)).toEqual([]);
  });

  test('wiring: namespaced objects depend on their Namespace; no object declared twice on a cluster', () => {
    const synth = synths.get(name)!;
    expect(namespaceOrderProblems(synth)).toEqual([]);
    expect(duplicateObjectProblems(synth)).toEqual([]);
  });

  test('wiring: the identity that performs each Argo workflow step has its token and the RBAC for what the step does', () => {
    expect(argoRbacProblems(synths.get(name)!)).toEqual([]);
  });

  test('wiring: pods that select tainted GPU nodes tolerate the taints', () => {
    expect(gpuTolerationProblems(synths.get(name)!)).toEqual([]);
  });

  (skipTerraform ? test.skip : test)('every stack with mirrored providers is planned; the others are named', () => {
    for (const stack of synths.get(name)!.stacks) {
      const reason = unplanned.get(stack.name);
      if (reason) {
        // Kubernetes/Helm stacks need a live API server; say so rather than pretend.
        console.warn(`not planned: ${stack.name}: ${reason}`);
        expect(reason).toMatch(/no local mirror/);
        expect(stack.name.endsWith('-infra')).toBe(false);
        continue;
      }
      expect(plan!.ok).toBe(true);
      expect(plan!.byStack[stack.name].length).toBeGreaterThan(0);
      expect(plan!.byStack[stack.name].every((r) => r.actions.join() === 'create')).toBe(true);
    }
  });
});

test('`npx cdktf synth` (the real CLI) synthesizes the quickstart example', () => {
  const quickstart = examples.find((e) => e.name === 'quickstart')!;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdktf-cli-'));
  const r = spawnSync('npx', ['cdktf', 'synth', '--output', outdir], {
    cwd: quickstart.dir, encoding: 'utf8', env: { ...process.env, CI: 'true', CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: '1' },
  });
  expect(`${r.stdout}${r.stderr}`).toContain('Generated Terraform code for the stacks');
  expect(r.status).toBe(0);
  expect(readOutdir(outdir).stacks.map((s) => s.name).sort()).toEqual(['quickstart-prod-addons', 'quickstart-prod-infra', 'quickstart-prod-workloads']);
}, 120_000);
