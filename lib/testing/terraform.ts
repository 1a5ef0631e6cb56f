/**
 * The Terraform half of the verification harness: run the real Terraform CLI, offline, against
 * a synthesized stack, with providers installed from a local filesystem mirror and placeholder
 * credentials. `init -backend=false`, `validate`, then `plan -refresh=false`.
 *
 * Nothing here reaches a cloud: the AWS provider is told to skip every credential, account and
 * metadata look-up, and a stack with a data source that needs the AWS API fails the plan, which
 * is what we want to know.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface TerraformEnv {
  /** The terraform binary, or undefined with `missing` saying why. */
  readonly terraform?: string;
  /** Filesystem mirror root (the folder holding `registry.terraform.io`). */
  readonly mirror?: string;
  /** Human-readable list of what is missing; empty when both are present. */
  readonly missing: string[];
}

/**
 * Where a provider mirror is looked for, in order (the first holding `registry.terraform.io` wins):
 * 1. `TF_PLUGIN_MIRROR` (only that folder when set);
 * 2. the Terraform CLI configuration (`TF_CLI_CONFIG_FILE`, else `~/.terraformrc`): the `path` of each
 *    `filesystem_mirror` block and `plugin_cache_dir`, and `TF_PLUGIN_CACHE_DIR` (a plugin cache has
 *    the mirror's unpacked layout);
 * 3. Terraform's implied local mirror directories (`~/.terraform.d/plugins`, the XDG data
 *    directories' `terraform/plugins`: `~/.local/share`, `/usr/local/share`, `/usr/share`);
 * 4. folders directly under `/opt` (where add-on software is installed, FHS 3.0 section 3.13).
 */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.TF_PLUGIN_MIRROR) return [env.TF_PLUGIN_MIRROR];
  const home = os.homedir();
  const fromConfig: string[] = [];
  const configFile = env.TF_CLI_CONFIG_FILE || path.join(home, '.terraformrc');
  if (fs.existsSync(configFile)) {
    const text = fs.readFileSync(configFile, 'utf8');
    // The two settings we need, read without a full HCL parser: `filesystem_mirror { path = "…" }`
    // and `plugin_cache_dir = "…"` (Terraform docs, CLI configuration file).
    for (const m of text.matchAll(/filesystem_mirror\s*\{[^}]*?\bpath\s*=\s*"([^"]+)"/g)) fromConfig.push(m[1]);
    for (const m of text.matchAll(/\bplugin_cache_dir\s*=\s*"([^"]+)"/g)) fromConfig.push(m[1]);
  }
  if (env.TF_PLUGIN_CACHE_DIR) fromConfig.push(env.TF_PLUGIN_CACHE_DIR);
  const xdg = [env.XDG_DATA_HOME || path.join(home, '.local', 'share'), ...(env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':')];
  const implied = [path.join(home, '.terraform.d', 'plugins'), ...xdg.filter(Boolean).map((d) => path.join(d, 'terraform', 'plugins'))];
  const opt = fs.existsSync('/opt') ? fs.readdirSync('/opt').sort().map((n) => path.join('/opt', n)) : [];
  return [...fromConfig.map((p) => p.replace(/^~(?=$|\/)/, home)), ...implied, ...opt];
}

let cachedEnv: TerraformEnv | undefined;

/** Where Terraform and the provider mirror are, when not found the usual way. */
export interface TerraformLocations {
  /** The terraform binary. @default - `TERRAFORM_BINARY`, else `terraform` on PATH */
  readonly terraform?: string;
  /** A folder holding `registry.terraform.io/...` (a filesystem mirror or plugin cache). @default - {@link mirrorCandidates} */
  readonly mirror?: string;
}

/**
 * Find Terraform (env `TERRAFORM_BINARY`, else `terraform` on PATH) and the provider mirror
 * ({@link mirrorCandidates}: a folder holding `registry.terraform.io`).
 */
export function terraformEnv(locations: TerraformLocations = {}): TerraformEnv {
  const custom = locations.terraform !== undefined || locations.mirror !== undefined;
  if (cachedEnv && !custom) return cachedEnv;
  const missing: string[] = [];
  const bin = locations.terraform ?? process.env.TERRAFORM_BINARY ?? 'terraform';
  const version = spawnSync(bin, ['version', '-json'], { encoding: 'utf8', env: cleanEnv() });
  const terraform = version.status === 0 ? bin : undefined;
  if (!terraform) missing.push(`the Terraform CLI ("${bin}" did not run; set TERRAFORM_BINARY)`);
  const candidates = locations.mirror !== undefined ? [locations.mirror] : mirrorCandidates();
  const mirror = candidates.find((c) => fs.existsSync(path.join(c, 'registry.terraform.io')));
  if (!mirror) missing.push(`a provider mirror (a folder holding registry.terraform.io; looked in ${candidates.join(', ')}; set TF_PLUGIN_MIRROR)`);
  const found = { terraform, mirror, missing };
  if (!custom) cachedEnv = found;
  return found;
}

