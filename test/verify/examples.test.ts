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
import { awsInstanceHasLocalStorage } from '../../lib/core/aws-instance-storage';
import { exampleOutput, listExamples } from '../../scripts/examples';
import { chartValuesProblems } from '../support/chart-values';
import { defaultRegistry, findSchemasDir } from '../support/schemas';
import { argoRbacProblems, duplicateObjectProblems, gpuTolerationProblems, namespaceOrderProblems } from '../support/wiring';
import {
  bundledProviderSchemas, checkStackAgainstProviderSchemas, kubernetesObjectsOf, planManyOffline, PlanResult, readSynthesized, skipLoudlyUnlessCi,
  Synthesized, terraformEnv, unplannableReason, verifyOffline,
} from 'cdktf-ai-infra/testing';

const examples = listExamples();
const tfEnv = terraformEnv();
const skipTerraform = skipLoudlyUnlessCi('offline terraform plan of the examples', tfEnv.missing);
const schemasDir = findSchemasDir();
const skipSchemas = skipLoudlyUnlessCi('schema validation of the examples', schemasDir ? [] : ['the vendored schemas (vendor/schemas/kubernetes)']);

/** The example synthesized by its own app command (once per test run, shared by the suites; read only). */
function synthExample(name: string): Synthesized {
  return readSynthesized(exampleOutput(name).outdir);
}

const synths = new Map<string, Synthesized>();
let plan: (PlanResult & { byStack: Record<string, PlanResult['plannedResources']> }) | undefined;
const unplanned = new Map<string, string>();

beforeAll(() => {
  for (const e of examples) synths.set(e.name, synthExample(e.name));
  if (skipTerraform) return;
  const plannable: Array<{ name: string; json: any }> = [];
  for (const synth of synths.values()) {
    for (const stack of synth.stacks) {
      const reason = unplannableReason(stack.json, tfEnv);
      if (reason) unplanned.set(stack.name, reason);
      else plannable.push({ name: stack.name, json: stack.json });
    }
  }
  // `plan` validates the configuration as `validate` does: one provider start-up less for the largest run.
  plan = planManyOffline(plannable, { validate: false });
}, 600_000);

test('there are examples to verify', () => {
  expect(examples.map((e) => e.name)).toEqual(expect.arrayContaining(['quickstart', 'hybrid-platform']));
});

(skipTerraform ? test.skip : test)('all AWS stacks of all examples plan offline in one Terraform run', () => {
  if (!plan!.ok) throw new Error(`terraform ${plan!.failedStep} failed:\n${plan!.output.slice(-8000)}`);
  expect(plan!.plannedResources.length).toBeGreaterThan(0);
});

