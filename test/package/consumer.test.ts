/**
 * The package as a user gets it: `npm pack`, install the tarball into an empty temporary project
 * with the peer dependencies at the versions we pin (from the local npm cache), type-check a user
 * program with `--strict` and `skipLibCheck: false`, and synthesize it with plain Node.
 *
 * Fails when the tarball lacks the declarations (`dist/index.d.ts`) or the bundle, ships anything but
 * dist/, README, LICENSE and package.json, or when a declaration does not type-check for a strict user.
 */
import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return String(r.stdout);
}

/** The version of a package installed in this repository (the pinned peers and the TypeScript we build with). */
function installedVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** Files of the tarball as `npm pack --dry-run --json` lists them. */
export function tarballFiles(packJson: string): string[] {
  return (JSON.parse(packJson)[0].files as Array<{ path: string }>).map((f) => f.path).sort();
}

/** What a user needs: the synth bundle and its types, the testing entry and its types, the command, the schemas. */
const REQUIRED_FILES = [
  'package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/testing.js', 'dist/testing/index.d.ts', 'dist/cli.js',
  'dist/schemas/kubernetes.json.gz', 'dist/schemas/terraform/kubernetes-2.38.0.json.gz', 'dist/schemas/terraform/helm-3.0.2.json.gz',
];