/** Providers present in the mirror, as `namespace/type` → versions. */
export function mirroredProviders(mirror: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const root = path.join(mirror, 'registry.terraform.io');
  for (const ns of fs.readdirSync(root)) {
    for (const type of fs.readdirSync(path.join(root, ns))) {
      out.set(`${ns}/${type}`, fs.readdirSync(path.join(root, ns, type)));
    }
  }
  return out;
}

/** `namespace/type` of every provider a stack requires (from terraform.required_providers). */
export function requiredProviders(stackJson: any): Array<{ name: string; source: string; version?: string }> {
  const req = stackJson.terraform?.required_providers ?? {};
  return Object.entries<any>(req).map(([name, r]) => {
    const source = String(r.source ?? `hashicorp/${name}`).replace(/^registry\.terraform\.io\//, '');
    return { name, source: source.includes('/') ? source : `hashicorp/${source}`, version: r.version };
  });
}

/** Why a stack cannot be planned offline here (a provider without a mirror), or undefined if it can. */
export function unplannableReason(stackJson: any, env: TerraformEnv = terraformEnv()): string | undefined {
  if (env.missing.length) return `missing ${env.missing.join(' and ')}`;
  const mirrored = mirroredProviders(env.mirror!);
  const lacking = requiredProviders(stackJson).filter((p) => !mirrored.has(p.source));
  if (lacking.length) return `no local mirror for provider(s) ${lacking.map((p) => p.source).join(', ')}`;
  // An exact version the mirror does not hold fails `init`: say so instead (constraints are left to init).
  const wrong = requiredProviders(stackJson)
    .filter((p) => p.version && /^=?\s*\d+\.\d+\.\d+$/.test(p.version.trim()) && !mirrored.get(p.source)!.includes(p.version.replace(/^=?\s*/, '')));
  if (wrong.length) return wrong.map((p) => `the mirror has ${p.source} ${mirrored.get(p.source)!.join(', ')}, the stack requires ${p.version}`).join('; ');
  return undefined;
}

export interface PlanResult {
  readonly ok: boolean;
  /** The step that failed (init, validate, plan) or undefined. */
  readonly failedStep?: string;
  readonly output: string;
  /** Resource changes streamed by `terraform plan -json`, when it succeeded. */
  readonly plannedResources: Array<{ address: string; type: string; actions: string[] }>;
}

/** Options of the offline plan. */
export interface PlanOptions {
  /** Keep the scratch folder (for debugging). */
  readonly keepDir?: boolean;
  /** Terraform and mirror to use. @default - {@link terraformEnv} */
  readonly env?: TerraformEnv;
  /**
   * Run `terraform validate` before `plan`. `plan` performs the same configuration and provider
   * validation, so unit tests that plan a variant skip the separate step (one provider start-up
   * less); the harness and the examples keep it. @default true
   */
  readonly validate?: boolean;
}

/** A stack's JSON made plannable offline: no backend, placeholder credentials and skip flags on every `aws` provider. */
function offlineCopy(stackJson: any): any {
  const json = JSON.parse(JSON.stringify(stackJson));
  if (json.terraform) delete json.terraform.backend;
  const awsBlocks = json.provider?.aws;
  for (const block of Array.isArray(awsBlocks) ? awsBlocks : awsBlocks ? [awsBlocks] : []) {
    Object.assign(block, {
      access_key: 'AKIAPLACEHOLDER000000',
      secret_key: 'placeholder-secret-key-for-offline-plan',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: 'true',
      skip_region_validation: true,
    });
  }
  return json;
}

/**
 * Copy a stack's cdk.tf.json into a scratch folder, drop its backend (state is not read: the plan
 * starts from empty), add placeholder credentials and skip flags to every `aws` provider block,
 * then run init (from the mirror only), validate and plan.
 */
export function planOffline(stackJson: any, opts: PlanOptions = {}): PlanResult {
  return planFolder((dir) => fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(offlineCopy(stackJson), null, 2)), opts);
}

/**
 * Plan several stacks in ONE Terraform run: each stack becomes a child module of a scratch root
 * (its own provider configuration, no backend), so the provider starts once per step instead of
 * once per stack. Planned resources are reported per stack name.
 */
