import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expectConfigError } from './support';
import { parseCron, runsPerMonth } from '../../lib/core/cron';
import { Duration } from '../../lib/core/duration';
import { Checkpointing, Gate, RetrainTrigger, TrainingStage } from '../../lib/training';
import { DELETE_SCRIPT, DRAIN_SCRIPT, GATE_SCRIPT, ROLLOUT_RECEIVE_SCRIPT } from '../../lib/training/scripts';
import { skipLoudlyUnlessCi } from '../support/terraform';

describe('cron schedules', () => {
  test.each([
    ['0 3 * * 1', 52 / 12],
    ['@daily', 365 / 12],
    ['@hourly', (365 * 24) / 12],
    ['*/15 2-3 * * *', (365 * 8) / 12],
    ['0 0 1 * *', 1],
    ['0 0 1,15 * MON', (24 + 52 - 2) / 12], // both day fields restricted: either matches (2026: 2 Mondays fall on the 1st/15th)
    ['30 6 * JAN-MAR SAT,SUN', 26 / 12],
  ])('%s runs %d times a month on average', (cron, expected) => {
    expect(runsPerMonth(parseCron(cron, 'p', 'f'))).toBeCloseTo(expected, 2);
  });

  test('RetrainTrigger.schedule keeps the expression, time zone and runs per month', () => {
    const t = RetrainTrigger.schedule('0 3 * * 1', { timezone: 'Europe/Berlin' });
    expect([t.kind, t.cron, t.timezone]).toEqual(['schedule', '0 3 * * 1', 'Europe/Berlin']);
    expect(t.runsPerMonth).toBeCloseTo(4.333, 2);
    expect(RetrainTrigger.onNewObjects({ uri: 's3://d/p/', expectedRunsPerMonth: 10 }).runsPerMonth).toBe(10);
  });

  test.each([
    ['0 3 * *', /4 fields/],
    ['0 3 * * * *', /6 fields/],
    ['60 3 * * *', /minute "60" is outside 0-59/],
    ['0 24 * * *', /hour "24"/],
    ['0 3 0 * *', /day-of-month "0"/],
    ['0 3 * 13 *', /month "13"/],
    ['0 3 * * 8', /day-of-week "8"/],
    ['0 5-3 * * *', /reversed/],
    ['0 */0 * * *', /step of 0/],
    ['@reboot', /1 fields/],
    ['0 3 * * FUNDAY', /day-of-week "FUNDAY"/],
    ['30 6 * * SAT-SUN', /range "SAT-SUN" is reversed/],
  ])('throws when the cron expression is invalid: %s', (cron, message) => {
    expectConfigError(() => RetrainTrigger.schedule(cron), { field: 'trigger.schedule', received: cron, message });
  });

  test('throws when the time zone is not an IANA name', () => {
    expectConfigError(() => RetrainTrigger.schedule('@daily', { timezone: 'GMT +1' }), { field: 'trigger.timezone' });
  });
});

describe('gates, stages and checkpointing', () => {
  test('Gate.metric keeps metric, operator, threshold; SageMaker condition types', () => {
    const g = Gate.metric('ndcg@10', '>=', 0.31);
    expect([g.metricName, g.operator, g.threshold, g.sagemakerConditionType, g.toString()]).toEqual(['ndcg@10', '>=', 0.31, 'GreaterThanOrEqualTo', 'ndcg@10 >= 0.31']);
    expect(['>', '<=', '<', '=='].map((op) => Gate.metric('loss', op, 1).sagemakerConditionType)).toEqual(['GreaterThan', 'LessThanOrEqualTo', 'LessThan', 'Equals']);
  });

  test('throws when a gate has a bad metric name, operator or threshold', () => {
    expectConfigError(() => Gate.metric('ndcg 10', '>=', 1), { field: 'gate.metric', received: 'ndcg 10' });
    expectConfigError(() => Gate.metric('', '>=', 1), { field: 'gate.metric' });
    expectConfigError(() => Gate.metric('auc', '=>', 1), { field: 'gate.operator', received: '=>' });
    expectConfigError(() => Gate.metric('auc', '>=', Number.NaN), { field: 'gate.threshold' });
  });

  test('stage defaults: train workers, GPUs, runtime; other stages one pod', () => {
    const t = TrainingStage.train('t', { image: 'i:1' });
    expect([t.workers, t.gpusPerWorker, t.maxRuntime.toHours(), t.capacity.kind]).toEqual([1, 1, 24, 'on-demand']);
    const p = TrainingStage.preprocess('p', { image: 'i:1', timeout: Duration.hours(2) });
    expect([p.workers, p.gpusPerWorker, p.maxRuntime.toHours()]).toEqual([1, 0, 2]);
  });

  test('checkpointing: S3 prefix or claim with mount path and interval', () => {
    const s3 = Checkpointing.s3('s3://b/p/', { interval: Duration.minutes(5) });
    expect([s3.kind, s3.uri, s3.interval?.toSeconds()]).toEqual(['s3', 's3://b/p/', 300]);
    const pvc = Checkpointing.pvc('ckpt', { mountPath: '/ckpt' });
    expect([pvc.kind, pvc.claimName, pvc.mountPath]).toEqual(['pvc', 'ckpt', '/ckpt']);
  });
});

const python = spawnSync('python3', ['--version']).status === 0;
const skipPython = skipLoudlyUnlessCi('running the evaluation gate script', python ? [] : ['python3']);

