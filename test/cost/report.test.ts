/**
 * The platform report written at synth: cost-report.md / .json and platform.md next to the stacks,
 * with the inputs, assumptions, totals, policy findings and the Mermaid diagram.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { FakeWorkload, fixture, PROD } from './support';
import { Duration } from '../../lib/core/duration';
import { CostAssumptions } from '../../lib/cost/assumptions';
import { estimateEndpointCost } from '../../lib/cost/endpoint-cost';
import { estimatePipelineCost } from '../../lib/cost/pipeline-cost';
import { TrafficProfile } from '../../lib/cost/traffic';
import { AiPlatform } from '../../lib/platform/ai-platform';
import { Policy } from '../../lib/policy/suppressions';
import { synthApp, testApp } from '../support/synth';

const BURSTY = TrafficProfile.hourly(Array.from({ length: 24 }, (_, h) => (h === 9 || h === 10 ? 20 : 0)));

function build(outdir?: string) {
  const f = fixture({ costAssumptions: new CostAssumptions({ spotDiscount: 0.6 }) });
  if (outdir) Object.defineProperty(f.app, 'outdir', { value: outdir });
  const l4 = f.pool('l4', { minNodes: 0, maxNodes: 4 });
  const lab = f.platform.addExistingCluster('lab', { region: 'on-prem-fra' });
  new FakeWorkload(f.cluster, 'recs', (a, source) => estimateEndpointCost({
    source,
    pool: l4,
    minReplicas: 0,
    maxReplicas: 4,
    rpsPerReplica: 10,
    scaleDownDelay: Duration.minutes(10),
    coldStart: Duration.minutes(2),
    traffic: BURSTY,
  }, a).lines);
  new FakeWorkload(f.cluster, 'train', (a, source) => estimatePipelineCost({ source, runsPerMonth: 4, stages: [{ name: 'train', pool: l4, nodes: 2, duration: Duration.hours(6) }] }, a));
  // A bucket without its companions, suppressed with a reason: listed in the report.
  const bucket = new S3Bucket(f.cluster.infraStack, 'Scratch', { bucket: 'acme-scratch' });
  Policy.suppress(bucket, 'AIP-SEC-001', 'scratch data, SSE-S3 default is enough');
  Policy.suppress(bucket, 'AIP-SEC-002', 'scratch data');
  Policy.suppress(bucket, 'AIP-SEC-003', 'no public policy is ever attached');
  return { ...f, lab };
}

describe('platform report at synth', () => {
  const f = build();
  const synth = synthApp(f.app);
  const read = (file: string) => fs.readFileSync(path.join(synth.outdir, file), 'utf8');
  const json = JSON.parse(read('cost-report.json'));
  const md = read('cost-report.md');

  test('writes cost-report.md, cost-report.json and platform.md into the App outdir, next to the stacks', () => {
    expect(fs.readdirSync(synth.outdir).sort()).toEqual(['cost-report.json', 'cost-report.md', 'manifest.json', 'platform.md', 'stacks']);
  });

  test('the JSON holds the prices\' source, every assumption and the totals', () => {
    expect(json.platform).toBe('acme');
    expect(json.prices).toMatchObject({ region: 'us-east-1', retrievedAt: '2026-07-20T13:44:30Z' });
    expect(json.assumptions.find((a: any) => a.name === 'spotDiscount').value).toBe('60 % off On-Demand (Spot = On-Demand × 0.4)');
    // Pool 0–4 g6.xlarge; workloads within its bounds: the endpoint's 2 nodes × 141 min a day
    // (10 min scale-down delay + 60 s stable window + 10 min node delay) and the pipeline's 48 node-h.
    const expectedNodeHours = (2 * 141 / 60) * (730 / 24) + 48;
    expect(json.totals.lowUsd).toBe(0);
    expect(json.totals.expectedUsd).toBeCloseTo(expectedNodeHours * 0.8048, 3);
    expect(json.totals.highUsd).toBeCloseTo(2920 * 0.8048, 3);
    expect(json.totals.complete).toBe(true);
    expect(json.budget).toBeNull();
    expect(json.notIncluded.join(' ')).toMatch(/EKS control plane/);
  });

  test('the report cites where its data comes from (source and date), never a path a user does not have', () => {
    expect(json.prices.description).toMatch(/AWS Price List API/);
    expect(json.prices.description).toMatch(/aws\/karpenter-provider-aws/);
    expect(md).toMatch(/retrieved 2026-07-20T13:44:30Z, read 2026-11-29/);
    // The default assumptions (the Spot discount's basis is then the longest text) cite no path either.
    const defaults = JSON.stringify(new CostAssumptions().describe());
    expect(defaults).toMatch(/ASSUMED default/);
    for (const text of [md, JSON.stringify(json), defaults]) {
      expect(text).not.toMatch(/shared\/|\.\.\/|vendor\/|aws-accelerators\.json|README\.md/);
    }
  });

  test('the JSON lists the workloads with their inputs and the fixed / autoscaled / scale-to-zero comparison', () => {
    const recs = json.workloads.find((w: any) => w.source === 'acme/prod/recs');
    expect(recs.inputs).toMatchObject({ minReplicas: '0', maxReplicas: '4', coldStart: '2 minutes' });
    expect(recs.scenarios.map((s: any) => s.name)).toEqual(['fixed at peak (2 replicas)', 'autoscaled (min 1)', 'scale to zero']);
    const train = json.workloads.find((w: any) => w.source === 'acme/prod/train');
    expect(train.nodeHours.expected).toBe(48);
  });

  test('the Markdown shows the totals, pools, workloads, assumptions, prices and what is not included', () => {
    expect(md).toMatch(/^# Cost report: platform acme/);
    expect(md).toContain('| Upper bound: every pool at max nodes | 2,350.02 |');
    expect(md).toContain('| `acme/prod/l4` | 0–4 × g6.xlarge | on-demand | 0.8048 |');
    expect(md).toContain('### `acme/prod/recs` (endpoint)');
    expect(md).toMatch(/\| scale to zero \*\*\(configured\)\*\* \| 143 \| 115\.05 \|/);
    expect(md).toMatch(/\| fixed at peak \(2 replicas\) \| 1460 \| 1,175\.01 \|/);
    expect(md).toContain('## Assumptions');
    expect(md).toContain('| spotDiscount | 60 % off On-Demand');
    expect(md).toContain('## Not included');
  });

  test('policy findings and suppressions with their reasons are in the report', () => {
    expect(json.policy.enabled).toBe(true);
    expect(json.policy.rules).toHaveLength(18);
    expect(json.policy.suppressed.map((s: any) => [s.ruleId, s.suppressedBy.reason])).toEqual([
      ['AIP-SEC-001', 'scratch data, SSE-S3 default is enough'],
      ['AIP-SEC-002', 'scratch data'],
      ['AIP-SEC-003', 'no public policy is ever attached'],
    ]);
    expect(md).toContain('0 error(s), 0 warning(s), 3 suppressed.');
    expect(md).toContain('| AIP-SEC-002 | `acme-prod-infra/Scratch` | scratch data |');
  });

  test('platform.md: a Mermaid diagram of clusters, stacks (apply order), pools, add-ons and workloads', () => {
    const diagram = read('platform.md');
    expect(diagram).toMatch(/^# Platform acme\n\n```mermaid\nflowchart TB\n/);
    expect(diagram).toContain('subgraph n0["EKS cluster prod · us-east-1"]');
    expect(diagram).toContain('[["stack acme-prod-infra"]]');
    expect(diagram).toContain('GPU pool l4<br/>NVIDIA L4 · 0–4 × g6.xlarge · on-demand');
    expect(diagram).toContain('["endpoint recs"]');
    expect(diagram).toContain('["pipeline train"]');
    expect(diagram).toContain('existing cluster lab · on-prem-fra');
    expect(diagram).toMatch(/add-ons<br\/>nvidia-device-plugin 0\.20\.0/);
    const id = (label: string) => new RegExp(`\\s(n\\d+)\\S*"${label.replace(/[[\]]/g, '\\$&')}`).exec(diagram)![1];
    expect(diagram).toContain(`${id('stack acme-prod-infra')} --> ${id('stack acme-prod-addons')}`);
    expect(diagram).toContain(`${id('endpoint recs')} -->|runs on| ${id('GPU pool l4')}`);
    expect(diagram).toContain(`${id('pipeline train')} -->|runs on| ${id('GPU pool l4')}`);
  });

  test('deterministic: the same program writes the same bytes', () => {
    const again = synthApp(build().app);
    for (const file of ['cost-report.json', 'cost-report.md', 'platform.md']) {
      expect(fs.readFileSync(path.join(again.outdir, file), 'utf8')).toBe(read(file));
    }
  });

  test('the estimate is available from the platform too', () => {
    expect(f.platform.platformCostEstimate().totals.highUsd).toBeCloseTo(2920 * 0.8048, 6);
  });
});

describe('platform report options', () => {
  test('report: false writes no report', () => {
    const app = testApp();
    new AiPlatform(app, 'acme', { report: false }).addEksCluster('prod', PROD);
    expect(fs.readdirSync(synthApp(app).outdir).sort()).toEqual(['manifest.json', 'stacks']);
  });

  test('two platforms in one App write prefixed reports that do not overwrite each other', () => {
    const app = testApp();
    new AiPlatform(app, 'a').addEksCluster('prod', PROD);
    new AiPlatform(app, 'b').addExistingCluster('lab');
    const files = fs.readdirSync(synthApp(app).outdir).sort();
    expect(files).toEqual(['a.cost-report.json', 'a.cost-report.md', 'a.platform.md', 'b.cost-report.json', 'b.cost-report.md', 'b.platform.md', 'manifest.json', 'stacks']);
  });
});