export function planManyOffline(stacks: Array<{ name: string; json: any }>, opts: PlanOptions = {}): PlanResult & { byStack: Record<string, PlanResult['plannedResources']> } {
  const moduleOf = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, '_');
  const result = planFolder((dir) => {
    const root: any = { module: {} };
    for (const s of stacks) {
      const m = moduleOf(s.name);
      fs.mkdirSync(path.join(dir, m));
      fs.writeFileSync(path.join(dir, m, 'main.tf.json'), JSON.stringify(offlineCopy(s.json), null, 2));
      root.module[m] = { source: `./${m}` };
    }
    fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(root, null, 2));
  }, opts);
  const byStack: Record<string, PlanResult['plannedResources']> = {};
  for (const s of stacks) {
    const prefix = `module.${moduleOf(s.name)}.`;
    byStack[s.name] = result.plannedResources
      .filter((r) => r.address.startsWith(prefix))
      .map((r) => ({ ...r, address: r.address.slice(prefix.length) }));
  }
  return { ...result, byStack };
}

/** init (from the mirror only), validate and plan in a scratch folder that `write` fills. */
function planFolder(write: (dir: string) => void, opts: PlanOptions): PlanResult {
  const env = opts.env ?? terraformEnv();
  if (env.missing.length) throw new Error(`cannot plan: missing ${env.missing.join(' and ')}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tf-plan-'));
  write(dir);
  // An empty CLI config so that no user or machine setting (network mirrors, credentials) applies.
  const cliConfig = path.join(dir, '.terraformrc');
  fs.writeFileSync(cliConfig, '');
  const runEnv = {
    ...cleanEnv(),
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    // Terraform and the AWS provider (which inherits this) collect garbage half as often: about
    // 15 % less CPU per plan measured here, for some more memory (a plan stays under 1 GB).
    GOGC: process.env.GOGC ?? '200',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  let output = '';
  let stdoutOf = '';
  const run = (step: string, args: string[]) => {
    const r = spawnSync(env.terraform!, args, { cwd: dir, env: runEnv, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    stdoutOf = r.stdout ?? '';
    const shown = args.includes('-json') ? readableJsonLog(stdoutOf) : stdoutOf;
    output += `$ terraform ${args.join(' ')}\n${shown}${r.stderr ?? ''}\n`;
    return r.status === 0 ? undefined : step;
  };
  const failed = run('init', ['init', '-input=false', '-no-color', '-backend=false', `-plugin-dir=${env.mirror}`])
    ?? (opts.validate === false ? undefined : run('validate', ['validate', '-no-color']))
    // -json streams each planned change: no second provider start-up for `terraform show`.
    ?? run('plan', ['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false', '-json']);
  let plannedResources: PlanResult['plannedResources'] = [];
  if (!failed) {
    plannedResources = stdoutOf.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l))
      .filter((m) => m.type === 'planned_change')
      .map((m) => ({ address: m.change.resource.addr, type: m.change.resource.resource_type, actions: [m.change.action] }));
  }
  if (!opts.keepDir) fs.rmSync(dir, { recursive: true, force: true });
  return { ok: !failed, failedStep: failed, output, plannedResources };
}

/** Terraform's `-json` log as the text a person would read (messages and diagnostics). */
function readableJsonLog(stdout: string): string {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => {
    const m = JSON.parse(l);
    if (m.type === 'diagnostic') {
      const d = m.diagnostic ?? {};
      return `${d.severity === 'error' ? 'Error' : 'Warning'}: ${d.summary ?? ''}\n${d.address ? `  on ${d.address}\n` : ''}${d.detail ?? ''}`;
    }
    return m['@message'] ?? '';
  }).join('\n') + '\n';
}

/** The process environment without real cloud credentials: nothing of ours may reach a cloud. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (/^(AWS_|TF_VAR_|GOOGLE_|ARM_|KUBECONFIG$)/.test(k)) delete env[k];
  }
  return env;
}

/**
 * In CI the real checks must run; elsewhere, a missing tool skips loudly. Returns true when the
 * caller should skip.
 */
export function skipLoudlyUnlessCi(what: string, missing: string[]): boolean {
  if (!missing.length) return false;
  const message = `SKIPPED ${what}: missing ${missing.join(' and ')}`;
  if (process.env.CI) throw new Error(`${message} (CI=true: the real checks must run in CI)`);
  // eslint-disable-next-line no-console
  console.warn(`\n*** ${message} ***\n`);
  return true;
}
