/**
 * `npx cdktf-ai-infra verify [outdir]`: the checks of {@link verifyOffline} for CI, on the output of
 * `cdktf synth`. Prints a table per stack (plan, Kubernetes objects, provider schemas), progress on
 * standard error, and exits non-zero on any failure; `--json` prints the structured result instead.
 */
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { verifyOffline, VerifyResult } from './verify';

/** Runs the command line `argv` (as `process.argv`); resolves to the exit code. */
export function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): number {
  let code = 0;
  const program = new Command('cdktf-ai-infra')
    .description('Checks for platforms built with cdktf-ai-infra')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });
  program.command('verify')
    .description('Plan every stack offline with the real providers (where mirrored), validate every Kubernetes object against the upstream schemas and every kubernetes/helm block against its provider schema')
    .argument('[outdir]', 'the synthesized output folder (what cdktf synth wrote)', 'cdktf.out')
    .option('--json', 'print the result as JSON instead of a table')
    .option('--no-plan', 'skip the offline Terraform plans')
    .option('--require-plans', 'fail when Terraform or the provider mirror is missing, or an AWS stack cannot be planned')
    .addOption(new Option('--mirror <folder>', 'provider mirror or plugin cache (a folder holding registry.terraform.io)').env('TF_PLUGIN_MIRROR'))
    .addOption(new Option('--terraform <binary>', 'the terraform binary').env('TERRAFORM_BINARY'))
    .action((outdir: string, opts: { json?: boolean; plan: boolean; requirePlans?: boolean; mirror?: string; terraform?: string }) => {
      const result = verifyOffline(outdir, {
        plan: opts.plan,
        requirePlans: opts.requirePlans,
        mirror: opts.mirror,
        terraform: opts.terraform,
        onProgress: opts.json ? undefined : (m) => err(`${m}\n`),
      });
      out(opts.json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
      code = result.ok ? 0 : 1;
    });
  try {
    program.parse(argv);
  } catch (e: any) {
    // commander's own exits (help, version, usage errors) carry their exit code and printed already.
    if (typeof e?.exitCode === 'number' && typeof e?.code === 'string' && e.code.startsWith('commander.')) return e.exitCode;
    err(`cdktf-ai-infra: ${e?.message ?? e}\n`);
    return 2;
  }
  return code;
}

/** The table, then the details of every failure and note. */
export function render(result: VerifyResult): string {
  const table = new Table({
    head: ['stack', 'terraform plan', 'kubernetes objects', 'provider schemas', 'result'],
    colWidths: [null, 50, 20, 42, null],
    wordWrap: true,
    style: { head: [], border: [] },
  });
  for (const s of result.stacks) {
    const plan = s.plan.status === 'planned' ? `planned (${s.plan.resources} changes)` : `${s.plan.status}${s.plan.reason ? `: ${s.plan.reason}` : ''}`;
    const objects = s.kubernetes.objects ? `${s.kubernetes.objects} (${s.kubernetes.errors.length ? `${s.kubernetes.errors.length} invalid` : 'valid'})` : '-';
    const provider = s.providerSchemas.checked.length ? `${s.providerSchemas.checked.join(', ')}: ${s.providerSchemas.errors.length ? `${s.providerSchemas.errors.length} error(s)` : 'conform'}` : '-';
    table.push([s.stack, plan, objects, provider, s.ok ? 'ok' : 'FAILED']);
  }
  const lines = [table.toString()];
  for (const s of result.stacks) {
    for (const e of s.kubernetes.errors) lines.push(`${s.stack}: ${e}`);
    for (const e of s.providerSchemas.errors) lines.push(`${s.stack}: ${e}`);
    if (s.plan.status === 'failed' && s.plan.output) lines.push(`${s.stack}: terraform output:\n${s.plan.output.trim().split('\n').slice(-40).join('\n')}`);
    for (const n of s.providerSchemas.notes) lines.push(`${s.stack}: note: ${n}`);
  }
  lines.push(...result.problems);
  const failed = result.stacks.filter((s) => !s.ok).length;
  lines.push(result.ok ? `verified ${result.stacks.length} stack(s)` : `FAILED: ${failed} of ${result.stacks.length} stack(s)${result.problems.length ? ', and the problems above' : ''}`);
  return `${lines.join('\n')}\n`;
}
