/**
 * Wiring checks over a synthesized program: what schema validation cannot see, but what decides
 * whether the objects work on a real cluster at the pinned versions.
 *
 * - {@link namespaceOrderProblems}: a namespaced `kubernetes_manifest` depends on the Namespace
 *   object of the same stack (else the first apply fails with "namespaces ... not found").
 * - {@link duplicateObjectProblems}: no two objects with the same identity (API group, kind,
 *   namespace, name) on one cluster (two Terraform resources would fight over one object).
 * - {@link argoRbacProblems}: the identity that performs each Argo workflow step may do what the
 *   step does (Argo v4.0.6: the executor's token, from the Secret `<sa>.service-account-token`,
 *   runs the init/wait containers and `argoexec resource`; workflowpod.go, operator.go).
 * - {@link gpuTolerationProblems}: a pod (or Helm-rendered pod) that selects the nodes of a
 *   tainted node pool of the program (Karpenter NodePool, EKS managed node group) tolerates the
 *   pool's NoSchedule/NoExecute taints.
 */
import { kubernetesObjects, resourcesOf, Synthesized } from './synth';

/** A Kubernetes object with where it is. */
interface Located { readonly stack: string; readonly id: string; readonly manifest: any; readonly dependsOn: string[] }

/** The cluster a stack belongs to: `<platform>-<cluster>` of `<platform>-<cluster>-<layer>`. */
export function clusterOfStack(stack: string): string {
  return stack.replace(/-(infra|addons|workloads)$/, '');
}

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Namespaced objects without `depends_on` on the Namespace their stack creates. */
export function namespaceOrderProblems(synth: Synthesized): string[] {
  const objects = kubernetesObjects(synth) as Located[];
  const namespaces = new Map<string, string>();
  for (const o of objects) {
    if (o.manifest.apiVersion === 'v1' && o.manifest.kind === 'Namespace') namespaces.set(`${o.stack}/${o.manifest.metadata.name}`, `kubernetes_manifest.${o.id}`);
  }
  return objects.flatMap((o) => {
    const ns = o.manifest.metadata?.namespace;
    const owner = typeof ns === 'string' ? namespaces.get(`${o.stack}/${ns}`) : undefined;
    return owner && !o.dependsOn.includes(owner) ? [`${o.stack}: ${o.manifest.kind} ${ns}/${o.manifest.metadata.name} does not depend on ${owner}`] : [];
  });
}

