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

/** What must not be in the tarball, and what must be: empty when the list is right. */
export function tarballProblems(files: string[]): string[] {
  const problems: string[] = [];
  for (const needed of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']) {
    if (!files.includes(needed)) problems.push(`missing ${needed}`);
  }
  for (const f of files) {
    if (!['package.json', 'README.md', 'LICENSE'].includes(f) && !/^dist\/.+\.(js|js\.map|d\.ts)$/.test(f)) problems.push(`unexpected ${f}`);
  }
  return problems;
}

describe('tarball contents', () => {
  test('the check rejects a tarball without declarations or with repository files', () => {
    expect(tarballProblems(['package.json', 'README.md', 'LICENSE', 'dist/index.js'])).toEqual(['missing dist/index.d.ts']);
    expect(tarballProblems(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'scripts/bench.ts', '.ci/run', 'examples/quickstart/main.ts']))
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
    fs.copyFileSync(path.join(__dirname, 'consumer-app', 'main.ts'), path.join(app, 'main.ts'));
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
      files: ['main.ts'],
    }));
  }, 300_000);

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

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
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(expect.arrayContaining(['consumer-prod-infra', 'consumer-prod-addons', 'consumer-prod-workloads']));
    const infra = JSON.parse(fs.readFileSync(path.join(outdir, manifest.stacks['consumer-prod-infra'].synthesizedStackPath), 'utf8'));
    expect(Object.keys(infra.resource.aws_eks_cluster ?? {})).toHaveLength(1);
    // The bundle required from node_modules is the packed one, not this repository's lib/.
    const resolved = run(process.execPath, ['-p', 'require.resolve("cdktf-ai-infra")'], { cwd: app }).trim();
    expect(fs.realpathSync(resolved)).toBe(fs.realpathSync(path.join(app, 'node_modules', 'cdktf-ai-infra', 'dist', 'index.js')));
  }, 120_000);
});