(skipSchemas ? test.skip : test)('the examples together emit Kubernetes objects (schema validation is not vacuous)', () => {
  const total = [...synths.values()].reduce((n, s) => n + kubernetesObjectsOf(s).length, 0);
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
    const errors = kubernetesObjectsOf(synths.get(name)!).flatMap((o) => registry.validate(o.manifest).map((e) => `${o.stack}/${o.id}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('every kubernetes_* and helm_* block conforms to its provider schema (those stacks are not planned)', () => {
    const schemas = bundledProviderSchemas();
    expect(schemas.map((p) => p.source).sort()).toEqual(['hashicorp/helm', 'hashicorp/kubernetes']);
    const errors = synths.get(name)!.stacks.flatMap((s) => checkStackAgainstProviderSchemas(s.json, schemas).errors.map((e) => `${s.name}: ${e}`));
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

test('verifyOffline (the public testing API) passes an example end to end: objects and provider schemas', () => {
  const result = verifyOffline(synths.get('media-frames')!, { plan: false, schemas: defaultRegistry() });
  expect(result.problems).toEqual([]);
  expect(result.stacks.filter((s) => !s.ok)).toEqual([]);
  expect(result.stacks.reduce((n, s) => n + s.kubernetes.objects, 0)).toBeGreaterThan(10);
  expect(result.stacks.some((s) => s.providerSchemas.checked.includes('hashicorp/kubernetes 2.38.0'))).toBe(true);
  expect(result.ok).toBe(true);
});

/**
 * Classes of AWS defects (issue 16), checked over every stack of every example rather than one
 * construct at a time. Each list names what is wrong; it must stay empty.
 */
describe('AWS classes over every example', () => {
  const stacks = () => [...synths.entries()].flatMap(([example, synth]) => synth.stacks.map((stack) => ({ example, synth, stack })));
  const all = (type: string) => stacks().flatMap(({ example, synth, stack }) =>
    Object.entries<any>(stack.json.resource?.[type] ?? {}).map(([id, r]) => ({ example, synth, stack, id, r })));
  const where = (x: { stack: { name: string }; id: string }) => `${x.stack.name}/${x.id}`;

  test('bucket notifications only on buckets the app defines, or opted in (S3 keeps one configuration per bucket: anything else overwrites its owner\'s)', () => {
    // Opted in with configureNotifications: true in the example's main.ts.
    const optedIn: Record<string, string[]> = { 'media-frames': ['acme-media-ingest'] };
    const defined = (synth: Synthesized) => new Set(synth.stacks.flatMap((st) =>
      Object.values<any>(st.json.resource?.aws_s3_bucket ?? {}).map((b) => b.bucket)));
    const wrong = all('aws_s3_bucket_notification').filter(({ example, synth, r }) => !defined(synth).has(r.bucket) && !(optedIn[example] ?? []).includes(r.bucket));
    expect(wrong.map((x) => `${where(x)} on s3://${x.r.bucket}`)).toEqual([]);
  });

  test('one owner per queue: no two aws_sqs_queue of an example share a name', () => {
    const names = all('aws_sqs_queue').filter((x) => typeof x.r.name === 'string').map((x) => `${x.example}: ${x.r.name}`);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  test('every queue of the library is TLS-only (a Deny on aws:SecureTransport false in its one policy)', () => {
    // Karpenter's interruption queue is the EKS layer's (lib/aws/karpenter.ts), not covered here.
    const policies = all('aws_sqs_queue_policy');
    const wrong = all('aws_sqs_queue').filter((q) => !/karpenter/i.test(q.r['//']?.metadata?.path ?? '')).filter((q) => {
      const mine = policies.filter((p) => p.stack === q.stack && p.r.queue_url === `\${aws_sqs_queue.${q.id}.url}`);
      return mine.length !== 1 || !JSON.parse(mine[0].r.policy).Statement.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    });
    expect(wrong.map(where)).toEqual([]);
  });

  test('roles assumed by SageMaker, EventBridge, Step Functions and EventBridge Scheduler are limited to the account (aws:SourceAccount)', () => {
    const services = ['sagemaker.amazonaws.com', 'events.amazonaws.com', 'states.amazonaws.com', 'scheduler.amazonaws.com'];
    const wrong = all('aws_iam_role').filter(({ r }) => {
      const statements = JSON.parse(r.assume_role_policy).Statement as any[];
      const forService = (st: any) => [st.Principal?.Service ?? []].flat().some((sv: string) => services.includes(sv));
      return statements.some((st) => forService(st) && !st.Condition?.StringEquals?.['aws:SourceAccount']);
    });
    expect(wrong.map(where)).toEqual([]);
  });

  test('no object event starts a SageMaker pipeline directly (one run per window, not per file)', () => {
    const rules = all('aws_cloudwatch_event_rule');
    const toPipeline = all('aws_cloudwatch_event_target').filter((t) => /^\$\{aws_sagemaker_pipeline\./.test(t.r.arn));
    expect(toPipeline.length).toBeGreaterThan(0); // the sagemaker-native example has schedules
    const wrong = toPipeline.filter((t) => {
      const rule = rules.find((x) => x.stack === t.stack && t.r.rule === `\${aws_cloudwatch_event_rule.${x.id}.name}`);
      return !rule || rule.r.event_pattern !== undefined;
    });
    expect(wrong.map(where)).toEqual([]);
  });

  test('AWS Batch instances carry the platform tags (compute_resources.tags ⊇ the provider default_tags)', () => {
    const wrong = all('aws_batch_compute_environment').filter(({ stack, r }) => {
      const platform = stack.json.provider?.aws?.[0]?.default_tags?.[0]?.tags ?? {};
      return Object.entries<string>(platform).some(([k, v]) => r.compute_resources?.tags?.[k] !== v);
    });
    expect(wrong.map(where)).toEqual([]);
  });

  test('no SageMaker endpoint configuration carries a volume key on an instance type with local NVMe storage', () => {
    const wrong = all('aws_sagemaker_endpoint_configuration').filter(({ r }) => r.kms_key_arn !== undefined
      && (r.production_variants ?? []).some((v: any) => v.instance_type && awsInstanceHasLocalStorage(v.instance_type)));
    expect(wrong.map(where)).toEqual([]);
  });

  test('every state machine logs to a log group with a retention', () => {
    const groups = all('aws_cloudwatch_log_group');
    const wrong = all('aws_sfn_state_machine').filter(({ stack, r }) => {
      const group = groups.find((g) => g.stack === stack && r.logging_configuration?.log_destination === `\${aws_cloudwatch_log_group.${g.id}.arn}:*`);
      return !group || !(group.r.retention_in_days > 0);
    });
    expect(wrong.map(where)).toEqual([]);
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
  expect(readSynthesized(outdir).stacks.map((s) => s.name).sort()).toEqual(['quickstart-prod-addons', 'quickstart-prod-infra', 'quickstart-prod-workloads']);
}, 120_000);
