/**
 * `cdktf-ai-infra/testing` on a user's program: the snapshot projection and diff, `verifyOffline`
 * and the `cdktf-ai-infra verify` command (in process, without plans: the plans are covered by
 * test/verify and by the packed-tarball test in test/package).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { main } from '../../lib/testing/cli';
import { EKS_ACCESS } from '../support/eks-access';
import { defaultRegistry } from '../support/schemas';
import { Accelerator, AiPlatform, Capacity, GpuNodePool, NodeProvisioner } from 'cdktf-ai-infra';
import { diffResources, formatDiff, resourceIndex, snapshotProjection, synthesize, verifyOffline } from 'cdktf-ai-infra/testing';

function program(extraPool = false) {
  const app = Testing.app();
  const platform = new AiPlatform(app, 'acme', { tags: { team: 'ml' } });
  const cluster = platform.addEksCluster('prod', { region: 'us-east-1', availabilityZones: ['us-east-1a', 'us-east-1b'], karpenter: true, ...EKS_ACCESS });
  new GpuNodePool(cluster, 'l4', { provisioner: NodeProvisioner.KARPENTER, accelerator: Accelerator.NVIDIA_L4, capacity: Capacity.spot(), minNodes: 0, maxNodes: 4 });
  if (extraPool) new GpuNodePool(cluster, 'h100', { provisioner: NodeProvisioner.KARPENTER, accelerator: Accelerator.NVIDIA_H100, capacity: Capacity.onDemand(), minNodes: 0, maxNodes: 2 });
  return synthesize(app);
}

describe('snapshot projection and diff', () => {
  const a = program();
  const b = program();
  const c = program(true);

  test('the projection is stable between runs and holds no path of this machine', () => {
    expect(snapshotProjection(a)).toEqual(snapshotProjection(b));
    expect(a.outdir).not.toBe(b.outdir);
    const text = JSON.stringify(snapshotProjection(a));
    expect(text).not.toContain(a.outdir);
    expect(text).not.toMatch(/\/tmp\/|\/home\/|\/root\//);
    expect(Object.keys(snapshotProjection(a)).sort()).toEqual(['acme-prod-addons', 'acme-prod-infra', 'acme-prod-workloads']);
    expect((snapshotProjection(a)['acme-prod-workloads'] as any).kubernetesObjects).toContain('karpenter.sh/v1 NodePool /l4');
  });

  test('the diff names what a change adds, and nothing when nothing changed', () => {
    expect(diffResources(resourceIndex(a), resourceIndex(b))).toEqual({ added: [], removed: [], changed: [] });
    expect(formatDiff(diffResources(resourceIndex(a), resourceIndex(b)))).toBe('no changes');
    const diff = diffResources(resourceIndex(a), resourceIndex(c));
    expect(diff.added).toEqual(expect.arrayContaining(['acme-prod-workloads karpenter.sh/v1 NodePool /h100']));
    expect(diff.removed).toEqual([]);
    expect(formatDiff(diff)).toContain('+ acme-prod-workloads karpenter.sh/v1 NodePool /h100');
    expect(formatDiff(diffResources(resourceIndex(c), resourceIndex(a)))).toContain('- acme-prod-workloads karpenter.sh/v1 NodePool /h100');
  });

  test('verifyOffline without plans: objects valid, provider schemas conform, plans reported as skipped', () => {
    const result = verifyOffline(a, { plan: false, schemas: defaultRegistry() });
    expect(result.ok).toBe(true);
    expect(result.stacks.map((s) => [s.stack, s.plan.status]).sort()).toEqual([
      ['acme-prod-addons', 'skipped'], ['acme-prod-infra', 'skipped'], ['acme-prod-workloads', 'skipped'],
    ]);
    expect(result.stacks.find((s) => s.stack === 'acme-prod-workloads')!.kubernetes.objects).toBeGreaterThan(0);
  });

  test('the command prints a table and exits 0; an invalid object or block makes it exit 1 and name it', () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(main(['node', 'cdktf-ai-infra', 'verify', a.outdir, '--no-plan'], (t) => out.push(t), (t) => err.push(t))).toBe(0);
    expect(out.join('')).toMatch(/acme-prod-workloads .*│ skipped: plans not requested/);
    expect(out.join('')).toMatch(/verified 3 stack\(s\)/);

    // A broken copy: an unknown field in a NodePool and an unknown argument on a Helm release.
    const file = path.join(b.outdir, 'stacks', 'acme-prod-workloads', 'cdk.tf.json');
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const nodePool = Object.values<any>(json.resource.kubernetes_manifest).find((r) => r.manifest.kind === 'NodePool');
    nodePool.manifest.spec.template.spec.expireAfterr = '720h';
    fs.writeFileSync(file, JSON.stringify(json));
    const addons = path.join(b.outdir, 'stacks', 'acme-prod-addons', 'cdk.tf.json');
    const addonsJson = JSON.parse(fs.readFileSync(addons, 'utf8'));
    Object.values<any>(addonsJson.resource.helm_release)[0].chartt = 'x';
    fs.writeFileSync(addons, JSON.stringify(addonsJson));

    const out2: string[] = [];
    expect(main(['node', 'cdktf-ai-infra', 'verify', b.outdir, '--no-plan'], (t) => out2.push(t), () => undefined)).toBe(1);
    const text = out2.join('');
    expect(text).toMatch(/acme-prod-workloads: .*NodePool\/l4: \/spec\/template\/spec unknown field "expireAfterr"/);
    expect(text).toMatch(/acme-prod-addons: helm_release\..*: unknown argument "chartt"/);
    expect(text).toMatch(/FAILED: 2 of 3 stack\(s\)/);

    const json3: string[] = [];
    expect(main(['node', 'cdktf-ai-infra', 'verify', b.outdir, '--no-plan', '--json'], (t) => json3.push(t), () => undefined)).toBe(1);
    const parsed = JSON.parse(json3.join(''));
    expect(parsed.ok).toBe(false);
    expect(parsed.stacks.find((s: any) => s.stack === 'acme-prod-workloads').kubernetes.errors).toHaveLength(1);
  });

  test('the command rejects a folder that is not a synthesized output, and unknown options, with usage errors', () => {
    const err: string[] = [];
    expect(main(['node', 'cdktf-ai-infra', 'verify', path.join(a.outdir, 'nope'), '--no-plan'], () => undefined, (t) => err.push(t))).toBe(2);
    expect(err.join('')).toMatch(/^cdktf-ai-infra: .*nope is not a synthesized cdktf output folder: it has no manifest.json/);
    expect(main(['node', 'cdktf-ai-infra', 'verify', '--bogus'], () => undefined, (t) => err.push(t))).not.toBe(0);
    expect(err.join('')).toMatch(/unknown option '--bogus'/);
  });
});