/** Objects declared twice on one cluster. */
export function duplicateObjectProblems(synth: Synthesized): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const o of kubernetesObjects(synth) as Located[]) {
    const m = o.manifest;
    const key = `${clusterOfStack(o.stack)}: ${groupOf(m.apiVersion)}/${m.kind} ${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    const where = `${o.stack}/${o.id}`;
    if (seen.has(key)) out.push(`${key} is declared by ${seen.get(key)} and ${where}`);
    else seen.set(key, where);
  }
  return out;
}

interface Rule { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] }

/** What a service account asks to do: `verb` on `group/resource` (named `name`) in namespace `where`. */
interface Access { readonly verb: string; readonly group: string; readonly resource: string; readonly where: string; readonly name?: string }

/** Whether service account `sa` of cluster `cluster` may do `a` (Roles and ClusterRoles through their bindings). */
function allowedAccess(objects: Located[], cluster: string, sa: { ns: string; name: string }, a: Access): boolean {
  const { verb, group, resource, where, name } = a;
  const onCluster = objects.filter((o) => clusterOfStack(o.stack) === cluster);
  const roles = (kind: string, ns?: string) => onCluster
    .filter((o) => o.manifest.kind === kind && (ns === undefined || o.manifest.metadata.namespace === ns));
  const grants = (rules: Rule[]) => rules.some((r) => (r.apiGroups.includes(group) || r.apiGroups.includes('*'))
    && (r.resources.includes(resource) || r.resources.includes('*'))
    && (r.verbs.includes(verb) || r.verbs.includes('*'))
    && (!r.resourceNames || (name !== undefined && r.resourceNames.includes(name))));
  const bindsSa = (b: any) => (b.subjects ?? []).some((s: any) => s.kind === 'ServiceAccount' && s.name === sa.name && s.namespace === sa.ns);
  for (const b of roles('RoleBinding', where).map((o) => o.manifest).filter(bindsSa)) {
    const role = b.roleRef.kind === 'Role'
      ? roles('Role', where).find((r) => r.manifest.metadata.name === b.roleRef.name)
      : roles('ClusterRole').find((r) => r.manifest.metadata.name === b.roleRef.name);
    if (role && grants(role.manifest.rules ?? [])) return true;
  }
  for (const b of roles('ClusterRoleBinding').map((o) => o.manifest).filter(bindsSa)) {
    const role = roles('ClusterRole').find((r) => r.manifest.metadata.name === b.roleRef.name);
    if (role && grants(role.manifest.rules ?? [])) return true;
  }
  return false;
}

/**
 * What an Argo resource step asks of the API server: its action on the manifest's object (and
 * `get` when it waits on conditions), or, for a step given by flags only (`kubectl <action>
 * <resource>.<group> --namespace n --selector ...`), the action on that resource (and `list` for a
 * selector).
 */
function resourceStepAccess(resource: any, workflowNamespace: string): Access[] {
  const flags: string[] = resource.flags ?? [];
  const flag = (name: string) => {
    const i = flags.indexOf(name);
    return i >= 0 ? flags[i + 1] : undefined;
  };
  if (resource.manifest) {
    const m = JSON.parse(resource.manifest);
    const base = { group: groupOf(m.apiVersion), resource: pluralOf(m.kind), where: m.metadata?.namespace ?? flag('--namespace') ?? workflowNamespace, name: m.metadata?.name };
    return [resource.action, ...(resource.successCondition || resource.failureCondition ? ['get'] : [])].map((verb: string) => ({ verb, ...base }));
  }
  const [plural, ...group] = String(flags[0]).split('.');
  const base = { group: group.join('.'), resource: plural, where: flag('--namespace') ?? workflowNamespace };
  return [resource.action, ...(flag('--selector') || flag('-l') ? ['list'] : [])].map((verb: string) => ({ verb, ...base }));
}

/** The plural resource name of a kind (the kinds our workflows create: JobSet, InferenceService, ...). */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  return lower.endsWith('s') ? `${lower}es` : `${lower}s`;
}

/**
 * For every WorkflowTemplate (and CronWorkflow / Workflow with an inline spec): each step's
 * executor identity has its token Secret and may write task results; a resource step's executor
 * may do its action on its object (and `get` it when it waits on conditions).
 */
export function argoRbacProblems(synth: Synthesized): string[] {
  const objects = kubernetesObjects(synth) as Located[];
  const out: string[] = [];
  for (const wt of objects.filter((o) => o.manifest.apiVersion === 'argoproj.io/v1alpha1' && o.manifest.kind === 'WorkflowTemplate')) {
    const cluster = clusterOfStack(wt.stack);
    const ns: string = wt.manifest.metadata.namespace;
    const spec = wt.manifest.spec;
    const label = `${ns}/WorkflowTemplate ${wt.manifest.metadata.name}`;
    for (const t of (spec.templates ?? []) as any[]) {
      if (!(t.container || t.script || t.resource || t.containerSet || t.data)) continue; // dag/steps/suspend: no pod
      const podSa: string = t.serviceAccountName ?? spec.serviceAccountName ?? 'default';
      const executor: string = t.executor?.serviceAccountName ?? spec.executor?.serviceAccountName ?? podSa;
      const automount = t.automountServiceAccountToken ?? spec.automountServiceAccountToken;
      const step = `${label} step ${t.name} (executor ${executor})`;
      if (executor !== podSa || automount === false) {
        const token = objects.find((o) => clusterOfStack(o.stack) === cluster && o.manifest.kind === 'Secret' && o.manifest.metadata.namespace === ns
          && o.manifest.metadata.name === `${executor}.service-account-token`);
        if (!token || token.manifest.type !== 'kubernetes.io/service-account-token' || token.manifest.metadata.annotations?.['kubernetes.io/service-account.name'] !== executor) {
          out.push(`${step}: no Secret ${ns}/${executor}.service-account-token of type kubernetes.io/service-account-token for its executor (Argo mounts it; pods hang in ContainerCreating)`);
        }
      }
      for (const verb of ['create', 'patch']) {
        const a = { verb, group: 'argoproj.io', resource: 'workflowtaskresults', where: ns };
        if (!allowedAccess(objects, cluster, { ns, name: executor }, a)) out.push(`${step}: may not ${verb} workflowtaskresults`);
      }
      if (t.resource) {
        for (const need of resourceStepAccess(t.resource, ns)) {
          if (!allowedAccess(objects, cluster, { ns, name: executor }, need)) {
            out.push(`${step}: may not ${need.verb} ${need.group}/${need.resource} in ${need.where} (argoexec resource ${t.resource.action} runs with the executor's token)`);
          }
        }
      }
    }
  }
  return out;
}

