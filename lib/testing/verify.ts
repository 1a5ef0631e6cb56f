/**
 * `verifyOffline(outdir)`: the checks a platform team wants in every pull request, on the output of
 * `cdktf synth`, without credentials or a cluster:
 *
 * - every stack whose providers are in a local mirror (or plugin cache): `terraform init` from the
 *   mirror, `validate` and `plan -refresh=false` with placeholder credentials, all such stacks in one
 *   Terraform run (each a module); when that run fails, each stack alone, to name the broken ones;
 * - every Kubernetes object (`kubernetes_manifest`) against the upstream schemas of what the library
 *   emits (strict: unknown fields are errors);
 * - every `kubernetes_*` and `helm_*` block against its provider's schema (those stacks need a live
 *   API server, so they are not planned).
 *
 * A stack that cannot be planned is reported as skipped with the reason, never silently passed.
 */
import { KubernetesSchemas, findSchemaSet } from './kubernetes-schemas';
import { bundledProviderSchemas, checkStackAgainstProviderSchemas } from './provider-schemas';
import { kubernetesObjectsOf, readSynthesized, Synthesized } from './synthesized';
import { planManyOffline, planOffline, TerraformLocations, terraformEnv, unplannableReason } from './terraform';

/** Options of {@link verifyOffline}. */
export interface VerifyOptions extends TerraformLocations {
  /** Run the offline plans. @default true */
  readonly plan?: boolean;
  /** Validate Kubernetes objects against the schemas. @default true */
  readonly kubernetesSchemas?: boolean;
  /** Check `kubernetes_*` / `helm_*` blocks against their provider schemas. @default true */
  readonly providerSchemas?: boolean;
  /**
   * Fail (instead of skipping) when Terraform or the mirror is missing, or a stack's providers are
   * not all mirrored although it has AWS resources. @default false
   */
  readonly requirePlans?: boolean;
  /** Called with a line of progress on long runs. @default - silent */
  readonly onProgress?: (message: string) => void;
  /** The Kubernetes schemas to use. @default - the ones shipped with the package */
  readonly schemas?: KubernetesSchemas;
}

/** What happened to one stack. */
export interface StackVerification {
  readonly stack: string;
  readonly plan: {
    readonly status: 'planned' | 'failed' | 'skipped';
    /** Why it was skipped or failed. */
    readonly reason?: string;
    /** Planned resource changes (planned stacks). */
    readonly resources?: number;
    /** Terraform's output (failed stacks). */
    readonly output?: string;
  };
  readonly kubernetes: { readonly objects: number; readonly errors: string[] };
  readonly providerSchemas: { readonly checked: string[]; readonly errors: string[]; readonly notes: string[] };
  /** No failure in any check (a skipped plan is not a failure unless `requirePlans`). */
  readonly ok: boolean;
}

/** The result of {@link verifyOffline}. */
export interface VerifyResult {
  readonly outdir: string;
  readonly stacks: StackVerification[];
  /** Every stack ok. */
  readonly ok: boolean;
  /** Problems that are not one stack's (no Terraform, no schemas). */
  readonly problems: string[];
}

/** Verify a synthesized output folder (or an already read one). See the module comment. */
export function verifyOffline(outdir: string | Synthesized, options: VerifyOptions = {}): VerifyResult {
  const synth = typeof outdir === 'string' ? readSynthesized(outdir) : outdir;
  const progress = options.onProgress ?? (() => undefined);
  const problems: string[] = [];
  const planResults = new Map<string, StackVerification['plan']>();

  if (options.plan !== false) {
    const env = terraformEnv(options);
    const plannable: Array<{ name: string; json: any }> = [];
    for (const stack of synth.stacks) {
      const reason = unplannableReason(stack.json, env);
      if (!reason) {plannable.push({ name: stack.name, json: stack.json });} else {
        const mustPlan = options.requirePlans && (env.missing.length > 0 || Object.keys(stack.json.resource ?? {}).some((t) => t.startsWith('aws_')));
        planResults.set(stack.name, { status: mustPlan ? 'failed' : 'skipped', reason });
      }
    }
    if (env.missing.length) problems.push(`offline plans ${options.requirePlans ? 'required but impossible' : 'skipped'}: missing ${env.missing.join(' and ')}`);
    if (plannable.length) {
      progress(`planning ${plannable.length} stack(s) offline in one Terraform run: ${plannable.map((p) => p.name).join(', ')}`);
      const all = planManyOffline(plannable, { env });
      if (all.ok) {
        for (const p of plannable) planResults.set(p.name, { status: 'planned', resources: all.byStack[p.name].length });
      } else if (plannable.length === 1) {
        planResults.set(plannable[0].name, { status: 'failed', reason: `terraform ${all.failedStep} failed`, output: all.output });
      } else {
        progress(`the combined plan failed at ${all.failedStep}; planning each stack alone to find the broken ones`);
        for (const p of plannable) {
          progress(`planning ${p.name}`);
          const one = planOffline(p.json, { env });
          planResults.set(p.name, one.ok
            ? { status: 'planned', resources: one.plannedResources.length }
            : { status: 'failed', reason: `terraform ${one.failedStep} failed`, output: one.output });
        }
      }
    }
  }

  let registry = options.schemas;
  if (!registry && options.kubernetesSchemas !== false) {
    const set = findSchemaSet();
    if (set) registry = new KubernetesSchemas(set);
    else problems.push('Kubernetes schemas not found (CDKTF_AI_INFRA_SCHEMAS or the package\'s schemas/kubernetes.json.gz)');
  }
  const objects = options.kubernetesSchemas === false ? [] : kubernetesObjectsOf(synth);
  if (objects.length) progress(`validating ${objects.length} Kubernetes object(s) against the schemas`);
  const providerSchemas = options.providerSchemas === false ? [] : bundledProviderSchemas();

  const stacks = synth.stacks.map((stack): StackVerification => {
    const mine = objects.filter((o) => o.stack === stack.name);
    const kubernetesErrors = registry ? mine.flatMap((o) => registry!.validate(o.manifest).map((e) => `${o.id}: ${e}`)) : [];
    const provider = providerSchemas.length ? checkStackAgainstProviderSchemas(stack.json, providerSchemas) : { errors: [], checked: [], notes: [] };
    const plan = planResults.get(stack.name) ?? { status: 'skipped' as const, reason: 'plans not requested' };
    return {
      stack: stack.name,
      plan,
      kubernetes: { objects: mine.length, errors: kubernetesErrors },
      providerSchemas: provider,
      ok: plan.status !== 'failed' && kubernetesErrors.length === 0 && provider.errors.length === 0,
    };
  });
  const fatal = options.requirePlans && problems.some((p) => p.startsWith('offline plans'));
  const schemaProblem = problems.some((p) => p.startsWith('Kubernetes schemas'));
  return { outdir: synth.outdir, stacks, ok: stacks.every((s) => s.ok) && !fatal && !schemaProblem, problems };
}
