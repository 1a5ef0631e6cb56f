/**
 * A Mermaid diagram of a platform, generated from its construct tree: clusters with their stacks
 * (in apply order), GPU pools, add-ons, and the workloads (endpoints, pipelines, functions) that
 * run on the pools. Deterministic: ids follow the tree order.
 */
import { TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
import { CostCategories, CostLineKinds } from '../cost/cost-line';
import type { PlatformCostEstimate } from '../cost/estimate';
import { HelmAddon } from '../kubernetes/helm-addon';

/** Render the Mermaid `flowchart` of `platform` (without the Markdown fence). */
export function platformDiagram(platform: IConstruct, stacks: TerraformStack[], estimate?: PlatformCostEstimate): string {
  const out: string[] = ['flowchart TB'];
  const ids = new Map<string, string>();
  let next = 0;
  const idOf = (key: string) => {
    if (!ids.has(key)) ids.set(key, `n${next++}`);
    return ids.get(key)!;
  };
  const edges: string[] = [];
  const clusters = platform.node.children.filter(isCluster);
  const clusterStacks = new Set<TerraformStack>();
  const workloadsByCluster = new Map<IConstruct, string[]>();

  // Workloads: cost sources that are not pools, grouped by source, with the pools they run on.
  const workloadSources = new Map<string, { category: string; pools: Set<string> }>();
  for (const line of estimate?.lines ?? []) {
    if (line.kind !== CostLineKinds.USAGE) continue;
    const w = workloadSources.get(line.source) ?? { category: line.category, pools: new Set<string>() };
    if (line.poolPath) w.pools.add(line.poolPath);
    workloadSources.set(line.source, w);
  }
  for (const c of platform.node.findAll()) {
    const x = c as any;
    if (typeof x.endpointName === 'string' && x.promotion !== undefined && !workloadSources.has(c.node.path)) {
      workloadSources.set(c.node.path, { category: CostCategories.ENDPOINT, pools: new Set(x.pool?.node?.path ? [x.pool.node.path] : []) });
    }
  }

  for (const cluster of clusters) {
    const x = cluster as any;
    const cid = idOf(cluster.node.path);
    out.push(`  subgraph ${cid}["${esc(`${x.kind?.name === 'eks' ? 'EKS cluster' : `${x.kind?.name ?? ''} cluster`} ${cluster.node.id}${x.region ? ` · ${x.region}` : ''}`)}"]`);
    out.push('    direction TB');
    for (const layer of ['infra', 'addons', 'workloads']) {
      const stack: TerraformStack | undefined = x.stacks[layer];
      if (!stack) continue;
      clusterStacks.add(stack);
      out.push(`    ${idOf(stack.node.path)}[["${esc(`stack ${stack.node.id}`)}"]]`);
    }
    for (const pool of cluster.node.findAll().filter(isPool)) {
      out.push(`    ${idOf(pool.node.path)}(["${esc(poolLabel(pool))}"])`);
    }
    const addonsStack = x.stacks.addons as TerraformStack | undefined;
    const addons = addonsStack ? addonsStack.node.findAll().filter((a): a is HelmAddon => a instanceof HelmAddon && a.resource !== undefined) : [];
    if (addons.length) {
      const list = addons.map((a) => `${a.releaseName} ${a.chart.version}`).join('<br/>');
      out.push(`    ${idOf(`${cluster.node.path}#addons`)}[/"${esc('add-ons')}<br/>${esc(list)}"/]`);
      edges.push(`  ${idOf(`${cluster.node.path}#addons`)} -.- ${idOf(x.stacks.addons.node.path)}`);
    }
    for (const [source, w] of workloadSources) {
      if (!source.startsWith(`${cluster.node.path}/`)) continue;
      workloadsByCluster.set(cluster, [...(workloadsByCluster.get(cluster) ?? []), source]);
      out.push(`    ${idOf(source)}["${esc(`${w.category} ${source.slice(cluster.node.path.length + 1)}`)}"]`);
    }
    out.push('  end');
  }
  const others = stacks.filter((s) => !clusterStacks.has(s));
  for (const s of others) {
    out.push(`  ${idOf(s.node.path)}[["${esc(`stack ${s.node.id}`)}"]]`);
    // Buckets the platform keeps in its storage stacks.
    for (const b of s.node.children.filter(isPlatformBucket)) {
      out.push(`  ${idOf(b.node.path)}[("${esc(`bucket ${(b as any).bucketName}`)}")]`);
      edges.push(`  ${idOf(b.node.path)} -.- ${idOf(s.node.path)}`);
    }
  }
  for (const [source, w] of workloadSources) {
    if (!clusters.some((c) => source.startsWith(`${c.node.path}/`))) out.push(`  ${idOf(source)}["${esc(`${w.category} ${source}`)}"]`);
  }
  for (const s of stacks) {
    for (const dep of s.dependencies) if (stacks.includes(dep)) edges.push(`  ${idOf(dep.node.path)} --> ${idOf(s.node.path)}`);
  }
  for (const [source, w] of workloadSources) {
    for (const pool of [...w.pools].sort()) if (ids.has(pool)) edges.push(`  ${idOf(source)} -->|runs on| ${idOf(pool)}`);
  }
  for (const c of platform.node.findAll()) {
    const x = c as any;
    const targets: any[] = Array.isArray(x.promotionTargets) ? x.promotionTargets : x.promoteTo ? [x.promoteTo] : [];
    for (const target of targets) {
      if (target?.node?.path && ids.has(c.node.path) && ids.has(target.node.path)) edges.push(`  ${idOf(c.node.path)} -->|promotes to| ${idOf(target.node.path)}`);
    }
  }
  return [...out, ...edges].join('\n') + '\n';
}

function poolLabel(pool: IConstruct): string {
  const p = pool as any;
  const nodes = Array.isArray(p.instanceTypes)
    ? `${p.minNodes}–${p.maxNodes} × ${p.instanceTypes[0]}${p.instanceTypes.length > 1 ? ` (+${p.instanceTypes.length - 1} types)` : ''}`
    : `existing nodes, ${p.maxUnits} × ${p.resourceName}`;
  const sharing = p.sharing && p.sharing.kind !== 'exclusive' ? ` · ${p.sharing.toString()}` : '';
  return `GPU pool ${p.poolName}<br/>${p.accelerator?.model ?? p.accelerator?.name} · ${nodes} · ${p.capacity?.toString() ?? ''}${sharing}`;
}

function isCluster(c: IConstruct): boolean {
  const x = c as any;
  return typeof x.clusterName === 'string' && typeof x.stacks === 'object' && x.stacks !== null;
}

function isPlatformBucket(c: IConstruct): boolean {
  const x = c as any;
  return typeof x.bucketName === 'string' && typeof x.bucketArn === 'string' && typeof x.uri === 'function';
}

function isPool(c: IConstruct): boolean {
  const x = c as any;
  return typeof x.poolName === 'string' && typeof x.resourceName === 'string' && x.accelerator !== undefined;
}

/** Escape text for a quoted Mermaid label; `<br/>` line breaks are kept. */
function esc(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/#lt;br\/#gt;/g, '<br/>');
}