interface NodePool { readonly name: string; readonly labels: Record<string, string>; readonly taints: Array<{ key: string; effect: string }> }

const EKS_EFFECTS: Record<string, string> = { NO_SCHEDULE: 'NoSchedule', NO_EXECUTE: 'NoExecute', PREFER_NO_SCHEDULE: 'PreferNoSchedule' };

/** Node pools of the program per cluster: Karpenter NodePools and EKS managed node groups. */
function nodePools(synth: Synthesized): Map<string, NodePool[]> {
  const pools = new Map<string, NodePool[]>();
  const add = (cluster: string, p: NodePool) => pools.set(cluster, [...(pools.get(cluster) ?? []), p]);
  for (const o of kubernetesObjects(synth)) {
    const m = o.manifest;
    if (m.apiVersion !== 'karpenter.sh/v1' || m.kind !== 'NodePool') continue;
    const tpl = m.spec.template;
    const labels: Record<string, string> = { ...(tpl.metadata?.labels ?? {}) };
    for (const r of tpl.spec.requirements ?? []) if (r.operator === 'In' && r.values?.length === 1) labels[r.key] = r.values[0];
    add(clusterOfStack(o.stack), { name: `NodePool ${m.metadata.name}`, labels, taints: tpl.spec.taints ?? [] });
  }
  for (const s of synth.stacks) {
    for (const g of Object.values<any>(resourcesOf(s, 'aws_eks_node_group'))) {
      const taints = (g.taint ?? []).map((t: any) => ({ key: t.key, effect: EKS_EFFECTS[t.effect] ?? t.effect }));
      add(clusterOfStack(s.name), { name: `node group ${g.node_group_name ?? g.node_group_name_prefix}`, labels: g.labels ?? {}, taints });
    }
  }
  return pools;
}

/** Every object below `value` that places pods: it has a `nodeSelector` map (with `tolerations` beside it). */
function placements(value: unknown, where: string, out: Array<{ where: string; nodeSelector: Record<string, string>; tolerations: any[] }>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => placements(v, `${where}[${i}]`, out));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const o = value as Record<string, any>;
  if (o.nodeSelector && typeof o.nodeSelector === 'object' && !Array.isArray(o.nodeSelector)) {
    out.push({ where, nodeSelector: o.nodeSelector, tolerations: Array.isArray(o.tolerations) ? o.tolerations : [] });
  }
  for (const [k, v] of Object.entries(o)) {
    // Argo resource templates embed their object as a JSON string.
    if (k === 'manifest' && typeof v === 'string' && v.trim().startsWith('{')) placements(JSON.parse(v), `${where}.${k}`, out);
    else placements(v, `${where}.${k}`, out);
  }
}

function tolerates(tolerations: any[], taint: { key: string; effect: string }): boolean {
  return tolerations.some((t) => (t.operator === 'Exists' && (t.key === undefined || t.key === taint.key) || t.key === taint.key)
    && (t.effect === undefined || t.effect === '' || t.effect === taint.effect));
}

/** Pods that select the nodes of a tainted pool of their cluster without tolerating its taints. */
export function gpuTolerationProblems(synth: Synthesized): string[] {
  const pools = nodePools(synth);
  const out: string[] = [];
  const check = (cluster: string, label: string, value: unknown) => {
    const found: Array<{ where: string; nodeSelector: Record<string, string>; tolerations: any[] }> = [];
    placements(value, label, found);
    for (const p of found) {
      const entries = Object.entries(p.nodeSelector);
      if (!entries.length) continue;
      for (const pool of pools.get(cluster) ?? []) {
        if (!entries.every(([k, v]) => pool.labels[k] === v)) continue;
        for (const taint of pool.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) {
          if (!tolerates(p.tolerations, taint)) out.push(`${p.where}: selects ${pool.name} but does not tolerate ${taint.key}:${taint.effect}`);
        }
      }
    }
  };
  for (const o of kubernetesObjects(synth)) {
    check(clusterOfStack(o.stack), `${o.stack} ${o.manifest.kind} ${o.manifest.metadata.namespace ?? ''}/${o.manifest.metadata.name}`, o.manifest);
  }
  for (const s of synth.stacks) {
    for (const r of Object.values<any>(resourcesOf(s, 'helm_release'))) {
      for (const v of r.values ?? []) check(clusterOfStack(s.name), `${s.name} helm_release ${r.name} values`, typeof v === 'string' ? JSON.parse(v) : v);
    }
  }
  return out;
}
