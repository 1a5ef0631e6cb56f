/**
 * `npm run bench [runs] [example...]`: synthesize every example, each run in a fresh process running its
 * cdktf.json app command (what `cdktf synth` runs), and the plain-cdktf floor of the same
 * resources (scripts/floors/<example>.ts: per-resource provider imports, no library code), built
 * and run the same way. Prints one JSON line per program: median wall time and peak RSS over the
 * runs, and for examples the ratio to their floor.
 *
 * Peak RSS is that of the whole app command (GNU time's maximum resident set of the process tree:
 * the esbuild step and the node step), read with /usr/bin/time when present; otherwise from a
 * preloaded reporter in each node process (esbuild then not counted; the line says which).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appEnv, bundleLibrary, listExamples, ROOT } from './examples';
import { readOutdir, resourceCounts } from '../test/support/synth';

bundleLibrary(); // measure the library as it is now
const runs = Number(process.argv[2] ?? 5);
/** Optional: only these examples (`npm run bench 5 hybrid-platform quickstart`). */
const only = process.argv.slice(3);
const reporter = path.join(__dirname, 'rss-reporter.cjs');
const GNU_TIME = '/usr/bin/time';
const useGnuTime = spawnSync(GNU_TIME, ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;

interface Measure { wallMs: number; rssMiB: number; counts: Record<string, number> }

function measureOnce(command: string, cwd: string): Measure {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const rssFile = path.join(outdir, 'rss.txt');
  const env = appEnv({ CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile, ...(useGnuTime ? {} : { NODE_OPTIONS: `--require ${reporter}` }) });
  const t0 = process.hrtime.bigint();
  const r = useGnuTime
    ? spawnSync(GNU_TIME, ['-f', '%M', '-o', rssFile, 'sh', '-c', command], { cwd, env, encoding: 'utf8' })
    : spawnSync(command, { cwd, shell: true, env, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`"${command}" in ${cwd} failed: ${r.stderr}`);
  const kib = Math.max(...fs.readFileSync(rssFile, 'utf8').trim().split('\n').map((l) => Number(l.trim().split(' ').pop())));
  const synth = readOutdir(outdir);
  const counts: Record<string, number> = {};
  for (const s of synth.stacks) for (const [t, n] of Object.entries(resourceCounts(s))) counts[`${s.name}:${t}`] = n;
  // Data sources count too: a floor must read what the example reads.
  for (const s of synth.stacks) for (const [t, byId] of Object.entries<object>(s.json.data ?? {})) counts[`${s.name}:data.${t}`] = Object.keys(byId).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { wallMs, rssMiB: kib / 1024, counts };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function bench(label: string, command: string, cwd: string) {
  measureOnce(command, cwd); // warm-up: file cache
  const ms = Array.from({ length: runs }, () => measureOnce(command, cwd));
  return {
    program: label,
    command,
    runs,
    rssOf: useGnuTime ? 'app command process tree (GNU time)' : 'node processes only (preload reporter)',
    medianWallMs: Math.round(median(ms.map((m) => m.wallMs))),
    medianPeakRssMiB: Math.round(median(ms.map((m) => m.rssMiB)) * 10) / 10,
    maxPeakRssMiB: Math.round(Math.max(...ms.map((m) => m.rssMiB)) * 10) / 10,
    resources: Object.values(ms[0].counts).reduce((a, b) => a + b, 0),
    counts: ms[0].counts,
  };
}

/** The floor is built and run exactly like the examples' app command. */
function floorCommand(file: string): string {
  return `esbuild ${file} --bundle --platform=node --packages=external --log-level=warning --outfile=.app/floor.js && node .app/floor.js`;
}

for (const ex of listExamples().filter((e) => only.length === 0 || only.includes(e.name))) {
  const result = bench(`example:${ex.name}`, ex.app, ex.dir);
  const floorFile = path.join(ROOT, 'scripts', 'floors', `${ex.name}.ts`);
  const { counts, ...printable } = result;
  if (!fs.existsSync(floorFile)) {
    console.log(JSON.stringify({ ...printable, floor: null }));
    continue;
  }
  const floor = bench(`floor:${ex.name}`, floorCommand(floorFile), ex.dir);
  const { counts: floorCounts, ...floorPrintable } = floor;
  const sameResources = JSON.stringify(Object.entries(counts).sort()) === JSON.stringify(Object.entries(floorCounts).sort());
  console.log(JSON.stringify(floorPrintable));
  console.log(JSON.stringify({
    ...printable,
    floorMedianWallMs: floor.medianWallMs,
    wallRatioToFloor: Math.round((result.medianWallMs / floor.medianWallMs) * 100) / 100,
    sameResourcesAsFloor: sameResources,
  }));
  if (!sameResources) console.error(`warning: ${ex.name} and its floor do not synthesize the same resources; the ratio is not comparable`);
}