/** What must not be in the tarball, and what must be: empty when the list is right. */
export function tarballProblems(files: string[]): string[] {
  const problems: string[] = [];
  for (const needed of REQUIRED_FILES) {
    if (!files.includes(needed)) problems.push(`missing ${needed}`);
  }
  for (const f of files) {
    if (!['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/.+\.(js|js\.map|d\.ts)$/.test(f) && !/^dist\/schemas\/.+\.json\.gz$/.test(f)) problems.push(`unexpected ${f}`);
  }
  return problems;
}

describe('tarball contents', () => {
  test('the check rejects a tarball without declarations or with repository files', () => {
    expect(tarballProblems(REQUIRED_FILES.filter((f) => f !== 'dist/index.d.ts'))).toEqual(['missing dist/index.d.ts']);
    expect(tarballProblems([...REQUIRED_FILES, 'scripts/bench.ts', '.ci/run', 'examples/quickstart/main.ts']))
      .toEqual(['unexpected scripts/bench.ts', 'unexpected .ci/run', 'unexpected examples/quickstart/main.ts']);
  });
});

describe('installed from the packed tarball', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  let files: string[] = [];
  let tarball = '';

  beforeAll(() => {
    // The declarations and the bundle, as `prepare` builds them (incremental: a no-op when fresh).
    run('npx', ['tsc', '--build'], { cwd: ROOT });
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT });
    files = tarballFiles(packed);
    tarball = path.join(work, JSON.parse(packed)[0].filename);

    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, version: '1.0.0' }));
    const peers = Object.keys(pkg.peerDependencies).map((name) => `${name}@${installedVersion(name)}`);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error',
      tarball, ...peers, `typescript@${installedVersion('typescript')}`, `@types/node@${installedVersion('@types/node')}`], { cwd: app });
    for (const f of ['main.ts', 'check.ts']) fs.copyFileSync(path.join(__dirname, 'consumer-app', f), path.join(app, f));
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        target: 'ES2022',
        module: 'commonjs',
        moduleResolution: 'node10',
        lib: ['es2022'],
        types: ['node'],
        outDir: 'out',
        esModuleInterop: true,
      },
      files: ['main.ts', 'check.ts'],
    }));
  }, 300_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  /** `npx cdktf-ai-infra …` in the user's project: the installed bin. */
  const command = (args: string[]) => spawnSync(path.join(work, 'app', 'node_modules', '.bin', 'cdktf-ai-infra'), args, { cwd: path.join(work, 'app'), encoding: 'utf8' });

  test('the tarball holds the bundle, its declarations, README and LICENSE, and nothing else', () => {
    expect(tarballProblems(files)).toEqual([]);
    // Every declaration file the entry point references is shipped.
    const entry = fs.readFileSync(path.join(ROOT, 'dist', 'index.d.ts'), 'utf8');
    const referenced = [...entry.matchAll(/from '(\.[^']+)'/g)].map(([, rel]) => `dist/${path.posix.normalize(rel)}`);
    expect(referenced.length).toBeGreaterThan(5);
    for (const ref of referenced) {
      expect([`${ref}.d.ts`, `${ref}/index.d.ts`].filter((f) => files.includes(f))).toHaveLength(1);
    }
  });

  test('a strict TypeScript program type-checks against the installed package (skipLibCheck: false)', () => {
    const app = path.join(work, 'app');
    const installed = path.join(app, 'node_modules', 'cdktf-ai-infra');
    expect(fs.existsSync(path.join(installed, 'dist', 'index.d.ts'))).toBe(true);
    const tsc = path.join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  }, 300_000);

  test('the compiled program synthesizes with plain Node from the installed package', () => {
    const app = path.join(work, 'app');
    const outdir = path.join(work, 'cdktf.out');
    const out = run(process.execPath, ['out/main.js'], { cwd: app, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' } });
    expect(out).toContain('caught ConfigError on maxNodes');
    // An uncaught error prints with its own class name (the bundle keeps names).
    const thrown = spawnSync(process.execPath, ['-e', 'const { Duration } = require("cdktf-ai-infra"); Duration.minutes(-5);'], { cwd: app, encoding: 'utf8' });
    expect(thrown.status).not.toBe(0);
    expect(thrown.stderr).toMatch(/^ConfigError: /m);
    expect(thrown.stderr).not.toMatch(/_ConfigError/);
    // Synth never loads the testing entry, ajv, commander or the schemas (they are for CI only).
    const loaded = run(process.execPath, ['-e', 'require("cdktf-ai-infra"); console.log(Object.keys(require.cache).join("\\n"))'], { cwd: app });
    expect(loaded).toMatch(/cdktf-ai-infra\/dist\/index\.js/);
    expect(loaded).not.toMatch(/testing\.js|node_modules\/(ajv|commander|cli-table3)\//);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(expect.arrayContaining(['consumer-prod-infra', 'consumer-prod-addons', 'consumer-prod-workloads']));
    const infra = JSON.parse(fs.readFileSync(path.join(outdir, manifest.stacks['consumer-prod-infra'].synthesizedStackPath), 'utf8'));
    expect(Object.keys(infra.resource.aws_eks_cluster ?? {})).toHaveLength(1);
    // The bundle required from node_modules is the packed one, not this repository's lib/.
    const resolved = run(process.execPath, ['-p', 'require.resolve("cdktf-ai-infra")'], { cwd: app }).trim();
    expect(fs.realpathSync(resolved)).toBe(fs.realpathSync(path.join(app, 'node_modules', 'cdktf-ai-infra', 'dist', 'index.js')));
  }, 120_000);

  /**
   * Two copies of the user's synthesized output: as written, and broken twice over (an unknown
   * argument on the EKS cluster, which only the provider's validation sees, and an unknown field on
   * the InferenceService, which only the schema sees).
   */
  const outputs = (): { good: string; broken: string } => {
    const good = path.join(work, 'cdktf.out');
    const broken = path.join(work, 'broken.out');
    fs.cpSync(good, broken, { recursive: true });
    const edit = (stack: string, change: (json: any) => void) => {
      const file = path.join(broken, 'stacks', stack, 'cdk.tf.json');
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      change(json);
      fs.writeFileSync(file, JSON.stringify(json));
    };
    edit('consumer-prod-infra', (json) => { Object.values<any>(json.resource.aws_eks_cluster)[0].no_such_argument = true; });
    edit('consumer-prod-workloads', (json) => {
      Object.values<any>(json.resource.kubernetes_manifest).find((r) => r.manifest.kind === 'InferenceService').manifest.spec.predictor.minReplica = 1;
    });
    return { good, broken };
  };

  test('the testing entry point passes the user\'s output and fails the broken copy, naming the field', () => {
    const { good, broken } = outputs();
    const r = spawnSync(process.execPath, ['out/check.js', good, broken], { cwd: path.join(work, 'app'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [ok, bad] = JSON.parse(r.stdout);
    expect(ok).toEqual({ stacks: ['consumer-prod-addons', 'consumer-prod-infra', 'consumer-prod-workloads'], ok: true, objects: expect.any(Number), errors: [], changes: 0 });
    expect(ok.objects).toBeGreaterThan(0);
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual([expect.stringMatching(/InferenceService\/recs: \/spec\/predictor unknown field "minReplica"/)]);
    expect(bad.changes).toBe(2);
    expect(r.status).toBe(1);
  }, 120_000);

  test('`cdktf-ai-infra verify` plans the AWS stack with the real provider and exits 0; a broken plan or an invalid object makes it exit 1', () => {
    const { good, broken } = outputs();
    const ok = command(['verify', good, '--require-plans']);
    expect(ok.stdout).toMatch(/consumer-prod-infra .*│ planned \(\d+ changes\)/);
    expect(ok.stdout).toMatch(/verified 3 stack\(s\)/);
    expect(ok.status).toBe(0);

    const bad = command(['verify', broken]);
    expect(bad.stdout).toMatch(/consumer-prod-infra .*│ failed: terraform (validate|plan) failed/);
    expect(bad.stdout).toMatch(/consumer-prod-infra: terraform output:[\s\S]*no_such_argument/);
    expect(bad.stdout).toMatch(/consumer-prod-workloads: .*InferenceService\/recs: \/spec\/predictor unknown field "minReplica"/);
    expect(bad.stdout).toMatch(/FAILED: 2 of 3 stack\(s\)/);
    expect(bad.status).toBe(1);
  }, 300_000);
});