describe('helper programs, run for real', () => {
  (skipPython ? test.skip : test).each([
    [{ 'ndcg@10': 0.33, 'loss': 0.2 }, 'pass'],
    [{ 'ndcg@10': 0.30, 'loss': 0.2 }, 'fail'],
    [{ 'ndcg@10': 0.4, 'loss': 0.9 }, 'fail'],
    [{ loss: 0.2 }, 'fail'],
    [{ 'ndcg@10': 'high', 'loss': 0.2 }, 'fail'],
    ['not json', 'fail'],
  ])('the gate script decides %j → %s', (metrics, decision) => {
    const gates = [Gate.metric('ndcg@10', '>=', 0.31), Gate.metric('loss', '<', 0.5)].map((g) => ({ metric: g.metricName, operator: g.operator, threshold: g.threshold }));
    const r = spawnSync('python3', ['-c', GATE_SCRIPT], {
      encoding: 'utf8', env: { ...process.env, METRICS: typeof metrics === 'string' ? metrics : JSON.stringify(metrics), GATES: JSON.stringify(gates) },
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe(decision);
    expect(r.stderr).toMatch(/gate ndcg@10 >= 0.31/);
  });

  test('no helper program contains "{{" (Argo would substitute it)', () => {
    for (const s of [GATE_SCRIPT, DRAIN_SCRIPT, DELETE_SCRIPT, ROLLOUT_RECEIVE_SCRIPT]) expect(s).not.toContain('{{');
  });

  /** A fake `aws` CLI: serves queued messages from files, records deletions. */
  function fakeAws(dir: string, batches: string[][]): void {
    batches.forEach((b, i) => fs.writeFileSync(path.join(dir, `batch${i}`), b.join('\n')));
    fs.writeFileSync(path.join(dir, 'aws'), `#!/bin/sh
case "$2" in
  receive-message)
    n=$(cat "${dir}/served" 2>/dev/null || echo 0)
    if [ -f "${dir}/batch$n" ]; then cat "${dir}/batch$n"; echo; else echo None; fi
    echo $((n + 1)) > "${dir}/served" ;;
  delete-message)
    shift; while [ $# -gt 0 ]; do [ "$1" = "--receipt-handle" ] && echo "$2" >> "${dir}/deleted"; shift; done ;;
esac
`, { mode: 0o755 });
  }

  test('the drain script counts object events (not S3 test events) and writes the Workflow; delete removes what it read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drain-'));
    const ev = (k: string) => `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"d"},"object":{"key":"${k}"}}}]}`;
    fakeAws(dir, [[`h1\t${ev('a.parquet')}`, 'h2\t{"Event":"s3:TestEvent"}'], [`h3\t${ev('b.parquet')}`]]);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, WORK_DIR: dir, QUEUE_URL: 'q', WORKFLOW_JSON: '{"n":"__NEW_OBJECTS__"}' };
    const r = spawnSync('/bin/sh', ['-c', DRAIN_SCRIPT], { encoding: 'utf8', env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'workflow.json'), 'utf8')).toBe('{"n":"2"}');
    expect(fs.readFileSync(path.join(dir, 'handles'), 'utf8')).toBe('h1\nh2\nh3\n');
    expect(spawnSync('/bin/sh', ['-c', DELETE_SCRIPT], { encoding: 'utf8', env }).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'deleted'), 'utf8')).toBe('h1\nh2\nh3\n');
  });

  test('the rollout script turns an _APPROVED.json event into the InferenceService patch; a test event into a no-op', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-'));
    fakeAws(dir, [['h1\t{"Records":[{"s3":{"bucket":{"name":"acme-models"},"object":{"key":"recs/recs-train-x7k2p/_APPROVED.json","size":80}}}]}']]);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, WORK_DIR: dir, QUEUE_URL: 'q', PATCH_TEMPLATE: '{"spec":{"predictor":{"model":{"storageUri":"__MODEL_URI__"}}}}' };
    expect(spawnSync('/bin/sh', ['-c', ROLLOUT_RECEIVE_SCRIPT], { encoding: 'utf8', env }).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'patch.json'), 'utf8'))).toEqual({ spec: { predictor: { model: { storageUri: 's3://acme-models/recs/recs-train-x7k2p/' } } } });
    // The same marker delivered by an EventBridge rule (cross-cluster rollouts).
    const viaRule = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-'));
    fakeAws(viaRule, [['h2\t{"version":"0","detail-type":"Object Created","source":"aws.s3","detail":{"version":"0","bucket":{"name":"acme-models"},"object":{"key":"recs/recs-train-x7k2p/_APPROVED.json","size":80},"reason":"PutObject"}}']]);
    expect(spawnSync('/bin/sh', ['-c', ROLLOUT_RECEIVE_SCRIPT], { encoding: 'utf8', env: { ...env, PATH: `${viaRule}:${process.env.PATH}`, WORK_DIR: viaRule } }).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(viaRule, 'patch.json'), 'utf8'))).toEqual({ spec: { predictor: { model: { storageUri: 's3://acme-models/recs/recs-train-x7k2p/' } } } });
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'rollout-'));
    fakeAws(other, [['h9\t{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"acme-models"}']]);
    expect(spawnSync('/bin/sh', ['-c', ROLLOUT_RECEIVE_SCRIPT], { encoding: 'utf8', env: { ...env, PATH: `${other}:${process.env.PATH}`, WORK_DIR: other } }).status).toBe(0);
    expect(fs.readFileSync(path.join(other, 'patch.json'), 'utf8').trim()).toBe('{}');
    expect(fs.readFileSync(path.join(other, 'handles'), 'utf8')).toBe('h9\n');
  });
});
