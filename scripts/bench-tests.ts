/**
 * `npm run bench-tests [-- --runs N] [-- --ci]`: how long the README's test command takes on this
 * machine (the budget: `npm test` <= 3 minutes after install; `.ci/run`, which adds `npm ci`,
 * <= 6 minutes). Prints one JSON line per run and a summary line:
 *
 * - `npmTestS`: wall time of `npm test` (type-check + jest + eslint), with the jest part and its
 *   ten slowest suites (from jest's own JSON report);
 * - with `--ci`: also the wall time of `.ci/run` in a fresh clone of HEAD (npm ci included).
 *
 * Measure on an idle machine: other processes on the two cores change every figure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(__dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' }, ci: { type: 'boolean', default: false } } });

interface Timed { seconds: number; status: number | null; output: string }

function timed(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, status: r.status, output: `${r.stdout}` };
}

const round = (x: number) => Math.round(x * 10) / 10;
const results: Array<Record<string, unknown>> = [];
for (let i = 0; i < Number(values.runs); i++) {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tests-')), 'jest.json');
  const test = timed('npm', ['test', '--', '--json', `--outputFile=${report}`], ROOT, { ...process.env, CI: 'true' });
  const line: Record<string, unknown> = { run: i + 1, npmTestS: round(test.seconds), status: test.status };
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    const end = Math.max(...r.testResults.map((t: any) => t.endTime));
    line.jestS = round((end - r.startTime) / 1000);
    line.tests = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests };
    line.slowestSuites = r.testResults
      .map((t: any) => ({ suite: path.relative(ROOT, t.name), s: round((t.endTime - t.startTime) / 1000) }))
      .sort((a: any, b: any) => b.s - a.s).slice(0, 10);
  }
  if (values.ci) {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ci-'));
    const c = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
    if (c.status !== 0) throw new Error(`git clone failed: ${c.stderr}`);
    const ci = timed('bash', ['.ci/run'], clone, { ...process.env, CI: 'true' });
    line.ciRunS = round(ci.seconds);
    line.ciStatus = ci.status;
    line.ciSummary = ci.output.trim().split('\n').pop();
    fs.rmSync(clone, { recursive: true, force: true });
  }
  results.push(line);
  console.log(JSON.stringify(line));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({
  summary: true,
  runs: results.length,
  cores: os.cpus().length,
  loadAverage1m: round(os.loadavg()[0]),
  npmTestMedianS: median(results.map((r) => r.npmTestS as number)),
  ...(values.ci ? { ciRunMedianS: median(results.map((r) => r.ciRunS as number)) } : {}),
}));
